// Record: one parsed log message, as views into memory the caller owns.
//
// Every parser in this folder fills a Record and never rejects input: a line that follows no
// format still yields a Record whose message is the whole line and whose quality is kRaw. The
// string_views point into the input line, or (for JSON strings with escapes) into the parser's
// own buffer; they stay valid until the input buffer is released or the same parser parses the
// next line, whichever comes first. A Record is trivially copyable and owns nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "parsers/service_context.h"

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

// Why a record is not kClean: the first problem the parser met. The daemon counts these by kind
// (parse errors by kind); parse_issue_name() gives a stable label for metrics.
enum class ParseIssue : std::uint8_t {
  kNone,                // clean parse
  kEmpty,               // empty line (after stripping the line terminator)
  kBadPri,              // "<...>" present but malformed, with leading zeros, or above 191
  kNoPri,               // RFC 3164 line without a PRI (as in log files)
  kBadVersion,          // RFC 5424 VERSION other than 1
  kBadTimestamp,        // a timestamp field is present but malformed or out of range
  kNoTimestamp,         // RFC 3164 header without a recognisable timestamp
  kBadHeader,           // RFC 5424 header ended early or had an empty field
  kFieldTooLong,        // RFC 5424 HOSTNAME/APP-NAME/PROCID/MSGID over its RFC length limit
  kBadStructuredData,   // RFC 5424 STRUCTURED-DATA malformed; the rest became MSG
  kJsonSyntax,          // JSON broken or truncated
  kJsonNotObject,       // valid JSON, but not an object
  kJsonNoMessage,       // JSON object without any of the configured message fields
  kUnrecognised,        // no structure recognised at all; stays the last value
};

// Number of ParseIssue values, for arrays of counters indexed by issue.
inline constexpr std::size_t kParseIssueCount = static_cast<std::size_t>(ParseIssue::kUnrecognised) + 1;

inline constexpr std::string_view parse_issue_name(ParseIssue issue) {
  switch (issue) {
    case ParseIssue::kNone: return "none";
    case ParseIssue::kEmpty: return "empty";
    case ParseIssue::kBadPri: return "bad_pri";
    case ParseIssue::kNoPri: return "no_pri";
    case ParseIssue::kBadVersion: return "bad_version";
    case ParseIssue::kBadTimestamp: return "bad_timestamp";
    case ParseIssue::kNoTimestamp: return "no_timestamp";
    case ParseIssue::kBadHeader: return "bad_header";
    case ParseIssue::kFieldTooLong: return "field_too_long";
    case ParseIssue::kBadStructuredData: return "bad_structured_data";
    case ParseIssue::kJsonSyntax: return "json_syntax";
    case ParseIssue::kJsonNotObject: return "json_not_object";
    case ParseIssue::kJsonNoMessage: return "json_no_message";
    case ParseIssue::kUnrecognised: return "unrecognised";
  }
  return "unknown";
}

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
  ParseIssue issue = ParseIssue::kNone;  // why quality is not kClean (first problem met)
  bool message_has_bom = false;      // RFC 5424 MSG started with the UTF-8 BOM
  std::uint8_t extra_count = 0;      // how many entries of `extra` the JSON parser filled
  // Values of the extra JSON paths, in the order they were configured; empty when missing.
  std::array<std::string_view, kMaxExtraFields> extra{};
  // Set by whoever received the line, never by the parsers (they leave them empty/false):
  std::string_view sender;           // the sender's IP address as text; empty when unknown
  bool truncated = false;            // the line was cut on receipt (longer than allowed)
  // What the CMDB says about the record's host (daemon/enrich); null when no entry applies.
  // Points into a table that outlives the batch.
  const ServiceContext* context = nullptr;
};

}  // namespace logsift::parsers
