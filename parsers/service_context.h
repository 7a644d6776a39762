// ServiceContext: what the CMDB says about the host a record is about (business service, owner,
// environment, SLA tier, free-form labels).
//
// The daemon's enrichment (daemon/enrich) owns these, one per CMDB entry, in an immutable table
// that outlives every batch processed with it; a Record points at one (Record::context) and
// rules read it through the field names service.name, service.environment, service.owner,
// service.sla_tier and labels.<name>. Parsers never set or read it. Plain data; a const
// ServiceContext is safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logsift::parsers {

struct ServiceContext {
  std::string service;      // business service, e.g. "payments"
  std::string environment;  // e.g. "production", "staging"
  std::string owner;        // owning team or person, e.g. "team-payments"
  std::string sla_tier;     // e.g. "gold"; selects severity raises and response deadlines
  std::vector<std::pair<std::string, std::string>> labels;  // free-form, by name, sorted by name
  std::string source;       // where the entry was defined ("cmdb.csv:12"), for explanations
  // Hash of every field above but `source`: two entries with the same content have the same
  // fingerprint, so a copy can be skipped when it did not change.
  std::uint64_t fingerprint = 0;

  bool empty() const {
    return service.empty() && environment.empty() && owner.empty() && sla_tier.empty() && labels.empty();
  }
  // The value of label `name`, or empty.
  std::string_view label(std::string_view name) const {
    for (const auto& [k, v] : labels) {
      if (k == name) return v;
    }
    return {};
  }
};

}  // namespace logsift::parsers
