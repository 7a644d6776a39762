// RFC 5424 (The Syslog Protocol) parser.
//
//   SYSLOG-MSG = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP
//                STRUCTURED-DATA [SP MSG]
//
// A pure function over a caller-owned line; the Record's views point into `line`. Never fails:
//  * no "<pri>version " prefix at all → Format::kRaw, Quality::kRaw, message = whole line;
//  * malformed PRI ("<00>", "<192>"), VERSION other than 1, bad TIMESTAMP (syntax, range, more
//    than 6 fraction digits, leap second, missing offset), fields over their RFC length limits,
//    a header that ends early → Quality::kRecovered, `issue` names the first problem, the fields
//    that could be read are kept;
//  * malformed STRUCTURED-DATA → Quality::kRecovered, the well-formed leading elements stay in
//    structured_data and the text from the first malformed element on becomes the message.
// An SP between two SD elements ends the STRUCTURED-DATA: the second element is MSG, as RFC 5424
// section 6.3.5 example 3 says. The ABNF accepts that line, so it stays kClean.
// NILVALUE fields are empty views; MSG has its UTF-8 BOM removed (message_has_bom = true).
// Thread-safe; allocates nothing.
#pragma once

#include <cstdint>
#include <string_view>

#include "parsers/record.h"

namespace logsift::parsers {

// RFC 5424 section 6 field length limits.
inline constexpr std::size_t kMaxHostnameBytes = 255;
inline constexpr std::size_t kMaxAppNameBytes = 48;
inline constexpr std::size_t kMaxProcidBytes = 128;
inline constexpr std::size_t kMaxMsgidBytes = 32;

// `default_utc_offset_s` applies only to timestamps that lack an offset (recovered records).
Record parse_rfc5424(std::string_view line, std::int32_t default_utc_offset_s = 0);

}  // namespace logsift::parsers
