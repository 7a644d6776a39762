#include "daemon/trend/baseline.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <vector>

namespace logsift::trend {
namespace {

// A history whose hour h holds count(h), from hour 0 to `hours` (exclusive).
template <typename F>
RateHistory hourly(std::int64_t hours, F count, std::size_t hour_slots = 840) {
  RateHistory h(hour_slots, 120, 0);
  for (std::int64_t x = 0; x < hours; ++x) {
    h.roll_to(x * 60);
    h.add(static_cast<std::uint64_t>(count(x)));
  }
  h.roll_to(hours * 60);
  return h;
}

TEST_CASE("robust statistics of known samples", "[trend]") {
  std::vector<double> v = {5, 1, 3, 2, 4};
  CHECK(median(v) == 3);
  std::vector<double> w = {1, 2, 3, 4, 5, 6, 7, 1000};
  CHECK(interquartile_mean(w) == Approx(4.5));  // drops 1, 2 and 7, 1000
  std::vector<double> m = {1, 2, 3, 4, 100};
  CHECK(mad_sigma(m, 3) == Approx(1.4826));
}

TEST_CASE("the baseline is untrusted during warm-up, then hour of day, then hour of week", "[trend]") {
  TrendOptions o;
  auto flat = [](std::int64_t) { return 10; };
  CHECK(hourly_baseline(hourly(24, flat), 24, o).mode == BaselineMode::kNone);
  const Baseline day = hourly_baseline(hourly(3 * 24, flat), 3 * 24, o);
  CHECK(day.mode == BaselineMode::kHourOfDay);
  CHECK(day.expected_per_hour == Approx(10));
  const Baseline week = hourly_baseline(hourly(14 * 24, flat), 14 * 24, o);
  CHECK(week.mode == BaselineMode::kHourOfWeek);
  CHECK(week.spread_per_hour == Approx(0));
}

TEST_CASE("the hour-of-week baseline follows the weekly season", "[trend]") {
  TrendOptions o;
  // Weekends (days 5 and 6 of each week) at 20 an hour, weekdays at 100.
  auto weekly = [](std::int64_t h) { return (h / 24) % 7 >= 5 ? 20 : 100; };
  const auto h = hourly(4 * 168, weekly);
  CHECK(hourly_baseline(h, 4 * 168 + 5 * 24 + 12, o).expected_per_hour == Approx(20));  // Saturday noon
  CHECK(hourly_baseline(h, 4 * 168 + 2 * 24 + 12, o).expected_per_hour == Approx(100));  // Wednesday noon
}

TEST_CASE("one outlying week barely moves the baseline", "[trend]") {
  TrendOptions o;
  // The same hour last week and its neighbours were a 50x burst.
  auto burst = [](std::int64_t h) { return std::abs(h - 4 * 168) <= 1 ? 5000 : 100; };
  const Baseline b = hourly_baseline(hourly(5 * 168, burst), 5 * 168, o);
  CHECK(b.mode == BaselineMode::kHourOfWeek);
  CHECK(b.expected_per_hour == Approx(100));  // 3 of 12 samples trimmed away
}

TEST_CASE("a steady series is heartbeat-like and a seasonal or sparse one is not", "[trend]") {
  TrendOptions o;
  CHECK(heartbeat_like(hourly(7 * 24, [](std::int64_t) { return 12; }), 7 * 24, o));
  CHECK_FALSE(heartbeat_like(hourly(2 * 24, [](std::int64_t) { return 12; }), 2 * 24, o));  // too young
  CHECK_FALSE(heartbeat_like(hourly(7 * 24, [](std::int64_t h) { return h % 24 < 12 ? 2 : 30; }), 7 * 24, o));
  CHECK_FALSE(heartbeat_like(hourly(7 * 24, [](std::int64_t h) { return h % 5 == 0 ? 0 : 12; }), 7 * 24, o));
}

}  // namespace
}  // namespace logsift::trend
