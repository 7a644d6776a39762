// Parsing the durations written in rule and configuration files: "500ms", "30s", "10m", "1h",
// "2d", combined largest unit first ("1h30m", "1m30s250ms"), or "0". The one parser for
// durations in logsift: daemon/config uses it too. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/base/expected.h"

namespace logsift::rules {

// Milliseconds, or a message saying what is wrong:
//   invalid duration "10 min": each number needs a unit: ms, s, m, h or d (examples: ...)
[[nodiscard]] Expected<std::int64_t, std::string> parse_duration_ms(std::string_view text);

}  // namespace logsift::rules
