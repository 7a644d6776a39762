#include "rules/duration.h"

#include <limits>

namespace logsift::rules {

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total_ms = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t value = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (value > std::numeric_limits<std::int64_t>::max() / 10 - 10) return std::nullopt;
      value = value * 10 + (text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    std::size_t unit_start = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    std::int64_t scale_ms;
    if (unit == "ms") scale_ms = 1;
    else if (unit == "s") scale_ms = 1000;
    else if (unit == "m") scale_ms = 60 * 1000;
    else if (unit == "h") scale_ms = 3600 * 1000;
    else if (unit == "d") scale_ms = 24 * 3600 * 1000;
    else return std::nullopt;
    if (value > (std::numeric_limits<std::int64_t>::max() - total_ms) / scale_ms) return std::nullopt;
    total_ms += value * scale_ms;
  }
  return total_ms;
}

}  // namespace logsift::rules
