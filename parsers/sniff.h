// Format sniffing: which parser a line is for, from its first bytes. Pure, thread-safe, O(1)
// apart from skipping leading whitespace before a JSON object.
#pragma once

#include <cstdint>
#include <string_view>

namespace logsift::parsers {

enum class SniffedFormat : std::uint8_t {
  kRfc5424,  // "<PRI>VERSION SP" (VERSION 1-3 digits)
  kRfc3164,  // anything else: the tolerant RFC 3164 parser also handles lines with no header
  kJson,     // first non-whitespace byte is "{"
};

SniffedFormat sniff_format(std::string_view line);

}  // namespace logsift::parsers
