#include "daemon/trend/rate_history.h"

#include <catch2/catch.hpp>

namespace logsift::trend {
namespace {

TEST_CASE("rate history rolls minute counts up into their hour and day", "[trend]") {
  RateHistory h(48, 10, 0);  // first seen at minute 0: hour 0 and day 0 are complete
  h.add(3);
  h.roll_to(59);
  h.add(2);
  h.roll_to(60);
  h.add(7);
  CHECK(h.minute_count(0) == 3);
  CHECK(h.minute_count(1) == 0);
  CHECK(h.minute_count(59) == 2);
  CHECK(h.hour_count(0) == 5);
  CHECK(h.hour_count(1) == 7);
  CHECK(h.day_count(0) == 12);
  CHECK(h.sum_minutes(60, 2) == 9);
  CHECK(h.recent_total(24) == 12);
}

TEST_CASE("rate history treats a partial first hour and day as unknown", "[trend]") {
  RateHistory h(48, 10, 90);  // first seen half way through hour 1
  h.add(4);
  CHECK(h.first_full_hour() == 2);
  CHECK(h.first_full_day() == 1);
  CHECK(h.hour_count(1) == -1);
  CHECK(h.day_count(0) == -1);
  CHECK(h.minute_count(90) == 4);
  CHECK(h.recent_total(24) == 4);  // activity still counts it
}

TEST_CASE("rate history zeroes the buckets a gap skipped and forgets what left its rings", "[trend]") {
  RateHistory h(24, 3, 0);
  for (int m = 0; m < 3 * 1440; m += 30) {
    h.roll_to(m);
    h.add(1);
  }
  CHECK(h.day_count(2) == 48);
  h.roll_to(5 * 1440);  // two silent days later
  CHECK(h.day_count(3) == 0);
  CHECK(h.day_count(4) == 0);
  CHECK(h.day_count(2) == -1);  // left the 3-day ring
  CHECK(h.hour_count(5 * 24 - 1) == 0);
  CHECK(h.hour_count(5 * 24 - 24) == -1);  // left the 24-hour ring
  CHECK(h.minute_count(5 * 1440 - 200) == -1);
  CHECK(h.hour_count(5 * 24 + 3) == 0);  // after the newest: nothing added yet
}

TEST_CASE("rate history saturates instead of wrapping", "[trend]") {
  RateHistory h(24, 3, 0);
  h.add(0xFFFFFFF0u);
  h.add(0x100);
  CHECK(h.minute_count(0) == 0xFFFFFFFFu);
}

TEST_CASE("rate history restores only buckets of its own ring sizes", "[trend]") {
  RateHistory a(24, 3, 10);
  a.add(5);
  RateHistory b(24, 3, 0);
  CHECK(b.restore(a.first_minute(), a.newest_minute(), a.buckets()));
  CHECK(b.minute_count(10) == 5);
  RateHistory c(48, 3, 0);
  CHECK_FALSE(c.restore(a.first_minute(), a.newest_minute(), a.buckets()));
}

}  // namespace
}  // namespace logsift::trend
