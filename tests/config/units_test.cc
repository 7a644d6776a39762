#include <catch2/catch.hpp>

#include "daemon/config/units.h"

using namespace logsift::config;

TEST_CASE("durations read every unit and compound forms", "[config]") {
  CHECK(*parse_duration_ms("500ms") == 500);
  CHECK(*parse_duration_ms("30s") == 30000);
  CHECK(*parse_duration_ms("10m") == 600000);
  CHECK(*parse_duration_ms("1h") == 3600000);
  CHECK(*parse_duration_ms("2d") == 2 * 86400000LL);
  CHECK(*parse_duration_ms("1h30m") == 5400000);
  CHECK(*parse_duration_ms("1m30s250ms") == 90250);
  CHECK(*parse_duration_ms("0") == 0);
}

TEST_CASE("durations without a unit, out of order or garbled are rejected", "[config]") {
  for (const char* bad : {"", "10", "10x", "m", "30m1h", "1m1m", "1.5h", "-1s", "1h 30m",
                          "99999999999999999999d"}) {
    INFO(bad);
    auto r = parse_duration_ms(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().find("invalid duration") != std::string::npos);
  }
}

TEST_CASE("durations format back to what they parse from", "[config]") {
  for (std::int64_t ms : {0LL, 500LL, 1000LL, 90250LL, 5400000LL, 2 * 86400000LL + 1}) {
    INFO(ms);
    CHECK(*parse_duration_ms(format_duration_ms(ms)) == ms);
  }
  CHECK(format_duration_ms(5400000) == "1h30m");
}

TEST_CASE("sizes read plain integers, binary and decimal units", "[config]") {
  CHECK(*parse_size_bytes("65536") == 65536);
  CHECK(*parse_size_bytes("512B") == 512);
  CHECK(*parse_size_bytes("64KiB") == 65536);
  CHECK(*parse_size_bytes("1MiB") == 1048576);
  CHECK(*parse_size_bytes("1GiB") == 1073741824);
  CHECK(*parse_size_bytes("10KB") == 10000);
  CHECK(*parse_size_bytes("2GB") == 2000000000);
}

TEST_CASE("sizes with unknown units or overflow are rejected", "[config]") {
  for (const char* bad : {"", "k", "64k", "64 KiB", "1.5MiB", "-1", "99999999999TiB",
                          "18446744073709551616"}) {
    INFO(bad);
    CHECK_FALSE(parse_size_bytes(bad).has_value());
  }
}

TEST_CASE("UTC offsets read Z, UTC and signed hours and minutes", "[config]") {
  CHECK(*parse_utc_offset_s("Z") == 0);
  CHECK(*parse_utc_offset_s("UTC") == 0);
  CHECK(*parse_utc_offset_s("+02:00") == 7200);
  CHECK(*parse_utc_offset_s("-05:30") == -19800);
  CHECK(*parse_utc_offset_s("+0545") == 20700);
  for (const char* bad : {"", "+2", "+02:60", "+15:00", "02:00", "+02-00", "CET"}) {
    INFO(bad);
    CHECK_FALSE(parse_utc_offset_s(bad).has_value());
  }
}
