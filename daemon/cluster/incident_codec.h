// The incidents topic's record format: what an ingest node sends a detect node about one rule
// match (an incident) or one unmatched message the template miner would see.
//
// Everything detection reads travels: the rule id (the detect node looks the rule up in its own
// rule set), the signature id, the detection time in microseconds (the record's Kafka timestamp
// is the same instant in milliseconds), the match's named captures and the parsed record (whole
// line, message, host, app, procid, msgid, structured data, sender address, event time, PRI,
// format, quality, truncation). So a detect node computes the same signatures, windows, problem
// ids and alert fields as a single process that saw the line itself.
//
// Layout (little-endian, strings as u32 length + bytes; docs/scale-out.md has the table):
//   u8 magic 0xC1 | u8 version (1) | u8 kind | u64 key hash | i64 detection time | record | kind's tail
// An unknown magic or version, a kind out of range or bytes that end early decode to an error
// value (counted by the detect node), never a crash.
//
// Encoding appends to a caller's reused buffer; decoding yields views into the record's bytes,
// with the captures in a reused vector, so neither allocates per message once warmed up.
// Pure functions and a plain value type; thread-compatible.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/detect/incident.h"
#include "parsers/base/expected.h"
#include "parsers/record.h"
#include "rules/rule.h"

namespace logsift::cluster {

inline constexpr std::uint8_t kIncidentMagic = 0xC1;
inline constexpr std::uint8_t kIncidentFormatVersion = 1;

enum class IncidentKind : std::uint8_t {
  kMatch = 0,      // a rule matched: key hash = signature id
  kUnmatched = 1,  // no rule matched and the line looks like trouble: key hash = shape_hash()
};

// Appends one incident (its rule, captures and record must be set; `incident.signature` must be
// computed) detected at `time_us`.
void encode_match(const detect::Incident& incident, std::int64_t time_us, std::string& out);
// Appends one unmatched record keyed by `shape` (see partitioning.h), detected at `time_us`.
void encode_unmatched(const parsers::Record& record, std::uint64_t shape, std::int64_t time_us, std::string& out);

// One decoded record of the incidents topic: views into the bytes it was decoded from.
struct WireIncident {
  IncidentKind kind = IncidentKind::kMatch;
  std::uint64_t key_hash = 0;  // signature id, or shape hash
  std::int64_t time_us = 0;    // detection time
  parsers::Record record;
  std::string_view rule_id;                // kMatch only
  std::vector<rules::Capture> fields;      // kMatch only; reused between decodes
};

enum class DecodeError : std::uint8_t { kBadMagic, kUnsupportedVersion, kBadKind, kTruncated, kMalformed };
std::string_view decode_error_name(DecodeError e);  // "bad_magic", ... (metric labels)

// Decodes `bytes` into `out` (overwritten; its field vector keeps its capacity). `out` holds views
// into `bytes`, valid while those bytes are.
[[nodiscard]] Expected<bool, DecodeError> decode_incident(std::string_view bytes, WireIncident& out);

}  // namespace logsift::cluster
