// Seasonal baseline of a series: what count is normal for a given hour, learned from the series'
// own hourly history, robust to outliers.
//
// The profile is the hour of the week once two full weeks exist, else the hour of the day once
// `warmup_days` full days exist, else there is none (not yet trusted):
//
//   hour of week: the same hour and its two neighbours in each of the last `season_weeks` weeks
//                 (up to 3 * season_weeks samples)
//   hour of day:  the same hour and its two neighbours on each of the last 7 days (up to 21)
//
// Neighbours on another UTC day are left out, so midnight never mixes a weekend with a weekday.
//
// Expected = interquartile mean of the samples (the mean of the middle half: as robust as a
// median to a few outlying hours, less noisy); spread = 1.4826 * median absolute deviation, the
// robust estimate of one standard deviation. Hours are UTC.
//
// Thread-safety: free functions on caller data.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "daemon/trend/rate_history.h"
#include "daemon/trend/trend_options.h"

namespace logsift::trend {

enum class BaselineMode : std::uint8_t { kNone, kHourOfDay, kHourOfWeek };
std::string_view baseline_mode_name(BaselineMode m);  // "", "hour_of_day", "hour_of_week"

struct Baseline {
  BaselineMode mode = BaselineMode::kNone;
  double expected_per_hour = 0;
  double spread_per_hour = 0;
};

// The baseline of absolute hour `hour` (hours since the epoch), from complete hours before it.
Baseline hourly_baseline(const RateHistory& history, std::int64_t hour, const TrendOptions& options);

// True when the series behaves like a heartbeat over the 7 days before `hour`: present in almost
// every hour with nearly the same count (see TrendOptions::heartbeat_*).
bool heartbeat_like(const RateHistory& history, std::int64_t hour, const TrendOptions& options);

// Robust statistics; each sorts `values` in place. Empty input gives 0.
double median(std::span<double> values);
double interquartile_mean(std::span<double> values);
double mad_sigma(std::span<double> values, double center);  // 1.4826 * median |v - center|

}  // namespace logsift::trend
