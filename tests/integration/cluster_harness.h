// Scale-out tests: logsiftd nodes of a cluster against the kafka_mock_cluster helper, the
// incidents topic read back with kcat (binary-safe), and the alerts of several nodes compared.
//
// Nothing here sleeps to assert: conditions are polled until they hold or a deadline passes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/daemon_harness.h"
#include "tests/support/kafka_cluster.h"

namespace logsift::integration {

// One record as kcat printed it with a length-prefixed format (values are binary).
struct RawRecord {
  int partition = -1;
  std::int64_t offset = -1;
  std::int64_t timestamp_ms = 0;
  std::string key;
  std::string value;
};

// Every record of `topic` from the beginning to the current end, read by kcat.
inline std::vector<RawRecord> kcat_consume_binary(const std::string& bootstrap, const std::string& topic) {
  const std::string command = std::string(KCAT_PATH) + " -C -b " + bootstrap + " -t " + topic +
                              " -o beginning -e -q -X fetch.wait.max.ms=10 -f '%p %o %T %K %S\\n%k%s\\n' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  REQUIRE(pipe != nullptr);
  std::string out;
  char chunk[65536];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe.get())) > 0;) out.append(chunk, n);
  std::vector<RawRecord> records;
  std::size_t pos = 0;
  while (pos < out.size()) {
    const std::size_t eol = out.find('\n', pos);
    REQUIRE(eol != std::string::npos);
    RawRecord r;
    long long key_bytes = 0, value_bytes = 0;
    REQUIRE(std::sscanf(out.c_str() + pos, "%d %ld %ld %lld %lld", &r.partition, &r.offset, &r.timestamp_ms,
                        &key_bytes, &value_bytes) == 5);
    pos = eol + 1;
    REQUIRE(key_bytes >= 0);
    REQUIRE(value_bytes >= 0);
    REQUIRE(pos + key_bytes + value_bytes + 1 <= out.size());
    r.key = out.substr(pos, static_cast<std::size_t>(key_bytes));
    pos += static_cast<std::size_t>(key_bytes);
    r.value = out.substr(pos, static_cast<std::size_t>(value_bytes));
    pos += static_cast<std::size_t>(value_bytes) + 1;
    records.push_back(std::move(r));
  }
  return records;
}

// The `cluster:` section of a node.
inline std::string cluster_section(const std::string& role, const std::string& bootstrap, int partitions,
                                   const std::string& extra = "",
                                   const std::string& properties = "{ reconnect.backoff.max.ms: 500 }") {
  return "cluster:\n  role: " + role + "\n  brokers: " + bootstrap + "\n  partitions: " + std::to_string(partitions) +
         "\n  timeout: 10s\n  properties: " + properties + "\n" + extra;
}

// The rules of the scale-out tests: recurring signatures per (host, user) and per host.
inline constexpr const char* kClusterRules = R"(ruleset: it
rules:
  - id: it.auth
    name: Authentication failure
    match: 'auth failure for (?<user_name>\S+)'
    group_by: [host, user_name]
    problem: { count: 3, within: 10m, resolve_after: 1h }
  - id: it.disk
    name: Disk full
    match: 'No space left on device'
    problem: { count: 2, within: 10m, resolve_after: 1h }
)";

// A whole node's config: `listeners_yaml` may be empty (a detect node); every alert is emitted
// (no suppression, an update per occurrence of an open problem) so continuity is visible.
inline std::string node_config(const std::string& listeners_yaml, const std::string& cluster_yaml) {
  return (listeners_yaml.empty() ? std::string() : "listeners:\n" + listeners_yaml) +
         "rules:\n  paths: [rules.yaml]\n  cache_dir: cache\n"
         "emit:\n  dir: alerts\n  max_age: 100ms\n"
         "detect:\n  state_dir: state\n  snapshot_interval: 1s\n  suppression: 0s\n  update_interval: 0s\n"
         "metrics:\n  port: 0\n"
         "log:\n  rate_limit: 0\n" +
         cluster_yaml;
}

// Consumer-group settings that suit librdkafka 2.0.2's mock (its research note): a dead member
// is noticed after 6 s instead of 45 s.
inline constexpr const char* kGroupProperties =
    "{ session.timeout.ms: 6000, heartbeat.interval.ms: 500, reconnect.backoff.max.ms: 500 }";

// One alert line's fields the scale-out tests compare.
struct AlertFacts {
  std::string id, action, rule, signature, problem_id;
};

// The first string value written after `"<name>":` (names may hold a path: `rule":{"id`).
inline std::string json_string_field(const std::string& line, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const auto at = line.find(key);
  if (at == std::string::npos) return "";
  const auto begin = at + key.size();
  return line.substr(begin, line.find('"', begin) - begin);
}

inline std::vector<AlertFacts> alert_facts(const fs::path& alerts_dir) {
  std::vector<AlertFacts> out;
  if (!fs::exists(alerts_dir)) return out;
  bool any = false;
  for (const auto& entry : fs::directory_iterator(alerts_dir)) any = any || entry.path().extension() == ".zst";
  if (!any) return out;
  for (const auto& line : decode_alerts(alerts_dir).lines) {
    AlertFacts f;
    f.id = json_string_field(line, "id");
    f.action = json_string_field(line, "action");
    f.rule = json_string_field(line, "rule\":{\"id");
    f.signature = json_string_field(line, "signature_id");
    f.problem_id = json_string_field(line, "problem_id");
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace logsift::integration
