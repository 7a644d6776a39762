#include "daemon/detect/incident.h"

#include <xxhash.h>

#include "parsers/base/coding.h"
#include "rules/field.h"

namespace logsift::detect {
namespace {

const std::string kHost = "host";

// The canonical encoding is built in a per-thread buffer that keeps its capacity, so hashing an
// incident allocates nothing in steady state.
std::string& encoding_buffer() {
  thread_local std::string buffer;
  buffer.clear();
  return buffer;
}

}  // namespace

std::span<const std::string> effective_group_by(const rules::Rule& rule) {
  if (rule.group_by.empty()) return {&kHost, 1};
  return rule.group_by;
}

std::string_view group_value(const Incident& incident, std::string_view name) {
  for (const rules::Capture& c : incident.fields) {
    if (c.name == name) return c.value;
  }
  if (name == "host") return host_or_sender(*incident.record);
  return rules::named_record_field(*incident.record, name).value_or(std::string_view{});
}

std::uint64_t signature_id(const Incident& incident) {
  std::string& buf = encoding_buffer();
  base::put_length_prefixed(buf, incident.rule->id);
  for (const std::string& name : effective_group_by(*incident.rule)) {
    base::put_length_prefixed(buf, name);
    base::put_length_prefixed(buf, group_value(incident, name));
  }
  return XXH3_64bits(buf.data(), buf.size());
}

std::uint64_t signature_id(std::string_view rule_id,
                           std::span<const std::pair<std::string_view, std::string_view>> values) {
  std::string& buf = encoding_buffer();
  base::put_length_prefixed(buf, rule_id);
  for (const auto& [name, value] : values) {
    base::put_length_prefixed(buf, name);
    base::put_length_prefixed(buf, value);
  }
  return XXH3_64bits(buf.data(), buf.size());
}

}  // namespace logsift::detect
