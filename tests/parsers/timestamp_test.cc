#include <catch2/catch.hpp>

#include "parsers/timestamp.h"
#include "tests/parsers/test_util.h"

using namespace logsift::parsers;
using logsift::parsers::testing::format_utc;
using logsift::parsers::testing::utc_us;

TEST_CASE("rfc3339 parsing reports how far it read", "[parsers][time]") {
  const Rfc3339Time t = parse_rfc3339("2026-03-09T07:12:44Z host");
  CHECK(t.error == TimeError::kNone);
  CHECK(t.length == 20);
  CHECK(format_utc(t.time_us) == "2026-03-09T07:12:44Z");
}

TEST_CASE("rfc3339 parsing rejects out-of-range fields", "[parsers][time]") {
  CHECK(parse_rfc3339("2026-13-09T07:12:44Z").error == TimeError::kRange);
  CHECK(parse_rfc3339("2026-02-29T07:12:44Z").error == TimeError::kRange);
  CHECK(parse_rfc3339("2028-02-29T07:12:44Z").error == TimeError::kNone);
  CHECK(parse_rfc3339("2026-03-09T24:12:44Z").error == TimeError::kRange);
  CHECK(parse_rfc3339("2026-03-09T07:12:44+24:00").error == TimeError::kRange);
  CHECK(parse_rfc3339("2026-03-09X07:12:44Z").error == TimeError::kSyntax);
  CHECK(parse_rfc3339("2026-03-09T07:12:44+0100").error == TimeError::kSyntax);
  CHECK(parse_rfc3339("").error == TimeError::kSyntax);
}

TEST_CASE("rfc3339 parsing uses the default offset when none is written", "[parsers][time]") {
  const Rfc3339Time t = parse_rfc3339("2026-03-09 07:12:44.5", 3600);
  CHECK(t.error == TimeError::kMissingOffset);
  CHECK(format_utc(t.time_us) == "2026-03-09T06:12:44.500000Z");
}

TEST_CASE("rfc3339 parsing handles dates before 1970", "[parsers][time]") {
  CHECK(format_utc(parse_rfc3339("1937-01-01T12:00:27.87+00:20").time_us) ==
        "1937-01-01T11:40:27.870000Z");
}

TEST_CASE("bsd time parsing reads year, fraction and reports its length", "[parsers][time]") {
  const BsdTime a = parse_bsd_time("Mar  1 18:46:11.123: x", utc_us(2026, 3, 2), 0);
  CHECK(a.length == 19);
  CHECK(format_utc(a.time_us) == "2026-03-01T18:46:11.123000Z");
  const BsdTime b = parse_bsd_time("Mar  1 2019 18:46:11 x", utc_us(2026, 3, 2), 0);
  CHECK(format_utc(b.time_us) == "2019-03-01T18:46:11Z");
  const BsdTime c = parse_bsd_time("Mar  1 18:46:11 2019 x", utc_us(2026, 3, 2), 0);
  CHECK(format_utc(c.time_us) == "2019-03-01T18:46:11Z");
  CHECK(parse_bsd_time("Foo  1 18:46:11 x", utc_us(2026, 3, 2), 0).length == 0);
  CHECK(parse_bsd_time("Mar 32 18:46:11 x", utc_us(2026, 3, 2), 0).range_error);
}

TEST_CASE("year of a time is right around year boundaries", "[parsers][time]") {
  CHECK(year_of_time_us(utc_us(2026, 12, 31, 23, 59, 59)) == 2026);
  CHECK(year_of_time_us(utc_us(2027, 1, 1)) == 2027);
  CHECK(year_of_time_us(utc_us(1969, 12, 31, 23)) == 1969);
  CHECK(year_of_time_us(0) == 1970);
}

TEST_CASE("iso time parsing reads the forms log files use, and rfc3339 stays strict",
          "[parsers][time]") {
  const Rfc3339Time a = parse_iso_time("2026-03-09T07:12:44+0100 host");
  CHECK(a.error == TimeError::kNone);
  CHECK(a.length == 24);
  CHECK(format_utc(a.time_us) == "2026-03-09T06:12:44Z");
  const Rfc3339Time b = parse_iso_time("2026-03-09 07:12:44,123 -0230 host");
  CHECK(b.error == TimeError::kNone);
  CHECK(b.length == 29);
  CHECK(format_utc(b.time_us) == "2026-03-09T09:42:44.123000Z");
  const Rfc3339Time c = parse_iso_time("2026-03-09T07:12:44+01 host");
  CHECK(c.length == 22);
  CHECK(format_utc(c.time_us) == "2026-03-09T06:12:44Z");
  const Rfc3339Time d = parse_iso_time("2026-03-09 07:12:44 +5 host", 3600);
  CHECK(d.error == TimeError::kMissingOffset);
  CHECK(d.length == 19);
  CHECK(format_utc(d.time_us) == "2026-03-09T06:12:44Z");
  CHECK(parse_iso_time("2026-03-09T07:12:44+2500").error == TimeError::kRange);
  CHECK(parse_rfc3339("2026-03-09 07:12:44,123Z").length == 19);
  CHECK(parse_rfc3339("2026-03-09T07:12:44 +01:00").error == TimeError::kMissingOffset);
}
