#include "parsers/rfc3164.h"

#include "parsers/pri.h"
#include "parsers/timestamp.h"

namespace logsift::parsers {
namespace {

constexpr std::size_t kNpos = std::string_view::npos;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_'; }

// The end of the HOSTNAME candidate at line[pos]: the next SP, or kNpos when the token holds a
// "[" (then it is a "tag[pid]:") or runs to the end. Tokens are short: a plain loop beats memchr.
std::size_t find_host_end(std::string_view line, std::size_t pos) {
  for (; pos < line.size(); ++pos) {
    if (line[pos] == ' ') return pos;
    if (line[pos] == '[') return kNpos;
  }
  return kNpos;
}

struct HeaderTime {
  std::int64_t time_us = kNoTime;
  std::size_t end = 0;        // position after the timestamp (and its ":" or zone, if any)
  bool found = false;
  bool range_error = false;
  bool cisco_colon = false;   // "hh:mm:ss.fff:" — Cisco style, no HOSTNAME follows
};

// A timestamp at line[pos]: RFC 3339, or BSD with optional Cisco marker, zone and colon.
HeaderTime read_time(std::string_view line, std::size_t pos, const Rfc3164Options& options) {
  HeaderTime out;
  if (pos < line.size() && (line[pos] == '*' || line[pos] == '.') && pos + 1 < line.size() &&
      is_alpha(line[pos + 1])) {
    ++pos;  // Cisco: "*" clock not synchronised, "." synchronisation lost
  }
  const std::string_view rest = line.substr(pos);
  if (rest.size() >= 5 && is_digit(rest[0]) && rest[4] == '-') {
    const Rfc3339Time t = parse_rfc3339(rest, options.default_utc_offset_s);
    if (t.error == TimeError::kSyntax) return out;
    out.found = true;
    out.end = pos + t.length;
    out.range_error = t.error == TimeError::kRange;
    out.time_us = t.time_us;
  } else {
    BsdTime t = parse_bsd_time(rest, options.reference_time_us, options.default_utc_offset_s);
    if (t.length == 0) return out;
    out.found = true;
    out.end = pos + t.length;
    out.range_error = t.range_error;
    out.time_us = t.time_us;
    // Cisco "18:46:11.123 UTC: %...": a zone name directly followed by ":".
    std::size_t z = out.end + 1;
    if (out.end < line.size() && line[out.end] == ' ') {
      while (z < line.size() && z - out.end <= 5 && line[z] >= 'A' && line[z] <= 'Z') ++z;
      // Only before a "%FAC-SEV-MNEMONIC": "host CRON: ..." is a TAG, not a zone.
      if (z - out.end >= 4 && z + 2 < line.size() && line[z] == ':' && line[z + 1] == ' ' &&
          line[z + 2] == '%') {
        const std::string_view zone = line.substr(out.end + 1, z - out.end - 1);
        if ((zone == "UTC" || zone == "GMT") && out.time_us != kNoTime) {
          out.time_us += static_cast<std::int64_t>(options.default_utc_offset_s) * 1'000'000;
        }
        out.end = z;
      }
    }
  }
  if (out.end < line.size() && line[out.end] == ':') {
    out.cisco_colon = true;
    ++out.end;
  }
  if (out.end < line.size() && line[out.end] != ' ') return HeaderTime{};  // "22:14:15x"
  if (out.end < line.size()) ++out.end;
  return out;
}

// Cisco "123: " sequence number at line[pos], only when a timestamp ("*Mar", ".Mar", "Mar") or a
// "%" mnemonic follows: "<13>42: answer" keeps its text.
std::size_t skip_sequence_number(std::string_view line, std::size_t pos) {
  std::size_t p = pos;
  while (p < line.size() && p - pos < 10 && is_digit(line[p])) ++p;
  if (p == pos || p + 2 >= line.size() || line[p] != ':' || line[p + 1] != ' ') return pos;
  const char next = line[p + 2];
  if (next == '*' || next == '.' || next == '%' || month_from_abbrev(line.substr(p + 2, 3)) != 0) {
    return p + 2;
  }
  return pos;
}

// "%FAC-SEV-MNEMONIC:" at line[pos]: fills msgid/app (and severity without PRI); returns the
// message start, or kNpos when the text is no Cisco mnemonic.
std::size_t read_cisco_mnemonic(Record* record, std::string_view line, std::size_t pos) {
  std::size_t p = pos + 1;
  const std::size_t fac_start = p;
  while (p < line.size() && is_upper_or_digit(line[p])) ++p;
  const std::size_t fac_end = p;
  if (fac_end == fac_start || p + 2 >= line.size() || line[p] != '-' || !is_digit(line[p + 1]) ||
      line[p + 2] != '-') {
    return kNpos;
  }
  const int sev = line[p + 1] - '0';
  p += 3;
  const std::size_t mnemonic_start = p;
  while (p < line.size() && (is_upper_or_digit(line[p]) || line[p] == '-')) ++p;
  if (p == mnemonic_start || p >= line.size() || line[p] != ':') return kNpos;
  record->msgid = line.substr(pos, p - pos);
  record->app = line.substr(fac_start, fac_end - fac_start);
  if (record->severity < 0 && sev <= 7) record->severity = static_cast<std::int8_t>(sev);
  ++p;
  if (p < line.size() && line[p] == ' ') ++p;
  return p;
}

// "tag[pid]: " or "tag: " at line[pos]: fills app/procid; returns the message start or kNpos.
std::size_t read_tag(Record* record, std::string_view line, std::size_t pos) {
  std::size_t p = pos;
  const std::size_t limit = line.size() < pos + kMaxTagBytes ? line.size() : pos + kMaxTagBytes;
  while (p < limit && line[p] != ' ' && line[p] != ':' && line[p] != '[') ++p;
  if (p == pos || p >= line.size()) return kNpos;
  const std::size_t tag_end = p;
  std::string_view procid;
  if (line[p] == '[') {
    std::size_t close = p + 1;
    while (close < line.size() && close - p <= 129 && line[close] != ']') ++close;
    if (close >= line.size() || line[close] != ']') return kNpos;
    procid = line.substr(p + 1, close - p - 1);
    if (procid.find(' ') != kNpos) return kNpos;
    p = close + 1;
  }
  if (p >= line.size() || line[p] != ':') return kNpos;
  ++p;
  if (p < line.size() && line[p] != ' ') return kNpos;  // "http://..." is not a TAG
  record->app = line.substr(pos, tag_end - pos);
  record->procid = procid;
  return p < line.size() ? p + 1 : p;
}

// Kernel lines: "[ 12345.678901] text" → "text".
std::string_view strip_kernel_uptime(std::string_view message) {
  if (message.size() < 4 || message[0] != '[') return message;
  std::size_t p = 1;
  while (p < message.size() && message[p] == ' ') ++p;
  const std::size_t digits_start = p;
  while (p < message.size() && (is_digit(message[p]) || message[p] == '.')) ++p;
  if (p == digits_start || p >= message.size() || message[p] != ']') return message;
  ++p;
  if (p < message.size() && message[p] == ' ') ++p;
  return message.substr(p);
}

void note(Record* record, ParseIssue issue) {
  if (record->issue == ParseIssue::kNone) record->issue = issue;
  record->quality = Quality::kRecovered;
}

}  // namespace

Record parse_rfc3164(std::string_view line, const Rfc3164Options& options) {
  Record record;
  record.original = line;
  record.message = line;
  if (line.empty()) {
    record.issue = ParseIssue::kEmpty;
    return record;
  }
  const Pri pri = parse_pri(line);
  std::size_t pos = pri.length;
  if (!pri.malformed && pri.length > 0) {
    record.pri = pri.value;
    record.facility = static_cast<std::int8_t>(pri.value / 8);
    record.severity = static_cast<std::int8_t>(pri.value % 8);
  }
  pos = skip_sequence_number(line, pos);
  const HeaderTime time = read_time(line, pos, options);
  if (record.pri < 0 && !time.found) {
    // Neither PRI nor timestamp: nothing to build a header on. The whole line is the message.
    record.issue = pri.malformed ? ParseIssue::kBadPri : ParseIssue::kUnrecognised;
    record.severity = -1;
    return record;
  }
  record.format = Format::kRfc3164;
  record.quality = Quality::kClean;
  if (pri.malformed) {
    note(&record, ParseIssue::kBadPri);
  } else if (pri.length == 0) {
    note(&record, ParseIssue::kNoPri);
  }
  if (!time.found) {
    note(&record, ParseIssue::kNoTimestamp);
  } else {
    pos = time.end;
    record.time_us = time.time_us;
    if (time.range_error) note(&record, ParseIssue::kBadTimestamp);
  }

  if (time.found && !time.cisco_colon) {
    const std::size_t sp = find_host_end(line, pos);
    if (sp != kNpos && sp > pos && line[sp - 1] != ':' && line[pos] != '%') {
      record.host = line.substr(pos, sp - pos);
      pos = sp + 1;
      // Cisco with a hostname in front: "router1 123: *Mar  1 18:46:11.123: %LINK-...".
      const std::size_t after_seq = skip_sequence_number(line, pos);
      if (after_seq != pos) {
        const HeaderTime device_time = read_time(line, after_seq, options);
        if (device_time.found) pos = device_time.end;
      }
    }
  }

  std::size_t message_start = kNpos;
  if (pos < line.size() && line[pos] == '%') message_start = read_cisco_mnemonic(&record, line, pos);
  if (message_start == kNpos) message_start = read_tag(&record, line, pos);
  if (message_start == kNpos) message_start = pos;
  record.message = line.substr(message_start < line.size() ? message_start : line.size());
  if (record.app == "kernel") record.message = strip_kernel_uptime(record.message);
  return record;
}

}  // namespace logsift::parsers
