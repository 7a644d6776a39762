#include "parsers/sniff.h"

namespace logsift::parsers {
namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

SniffedFormat sniff_format(std::string_view line) {
  if (line.empty()) return SniffedFormat::kRfc3164;
  if (line[0] == '<') {
    std::size_t pos = 1;
    while (pos < line.size() && pos <= 4 && is_digit(line[pos])) ++pos;
    if (pos == 1 || pos >= line.size() || line[pos] != '>') return SniffedFormat::kRfc3164;
    const std::size_t version_start = ++pos;
    while (pos < line.size() && pos - version_start < 4 && is_digit(line[pos])) ++pos;
    const std::size_t digits = pos - version_start;
    if (digits >= 1 && digits <= 3 && pos < line.size() && line[pos] == ' ') {
      return SniffedFormat::kRfc5424;
    }
    return SniffedFormat::kRfc3164;
  }
  std::size_t pos = 0;
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  if (pos < line.size() && line[pos] == '{') return SniffedFormat::kJson;
  return SniffedFormat::kRfc3164;
}

}  // namespace logsift::parsers
