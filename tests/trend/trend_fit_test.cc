#include "daemon/trend/trend_fit.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

namespace logsift::trend {
namespace {

TEST_CASE("a straight line is fitted exactly", "[trend]") {
  std::vector<double> y;
  for (int d = 0; d < 42; ++d) y.push_back(1000 + 25.0 * d);
  const auto f = fit_trend(y, 21, 2.576);
  REQUIRE(f);
  CHECK(f->days == 42);
  CHECK(f->slope_per_day == Approx(25));
  CHECK(f->slope_low_per_day == Approx(25));
  CHECK(f->slope_high_per_day == Approx(25));
  CHECK(f->level_at(41) == Approx(1000 + 25.0 * 41));
}

TEST_CASE("the seasonal slope ignores a weekly season and an outlying day", "[trend]") {
  std::vector<double> y;
  for (int d = 0; d < 42; ++d) y.push_back((d % 7 >= 5 ? 300.0 : 1000.0) + 10.0 * d);
  y[20] = 50000;  // one day of flood
  y[30] = -1;     // one day unknown
  const auto f = fit_trend(y, 21, 2.576);
  REQUIRE(f);
  CHECK(f->days == 41);
  CHECK(f->slope_per_day == Approx(10));
  CHECK(f->slope_low_per_day <= 10);
  CHECK(f->slope_high_per_day >= 10);
}

TEST_CASE("too few known days give no trend", "[trend]") {
  std::vector<double> y(42, -1);
  for (int d = 0; d < 20; ++d) y[static_cast<std::size_t>(d)] = 100;
  CHECK_FALSE(fit_trend(y, 21, 2.576));
}

TEST_CASE("a threshold crossing is where the line reaches it, banded by the slopes", "[trend]") {
  TrendFit f;
  f.days = 42;
  f.slope_per_day = 10;
  f.slope_low_per_day = 5;
  f.slope_high_per_day = 20;
  f.center_day = 20;
  f.center_value = 1000;
  const auto c = forecast_crossing(f, 2000, 41);
  REQUIRE(c);
  CHECK(c->day == Approx(120));
  CHECK(c->earliest == Approx(70));
  CHECK(c->latest == Approx(220));
  CHECK_FALSE(forecast_crossing(f, 1100, 41));  // already above at day 41
  f.slope_low_per_day = -1;
  CHECK(std::isinf(forecast_crossing(f, 2000, 41)->latest));
  f.slope_per_day = 0;
  CHECK_FALSE(forecast_crossing(f, 2000, 41));
}

}  // namespace
}  // namespace logsift::trend
