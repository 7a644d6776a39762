// JSON text primitives for alert and batch-header lines: string escaping, numbers, timestamps.
//
// Every function appends to a caller-owned std::string and allocates nothing beyond its growth, so
// a reused buffer reaches a steady state with no allocation. Output is always valid JSON:
// control characters, quotes and backslashes are escaped and invalid UTF-8 is replaced by U+FFFD.
// Stateless; safe to call from any thread on distinct buffers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace logsift::emit {

// Appends `s` as a quoted JSON string. Valid UTF-8 is copied as is (no \u escapes beyond
// control characters); each byte that does not start a valid, shortest-form UTF-8 sequence of a
// scalar value (no surrogates, nothing above U+10FFFF) becomes U+FFFD.
void append_json_string(std::string_view s, std::string& out);

// Appends a decimal number.
void append_json_uint(std::uint64_t v, std::string& out);
void append_json_int(std::int64_t v, std::string& out);

// Appends "YYYY-MM-DDTHH:MM:SS.ffffffZ" (RFC 3339, UTC, microseconds), quoted, for microseconds
// since the Unix epoch. Times before 1970 are handled; years outside 0..9999 are clamped.
void append_rfc3339_us(std::int64_t time_us, std::string& out);

// Parses what append_rfc3339_us() writes (unquoted): "YYYY-MM-DDTHH:MM:SS.ffffffZ". Returns false
// on anything else.
bool parse_rfc3339_us(std::string_view text, std::int64_t& time_us);

// Appends 16 lowercase hex digits, quoted.
void append_hex16(std::uint64_t v, std::string& out);

// True if `s` is a non-empty run of ASCII digits with an optional leading '-', short enough to fit
// an int64 (at most 18 digits), and without a leading zero unless it is "0": a JSON number.
bool is_json_integer(std::string_view s);

}  // namespace logsift::emit
