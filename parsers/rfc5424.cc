#include "parsers/rfc5424.h"

#include "parsers/pri.h"
#include "parsers/structured_data.h"
#include "parsers/timestamp.h"

namespace logsift::parsers {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

void note(Record* record, ParseIssue issue) {
  if (record->issue == ParseIssue::kNone) record->issue = issue;
  record->quality = Quality::kRecovered;
}

void set_pri(Record* record, std::int16_t pri) {
  record->pri = pri;
  record->facility = static_cast<std::int8_t>(pri / 8);
  record->severity = static_cast<std::int8_t>(pri % 8);
}

Record raw_record(std::string_view line, ParseIssue issue) {
  Record record;
  record.original = line;
  record.message = line;
  record.format = Format::kRaw;
  record.quality = Quality::kRaw;
  record.issue = issue;
  return record;
}

// NILVALUE "-" reads as an empty view; a field over its limit is kept but noted.
std::string_view header_field(Record* record, std::string_view token, std::size_t max_bytes) {
  if (token == "-") return {};
  if (token.empty()) {
    note(record, ParseIssue::kBadHeader);
    return {};
  }
  if (token.size() > max_bytes) note(record, ParseIssue::kFieldTooLong);
  return token;
}

void read_timestamp(Record* record, std::string_view token, std::int32_t default_utc_offset_s) {
  if (token == "-") return;
  const Rfc3339Time time = parse_rfc3339(token, default_utc_offset_s);
  if (time.error == TimeError::kSyntax || time.error == TimeError::kRange ||
      time.length != token.size()) {
    note(record, ParseIssue::kBadTimestamp);
    return;
  }
  record->time_us = time.time_us;
  if (time.error != TimeError::kNone) note(record, ParseIssue::kBadTimestamp);
}

// Reads STRUCTURED-DATA and MSG from line[pos..].
void read_sd_and_msg(Record* record, std::string_view line, std::size_t pos) {
  const std::size_t n = line.size();
  if (line[pos] == '-') {
    ++pos;
  } else if (line[pos] == '[') {
    const std::size_t sd_start = pos;
    std::size_t element_length = 0;
    while (pos < n && line[pos] == '[' &&
           (element_length = scan_sd_element(line.substr(pos))) != 0) {
      pos += element_length;
    }
    record->structured_data = line.substr(sd_start, pos - sd_start);
    if (pos < n && line[pos] == '[') {  // a malformed element: it and the rest become MSG
      note(record, ParseIssue::kBadStructuredData);
      record->message = line.substr(pos);
      return;
    }
  } else {
    note(record, ParseIssue::kBadStructuredData);
    record->message = line.substr(pos);
    return;
  }
  if (pos >= n) return;  // no MSG
  if (line[pos] != ' ') {
    note(record, ParseIssue::kBadStructuredData);
    record->message = line.substr(pos);
    return;
  }
  std::string_view msg = line.substr(pos + 1);
  if (msg.starts_with(kBom)) {
    msg.remove_prefix(kBom.size());
    record->message_has_bom = true;
  }
  record->message = msg;
}

}  // namespace

Record parse_rfc5424(std::string_view line, std::int32_t default_utc_offset_s) {
  if (line.empty()) return raw_record(line, ParseIssue::kEmpty);
  const Pri pri = parse_pri(line);
  if (pri.length == 0) {
    return raw_record(line, pri.malformed ? ParseIssue::kBadPri : ParseIssue::kUnrecognised);
  }
  // VERSION = NONZERO-DIGIT 0*2DIGIT, then SP.
  std::size_t pos = pri.length;
  const std::size_t n = line.size();
  unsigned version = 0;
  std::size_t digits = 0;
  while (pos < n && digits < 4 && line[pos] >= '0' && line[pos] <= '9') {
    version = version * 10 + static_cast<unsigned>(line[pos] - '0');
    ++pos;
    ++digits;
  }
  if (digits == 0 || digits > 3 || line[pri.length] == '0' || pos >= n || line[pos] != ' ') {
    return raw_record(line, pri.malformed ? ParseIssue::kBadPri : ParseIssue::kUnrecognised);
  }
  ++pos;

  Record record;
  record.original = line;
  record.format = Format::kRfc5424;
  record.quality = Quality::kClean;
  if (pri.malformed) {
    note(&record, ParseIssue::kBadPri);
  } else {
    set_pri(&record, pri.value);
  }
  if (version != 1) note(&record, ParseIssue::kBadVersion);

  // TIMESTAMP, HOSTNAME, APP-NAME, PROCID, MSGID: each ends at SP.
  std::string_view fields[5];
  for (std::string_view& field : fields) {
    if (pos >= n) {
      note(&record, ParseIssue::kBadHeader);
      break;
    }
    const std::size_t sp = line.find(' ', pos);
    if (sp == std::string_view::npos) {
      field = line.substr(pos);
      pos = n;
      continue;
    }
    field = line.substr(pos, sp - pos);
    pos = sp + 1;
  }
  if (fields[0].empty()) {
    note(&record, ParseIssue::kBadHeader);
  } else {
    read_timestamp(&record, fields[0], default_utc_offset_s);
  }
  record.host = header_field(&record, fields[1], kMaxHostnameBytes);
  record.app = header_field(&record, fields[2], kMaxAppNameBytes);
  record.procid = header_field(&record, fields[3], kMaxProcidBytes);
  record.msgid = header_field(&record, fields[4], kMaxMsgidBytes);
  if (pos >= n) {
    note(&record, ParseIssue::kBadHeader);  // STRUCTURED-DATA missing
    return record;
  }
  read_sd_and_msg(&record, line, pos);
  return record;
}

}  // namespace logsift::parsers
