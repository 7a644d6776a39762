// Robust trend of daily totals and the forecast of a threshold crossing.
//
// The slope is the seasonal Theil-Sen estimator (Hirsch, Slack and Smith 1982): the median of the
// slopes (y_j - y_i) / (j - i) over all pairs of days that fall on the same weekday. Pairing equal
// weekdays makes a weekly season (quiet weekends) cancel out instead of biasing the slope, and
// the median makes one outlying day (an outage, a spike) irrelevant. The band is the rank-based
// confidence interval of the same estimator: with N slopes and Var(S) = sum over weekdays of
// n(n-1)(2n+5)/18, the slopes of rank (N - z sqrt(Var S)) / 2 and (N + z sqrt(Var S)) / 2 + 1.
// The line passes through (median day, median of y - slope * day).
//
// Thread-safety: free functions on caller data.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace logsift::trend {

struct TrendFit {
  int days = 0;                  // days with a known total that entered the fit
  double slope_per_day = 0;      // the estimate, occurrences per day per day
  double slope_low_per_day = 0;  // the band
  double slope_high_per_day = 0;
  double center_day = 0;         // the line passes through (center_day, center_value)
  double center_value = 0;
  double level_at(double day) const { return center_value + slope_per_day * (day - center_day); }
};

// Fits daily totals: totals[i] is the total of day i (0 = oldest), negative when unknown.
// Returns nothing when fewer than `min_days` totals are known or no weekday has two of them.
std::optional<TrendFit> fit_trend(std::span<const double> totals, int min_days, double z);

struct Crossing {
  double day = 0;        // fractional day index (same axis as totals) where the line crosses
  double earliest = 0;   // the same with the band's high slope
  double latest = 0;     // with the band's low slope; +infinity when it does not rise
};

// When the fitted line reaches `threshold`, counted on the totals' day axis. Nothing when the
// line does not rise, or the level at `from_day` already reaches the threshold.
std::optional<Crossing> forecast_crossing(const TrendFit& fit, double threshold, double from_day);

}  // namespace logsift::trend
