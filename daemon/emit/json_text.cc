// JSON text primitives; see json_text.h.
#include "daemon/emit/json_text.h"

#include <array>
#include <charconv>

namespace logsift::emit {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i] (whose first byte is >= 0x80), or 0.
// Follows the well-formed byte sequence table of the Unicode standard (table 3-7).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  const std::size_t left = s.size() - i;
  const auto cont = [&](std::size_t k, unsigned char lo, unsigned char hi) {
    return byte(i + k) >= lo && byte(i + k) <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return left >= 2 && cont(1, 0x80, 0xBF) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3) return 0;
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4) return 0;
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;  // no overlong forms
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// Days since 1970-01-01 to a civil date (Howard Hinnant's days_from_civil inverse).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

void put_digits(char* p, std::uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

void append_json_string(std::string_view s, std::string& out) {
  out.push_back('"');
  std::size_t run_start = 0;
  std::size_t i = 0;
  const auto flush_run = [&] { out.append(s.data() + run_start, i - run_start); };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(s, i);
      if (n != 0) {
        i += n;
        continue;
      }
      flush_run();
      out.append(kReplacement);
      run_start = ++i;
      continue;
    }
    flush_run();
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
        out.append(esc, sizeof esc);
      }
    }
    run_start = ++i;
  }
  flush_run();
  out.push_back('"');
}

void append_json_uint(std::uint64_t v, std::string& out) {
  std::array<char, 24> buf;
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), r.ptr);
}

void append_json_int(std::int64_t v, std::string& out) {
  std::array<char, 24> buf;
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), r.ptr);
}

void append_rfc3339_us(std::int64_t time_us, std::string& out) {
  constexpr std::int64_t kUsPerDay = 86'400'000'000;
  std::int64_t days = time_us / kUsPerDay;
  std::int64_t rem_us = time_us % kUsPerDay;
  if (rem_us < 0) {
    rem_us += kUsPerDay;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  if (year < 0) {
    year = 0, month = 1, day = 1, rem_us = 0;
  } else if (year > 9999) {
    year = 9999, month = 12, day = 31, rem_us = kUsPerDay - 1;
  }
  const auto secs = static_cast<std::uint64_t>(rem_us / 1'000'000);
  const auto micros = static_cast<std::uint64_t>(rem_us % 1'000'000);
  // "YYYY-MM-DDTHH:MM:SS.ffffffZ" quoted: 29 characters.
  char buf[29] = "\"0000-00-00T00:00:00.000000Z";
  put_digits(buf + 1, static_cast<std::uint64_t>(year), 4);
  put_digits(buf + 6, month, 2);
  put_digits(buf + 9, day, 2);
  put_digits(buf + 12, secs / 3600, 2);
  put_digits(buf + 15, secs / 60 % 60, 2);
  put_digits(buf + 18, secs % 60, 2);
  put_digits(buf + 21, micros, 6);
  buf[28] = '"';
  out.append(buf, sizeof buf);
}

bool parse_rfc3339_us(std::string_view t, std::int64_t& time_us) {
  if (t.size() != 27 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
      t[16] != ':' || t[19] != '.' || t[26] != 'Z') {
    return false;
  }
  const auto number = [&](std::size_t pos, std::size_t len, std::int64_t& v) {
    v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      v = v * 10 + (t[i] - '0');
    }
    return true;
  };
  std::int64_t y, mo, d, h, mi, s, us;
  if (!number(0, 4, y) || !number(5, 2, mo) || !number(8, 2, d) || !number(11, 2, h) ||
      !number(14, 2, mi) || !number(17, 2, s) || !number(20, 6, us)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  // days_from_civil (Howard Hinnant).
  y -= mo <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + doe - 719468;
  time_us = ((days * 24 + h) * 60 + mi) * 60'000'000 + s * 1'000'000 + us;
  return true;
}

void append_hex16(std::uint64_t v, std::string& out) {
  char buf[18];
  buf[0] = '"';
  for (int i = 16; i >= 1; --i) {
    buf[i] = kHexDigits[v & 0xF];
    v >>= 4;
  }
  buf[17] = '"';
  out.append(buf, sizeof buf);
}

bool is_json_integer(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  if (s.empty() || s.size() > 18) return false;
  if (s.size() > 1 && s.front() == '0') return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace logsift::emit
