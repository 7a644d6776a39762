#include "parsers/rfc3164.h"

#include "parsers/pri.h"
#include "parsers/timestamp.h"

namespace logsift::parsers {
namespace {

constexpr std::size_t kNpos = std::string_view::npos;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_'; }

// Writers pad columns ("Mar  9 07:12:44  host  app: ..."): one or more spaces separate fields.
std::size_t skip_spaces(std::string_view line, std::size_t pos) {
  while (pos < line.size() && line[pos] == ' ') ++pos;
  return pos;
}

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
    const Rfc3339Time t = parse_iso_time(rest, options.default_utc_offset_s);
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
  out.end = skip_spaces(line, out.end);
  return out;
}

// "Mmm " or "dddd-": a BSD or ISO timestamp (or a word of three letters) starts at line[pos],
// so no Cisco sequence number or origin does.
bool starts_like_time(std::string_view line, std::size_t pos) {
  if (pos + 5 > line.size()) return false;
  if (is_digit(line[pos])) return line[pos + 4] == '-' && is_digit(line[pos + 3]);
  return line[pos + 3] == ' ' && is_alpha(line[pos]);  // "Mar ", never "sw1: "
}

// The end of "123: " at line[pos] (digits, ":", SP, more text), or `pos`.
std::size_t sequence_number_end(std::string_view line, std::size_t pos) {
  std::size_t p = pos;
  while (p < line.size() && p - pos < 10 && is_digit(line[p])) ++p;
  if (p == pos || p + 2 >= line.size() || line[p] != ':' || line[p + 1] != ' ') return pos;
  return p + 2;
}

// Cisco "123: " sequence number at line[pos], only when a timestamp ("*Mar", ".Mar", "Mar") or a
// "%" mnemonic follows: "<13>42: answer" keeps its text.
std::size_t skip_sequence_number(std::string_view line, std::size_t pos) {
  const std::size_t p = sequence_number_end(line, pos);
  if (p == pos) return pos;
  const char next = line[p];
  if (next == '*' || next == '.' || next == '%' || month_from_abbrev(line.substr(p, 3)) != 0) return p;
  return pos;
}

// Cisco "logging origin-id": "[123: ]sw1: *Mar  1 18:46:11.123: %LINK-..." — a hostname ended by
// ": " in front of a device time ended by ":" or of a "%" mnemonic. Fills `host` and returns the
// position after "sw1: ", or `pos` when the text is anything else ("<13>app: Mar  1 ..." keeps
// its TAG: a device time always ends with ":").
std::size_t read_cisco_origin(std::string_view line, std::size_t pos, const Rfc3164Options& options,
                              std::string_view* host) {
  std::size_t p = pos;
  const std::size_t limit = line.size() < pos + kMaxTagBytes ? line.size() : pos + kMaxTagBytes;
  while (p < limit && line[p] != ' ' && line[p] != ':' && line[p] != '[') ++p;
  if (p == pos || p + 2 >= line.size() || line[p] != ':' || line[p + 1] != ' ') return pos;
  const std::size_t next = p + 2;
  if (line[next] != '%' && !read_time(line, next, options).cisco_colon) return pos;
  *host = line.substr(pos, p - pos);
  return next;
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
  // "sshd(pam_unix)[123]:" — Linux-PAM's old tag form: the program is the app, the module msgid.
  if (record->app.size() > 3 && record->app.back() == ')') {
    const std::size_t open = record->app.find('(');
    if (open != kNpos && open > 0) {
      if (record->msgid.empty()) {
        record->msgid = record->app.substr(open + 1, record->app.size() - open - 2);
      }
      record->app = record->app.substr(0, open);
    }
  }
  return p < line.size() ? skip_spaces(line, p + 1) : p;
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

// `dmesg -T`: "[Mon Mar  9 07:12:44 2026] text" at line[0]; returns the position of the text, or
// 0 when the line does not start so.
std::size_t read_dmesg_clock(std::string_view line, const Rfc3164Options& options,
                             std::int64_t* time_us) {
  if (line.size() < 27 || line[0] != '[' || !is_alpha(line[1]) || line[4] != ' ') return 0;
  const BsdTime t = parse_bsd_time(line.substr(5), options.reference_time_us,
                                   options.default_utc_offset_s);
  const std::size_t close = 5 + t.length;
  if (t.length == 0 || close >= line.size() || line[close] != ']') return 0;
  *time_us = t.range_error ? kNoTime : t.time_us;
  return close + 1 < line.size() && line[close + 1] == ' ' ? close + 2 : close + 1;
}

// Syslog facility and severity keywords as syslog.conf(5) spells them; -1 when unknown.
int facility_code(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
      "authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2",
      "local3", "local4", "local5", "local6", "local7"};
  for (int i = 0; i < 24; ++i) {
    if (kNames[i] == name) return i;
  }
  return -1;
}

int severity_code(std::string_view name) {
  static constexpr std::string_view kNames[] = {"emerg", "alert", "crit", "err",
                                                "warning", "notice", "info", "debug"};
  for (int i = 0; i < 8; ++i) {
    if (kNames[i] == name) return i;
  }
  if (name == "panic") return 0;
  if (name == "error") return 3;
  if (name == "warn") return 4;
  return -1;
}

// Solaris/illumos message ids: "[ID 800047 auth.info] text" at the start of the message. Puts
// the number in msgid, takes facility and severity when the line had no PRI, and returns the
// text after the prefix; returns `message` unchanged when there is no such prefix.
std::string_view read_solaris_id(Record* record, std::string_view message) {
  if (message.size() < 8 || message[0] != '[' || message[1] != 'I' || message[2] != 'D' ||
      message[3] != ' ') {
    return message;
  }
  std::size_t p = 4;
  while (p < message.size() && is_digit(message[p])) ++p;
  if (p == 4 || p >= message.size() || message[p] != ' ') return message;
  const std::string_view id = message.substr(4, p - 4);
  const std::size_t close = message.find(']', p);
  if (close == kNpos || close - p > 24) return message;
  const std::string_view selector = message.substr(p + 1, close - p - 1);
  const std::size_t dot = selector.find('.');
  if (dot == kNpos) return message;
  const int facility = facility_code(selector.substr(0, dot));
  const int severity = severity_code(selector.substr(dot + 1));
  if (facility < 0 || severity < 0) return message;
  if (record->pri < 0) {
    record->facility = static_cast<std::int8_t>(facility);
    record->severity = static_cast<std::int8_t>(severity);
  }
  if (record->msgid.empty()) record->msgid = id;
  return message.substr(skip_spaces(message, close + 1));
}

void note(Record* record, ParseIssue issue) {
  if (record->issue == ParseIssue::kNone) record->issue = issue;
  record->quality = Quality::kRecovered;
}

// A kernel ring-buffer line as dmesg writes it, "[ 12345.678901] text" or "[Mon Mar  9 ...]
// text", optionally after a PRI ("<6>[ 12.3] text", /dev/kmsg as some forwarders send it). Apache
// httpd's error log ("[Mon Mar 09 07:12:44.123456 2026] [auth_basic:error] ...") shares the clock:
// it gets the time and its text as message, and no app.
bool read_dmesg_line(Record* record, std::string_view line, std::size_t pos,
                     const Rfc3164Options& options) {
  if (pos >= line.size() || line[pos] != '[') return false;
  const std::string_view rest = line.substr(pos);
  std::int64_t time_us = kNoTime;
  std::size_t text = read_dmesg_clock(rest, options, &time_us);
  if (text == 0) {
    const std::string_view stripped = strip_kernel_uptime(rest);
    text = rest.size() - stripped.size();
    // Seconds with a fraction, as printk writes them: "[1234] text" is not a kernel line.
    if (text == 0 || rest.substr(0, text).find('.') == kNpos) return false;
  }
  record->format = Format::kRfc3164;
  record->quality = Quality::kClean;
  record->message = rest.substr(text);
  record->time_us = time_us;
  // Apache httpd's error log has the same clock, followed by "[module:level]": not the kernel.
  if (record->message.empty() || record->message[0] != '[') record->app = "kernel";
  if (pos == 0) note(record, ParseIssue::kNoPri);
  if (time_us == kNoTime) note(record, ParseIssue::kNoTimestamp);
  return true;
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
  if (!pri.malformed && read_dmesg_line(&record, line, pos, options)) return record;
  if (!starts_like_time(line, pos)) {  // the common case skips the Cisco prefixes at once
    if (record.pri >= 0) {
      const std::size_t seq_end = sequence_number_end(line, pos);
      const std::size_t origin_end = read_cisco_origin(line, seq_end, options, &record.host);
      pos = origin_end != seq_end ? origin_end : skip_sequence_number(line, pos);
    } else {
      pos = skip_sequence_number(line, pos);
    }
  }
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
      pos = skip_spaces(line, sp);
      // Cisco behind a relay's header: "router1 123: [router1: ]*Mar  1 18:46:11.123: %LINK-...".
      const std::size_t seq_end = sequence_number_end(line, pos);
      if (seq_end != pos) {
        std::string_view origin;
        const std::size_t origin_end = read_cisco_origin(line, seq_end, options, &origin);
        if (origin_end != seq_end || skip_sequence_number(line, pos) != pos) {
          const HeaderTime device_time = read_time(line, origin_end, options);
          pos = device_time.found ? device_time.end : origin_end;
        }
      }
    }
  }

  std::size_t message_start = kNpos;
  if (pos < line.size() && line[pos] == '%') message_start = read_cisco_mnemonic(&record, line, pos);
  if (message_start == kNpos) message_start = read_tag(&record, line, pos);
  if (message_start == kNpos) message_start = pos;
  record.message = line.substr(message_start < line.size() ? message_start : line.size());
  if (record.app == "kernel") record.message = strip_kernel_uptime(record.message);
  if (!record.message.empty() && record.message[0] == '[') {
    record.message = read_solaris_id(&record, record.message);
  }
  return record;
}

}  // namespace logsift::parsers
