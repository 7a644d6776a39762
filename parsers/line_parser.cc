#include "parsers/line_parser.h"

#include <utility>

#include "parsers/rfc5424.h"
#include "parsers/sniff.h"

namespace logsift::parsers {
namespace {

JsonFieldMap with_offset(JsonFieldMap map, std::int32_t default_utc_offset_s) {
  map.default_utc_offset_s = default_utc_offset_s;
  return map;
}

}  // namespace

std::string_view strip_line_terminator(std::string_view line) {
  while (!line.empty() && line.back() == '\0') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (!line.empty() && line.back() == '\0') line.remove_suffix(1);
  return line;
}

LineParser::LineParser(ParseOptions options)
    : expected_format_(options.expected_format),
      default_utc_offset_s_(options.default_utc_offset_s),
      rfc3164_options_{options.reference_time_us, options.default_utc_offset_s},
      json_(with_offset(std::move(options.json_fields), options.default_utc_offset_s)) {}

Record LineParser::parse(std::string_view line) { return dispatch(line, false); }

Record LineParser::parse(PaddedLine line) { return dispatch(line.view(), true); }

Record LineParser::dispatch(std::string_view line, bool padded) {
  // Stripping shortens the view only, so the padding guarantee still holds after it.
  line = strip_line_terminator(line);
  last_json_error_ = JsonError::kNone;
  ExpectedFormat format = expected_format_;
  if (format == ExpectedFormat::kAuto) {
    switch (sniff_format(line)) {
      case SniffedFormat::kRfc5424: format = ExpectedFormat::kRfc5424; break;
      case SniffedFormat::kJson: format = ExpectedFormat::kJson; break;
      case SniffedFormat::kRfc3164: format = ExpectedFormat::kRfc3164; break;
    }
  }
  switch (format) {
    case ExpectedFormat::kRfc5424: return parse_rfc5424(line, default_utc_offset_s_);
    case ExpectedFormat::kJson: {
      Record record = padded ? json_.parse(PaddedLine::assume_padded(line)) : json_.parse(line);
      last_json_error_ = json_.last_error();
      return record;
    }
    case ExpectedFormat::kAuto:
    case ExpectedFormat::kRfc3164: break;
  }
  return parse_rfc3164(line, rfc3164_options_);
}

}  // namespace logsift::parsers
