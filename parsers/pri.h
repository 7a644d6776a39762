// The syslog PRI ("<0>" .. "<191>") shared by the RFC 5424 and RFC 3164 parsers. Pure, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace logsift::parsers {

struct Pri {
  std::int16_t value = -1;  // 0..191, -1 when absent or malformed
  std::size_t length = 0;   // bytes of "<digits>" consumed; 0 when the line has no "<1-3 digits>"
  bool malformed = false;   // "<" present but leading zero, above 191, or not "<1-3 digits>"
};

// Reads the PRI at the start of `line`. "<00>" and "<192>" are malformed with length 4/5 (so a
// tolerant caller can skip them); "<abc>" or "<1234>" are malformed with length 0.
constexpr Pri parse_pri(std::string_view line) {
  Pri pri;
  if (line.empty() || line[0] != '<') return pri;
  std::size_t pos = 1;
  int value = 0;
  while (pos < line.size() && pos <= 4 && line[pos] >= '0' && line[pos] <= '9') {
    value = value * 10 + (line[pos] - '0');
    ++pos;
  }
  const std::size_t digits = pos - 1;
  if (digits == 0 || digits > 3 || pos >= line.size() || line[pos] != '>') {
    pri.malformed = true;
    return pri;
  }
  pri.length = pos + 1;
  if ((digits > 1 && line[1] == '0') || value > 191) {
    pri.malformed = true;
    return pri;
  }
  pri.value = static_cast<std::int16_t>(value);
  return pri;
}

}  // namespace logsift::parsers
