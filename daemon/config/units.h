// Parsing of the human-friendly values used in configuration files: durations, sizes and UTC
// offsets. Shared by the daemon config and anything else that reads such values (rule files'
// `within: 10m`). Pure functions on text; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/base/expected.h"

namespace logsift::config {

// "500ms", "30s", "10m", "1h", "2d", "1h30m" (units largest first, each once), or "0".
// Returns milliseconds, or a message saying what is wrong. The same parser as rule files
// (rules::parse_duration_ms), so a duration reads the same everywhere.
[[nodiscard]] Expected<std::int64_t, std::string> parse_duration_ms(std::string_view text);

// "65536", "512B", "64KiB", "1MiB", "1GiB", "1TiB" (powers of 1024) or "10KB", "10MB", "1GB",
// "1TB" (powers of 1000). Returns bytes.
[[nodiscard]] Expected<std::uint64_t, std::string> parse_size_bytes(std::string_view text);

// "Z", "UTC", "+02:00", "-05:30", "+0200". Returns seconds east of UTC (-14h..+14h).
[[nodiscard]] Expected<std::int32_t, std::string> parse_utc_offset_s(std::string_view text);

// Renders milliseconds the way parse_duration_ms reads them ("1h30m", "500ms", "0").
std::string format_duration_ms(std::int64_t ms);

}  // namespace logsift::config
