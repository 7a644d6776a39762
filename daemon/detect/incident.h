// Incident and signature: what a rule match is, and what makes two matches "the same".
//
// An Incident is a view of one rule match, valid only for the duration of the call it is passed
// to: the detector copies what it keeps. Its signature is the rule id plus the values of the
// rule's `group_by` names (default: host). Each name resolves to the capture of that name if the
// match extracted one, else to a record field: host (the sender's address when the message names
// no host), app, procid, msgid, message, original, or an RFC 5424 structured-data parameter
// sd.<id>.<param> (the loader rejects other names). The signature id is XXH3_64bits of a canonical encoding (rule id,
// then each name=value, every string length-prefixed with a little-endian u32), so it is the same
// on every machine, in every process, before and after a restart.
//
// Thread-safety: free functions, no state.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/record.h"
#include "rules/rule.h"

namespace logsift::detect {

struct Incident {
  const rules::Rule* rule = nullptr;        // must not be null
  const parsers::Record* record = nullptr;  // must not be null
  std::span<const rules::Capture> fields;   // named captures of the match
  // Detection time of this incident; parsers::kNoTime: the `now_us` of the call it is passed to.
  // A batch carries each message's own time.
  std::int64_t time_us = parsers::kNoTime;
  // signature_id(*this) when `has_signature`: a batch computes it once, to pick the shard, and
  // the detector reuses it.
  std::uint64_t signature = 0;
  bool has_signature = false;
};

// The host a record is about: the one it names, else the address it came from (may be empty).
inline std::string_view host_or_sender(const parsers::Record& record) {
  return record.host.empty() ? record.sender : record.host;
}

// The group_by names a rule uses: its own list, or {"host"} when the list is empty.
std::span<const std::string> effective_group_by(const rules::Rule& rule);

// The value a group_by name takes for an incident (see the header comment for the lookup order).
std::string_view group_value(const Incident& incident, std::string_view name);

// Stable signature id of an incident.
std::uint64_t signature_id(const Incident& incident);

// The same hash from its parts: a rule id and (name, value) pairs in group_by order.
std::uint64_t signature_id(std::string_view rule_id,
                           std::span<const std::pair<std::string_view, std::string_view>> values);

}  // namespace logsift::detect
