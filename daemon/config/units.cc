// Durations, sizes and UTC offsets as written in configuration files.
#include "daemon/config/units.h"

#include "rules/duration.h"

#include <array>
#include <charconv>
#include <limits>

namespace logsift::config {
namespace {

struct Unit {
  std::string_view suffix;
  std::uint64_t factor;
};

// Reads leading decimal digits; returns how many characters were consumed (0 if none or overflow).
std::size_t read_number(std::string_view text, std::uint64_t& out) {
  std::size_t n = 0;
  while (n < text.size() && text[n] >= '0' && text[n] <= '9') ++n;
  if (n == 0) return 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + n, out);
  if (ec != std::errc{} || ptr != text.data() + n) return 0;
  return n;
}

bool multiply_add(std::uint64_t value, std::uint64_t factor, std::uint64_t& total,
                  std::uint64_t limit) {
  if (value != 0 && factor > limit / value) return false;
  std::uint64_t product = value * factor;
  if (product > limit - total) return false;
  total += product;
  return true;
}

}  // namespace

Expected<std::int64_t, std::string> parse_duration_ms(std::string_view text) {
  return rules::parse_duration_ms(text);
}

Expected<std::uint64_t, std::string> parse_size_bytes(std::string_view text) {
  static constexpr std::array<Unit, 9> kUnits{{{"B", 1},
                                               {"KiB", 1ull << 10},
                                               {"MiB", 1ull << 20},
                                               {"GiB", 1ull << 30},
                                               {"TiB", 1ull << 40},
                                               {"KB", 1000},
                                               {"MB", 1000 * 1000},
                                               {"GB", 1000 * 1000 * 1000},
                                               {"TB", 1000ull * 1000 * 1000 * 1000}}};
  auto bad = [&](std::string_view why) {
    return Unexpected{std::string("invalid size \"") + std::string(text) + "\": " +
                      std::string(why) + " (examples: 65536, 64KiB, 1MiB, 1GiB)"};
  };
  std::uint64_t value = 0;
  std::size_t n = read_number(text, value);
  if (n == 0) return bad(text.empty() ? "empty" : "expected a whole number");
  std::string_view suffix = text.substr(n);
  if (suffix.empty()) return value;
  for (const Unit& u : kUnits) {
    if (suffix == u.suffix) {
      std::uint64_t total = 0;
      if (!multiply_add(value, u.factor, total, std::numeric_limits<std::uint64_t>::max())) {
        return bad("too large");
      }
      return total;
    }
  }
  return bad("unknown unit; use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB");
}

Expected<std::int32_t, std::string> parse_utc_offset_s(std::string_view text) {
  auto bad = [&] {
    return Unexpected{std::string("invalid UTC offset \"") + std::string(text) +
                      "\": expected Z, UTC, +hh:mm or -hhmm"};
  };
  if (text == "Z" || text == "UTC" || text == "z") return std::int32_t{0};
  if (text.size() != 5 && text.size() != 6) return bad();
  if (text[0] != '+' && text[0] != '-') return bad();
  auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  std::size_t minutes_at = 3;
  if (text.size() == 6) {
    if (text[3] != ':') return bad();
    minutes_at = 4;
  }
  if (!digit(1) || !digit(2) || !digit(minutes_at) || !digit(minutes_at + 1)) return bad();
  int hours = (text[1] - '0') * 10 + (text[2] - '0');
  int minutes = (text[minutes_at] - '0') * 10 + (text[minutes_at + 1] - '0');
  if (minutes > 59 || hours * 60 + minutes > 14 * 60) return bad();
  std::int32_t seconds = (hours * 60 + minutes) * 60;
  return text[0] == '-' ? -seconds : seconds;
}

std::string format_duration_ms(std::int64_t ms) {
  if (ms <= 0) return "0";
  static constexpr std::array<Unit, 5> kUnits{{{"d", 86400000}, {"h", 3600000}, {"m", 60000},
                                               {"s", 1000}, {"ms", 1}}};
  std::string out;
  auto rest = static_cast<std::uint64_t>(ms);
  for (const Unit& u : kUnits) {
    if (rest >= u.factor) {
      out += std::to_string(rest / u.factor);
      out += u.suffix;
      rest %= u.factor;
    }
  }
  return out;
}

}  // namespace logsift::config
