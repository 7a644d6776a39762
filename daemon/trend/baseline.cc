// Seasonal baseline: see baseline.h.
#include "daemon/trend/baseline.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace logsift::trend {
namespace {

constexpr std::int64_t kHoursPerDay = 24;
constexpr std::int64_t kHoursPerWeek = 168;
constexpr int kMaxSeasonWeeks = 8;
constexpr int kProfileDays = 7;

// Appends the known counts of `center - 1 .. center + 1`: neighbours only if before `limit` and
// on the same UTC day (Sunday 23:00 must not borrow from Monday 00:00).
void take_neighbourhood(const RateHistory& h, std::int64_t center, std::int64_t limit,
                        double* out, std::size_t& n) {
  const std::int64_t day = floor_div(center, kHoursPerDay);
  for (std::int64_t hour = center - 1; hour <= center + 1; ++hour) {
    if (hour >= limit || floor_div(hour, kHoursPerDay) != day) continue;
    const std::int64_t c = h.hour_count(hour);
    if (c >= 0) out[n++] = static_cast<double>(c);
  }
}

}  // namespace

std::string_view baseline_mode_name(BaselineMode m) {
  switch (m) {
    case BaselineMode::kNone: return "";
    case BaselineMode::kHourOfDay: return "hour_of_day";
    case BaselineMode::kHourOfWeek: return "hour_of_week";
  }
  return "";
}

double median(std::span<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double interquartile_mean(std::span<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t cut = v.size() / 4;
  double sum = 0;
  for (std::size_t i = cut; i < v.size() - cut; ++i) sum += v[i];
  return sum / static_cast<double>(v.size() - 2 * cut);
}

double mad_sigma(std::span<double> v, double center) {
  for (double& x : v) x = std::fabs(x - center);
  return 1.4826 * median(v);
}

Baseline hourly_baseline(const RateHistory& h, std::int64_t hour, const TrendOptions& o) {
  std::array<double, 3 * std::max(kMaxSeasonWeeks, kProfileDays)> samples{};
  std::size_t n = 0;
  Baseline b;
  const std::int64_t first = h.first_full_hour();
  const int weeks = std::clamp(o.season_weeks, 1, kMaxSeasonWeeks);
  if (hour - 2 * kHoursPerWeek >= first) {
    b.mode = BaselineMode::kHourOfWeek;
    for (int w = 1; w <= weeks; ++w) take_neighbourhood(h, hour - w * kHoursPerWeek, hour, samples.data(), n);
  } else if (o.warmup_days > 0 && hour - o.warmup_days * kHoursPerDay >= first) {
    b.mode = BaselineMode::kHourOfDay;
    for (int d = 1; d <= kProfileDays; ++d) take_neighbourhood(h, hour - d * kHoursPerDay, hour, samples.data(), n);
  }
  if (n == 0) return Baseline{};
  const std::span<double> s(samples.data(), n);
  b.expected_per_hour = interquartile_mean(s);
  b.spread_per_hour = mad_sigma(s, b.expected_per_hour);
  return b;
}

bool heartbeat_like(const RateHistory& h, std::int64_t hour, const TrendOptions& o) {
  std::array<double, kProfileDays * kHoursPerDay> counts{};
  std::size_t n = 0;
  std::size_t present = 0;
  for (std::int64_t x = hour - kProfileDays * kHoursPerDay; x < hour; ++x) {
    const std::int64_t c = h.hour_count(x);
    if (c < 0) continue;
    counts[n++] = static_cast<double>(c);
    if (c > 0) ++present;
  }
  const auto needed = static_cast<std::size_t>(std::max(1, o.warmup_days) * kHoursPerDay);
  if (n < needed || static_cast<double>(present) < o.heartbeat_presence * static_cast<double>(n)) return false;
  const std::span<double> s(counts.data(), n);
  const double mid = median(s);
  if (mid <= 0) return false;
  return mad_sigma(s, mid) / 1.4826 <= o.heartbeat_max_spread * mid;
}

}  // namespace logsift::trend
