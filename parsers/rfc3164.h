// RFC 3164 (BSD syslog) parser, for lines as real devices send them and as collectors write
// them to files.
//
//   [<PRI>] [SEQ": "] [ORIGIN": "] [*|.] [TIMESTAMP[":"] SP] [HOSTNAME SP] [TAG["[" PID "]"]":" SP]
//   ["[ID " N " " FACILITY "." LEVEL "] "] MESSAGE
//
// What is recognised:
//  * PRI optional ("<13>"); a malformed PRI ("<00>", "<192>") is skipped and noted (kBadPri).
//  * TIMESTAMP "Mmm dd hh:mm:ss" (day space- or zero-padded), optional ".fff" fraction and
//    optional year (Cisco); year-less times get the year nearest the caller's reference time
//    (see parse_bsd_time); zone-less times use the caller's default UTC offset. ISO 8601 times
//    as files carry them (parse_iso_time): rsyslog's RFC 3339 file format, journald's short-iso
//    and short-iso-precise ("+0100" offsets), "2026-03-09 07:12:44,123 +0100".
//  * Fields may be separated by several spaces (padded columns).
//  * HOSTNAME: the token after the timestamp, unless it ends with ":" or holds "[" (then it is
//    the TAG of a sender that omits its hostname, as local /dev/log messages do).
//  * TAG: "tag[pid]:" or "tag:" followed by SP or end → app, procid; the message is the RFC's
//    CONTENT without the leading ": " (what receivers conventionally show). A token that is not
//    ended by ":" is not a TAG (RFC 3164 5.4 example 2: "Use the BFG!" is all CONTENT).
//    "prog(module)[pid]:" (old Linux-PAM, "sshd(pam_unix)") → app "prog", msgid "module".
//  * Cisco IOS: "<189>123: sw1: *Mar  1 18:46:11.123: %LINK-3-UPDOWN: Interface ..." — the
//    sequence number and the "*"/"." sync markers are skipped, an origin hostname before the
//    device time becomes the host, the "%FAC-SEV-MNEMONIC" text goes to msgid (without ":"), app
//    is the facility without "%" ("LINK"), and when the line has no PRI the severity comes from
//    SEV. An " UTC:"-style zone after the time is skipped (UTC/GMT → offset 0).
//  * Linux kernel: for app "kernel", a leading "[ 12345.678901] " uptime stamp is removed from
//    the message (the original line keeps it). A line that is only a dmesg line ("[12345.678901]
//    text", "[Mon Mar  9 07:12:44 2026] text", optionally after a PRI) gets app "kernel", the
//    text as message, and the time of `dmesg -T`'s clock when it has one. Apache httpd error log
//    lines ("[Mon Mar 09 07:12:44.123456 2026] [auth_basic:error] ...") get that time and their
//    text as message, without an app.
//  * Solaris/illumos: a "[ID 800047 auth.info] " prefix of the message is removed; the number
//    goes to msgid and, without a PRI, facility and severity come from its selector.
// Quality: valid PRI and timestamp → kClean; a line with PRI or timestamp but something missing or
// malformed → kRecovered with `issue` (kNoPri for log-file lines, kNoTimestamp, kBadPri,
// kBadTimestamp); neither PRI nor timestamp → Format::kRaw, Quality::kRaw, message = whole line.
// Pure function, thread-safe, allocates nothing; views point into `line`.
#pragma once

#include <cstdint>
#include <string_view>

#include "parsers/record.h"

namespace logsift::parsers {

struct Rfc3164Options {
  // UTC microseconds the year of year-less timestamps is inferred from (usually the batch's
  // arrival time). kNoTime: year-less timestamps yield time_us = kNoTime.
  std::int64_t reference_time_us = kNoTime;
  // Seconds east of UTC assumed for timestamps without a zone. Default 0 (UTC).
  std::int32_t default_utc_offset_s = 0;
};

// Longest TAG accepted; longer tokens are message text (RFC 3164 says 32; real tags run longer).
inline constexpr std::size_t kMaxTagBytes = 64;

Record parse_rfc3164(std::string_view line, const Rfc3164Options& options);

}  // namespace logsift::parsers
