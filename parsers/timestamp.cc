#include "parsers/timestamp.h"

namespace logsift::parsers {
namespace {

constexpr std::int64_t kUsPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads `count` digits at text[pos]; false if any is not a digit or the text is too short.
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, unsigned* out) {
  if (pos + count > text.size()) return false;
  unsigned value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  *out = value;
  return true;
}

bool is_leap_year(std::int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

std::int64_t to_time_us(std::int64_t year, unsigned month, unsigned day, unsigned hour,
                        unsigned minute, unsigned second, std::int64_t fraction_us,
                        std::int32_t utc_offset_s) {
  const std::int64_t seconds = days_from_civil(year, month, day) * kSecondsPerDay + hour * 3600 +
                               minute * 60 + second - utc_offset_s;
  return seconds * kUsPerSecond + fraction_us;
}

// Reads ".digits" at text[pos]; keeps up to 6 digits as microseconds.
std::size_t read_fraction(std::string_view text, std::size_t pos, std::int64_t* fraction_us,
                          std::uint8_t* digits_out, char separator = '.') {
  *fraction_us = 0;
  *digits_out = 0;
  if (pos >= text.size() || (text[pos] != '.' && text[pos] != separator) || pos + 1 >= text.size() ||
      !is_digit(text[pos + 1])) {
    return pos;
  }
  ++pos;
  std::int64_t value = 0;
  std::size_t digits = 0;
  while (pos < text.size() && is_digit(text[pos])) {
    if (digits < 6) value = value * 10 + (text[pos] - '0');
    ++digits;
    ++pos;
  }
  for (std::size_t d = digits; d < 6; ++d) value *= 10;
  *fraction_us = value;
  *digits_out = static_cast<std::uint8_t>(digits > 255 ? 255 : digits);
  return pos;
}

constexpr unsigned kDaysBeforeMonth[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

// The years around a reference time, cached per thread: the reference changes once per batch,
// while every year-less timestamp of the batch needs them.
struct ReferenceYears {
  std::int64_t reference_time_us = kNoTime;
  std::int64_t jan1_seconds[3] = {};  // 1 January 00:00 UTC of year-1, year, year+1
  bool leap[3] = {};
};

const ReferenceYears& reference_years(std::int64_t reference_time_us) {
  thread_local ReferenceYears cache;
  if (cache.reference_time_us != reference_time_us) {
    const int year = year_of_time_us(reference_time_us);
    for (int i = 0; i < 3; ++i) {
      cache.jan1_seconds[i] = days_from_civil(year - 1 + i, 1, 1) * kSecondsPerDay;
      cache.leap[i] = is_leap_year(year - 1 + i);
    }
    cache.reference_time_us = reference_time_us;
  }
  return cache;
}

}  // namespace

unsigned days_in_month(std::int64_t year, unsigned month) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

int year_of_time_us(std::int64_t time_us) {
  std::int64_t days = time_us / (kUsPerSecond * kSecondsPerDay);
  if (time_us % (kUsPerSecond * kSecondsPerDay) < 0) --days;
  // civil_from_days (Howard Hinnant's algorithm), year only.
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

unsigned month_from_abbrev(std::string_view s) {
  if (s.size() < 3) return 0;
  // Fold to lowercase; the table compares against lowercase names.
  const auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
  const char a = lower(s[0]), b = lower(s[1]), c = lower(s[2]);
  switch (a) {
    case 'j': return b == 'a' && c == 'n' ? 1 : b == 'u' && c == 'n' ? 6 : b == 'u' && c == 'l' ? 7 : 0;
    case 'f': return b == 'e' && c == 'b' ? 2 : 0;
    case 'm': return b == 'a' && c == 'r' ? 3 : b == 'a' && c == 'y' ? 5 : 0;
    case 'a': return b == 'p' && c == 'r' ? 4 : b == 'u' && c == 'g' ? 8 : 0;
    case 's': return b == 'e' && c == 'p' ? 9 : 0;
    case 'o': return b == 'c' && c == 't' ? 10 : 0;
    case 'n': return b == 'o' && c == 'v' ? 11 : 0;
    case 'd': return b == 'e' && c == 'c' ? 12 : 0;
    default: return 0;
  }
}

namespace {

constexpr std::size_t kBadZone = ~std::size_t{0};

// A zone at text[pos]: "Z", "+hh:mm", and with `lenient` also "+hhmm" and "+hh". Returns its
// length, 0 when there is none, kBadZone for a sign that starts no offset.
std::size_t read_zone(std::string_view text, std::size_t pos, bool lenient, std::int32_t* offset_s,
                      bool* in_range) {
  if (pos >= text.size()) return 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    *offset_s = 0;
    return 1;
  }
  if (text[pos] != '+' && text[pos] != '-') return 0;
  unsigned off_h = 0, off_m = 0;
  std::size_t length = 0;
  if (read_digits(text, pos + 1, 2, &off_h) && pos + 3 < text.size() && text[pos + 3] == ':' &&
      read_digits(text, pos + 4, 2, &off_m)) {
    length = 6;
  } else if (lenient && read_digits(text, pos + 1, 4, &off_h)) {
    off_m = off_h % 100;
    off_h /= 100;
    length = 5;
  } else if (lenient && read_digits(text, pos + 1, 2, &off_h) &&
             (pos + 3 == text.size() || !is_digit(text[pos + 3]))) {
    length = 3;
  } else {
    return kBadZone;
  }
  *in_range = off_h <= 23 && off_m <= 59;
  *offset_s = static_cast<std::int32_t>(off_h * 3600 + off_m * 60) * (text[pos] == '-' ? -1 : 1);
  return length;
}

// RFC 3339 when `lenient` is false; parse_iso_time's superset when it is true. A template, so the
// strict RFC 5424 path carries none of the lenient branches.
template <bool lenient>
Rfc3339Time parse_date_time(std::string_view text, std::int32_t default_utc_offset_s) {
  Rfc3339Time out;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 0, 4, &year) || text.size() < 19 || text[4] != '-' ||
      !read_digits(text, 5, 2, &month) || text[7] != '-' || !read_digits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !read_digits(text, 11, 2, &hour) || text[13] != ':' || !read_digits(text, 14, 2, &minute) ||
      text[16] != ':' || !read_digits(text, 17, 2, &second)) {
    return out;  // kSyntax
  }
  std::int64_t fraction_us = 0;
  std::size_t pos = read_fraction(text, 19, &fraction_us, &out.fraction_digits, lenient ? ',' : '.');

  std::int32_t offset_s = default_utc_offset_s;
  bool offset_in_range = true;
  std::size_t zone_length = read_zone(text, pos, lenient, &offset_s, &offset_in_range);
  if (zone_length == kBadZone) return out;  // a sign that starts no offset: kSyntax
  // "2026-03-09 07:12:44 +0100": a zone after one space, only when it ends the token.
  if (zone_length == 0 && lenient && pos + 1 < text.size() && text[pos] == ' ') {
    const std::size_t spaced = read_zone(text, pos + 1, true, &offset_s, &offset_in_range);
    const std::size_t end = pos + 1 + spaced;
    if (spaced != 0 && spaced != kBadZone && (end == text.size() || text[end] == ' ')) {
      zone_length = spaced + 1;
    } else {
      offset_s = default_utc_offset_s;
      offset_in_range = true;
    }
  }
  const bool has_offset = zone_length != 0;
  pos += zone_length;
  out.length = pos;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60 || !offset_in_range) {
    out.error = TimeError::kRange;
    return out;
  }
  out.time_us = to_time_us(year, month, day, hour, minute, second, fraction_us, offset_s);
  if (out.fraction_digits > 6) {
    out.error = TimeError::kFractionTooLong;
  } else if (second == 60) {
    out.error = TimeError::kLeapSecond;
  } else if (!has_offset) {
    out.error = TimeError::kMissingOffset;
  } else {
    out.error = TimeError::kNone;
  }
  return out;
}

}  // namespace

