// The `cluster:` section: see cluster_section.h and ClusterConfig in config.h.
#include "daemon/config/cluster_section.h"

#include <algorithm>
#include <array>

#include "daemon/config/sink_sections.h"

namespace logsift::config {

std::string_view to_string(ClusterRole r) {
  switch (r) {
    case ClusterRole::kAll: return "all";
    case ClusterRole::kIngest: return "ingest";
    case ClusterRole::kDetect: return "detect";
  }
  return "unknown";
}

void read_cluster(YamlReader& r, const YAML::Node& n, ClusterConfig& c) {
  if (!n.IsDefined()) return;
  if (!r.expect_map(n, "cluster",
                    {"role", "brokers", "group", "incidents_topic", "state_topic", "partitions", "instance_id",
                     "timeout", "revoke_timeout", "properties"})) {
    return;
  }
  r.read_enum(n, "cluster", "role", c.role,
              {{"all", ClusterRole::kAll}, {"ingest", ClusterRole::kIngest}, {"detect", ClusterRole::kDetect}});
  read_brokers(r, n, "cluster", c.brokers);
  r.read_string(n, "cluster", "group", c.group);
  r.read_string(n, "cluster", "incidents_topic", c.incidents_topic);
  r.read_string(n, "cluster", "state_topic", c.state_topic);
  r.read_u32(n, "cluster", "partitions", c.partitions);
  r.read_string(n, "cluster", "instance_id", c.instance_id);
  r.read_duration_ms(n, "cluster", "timeout", c.timeout_ms);
  r.read_duration_ms(n, "cluster", "revoke_timeout", c.revoke_timeout_ms);
  YAML::Node properties = r.child(n, "cluster", "properties");
  if (properties.IsDefined()) read_properties(r, properties, "cluster.properties", c.properties);
}

void validate_cluster(const DaemonConfig& config, std::vector<std::string>& problems) {
  const ClusterConfig& c = config.cluster;
  auto add = [&](const std::string& key, const std::string& message) { problems.push_back(key + ": " + message); };
  if (c.role == ClusterRole::kAll) return;  // the rest of the section is not used
  const std::string role(to_string(c.role));
  if (c.brokers.empty()) add("cluster.brokers", "is required for role " + role);
  if (c.partitions == 0 || c.partitions > 100000) {
    add("cluster.partitions", "must be the incidents topic's partition count, 1 to 100000 (required for role " + role + ")");
  }
  if (c.incidents_topic.empty()) add("cluster.incidents_topic", "must not be empty");
  if (c.state_topic.empty()) add("cluster.state_topic", "must not be empty");
  if (!c.incidents_topic.empty() && c.incidents_topic == c.state_topic) {
    add("cluster.state_topic", "must differ from incidents_topic");
  }
  if (c.role == ClusterRole::kDetect && c.group.empty()) add("cluster.group", "is required for role detect");
  if (c.timeout_ms < 1000 || c.timeout_ms > 3600 * 1000) add("cluster.timeout", "must be between 1s and 1h");
  if (c.revoke_timeout_ms < 100 || c.revoke_timeout_ms > 3600 * 1000) {
    add("cluster.revoke_timeout", "must be between 100ms and 1h");
  }
  if (config.trend.enabled) {
    add("trend.enabled", "predictive monitoring runs in a single process (role all) only");
  }
  if (c.role == ClusterRole::kDetect && !config.listeners.empty()) {
    add("listeners", "a detect node reads incidents from Kafka and opens no listeners; remove them or use role ingest");
  }
  // Settings the roles own: changing them would break partition ownership or the offset protocol.
  static constexpr std::array<std::string_view, 9> kOwned = {
      "bootstrap.servers", "metadata.broker.list", "group.id", "group.instance.id", "enable.auto.commit",
      "enable.auto.offset.store", "partition.assignment.strategy", "transactional.id", "delivery.report.only.error"};
  for (const auto& [name, value] : c.properties) {
    if (std::find(kOwned.begin(), kOwned.end(), name) != kOwned.end()) {
      add("cluster.properties." + name, "is set by logsift for its role (use brokers, group, instance_id)");
    }
  }
}

}  // namespace logsift::config
