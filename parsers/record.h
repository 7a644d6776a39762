// Record: one parsed log message, as views into memory the caller owns.
//
// Every parser in this folder fills a Record and never rejects input: a line that follows no
// format still yields a Record whose message is the whole line and whose quality is kRaw. The
// string_views point into the input line, or (for JSON strings with escapes) into the parser's
// own buffer; they stay valid until the input buffer is released or the same parser parses the
// next line, whichever comes first. A Record is trivially copyable and owns nothing.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

namespace logsift::parsers {

// The wire format a record was parsed as.
enum class Format : std::uint8_t {
  kRfc5424,
  kRfc3164,
  kJson,
  kRaw,  // nothing recognised: message is the whole line
};

// How much of the record the parser understood.
enum class Quality : std::uint8_t {
  kClean,      // the line follows its format's grammar
  kRecovered,  // structure recognised, but parts were missing or malformed and were guessed
  kRaw,        // no structure recognised; only original and message are set
};

// Timestamp value meaning "the message carried no usable time".
inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

// JSON paths beyond the standard mapping that a rule set asked to see (see JsonFieldMap).
inline constexpr std::size_t kMaxExtraFields = 16;

struct Record {
  std::string_view original;         // the whole input line, as received
  std::string_view message;          // RFC 5424 MSG (BOM removed), RFC 3164 CONTENT, JSON message
  std::string_view host;             // HOSTNAME; empty when absent or NILVALUE
  std::string_view app;              // APP-NAME, the 3164 TAG, or the mapped JSON field
  std::string_view procid;           // PROCID, the 3164 "[pid]", or the mapped JSON field
  std::string_view msgid;            // MSGID; for Cisco lines the "%FAC-SEV-MNEMONIC" text
  std::string_view structured_data;  // raw RFC 5424 SD text ("[id k=\"v\"]..."); empty for NILVALUE
  std::int64_t time_us = kNoTime;    // event time, UTC microseconds since the Unix epoch
  std::int16_t pri = -1;             // PRI value 0..191, -1 when absent
  std::int8_t facility = -1;         // pri / 8, -1 when absent
  std::int8_t severity = -1;         // 0 (emergency) .. 7 (debug), -1 when unknown
  Format format = Format::kRaw;
  Quality quality = Quality::kRaw;
  bool message_has_bom = false;      // RFC 5424 MSG started with the UTF-8 BOM
  std::uint8_t extra_count = 0;      // how many entries of `extra` the JSON parser filled
  // Values of the extra JSON paths, in the order they were configured; empty when missing.
  std::array<std::string_view, kMaxExtraFields> extra{};
};

}  // namespace logsift::parsers