Rfc3339Time parse_rfc3339(std::string_view text, std::int32_t default_utc_offset_s) {
  return parse_date_time<false>(text, default_utc_offset_s);
}

Rfc3339Time parse_iso_time(std::string_view text, std::int32_t default_utc_offset_s) {
  return parse_date_time<true>(text, default_utc_offset_s);
}

BsdTime parse_bsd_time(std::string_view text, std::int64_t reference_time_us,
                       std::int32_t default_utc_offset_s) {
  BsdTime out;
  if (text.size() < 14) return out;  // "Mmm d hh:mm:ss" is the shortest form
  const unsigned month = month_from_abbrev(text);
  if (month == 0 || text[3] != ' ') return out;
  std::size_t pos = 4;
  unsigned day = 0;
  if (text[pos] == ' ' && is_digit(text[pos + 1])) {
    day = static_cast<unsigned>(text[pos + 1] - '0');
    pos += 2;
  } else if (is_digit(text[pos]) && is_digit(text[pos + 1])) {
    day = static_cast<unsigned>((text[pos] - '0') * 10 + (text[pos + 1] - '0'));
    pos += 2;
  } else if (is_digit(text[pos]) && text[pos + 1] == ' ') {
    day = static_cast<unsigned>(text[pos] - '0');
    pos += 1;
  } else {
    return out;
  }
  if (pos >= text.size() || text[pos] != ' ') return out;
  ++pos;
  unsigned year = 0;
  bool has_year = false;
  if (read_digits(text, pos, 4, &year) && pos + 4 < text.size() && text[pos + 4] == ' ') {
    has_year = true;
    pos += 5;
  }
  unsigned hour = 0, minute = 0, second = 0;
  if (!read_digits(text, pos, 2, &hour) || pos + 8 > text.size() || text[pos + 2] != ':' ||
      !read_digits(text, pos + 3, 2, &minute) || text[pos + 5] != ':' ||
      !read_digits(text, pos + 6, 2, &second)) {
    return out;
  }
  pos += 8;
  std::int64_t fraction_us = 0;
  std::uint8_t fraction_digits = 0;
  pos = read_fraction(text, pos, &fraction_us, &fraction_digits);
  if (!has_year && read_digits(text, pos + 1, 4, &year) && text[pos] == ' ' &&
      (pos + 5 == text.size() || text[pos + 5] == ' ' || text[pos + 5] == ':' ||
       text[pos + 5] == ']')) {
    has_year = true;
    pos += 5;
  }
  out.length = pos;
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    out.range_error = true;
    return out;
  }
  if (has_year) {
    if (day > days_in_month(year, month)) {
      out.range_error = true;
      return out;
    }
    out.time_us =
        to_time_us(year, month, day, hour, minute, second, fraction_us, default_utc_offset_s);
    return out;
  }
  if (reference_time_us == kNoTime) return out;
  // Try the year after the reference's, its own and the one before: the latest candidate that is
  // not too far ahead of the reference wins. Feb 29 exists only in leap years; skip the others.
  const ReferenceYears& years = reference_years(reference_time_us);
  const std::int64_t seconds_in_year =
      static_cast<std::int64_t>(kDaysBeforeMonth[month - 1] + day - 1) * kSecondsPerDay +
      hour * 3600 + minute * 60 + second - default_utc_offset_s;
  for (int i = 2; i >= 0; --i) {
    if (month == 2 && day == 29 && !years.leap[i]) continue;
    const std::int64_t leap_day = years.leap[i] && month > 2 ? kSecondsPerDay : 0;
    const std::int64_t t =
        (years.jan1_seconds[i] + seconds_in_year + leap_day) * kUsPerSecond + fraction_us;
    if (t <= reference_time_us + kMaxFutureSkewUs) {
      out.time_us = t;
      return out;
    }
  }
  // Feb 29 with no leap year nearby: the date is impossible.
  out.range_error = true;
  return out;
}

}  // namespace logsift::parsers
