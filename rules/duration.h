// Parsing the durations written in rule and config files: "500ms", "30s", "10m", "1h", "2d",
// combined "1h30m". Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace logsift::rules {

// Milliseconds, or nullopt when the text is not a duration (empty, no unit, unknown unit,
// overflow). "0s" is a valid zero.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

}  // namespace logsift::rules
