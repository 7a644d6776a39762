// RateTracker: predictive monitoring of occurrence rates. Keeps a bounded set of rate series
// (per signature, per host, per listener), learns each one's seasonal baseline, and turns what it
// sees into alerts: anomalies against the baseline, rising trends, and forecasts of when a trend
// crosses a configured threshold.
//
//   observe(counts, now)  add per-series counts of one batch to the open minute
//   advance(now)          close the minutes before `now`:
//     every minute:  each series' window against its baseline (anomaly state machine below)
//     every UTC day: each series' trend of daily totals (trend.rising, forecast.threshold)
//
// Anomaly state machine of one series (one anomaly at a time), checked at every minute close:
//
//        condition held `sustain_minutes` in a row        condition false `resolve_minutes`
//   quiet ------------------------------------------> open ------------------------------> quiet
//         (new_series opens at once)      emits `anomaly`            in a row: `anomaly.resolved`
//
// The condition is one of: above (far above the baseline over the above window), below (a
// heartbeat-like series far below it), new_series (a young series at a high count). The method
// and its limits are in docs/predictive.md; every knob is in trend_options.h.
//
// Time is passed in (event time in replay, arrival time live) as UTC microseconds; the tracker
// never reads a clock. Counts for a minute already closed are added to the open minute and
// counted as late. A jump forward by more than two hours closes only the last two hours'
// minutes one by one (the skipped ones are counted); day closes in the jump are still evaluated.
//
// Memory: at most `max_series` series of fixed size; a new series beyond the cap first evicts
// the least active 1/16 of the cap. No allocation per call in steady state except for new
// series and alerts.
//
// Thread-safety: none. One tracker per detection pipeline; the caller serialises calls.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/detect/alert.h"
#include "daemon/trend/baseline.h"
#include "daemon/trend/trend_fit.h"
#include "daemon/trend/trend_options.h"
#include "parsers/base/expected.h"

namespace logsift::trend {

std::string_view series_kind_name(SeriesKind k);  // "signature", "host", "listener"

// Occurrences of one series in one batch. Views, valid during the call only.
struct SeriesCount {
  SeriesKind kind = SeriesKind::kSignature;
  std::string_view key;            // signature: 16-hex signature id; host or listener name
  std::string_view label;          // signature: its rule id (kept from the first count)
  std::uint64_t signature_id = 0;  // signature: the detect signature id
  std::uint64_t count = 0;
};

struct TrendCounters {
  std::uint64_t series_live = 0;
  std::uint64_t series_created = 0;
  std::uint64_t series_evicted = 0;     // dropped for the max_series cap
  std::uint64_t occurrences = 0;        // counts added
  std::uint64_t late_occurrences = 0;   // ... whose minute had closed (added to the open one)
  std::uint64_t minutes_closed = 0;
  std::uint64_t minutes_skipped = 0;    // closed without evaluation in a jump of time
  std::uint64_t days_closed = 0;
  std::uint64_t anomalies_open = 0;
  std::uint64_t anomalies_opened = 0;
  std::uint64_t anomalies_resolved = 0;
  std::uint64_t trend_alerts = 0;
  std::uint64_t forecast_alerts = 0;
};

// What a series looked like recently, for small plots (status page, JSON). Counts are
// occurrences; -1 = unknown (before the series existed or beyond what its rings keep).
struct RatePlot {
  std::vector<std::int64_t> minutes;   // the 60 minutes ending with the open one, oldest first
  std::vector<std::int64_t> hours;     // the 24 complete hours before the open one
  std::vector<double> expected_hours;  // their seasonal baseline; -1 while not trusted
  std::vector<std::int64_t> days;      // the trend window's complete days, the last one last
  std::vector<double> trend_days;      // the fitted trend on those days; empty without a fit
};

// One series as reports show it (JSON endpoint, metrics, replay report).
struct SeriesReport {
  SeriesKind kind = SeriesKind::kSignature;
  std::string key;
  std::string label;
  std::int64_t first_seen_us = 0;
  std::uint64_t last_hour = 0;        // occurrences in the last complete hour
  Baseline last_hour_baseline;        // what was expected for it
  std::uint64_t last_day = 0;         // occurrences on the last complete day
  std::uint64_t last_7_days = 0;      // the activity eviction ranks by
  bool heartbeat = false;
  std::string_view anomaly;           // the open anomaly's kind, "" when none
  double anomaly_score = 0;
  std::optional<TrendFit> trend;      // from the last day close, with the day axis below
  std::int64_t trend_last_day_us = 0; // start of the last day the trend fitted
  double threshold_per_day = 0;       // 0 when no threshold applies
  std::int64_t crossing_us = 0;       // forecast crossing, 0 when none
  std::optional<RatePlot> plot;       // only when ReportQuery::plots asked for it
};

// Which series a report covers.
struct ReportQuery {
  std::size_t n = 10;               // the `n` most active (last 7 days, then key)
  std::optional<SeriesKind> kind;   // only series of this kind; every kind when empty
  bool plots = false;               // fill SeriesReport::plot
};

// A snapshot that cannot be restored.
struct TrendSnapshotError {
  enum class Kind : std::uint8_t { kBadMagic, kUnsupportedVersion, kTruncated, kCorrupt, kMismatch };
  Kind kind = Kind::kCorrupt;
  std::string message;  // names the byte offset
};

class RateTracker {
 public:
  explicit RateTracker(TrendOptions options = {});
  ~RateTracker();
  RateTracker(RateTracker&&) noexcept;
  RateTracker& operator=(RateTracker&&) noexcept;

  // Closes minutes before `now_us` (as advance), then adds each count to its series.
  void observe(std::span<const SeriesCount> counts, std::int64_t now_us, std::vector<detect::Alert>& out);
  // Closes every minute before the minute of `now_us`; appends the alerts that causes.
  void advance(std::int64_t now_us, std::vector<detect::Alert>& out);

  // The `n` most active series (by last-7-days occurrences, then key), busiest first.
  std::vector<SeriesReport> top_series(std::size_t n) const;
  // The same, filtered by kind and with plots on request.
  std::vector<SeriesReport> reports(const ReportQuery& query) const;
  TrendCounters counters() const;
  const TrendOptions& options() const;

  // The whole state as bytes (the caller writes them, e.g. beside the detection snapshots).
  std::string save() const;
  // Replaces the state with `bytes`; on error the current state is kept. Returns series restored.
  Expected<std::size_t, TrendSnapshotError> restore(std::string_view bytes);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace logsift::trend
