// TrendOptions: every knob of a RateTracker, with its meaning, default and trade-off.
//
// Plain data, copied into the tracker at construction. Times are event time (the `now_us` the
// caller passes); the tracker never reads a clock. Counts are occurrences per bucket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace logsift::trend {

// What a series counts.
enum class SeriesKind : std::uint8_t {
  kSignature,  // occurrences of one detection signature (rule match or mined template)
  kHost,       // records from one host
  kListener,   // records arriving on one listener
  kService,    // records from the hosts of one business service (enrich.cmdb)
};
inline constexpr std::size_t kSeriesKindCount = 4;

// A daily count that a series must not reach: a capacity figure for a host's or listener's
// volume, or a count a warning signature should stay below. `forecast.threshold` alerts say when
// the series' trend crosses it.
struct ForecastThreshold {
  SeriesKind kind = SeriesKind::kHost;
  // The series key it applies to: exact ("web1"), a prefix ending in '*' ("web*"), or "*" for
  // every series of the kind. The first matching entry wins.
  std::string key_pattern = "*";
  double daily_count = 0;  // occurrences per UTC day
};

struct TrendOptions {
  // --- Memory. ---

  // Series held at once. Beyond it the least active (fewest occurrences over the last 7 days)
  // are evicted, 1/16 of the cap at a time, counted in `series_evicted`. One series costs about
  // 4 * (120 + hour_slots + day_slots) bytes plus its key: ~4.4 KiB with the defaults.
  std::size_t max_series = 4096;
  // Hourly buckets kept per series. The weekly profile needs `season_weeks` weeks plus one hour.
  // Default 5 weeks (840).
  std::size_t hour_slots = 5 * 168;
  // Daily totals kept per series: the trend window and what `rates` reports. Default 120.
  std::size_t day_slots = 120;

  // --- Seasonal baseline. ---

  // Days of history before a series' baseline is trusted (hour-of-day profile). Until then it
  // raises no anomaly except `new_series`. Longer means fewer false alarms on young series and
  // later detection. Default 3.
  int warmup_days = 3;
  // Weeks of hour-of-week samples in the profile once 2 full weeks exist (before that the profile
  // is hour-of-day over the last 7 days). More weeks smooth noise but adapt slower. Default 4.
  int season_weeks = 4;

  // --- Anomalies (evaluated at every minute close). ---

  // Sliding window of the "far above" test, in minutes. Default 10.
  int above_window_minutes = 10;
  // Observed / expected over the window that counts as far above. Default 3.
  double above_ratio = 3.0;
  // Robust z-score (excess over the larger of the profile's spread and sqrt(expected)) that
  // counts as far above. Default 6.
  double min_score = 6.0;
  // Minimum excess (observed - expected) over the window, so rare series do not alarm on a
  // handful of events. Default 20.
  double min_excess = 20.0;
  // Consecutive minute evaluations the condition must hold to open an anomaly. Default 5.
  int sustain_minutes = 5;
  // Consecutive minute evaluations the condition must be false to resolve it. Default 15.
  int resolve_minutes = 15;

  // Heartbeat-like series (present in >= heartbeat_presence of the hours of the last 7 days, with
  // hourly counts within heartbeat_max_spread of their median, measured as MAD / median) are also
  // checked for falling far below: observed <= below_ratio * expected over the shortest window
  // of 10, 20, 30, 60 or 120 minutes in which at least below_min_expected are expected.
  double heartbeat_presence = 0.95;
  double heartbeat_max_spread = 0.25;
  double below_ratio = 0.2;
  double below_min_expected = 5.0;

  // A series younger than this (minutes since first seen) that reaches new_series_min_count in
  // the above window is a `new_series` anomaly: a new signature arriving at a high rate. 0 turns
  // the case off. Default 60 minutes and 300 occurrences (30 a minute over 10 minutes).
  int new_series_minutes = 60;
  double new_series_min_count = 300.0;

  // --- Trends and forecasts (evaluated at every UTC day close). ---

  // Complete days the trend is fitted on (seasonal Theil-Sen: slopes between equal weekdays), and
  // the fewest days needed for a fit. Defaults 42 and 21.
  int trend_days = 42;
  int trend_min_days = 21;
  // Two-sided confidence of the slope band (normal quantile). Default 2.576 (99 %).
  double confidence_z = 2.576;
  // `trend.rising` needs the band's lower slope above 0 and growth of at least this fraction of
  // the current daily level per week, at a level of at least min_trend_daily_count. Defaults
  // 5 % a week and 50 a day.
  double min_weekly_growth = 0.05;
  double min_trend_daily_count = 50.0;
  // `forecast.threshold` when the trend crosses a threshold within this many days. Default 180.
  int forecast_horizon_days = 180;
  // A series that stays rising or keeps its forecast is alerted again after this many days.
  int realert_days = 7;
  std::vector<ForecastThreshold> thresholds;
};

}  // namespace logsift::trend
