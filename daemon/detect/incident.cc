#include "daemon/detect/incident.h"

#include <xxhash.h>

namespace logsift::detect {
namespace {

const std::string kHost = "host";

void append_length_prefixed(std::string& out, std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  out.push_back(static_cast<char>(n & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 24) & 0xff));
  out.append(s);
}

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
  const parsers::Record& r = *incident.record;
  if (name == "host") return r.host;
  if (name == "app") return r.app;
  if (name == "procid") return r.procid;
  if (name == "msgid") return r.msgid;
  if (name == "message") return r.message;
  return {};
}

std::uint64_t signature_id(const Incident& incident) {
  std::string& buf = encoding_buffer();
  append_length_prefixed(buf, incident.rule->id);
  for (const std::string& name : effective_group_by(*incident.rule)) {
    append_length_prefixed(buf, name);
    append_length_prefixed(buf, group_value(incident, name));
  }
  return XXH3_64bits(buf.data(), buf.size());
}

std::uint64_t signature_id(std::string_view rule_id,
                           std::span<const std::pair<std::string_view, std::string_view>> values) {
  std::string& buf = encoding_buffer();
  append_length_prefixed(buf, rule_id);
  for (const auto& [name, value] : values) {
    append_length_prefixed(buf, name);
    append_length_prefixed(buf, value);
  }
  return XXH3_64bits(buf.data(), buf.size());
}

std::string hex_id(std::uint64_t id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[id & 0xf];
    id >>= 4;
  }
  return out;
}

}  // namespace logsift::detect
