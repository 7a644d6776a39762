// LineParser: the one entry point the daemon uses. Strips the line terminator, sniffs the format
// (or uses the configured one), dispatches to the RFC 5424, RFC 3164 or JSON parser, and returns a
// Record whose `quality` and `issue` say how well it went (count `issue` by kind; see
// parse_issue_name()).
//
// Ownership: a LineParser owns a JsonParser (simdjson parser + scratch buffer), so one LineParser
// per worker thread; it is not thread-safe. Record views point into the caller's line, or for
// JSON strings into this LineParser, valid until its next parse. No allocation per line once the
// JSON buffers have grown to the longest line. The clock is never read: set the reference time for
// year inference (e.g. the batch arrival time) with set_reference_time_us().
#pragma once

#include <cstdint>
#include <string_view>

#include "parsers/json.h"
#include "parsers/padded_line.h"
#include "parsers/record.h"
#include "parsers/rfc3164.h"

namespace logsift::parsers {

enum class ExpectedFormat : std::uint8_t {
  kAuto,     // sniff each line (sniff_format)
  kRfc5424,
  kRfc3164,
  kJson,
};

struct ParseOptions {
  // UTC microseconds that year-less RFC 3164 timestamps are placed near (usually "now" of the
  // batch). kNoTime: such timestamps yield time_us = kNoTime. Can be changed per batch.
  std::int64_t reference_time_us = kNoTime;
  // Seconds east of UTC assumed for timestamps that carry no zone (RFC 3164, offset-less RFC 3339
  // in JSON or RFC 5424). Overrides json_fields.default_utc_offset_s.
  std::int32_t default_utc_offset_s = 0;
  JsonFieldMap json_fields;
  ExpectedFormat expected_format = ExpectedFormat::kAuto;
};

// Removes one trailing "\n" or "\r\n" (or a lone "\r") and any trailing NUL bytes.
std::string_view strip_line_terminator(std::string_view line);

class LineParser {
 public:
  explicit LineParser(ParseOptions options = ParseOptions{});

  void set_reference_time_us(std::int64_t reference_time_us) {
    rfc3164_options_.reference_time_us = reference_time_us;
  }

  // Parses one line (terminator optional). `original` in the result is the stripped line.
  Record parse(std::string_view line);
  // The same, zero-copy for JSON: ingest batches hand out PaddedLines.
  Record parse(PaddedLine line);

  // Error detail of the last JSON line (kNone after a non-JSON line).
  JsonError last_json_error() const { return last_json_error_; }

 private:
  Record dispatch(std::string_view line, bool padded);  // padded: `line` came from a PaddedLine

  ExpectedFormat expected_format_;
  std::int32_t default_utc_offset_s_;
  Rfc3164Options rfc3164_options_;
  JsonParser json_;
  JsonError last_json_error_ = JsonError::kNone;
};

}  // namespace logsift::parsers
