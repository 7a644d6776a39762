// RateTracker internals shared by rate_tracker.cc (series, minutes, anomalies),
// tracker_days.cc (day closes: trends, forecasts, alerts) and tracker_snapshot.cc.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/trend/rate_tracker.h"
#include "daemon/trend/rate_history.h"

namespace logsift::trend {

inline constexpr std::int64_t kNoMinute = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kNoDay = std::numeric_limits<std::int64_t>::min() / 2;

enum class AnomalyKind : std::uint8_t { kNone, kAbove, kBelow, kNewSeries };
std::string_view anomaly_kind_name(AnomalyKind k);  // "", "above", "below", "new_series"

// One evaluation of an anomaly condition over a window ending at a closed minute.
struct Check {
  bool holds = false;
  double observed = 0;
  double expected = 0;
  double score = 0;
  int window_minutes = 0;
  BaselineMode mode = BaselineMode::kNone;
};

struct Series {
  Series(const SeriesCount& c, std::uint64_t identity, std::int64_t minute, const TrendOptions& o)
      : kind(c.kind), hash(identity), signature_id(c.signature_id), key(c.key), label(c.label),
        history(o.hour_slots, o.day_slots, minute) {}

  SeriesKind kind;
  std::uint64_t hash;          // identity: XXH3 of (kind, key)
  std::uint64_t signature_id;  // signature series only
  std::string key;
  std::string label;
  RateHistory history;

  // Anomaly state (persisted).
  AnomalyKind open = AnomalyKind::kNone;
  AnomalyKind candidate = AnomalyKind::kNone;
  std::uint32_t streak = 0;        // consecutive minutes the candidate's condition held
  std::uint32_t clear_streak = 0;  // consecutive minutes the open condition did not
  std::int64_t opened_us = 0;
  std::uint64_t problem_id = 0;
  bool new_series_done = false;
  Check last;                      // the latest check of the open anomaly
  // Trend state (persisted).
  std::int64_t rising_alert_day = kNoDay;
  std::int64_t forecast_alert_day = kNoDay;

  // Derived, recomputed on demand (not persisted).
  std::array<Baseline, 3> baselines{};
  std::array<std::int64_t, 3> baseline_hours{kNoMinute, kNoMinute, kNoMinute};
  std::int64_t heartbeat_hour = kNoMinute;
  bool heartbeat = false;
  std::optional<TrendFit> fit;   // from the latest day close
  std::int64_t fit_first_day = 0;  // absolute day of index 0 of the fit's axis
  double threshold = 0;
  std::optional<Crossing> crossing;
};

class RateTracker::Impl {
 public:
  explicit Impl(TrendOptions o) : options_(std::move(o)) {}

  // rate_tracker.cc
  Series& find_or_create(const SeriesCount& c, std::int64_t minute);
  void close_until(std::int64_t minute, std::vector<detect::Alert>& out);
  void evaluate_anomaly(Series& s, std::int64_t minute, std::vector<detect::Alert>& out);
  Check check(Series& s, AnomalyKind kind, std::int64_t minute);
  const Baseline& baseline(Series& s, std::int64_t hour);
  bool heartbeat(Series& s, std::int64_t hour);
  std::uint64_t activity(const Series& s) const;
  void evict_least_active();

  // tracker_days.cc
  void close_day(std::int64_t day, std::vector<detect::Alert>& out);
  double threshold_for(const Series& s) const;
  detect::Alert make_alert(const Series& s, detect::AlertAction action, std::int64_t time_us,
                           std::string_view kind) const;
  void emit_anomaly(Series& s, detect::AlertAction action, std::int64_t time_us,
                    std::vector<detect::Alert>& out);
  SeriesReport report(const Series& s) const;
  RatePlot plot(const Series& s) const;

  TrendOptions options_;
  std::vector<Series> series_;
  std::unordered_map<std::uint64_t, std::uint32_t> index_;  // hash -> position in series_
  std::int64_t clock_minute_ = kNoMinute;                   // the open minute
  TrendCounters counters_;
};

std::uint64_t series_hash(SeriesKind kind, std::string_view key);

}  // namespace logsift::trend
