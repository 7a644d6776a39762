// Timestamp parsing shared by the syslog and JSON parsers: RFC 3339 (RFC 5424 TIMESTAMP), the
// BSD "Mmm dd hh:mm:ss" form with year inference, and civil-date arithmetic.
//
// Pure functions over caller-owned text; no clock is ever read (the reference time for year
// inference is passed in). Thread-safe: year inference keeps a small per-thread cache of the years
// around the last reference time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parsers/record.h"

namespace logsift::parsers {

// Why an RFC 3339 timestamp is not a valid RFC 5424 TIMESTAMP.
enum class TimeError : std::uint8_t {
  kNone,
  kSyntax,           // not "YYYY-MM-DDThh:mm:ss..." at all; time_us is kNoTime
  kRange,            // month/day/hour/minute/second/offset out of range; time_us is kNoTime
  kFractionTooLong,  // more than 6 fraction digits: time_us is truncated to microseconds
  kLeapSecond,       // second 60: time_us is the following second (POSIX time has no leap seconds)
  kMissingOffset,    // no "Z" or "+hh:mm": time_us assumes the default offset passed in
};

struct Rfc3339Time {
  std::int64_t time_us = kNoTime;  // UTC microseconds since the Unix epoch
  TimeError error = TimeError::kSyntax;
  std::size_t length = 0;          // bytes of `text` consumed (0 on kSyntax)
  std::uint8_t fraction_digits = 0;
};

// Parses an RFC 3339 date-time at the start of `text` (the rest of `text` is ignored). A space
// instead of "T" and a lowercase "t"/"z" are accepted, as RFC 3339 allows. An offset-less time is
// read as local time at `default_utc_offset_s` seconds east of UTC and reported as kMissingOffset.
Rfc3339Time parse_rfc3339(std::string_view text, std::int32_t default_utc_offset_s = 0);

// The ISO 8601 forms that log files carry, a superset of RFC 3339 for headers that are not RFC
// 5424: a "," before the fraction (Java, Python), offsets without colon or minutes ("+0100",
// "+01", as journald's short-iso and strftime's %z write them), and an offset or "Z" after one
// space ("2026-03-09 07:12:44.123 +0100"). Strict RFC 3339 text gives the same result as
// parse_rfc3339.
Rfc3339Time parse_iso_time(std::string_view text, std::int32_t default_utc_offset_s = 0);

// Days since 1970-01-01 for a proleptic Gregorian date (month 1..12, day 1..31).
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The civil year of a UTC microsecond time.
int year_of_time_us(std::int64_t time_us);

// Days in `month` (1..12) of `year`.
unsigned days_in_month(std::int64_t year, unsigned month);

// 1..12 for "Jan".."Dec" (exact case as senders write it, also all-lowercase/uppercase), else 0.
unsigned month_from_abbrev(std::string_view three_chars);

// A BSD "Mmm dd hh:mm:ss" time: where the year is absent, it is inferred from the reference time.
struct BsdTime {
  std::int64_t time_us = kNoTime;
  std::size_t length = 0;  // bytes consumed; 0 when `text` does not start with a BSD timestamp
  bool range_error = false;  // looked like a timestamp but a field was out of range
};

// Parses "Mmm dd hh:mm:ss" (day space- or zero-padded, or a single digit), an optional ".fff"
// fraction (Cisco), and an optional 4-digit year after the day or after the time ("Mar  1 2026
// 18:46:11", "Mar  1 18:46:11 2026", also "...2026]" as `dmesg -T` writes it). Without a year, the year is the one that puts the time
// closest to `reference_time_us` without being more than kMaxFutureSkewUs ahead of it (a December
// message received in January belongs to the previous year). When `reference_time_us` is kNoTime
// and the text has no year, time_us is kNoTime but length still reports the timestamp's extent.
BsdTime parse_bsd_time(std::string_view text, std::int64_t reference_time_us,
                       std::int32_t default_utc_offset_s);

// How far ahead of the reference time a year-less timestamp may be before the previous year is
// chosen instead: senders' clocks run a little fast, but not by weeks.
inline constexpr std::int64_t kMaxFutureSkewUs = 7LL * 24 * 3600 * 1'000'000;

}  // namespace logsift::parsers
