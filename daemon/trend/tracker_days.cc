// RateTracker: day closes (trends and forecasts), the alerts it emits, and its reports.
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "daemon/trend/tracker_impl.h"
#include "parsers/base/hex.h"

namespace logsift::trend {
namespace {

constexpr std::int64_t kUsPerDay = kUsPerMinute * kMinutesPerDay;

bool key_matches(std::string_view pattern, std::string_view key) {
  if (!pattern.empty() && pattern.back() == '*') return key.substr(0, pattern.size() - 1) == pattern.substr(0, pattern.size() - 1);
  return pattern == key;
}

std::string_view title(std::string_view kind) {
  if (kind == "above") return "Rate far above its seasonal baseline";
  if (kind == "below") return "Heartbeat-like rate far below its baseline";
  if (kind == "new_series") return "New series at a high rate";
  if (kind == "rising") return "Daily volume rising week by week";
  return "Daily volume forecast to cross its threshold";
}

rules::Severity severity_of(std::string_view kind) {
  if (kind == "below") return rules::Severity::kHigh;
  if (kind == "rising") return rules::Severity::kLow;
  return rules::Severity::kMedium;
}

// First whole day (as microseconds since the epoch) at or after fractional day `x` of the axis.
std::int64_t day_start_us(std::int64_t first_day, double x) {
  return (first_day + static_cast<std::int64_t>(std::ceil(x))) * kUsPerDay;
}

template <typename... Args>
std::string format(const char* fmt, Args... args) {
  char buf[256];
  const int n = std::snprintf(buf, sizeof buf, fmt, args...);
  return std::string(buf, static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
}

}  // namespace

double RateTracker::Impl::threshold_for(const Series& s) const {
  for (const ForecastThreshold& t : options_.thresholds) {
    if (t.kind == s.kind && key_matches(t.key_pattern, s.key)) return t.daily_count;
  }
  return 0;
}

detect::Alert RateTracker::Impl::make_alert(const Series& s, detect::AlertAction action,
                                            std::int64_t time_us, std::string_view kind) const {
  detect::Alert a;
  a.action = action;
  a.time_us = time_us;
  a.rule_id = s.kind == SeriesKind::kSignature && !s.label.empty()
                  ? s.label
                  : "rate." + std::string(series_kind_name(s.kind));
  a.rule_name = std::string(title(kind));
  a.ruleset = "trend";
  a.severity = a.base_severity = severity_of(kind);
  a.tags = {"trend", std::string(kind)};
  if (s.kind == SeriesKind::kHost) a.host = s.key;
  if (s.kind == SeriesKind::kService) a.context.service = s.key;
  a.signature_id = s.kind == SeriesKind::kSignature && s.signature_id != 0 ? s.signature_id : s.hash;
  a.first_seen_us = s.history.first_minute() * kUsPerMinute;
  a.last_seen_us = time_us;
  auto& p = a.prediction.emplace();
  p.kind = kind;
  p.series_kind = series_kind_name(s.kind);
  p.series_key = s.key;
  const std::uint64_t words[3] = {s.hash, static_cast<std::uint64_t>(action),
                                  static_cast<std::uint64_t>(time_us)};
  a.id = base::hex_u64(XXH3_64bits(words, sizeof words));
  return a;
}

void RateTracker::Impl::emit_anomaly(Series& s, detect::AlertAction action, std::int64_t time_us,
                                     std::vector<detect::Alert>& out) {
  const std::string_view kind = anomaly_kind_name(s.open == AnomalyKind::kNone ? s.candidate : s.open);
  detect::Alert a = make_alert(s, action, time_us, kind);
  const Check& c = s.last;
  a.problem_id = s.problem_id;
  a.problem_state = action == detect::AlertAction::kAnomaly ? detect::ProblemState::kOpen
                                                            : detect::ProblemState::kResolved;
  a.problem_opened_us = s.opened_us;
  auto& p = *a.prediction;
  p.baseline = baseline_mode_name(c.mode);
  p.window_ms = std::int64_t{c.window_minutes} * 60'000;
  p.observed = c.observed;
  p.expected = c.expected;
  p.score = c.score;
  const std::string what = std::string(series_kind_name(s.kind)) + " " + (s.label.empty() ? s.key : s.label);
  if (action == detect::AlertAction::kAnomalyResolved) {
    a.message = format("%s: back to normal, %.0f in %d min, expected %.1f", what.c_str(), c.observed,
                       c.window_minutes, c.expected);
  } else if (kind == "new_series") {
    a.message = format("%s: new, %.0f in its first %d min", what.c_str(), c.observed, c.window_minutes);
  } else {
    a.message = format("%s: %.0f in %d min, expected %.1f (score %.1f, %s baseline)", what.c_str(),
                       c.observed, c.window_minutes, c.expected, c.score,
                       std::string(baseline_mode_name(c.mode)).c_str());
  }
  // One id per (problem, action): a resolution is not confused with the opening.
  const std::uint64_t words[2] = {s.problem_id, static_cast<std::uint64_t>(action)};
  a.id = base::hex_u64(XXH3_64bits(words, sizeof words));
  out.push_back(std::move(a));
}

void RateTracker::Impl::close_day(std::int64_t day, std::vector<detect::Alert>& out) {
  ++counters_.days_closed;
  const int n = std::max(options_.trend_days, 2);
  const std::int64_t first_day = day - n + 1;
  const double last = n - 1;
  const std::int64_t end_us = (day + 1) * kUsPerDay;
  std::vector<double> totals(static_cast<std::size_t>(n));
  for (Series& s : series_) {
    s.history.roll_to(day * kMinutesPerDay + kMinutesPerDay - 1);
    for (int i = 0; i < n; ++i) {
      totals[static_cast<std::size_t>(i)] = static_cast<double>(s.history.day_count(first_day + i));
    }
    s.fit = fit_trend(totals, options_.trend_min_days, options_.confidence_z);
    s.fit_first_day = first_day;
    s.threshold = threshold_for(s);
    s.crossing.reset();
    if (!s.fit) continue;
    const TrendFit& f = *s.fit;
    const double level = f.level_at(last);
    const bool significant = f.slope_low_per_day > 0;
    if (s.threshold > 0) s.crossing = forecast_crossing(f, s.threshold, last);

    auto trend_alert = [&](detect::AlertAction action, std::string_view kind) {
      detect::Alert a = make_alert(s, action, end_us, kind);
      auto& p = *a.prediction;
      p.window_ms = kUsPerDay / 1000;
      p.observed = std::max(0.0, totals.back());
      p.expected = level;
      p.trend_days = f.days;
      p.slope_per_day = f.slope_per_day;
      p.slope_low_per_day = f.slope_low_per_day;
      p.slope_high_per_day = f.slope_high_per_day;
      p.level_per_day = level;
      return a;
    };
    const std::string what = std::string(series_kind_name(s.kind)) + " " + (s.label.empty() ? s.key : s.label);
    if (significant && level >= options_.min_trend_daily_count &&
        f.slope_per_day * 7 >= options_.min_weekly_growth * level &&
        day - s.rising_alert_day >= options_.realert_days) {
      detect::Alert a = trend_alert(detect::AlertAction::kTrendRising, "rising");
      a.message = format("%s: daily total rising %.1f a day (%.1f..%.1f), now %.0f a day, %+.1f %% a week",
                         what.c_str(), f.slope_per_day, f.slope_low_per_day, f.slope_high_per_day, level,
                         100 * 7 * f.slope_per_day / std::max(level, 1.0));
      out.push_back(std::move(a));
      s.rising_alert_day = day;
      ++counters_.trend_alerts;
    }
    if (significant && s.crossing && s.crossing->day - last <= options_.forecast_horizon_days &&
        day - s.forecast_alert_day >= options_.realert_days) {
      const Crossing& c = *s.crossing;
      detect::Alert a = trend_alert(detect::AlertAction::kForecastThreshold, "threshold");
      auto& p = *a.prediction;
      p.threshold_per_day = s.threshold;
      p.crossing_us = day_start_us(first_day, c.day);
      p.crossing_earliest_us = day_start_us(first_day, std::max(c.earliest, last + 1));
      p.crossing_latest_us = std::isfinite(c.latest) ? day_start_us(first_day, c.latest) : 0;
      a.message = format("%s: daily total %.0f forecast to reach %.0f in %.0f days (%.0f..%s days)",
                         what.c_str(), level, s.threshold, std::ceil(c.day - last),
                         std::ceil(std::max(c.earliest, last + 1) - last),
                         std::isfinite(c.latest) ? format("%.0f", std::ceil(c.latest - last)).c_str() : "never");
      out.push_back(std::move(a));
      s.forecast_alert_day = day;
      ++counters_.forecast_alerts;
    }
  }
}

SeriesReport RateTracker::Impl::report(const Series& s) const {
  SeriesReport r;
  r.kind = s.kind;
  r.key = s.key;
  r.label = s.label;
  r.first_seen_us = s.history.first_minute() * kUsPerMinute;
  const std::int64_t clock = clock_minute_ == kNoMinute ? s.history.newest_minute() : clock_minute_;
  const std::int64_t hour = floor_div(clock, kMinutesPerHour) - 1;
  r.last_hour = static_cast<std::uint64_t>(std::max<std::int64_t>(0, s.history.hour_count(hour)));
  r.last_hour_baseline = hourly_baseline(s.history, hour, options_);
  r.last_day = static_cast<std::uint64_t>(
      std::max<std::int64_t>(0, s.history.day_count(floor_div(clock, kMinutesPerDay) - 1)));
  r.last_7_days = activity(s);
  r.heartbeat = s.heartbeat;
  r.anomaly = anomaly_kind_name(s.open);
  r.anomaly_score = s.open == AnomalyKind::kNone ? 0 : s.last.score;
  r.trend = s.fit;
  r.trend_last_day_us = (s.fit_first_day + std::max(options_.trend_days, 2) - 1) * kUsPerDay;
  r.threshold_per_day = s.threshold;
  if (s.crossing) r.crossing_us = day_start_us(s.fit_first_day, s.crossing->day);
  return r;
}

RatePlot RateTracker::Impl::plot(const Series& s) const {
  RatePlot p;
  const std::int64_t clock = clock_minute_ == kNoMinute ? s.history.newest_minute() : clock_minute_;
  for (std::int64_t m = clock - 59; m <= clock; ++m) p.minutes.push_back(s.history.minute_count(m));
  const std::int64_t last_hour = floor_div(clock, kMinutesPerHour) - 1;
  for (std::int64_t h = last_hour - 23; h <= last_hour; ++h) {
    p.hours.push_back(s.history.hour_count(h));
    const Baseline b = hourly_baseline(s.history, h, options_);
    p.expected_hours.push_back(b.mode == BaselineMode::kNone ? -1.0 : b.expected_per_hour);
  }
  const std::int64_t last_day = floor_div(clock, kMinutesPerDay) - 1;
  const std::int64_t n = std::min<std::int64_t>(std::max(options_.trend_days, 2),
                                                static_cast<std::int64_t>(s.history.day_slots()));
  for (std::int64_t d = last_day - n + 1; d <= last_day; ++d) {
    p.days.push_back(s.history.day_count(d));
    if (s.fit) p.trend_days.push_back(std::max(0.0, s.fit->level_at(static_cast<double>(d - s.fit_first_day))));
  }
  return p;
}

}  // namespace logsift::trend
