// RateTracker: series, the minute clock and the anomaly state machine (drawn in rate_tracker.h).
#include "daemon/trend/rate_tracker.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>

#include "daemon/trend/tracker_impl.h"

namespace logsift::trend {
namespace {

// Longest jump of time whose minutes are each evaluated; older ones in a jump are skipped.
constexpr std::int64_t kMaxEvaluatedMinutes = 120;
constexpr std::array<int, 5> kBelowWindows = {10, 20, 30, 60, 120};

std::int64_t minute_of(std::int64_t us) { return floor_div(us, kUsPerMinute); }
std::int64_t hour_of(std::int64_t minute) { return floor_div(minute, kMinutesPerHour); }

}  // namespace

std::string_view series_kind_name(SeriesKind k) {
  switch (k) {
    case SeriesKind::kSignature: return "signature";
    case SeriesKind::kHost: return "host";
    case SeriesKind::kListener: return "listener";
    case SeriesKind::kService: return "service";
  }
  return "";
}

std::string_view anomaly_kind_name(AnomalyKind k) {
  switch (k) {
    case AnomalyKind::kNone: return "";
    case AnomalyKind::kAbove: return "above";
    case AnomalyKind::kBelow: return "below";
    case AnomalyKind::kNewSeries: return "new_series";
  }
  return "";
}

std::uint64_t series_hash(SeriesKind kind, std::string_view key) {
  return XXH3_64bits_withSeed(key.data(), key.size(), static_cast<std::uint64_t>(kind) + 1);
}

std::uint64_t RateTracker::Impl::activity(const Series& s) const {
  return s.history.recent_total(7 * 24);
}

void RateTracker::Impl::evict_least_active() {
  // Series with an open anomaly go last: evicting them would leave the anomaly open forever.
  struct Rank {
    bool open;
    std::uint64_t activity;
    std::int64_t newest;
    std::uint32_t index;
  };
  std::vector<Rank> ranks;
  ranks.reserve(series_.size());
  for (std::uint32_t i = 0; i < series_.size(); ++i) {
    const Series& s = series_[i];
    ranks.push_back({s.open != AnomalyKind::kNone, activity(s), s.history.newest_minute(), i});
  }
  const std::size_t k = std::clamp<std::size_t>(options_.max_series / 16, 1, ranks.size());
  std::nth_element(ranks.begin(), ranks.begin() + static_cast<std::ptrdiff_t>(k - 1), ranks.end(),
                   [](const Rank& a, const Rank& b) {
                     if (a.open != b.open) return !a.open;
                     if (a.activity != b.activity) return a.activity < b.activity;
                     return a.newest < b.newest;
                   });
  ranks.resize(k);
  std::sort(ranks.begin(), ranks.end(), [](const Rank& a, const Rank& b) { return a.index > b.index; });
  for (const Rank& r : ranks) {  // highest index first, so swap-and-pop keeps lower ones valid
    if (series_[r.index].open != AnomalyKind::kNone) --counters_.anomalies_open;
    index_.erase(series_[r.index].hash);
    if (r.index + 1 != series_.size()) {
      series_[r.index] = std::move(series_.back());
      index_[series_[r.index].hash] = r.index;
    }
    series_.pop_back();
    ++counters_.series_evicted;
  }
}

Series& RateTracker::Impl::find_or_create(const SeriesCount& c, std::int64_t minute) {
  const std::uint64_t hash = series_hash(c.kind, c.key);
  if (auto it = index_.find(hash); it != index_.end()) return series_[it->second];
  if (series_.size() >= std::max<std::size_t>(options_.max_series, 1)) evict_least_active();
  series_.emplace_back(c, hash, minute, options_);
  index_[hash] = static_cast<std::uint32_t>(series_.size() - 1);
  ++counters_.series_created;
  return series_.back();
}

const Baseline& RateTracker::Impl::baseline(Series& s, std::int64_t hour) {
  const auto slot = static_cast<std::size_t>(((hour % 3) + 3) % 3);
  if (s.baseline_hours[slot] != hour) {
    s.baselines[slot] = hourly_baseline(s.history, hour, options_);
    s.baseline_hours[slot] = hour;
  }
  return s.baselines[slot];
}

bool RateTracker::Impl::heartbeat(Series& s, std::int64_t hour) {
  if (s.heartbeat_hour != hour) {
    s.heartbeat = heartbeat_like(s.history, hour, options_);
    s.heartbeat_hour = hour;
  }
  return s.heartbeat;
}

Check RateTracker::Impl::check(Series& s, AnomalyKind kind, std::int64_t minute) {
  Check c;
  // Expected count and spread over the `w` minutes ending at `minute`, hour by hour.
  auto expect = [&](int w) {
    c.window_minutes = w;
    c.expected = 0;
    double spread = 0;
    const std::int64_t first = minute - w + 1;
    for (std::int64_t h = hour_of(first); h <= hour_of(minute); ++h) {
      const Baseline& b = baseline(s, h);
      if (b.mode == BaselineMode::kNone) return false;
      const std::int64_t lo = std::max(first, h * kMinutesPerHour);
      const std::int64_t hi = std::min(minute, h * kMinutesPerHour + kMinutesPerHour - 1);
      const double share = static_cast<double>(hi - lo + 1) / kMinutesPerHour;
      c.expected += b.expected_per_hour * share;
      spread += b.spread_per_hour * share;
      c.mode = b.mode;
    }
    c.observed = static_cast<double>(s.history.sum_minutes(minute, w));
    c.score = std::max(spread, std::sqrt(std::max(c.expected, 1.0)));
    return true;
  };
  switch (kind) {
    case AnomalyKind::kNone: break;
    case AnomalyKind::kNewSeries:
      c.window_minutes = options_.above_window_minutes;
      c.observed = static_cast<double>(s.history.sum_minutes(minute, c.window_minutes));
      c.holds = c.observed >= options_.new_series_min_count;
      break;
    case AnomalyKind::kAbove:
      if (!expect(options_.above_window_minutes)) break;
      c.score = (c.observed - c.expected) / c.score;
      c.holds = c.observed >= options_.above_ratio * c.expected && c.score >= options_.min_score &&
                c.observed - c.expected >= options_.min_excess;
      break;
    case AnomalyKind::kBelow:
      for (int w : kBelowWindows) {
        if (!expect(w)) return Check{};
        if (c.expected >= options_.below_min_expected) {
          c.score = (c.expected - c.observed) / c.score;
          c.holds = c.observed <= options_.below_ratio * c.expected;
          return c;
        }
      }
      return Check{};
  }
  return c;
}

void RateTracker::Impl::evaluate_anomaly(Series& s, std::int64_t minute, std::vector<detect::Alert>& out) {
  const std::int64_t end_us = (minute + 1) * kUsPerMinute;
  if (s.open != AnomalyKind::kNone) {
    const Check c = check(s, s.open, minute);
    if (c.holds) {
      s.clear_streak = 0;
      s.last = c;
    } else if (++s.clear_streak >= static_cast<std::uint32_t>(std::max(options_.resolve_minutes, 1))) {
      s.last = c;
      emit_anomaly(s, detect::AlertAction::kAnomalyResolved, end_us, out);
      s.open = AnomalyKind::kNone;
      s.candidate = AnomalyKind::kNone;
      s.streak = 0;
      s.clear_streak = 0;
      --counters_.anomalies_open;
      ++counters_.anomalies_resolved;
    }
    return;
  }

  AnomalyKind kind = AnomalyKind::kNone;
  Check c;
  const std::int64_t age_minutes = minute - s.history.first_minute() + 1;
  if (!s.new_series_done && options_.new_series_minutes > 0) {
    if (age_minutes > options_.new_series_minutes) {
      s.new_series_done = true;
    } else if (c = check(s, AnomalyKind::kNewSeries, minute); c.holds) {
      kind = AnomalyKind::kNewSeries;
      s.new_series_done = true;
      s.candidate = kind;
      s.streak = static_cast<std::uint32_t>(options_.sustain_minutes);  // opens at once
    }
  }
  if (kind == AnomalyKind::kNone) {
    if (c = check(s, AnomalyKind::kAbove, minute); c.holds) {
      kind = AnomalyKind::kAbove;
    } else if (heartbeat(s, hour_of(minute))) {
      if (c = check(s, AnomalyKind::kBelow, minute); c.holds) kind = AnomalyKind::kBelow;
    }
  }
  if (kind == AnomalyKind::kNone) {
    s.candidate = AnomalyKind::kNone;
    s.streak = 0;
    return;
  }
  if (kind != s.candidate) {
    s.candidate = kind;
    s.streak = 0;
  }
  if (++s.streak < static_cast<std::uint32_t>(std::max(options_.sustain_minutes, 1))) return;
  s.open = kind;
  s.last = c;
  s.clear_streak = 0;
  s.opened_us = end_us;
  const std::uint64_t words[3] = {s.hash, static_cast<std::uint64_t>(minute), static_cast<std::uint64_t>(kind)};
  s.problem_id = XXH3_64bits(words, sizeof words);
  ++counters_.anomalies_open;
  ++counters_.anomalies_opened;
  emit_anomaly(s, detect::AlertAction::kAnomaly, end_us, out);
}

void RateTracker::Impl::close_until(std::int64_t target, std::vector<detect::Alert>& out) {
  if (clock_minute_ == kNoMinute || target <= clock_minute_) {
    if (clock_minute_ == kNoMinute) clock_minute_ = target;
    return;
  }
  const std::int64_t evaluate_from = std::max(clock_minute_, target - kMaxEvaluatedMinutes);
  // Day closes inside the skipped part of a jump: trends still move on, one day at a time.
  for (std::int64_t d = floor_div(clock_minute_, kMinutesPerDay); (d + 1) * kMinutesPerDay <= evaluate_from; ++d) {
    close_day(d, out);
  }
  counters_.minutes_skipped += static_cast<std::uint64_t>(evaluate_from - clock_minute_);
  counters_.minutes_closed += static_cast<std::uint64_t>(target - clock_minute_);
  for (std::int64_t m = evaluate_from; m < target; ++m) {
    for (Series& s : series_) {
      s.history.roll_to(m);
      evaluate_anomaly(s, m, out);
    }
    if ((m + 1) % kMinutesPerDay == 0) close_day(floor_div(m, kMinutesPerDay), out);
  }
  clock_minute_ = target;
}

RateTracker::RateTracker(TrendOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
RateTracker::~RateTracker() = default;
RateTracker::RateTracker(RateTracker&&) noexcept = default;
RateTracker& RateTracker::operator=(RateTracker&&) noexcept = default;

void RateTracker::observe(std::span<const SeriesCount> counts, std::int64_t now_us,
                          std::vector<detect::Alert>& out) {
  Impl& t = *impl_;
  const std::int64_t minute = minute_of(now_us);
  t.close_until(minute, out);
  for (const SeriesCount& c : counts) {
    if (c.count == 0) continue;
    Series& s = t.find_or_create(c, t.clock_minute_);
    s.history.roll_to(t.clock_minute_);
    s.history.add(c.count);
    t.counters_.occurrences += c.count;
    if (minute < t.clock_minute_) t.counters_.late_occurrences += c.count;
  }
}

void RateTracker::advance(std::int64_t now_us, std::vector<detect::Alert>& out) {
  impl_->close_until(minute_of(now_us), out);
}

TrendCounters RateTracker::counters() const {
  TrendCounters c = impl_->counters_;
  c.series_live = impl_->series_.size();
  return c;
}

const TrendOptions& RateTracker::options() const { return impl_->options_; }

std::vector<SeriesReport> RateTracker::top_series(std::size_t n) const {
  ReportQuery query;
  query.n = n;
  return reports(query);
}

std::vector<SeriesReport> RateTracker::reports(const ReportQuery& query) const {
  std::vector<std::pair<std::uint64_t, const Series*>> ranked;
  ranked.reserve(impl_->series_.size());
  for (const Series& s : impl_->series_) {
    if (!query.kind || s.kind == *query.kind) ranked.emplace_back(impl_->activity(s), &s);
  }
  const std::size_t k = std::min(query.n, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(k), ranked.end(),
                    [](const auto& a, const auto& b) {
                      if (a.first != b.first) return a.first > b.first;
                      return a.second->key < b.second->key;
                    });
  std::vector<SeriesReport> out;
  out.reserve(k);
  for (std::size_t i = 0; i < k; ++i) {
    out.push_back(impl_->report(*ranked[i].second));
    if (query.plots) out.back().plot = impl_->plot(*ranked[i].second);
  }
  return out;
}

}  // namespace logsift::trend
