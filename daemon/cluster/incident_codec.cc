// The incidents topic's record format; see incident_codec.h.
#include "daemon/cluster/incident_codec.h"

#include "parsers/base/coding.h"

namespace logsift::cluster {
namespace {

constexpr std::uint8_t kTruncatedFlag = 1;
constexpr std::uint8_t kBomFlag = 2;

void put_header(std::string& out, IncidentKind kind, std::uint64_t key_hash, std::int64_t time_us) {
  out.push_back(static_cast<char>(kIncidentMagic));
  out.push_back(static_cast<char>(kIncidentFormatVersion));
  out.push_back(static_cast<char>(kind));
  base::put_fixed64(out, key_hash);
  base::put_fixed64(out, static_cast<std::uint64_t>(time_us));
}

void put_record(std::string& out, const parsers::Record& r) {
  base::put_fixed64(out, static_cast<std::uint64_t>(r.time_us));
  base::put_fixed32(out, static_cast<std::uint32_t>(static_cast<std::uint16_t>(r.pri)));
  out.push_back(static_cast<char>(r.facility));
  out.push_back(static_cast<char>(r.severity));
  out.push_back(static_cast<char>(r.format));
  out.push_back(static_cast<char>(r.quality));
  out.push_back(static_cast<char>(r.issue));
  out.push_back(static_cast<char>((r.truncated ? kTruncatedFlag : 0) | (r.message_has_bom ? kBomFlag : 0)));
  for (std::string_view s : {r.original, r.message, r.host, r.app, r.procid, r.msgid, r.structured_data, r.sender}) {
    base::put_length_prefixed(out, s);
  }
}

bool get_record(base::ByteReader& in, parsers::Record& r) {
  r = parsers::Record{};
  r.time_us = in.i64();
  r.pri = static_cast<std::int16_t>(static_cast<std::uint16_t>(in.u32()));
  r.facility = static_cast<std::int8_t>(in.u8());
  r.severity = static_cast<std::int8_t>(in.u8());
  const std::uint8_t format = in.u8();
  const std::uint8_t quality = in.u8();
  const std::uint8_t issue = in.u8();
  const std::uint8_t flags = in.u8();
  if (format > static_cast<std::uint8_t>(parsers::Format::kRaw) ||
      quality > static_cast<std::uint8_t>(parsers::Quality::kRaw) ||
      issue > static_cast<std::uint8_t>(parsers::ParseIssue::kUnrecognised)) {
    in.fail();
  }
  r.format = static_cast<parsers::Format>(format);
  r.quality = static_cast<parsers::Quality>(quality);
  r.issue = static_cast<parsers::ParseIssue>(issue);
  r.truncated = (flags & kTruncatedFlag) != 0;
  r.message_has_bom = (flags & kBomFlag) != 0;
  for (std::string_view* s : {&r.original, &r.message, &r.host, &r.app, &r.procid, &r.msgid, &r.structured_data, &r.sender}) {
    *s = in.length_prefixed();
  }
  return in.ok();
}

}  // namespace

void encode_match(const detect::Incident& incident, std::int64_t time_us, std::string& out) {
  put_header(out, IncidentKind::kMatch, incident.signature, time_us);
  put_record(out, *incident.record);
  base::put_length_prefixed(out, incident.rule->id);
  base::put_fixed32(out, static_cast<std::uint32_t>(incident.fields.size()));
  for (const rules::Capture& c : incident.fields) {
    base::put_length_prefixed(out, c.name);
    base::put_length_prefixed(out, c.value);
  }
}

void encode_unmatched(const parsers::Record& record, std::uint64_t shape, std::int64_t time_us, std::string& out) {
  put_header(out, IncidentKind::kUnmatched, shape, time_us);
  put_record(out, record);
}

std::string_view decode_error_name(DecodeError e) {
  switch (e) {
    case DecodeError::kBadMagic: return "bad_magic";
    case DecodeError::kUnsupportedVersion: return "unsupported_version";
    case DecodeError::kBadKind: return "bad_kind";
    case DecodeError::kTruncated: return "truncated";
    case DecodeError::kMalformed: return "malformed";
  }
  return "unknown";
}

Expected<bool, DecodeError> decode_incident(std::string_view bytes, WireIncident& out) {
  base::ByteReader in(bytes);
  if (in.u8() != kIncidentMagic) return Unexpected{DecodeError::kBadMagic};
  const std::uint8_t version = in.u8();
  if (!in.ok()) return Unexpected{DecodeError::kTruncated};
  if (version != kIncidentFormatVersion) return Unexpected{DecodeError::kUnsupportedVersion};
  const std::uint8_t kind = in.u8();
  if (!in.ok()) return Unexpected{DecodeError::kTruncated};
  if (kind > static_cast<std::uint8_t>(IncidentKind::kUnmatched)) return Unexpected{DecodeError::kBadKind};
  out.kind = static_cast<IncidentKind>(kind);
  out.key_hash = in.u64();
  out.time_us = in.i64();
  out.rule_id = {};
  out.fields.clear();
  if (!get_record(in, out.record)) return Unexpected{DecodeError::kTruncated};
  if (out.kind == IncidentKind::kMatch) {
    out.rule_id = in.length_prefixed();
    const std::uint32_t count = in.u32();
    // Each capture takes at least 8 bytes: a count larger than what is left is corrupt.
    if (!in.ok() || count > in.left() / 8) return Unexpected{DecodeError::kTruncated};
    for (std::uint32_t i = 0; i < count; ++i) {
      rules::Capture c;
      c.name = in.length_prefixed();
      c.value = in.length_prefixed();
      out.fields.push_back(c);
    }
  }
  if (!in.ok()) return Unexpected{DecodeError::kTruncated};
  if (in.left() != 0) return Unexpected{DecodeError::kMalformed};  // bytes after the end
  return true;
}

}  // namespace logsift::cluster
