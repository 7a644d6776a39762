// Seasonal Theil-Sen trend and threshold forecast: see trend_fit.h.
#include "daemon/trend/trend_fit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "daemon/trend/baseline.h"

namespace logsift::trend {
namespace {

constexpr int kWeek = 7;

double crossing_day(const TrendFit& f, double slope, double threshold) {
  if (slope <= 0) return std::numeric_limits<double>::infinity();
  return f.center_day + (threshold - f.center_value) / slope;
}

}  // namespace

std::optional<TrendFit> fit_trend(std::span<const double> totals, int min_days, double z) {
  const auto n = static_cast<int>(totals.size());
  int known = 0;
  std::array<double, kWeek> per_weekday{};  // known totals per weekday class (i % 7)
  for (int i = 0; i < n; ++i) {
    if (totals[static_cast<std::size_t>(i)] < 0) continue;
    ++known;
    per_weekday[static_cast<std::size_t>(i % kWeek)] += 1;
  }
  if (known < std::max(min_days, 2)) return std::nullopt;

  std::vector<double> slopes;
  for (int i = 0; i < n; ++i) {
    const double yi = totals[static_cast<std::size_t>(i)];
    if (yi < 0) continue;
    for (int j = i + kWeek; j < n; j += kWeek) {
      const double yj = totals[static_cast<std::size_t>(j)];
      if (yj >= 0) slopes.push_back((yj - yi) / static_cast<double>(j - i));
    }
  }
  if (slopes.empty()) return std::nullopt;
  std::sort(slopes.begin(), slopes.end());

  TrendFit f;
  f.days = known;
  f.slope_per_day = median(slopes);  // sorted already; median() sorts again cheaply

  double var_s = 0;
  for (double m : per_weekday) var_s += m * (m - 1) * (2 * m + 5) / 18;
  const double big_n = static_cast<double>(slopes.size());
  const double c = z * std::sqrt(var_s);
  const auto clamp_rank = [&](double r) {  // 1-based rank -> 0-based index
    return static_cast<std::size_t>(std::clamp(std::floor(r), 1.0, big_n) - 1);
  };
  f.slope_low_per_day = slopes[clamp_rank((big_n - c) / 2)];
  f.slope_high_per_day = slopes[clamp_rank((big_n + c) / 2 + 1)];

  std::vector<double> days;
  std::vector<double> residual;
  for (int i = 0; i < n; ++i) {
    const double y = totals[static_cast<std::size_t>(i)];
    if (y < 0) continue;
    days.push_back(i);
    residual.push_back(y - f.slope_per_day * i);
  }
  f.center_day = median(days);
  f.center_value = median(residual) + f.slope_per_day * f.center_day;
  return f;
}

std::optional<Crossing> forecast_crossing(const TrendFit& f, double threshold, double from_day) {
  if (f.slope_per_day <= 0 || f.level_at(from_day) >= threshold) return std::nullopt;
  Crossing c;
  c.day = crossing_day(f, f.slope_per_day, threshold);
  c.earliest = crossing_day(f, f.slope_high_per_day, threshold);
  c.latest = crossing_day(f, f.slope_low_per_day, threshold);
  return c;
}

}  // namespace logsift::trend
