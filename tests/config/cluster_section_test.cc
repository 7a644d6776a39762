// The `cluster:` section: roles, their required keys and the settings they own.
#include <catch2/catch.hpp>

#include <string>

#include "daemon/config/load.h"

using namespace logsift::config;

namespace {

constexpr std::string_view kListener = "listeners:\n  - name: tcp\n    protocol: tcp\n    port: 0\n";

std::vector<std::string> errors_of(const std::string& yaml) {
  auto r = load_config(yaml, "test.yaml");
  return r ? std::vector<std::string>{} : r.error();
}

bool any_contains(const std::vector<std::string>& errors, std::string_view part) {
  for (const auto& e : errors) {
    if (e.find(part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a config without a cluster section is a single process of role all", "[config][cluster]") {
  auto r = load_config(std::string(kListener), "test.yaml");
  REQUIRE(r.has_value());
  CHECK(r->cluster.role == ClusterRole::kAll);
  CHECK(r->cluster.partitions == 0);
}

TEST_CASE("the cluster section is read into its fields", "[config][cluster]") {
  auto r = load_config(std::string(kListener) +
                           "cluster:\n  role: ingest\n  brokers: 'k1:9092, k2:9092'\n  group: g\n"
                           "  incidents_topic: inc\n  state_topic: st\n  partitions: 12\n  instance_id: node-a\n"
                           "  timeout: 5s\n  revoke_timeout: 2s\n  properties: { linger.ms: 5 }\n",
                       "test.yaml");
  REQUIRE(r.has_value());
  const ClusterConfig& c = r->cluster;
  CHECK(c.role == ClusterRole::kIngest);
  CHECK(c.brokers == std::vector<std::string>{"k1:9092", "k2:9092"});
  CHECK(c.group == "g");
  CHECK(c.incidents_topic == "inc");
  CHECK(c.state_topic == "st");
  CHECK(c.partitions == 12);
  CHECK(c.instance_id == "node-a");
  CHECK(c.timeout_ms == 5000);
  CHECK(c.revoke_timeout_ms == 2000);
  CHECK(c.properties == std::vector<std::pair<std::string, std::string>>{{"linger.ms", "5"}});
}

TEST_CASE("an ingest or detect role without brokers or partitions is refused by name", "[config][cluster]") {
  const auto errors = errors_of(std::string(kListener) + "cluster:\n  role: ingest\n");
  CHECK(any_contains(errors, "cluster.brokers: is required for role ingest"));
  CHECK(any_contains(errors, "cluster.partitions: must be the incidents topic's partition count"));
}

TEST_CASE("a detect node runs without listeners and refuses them", "[config][cluster]") {
  const std::string cluster = "cluster:\n  role: detect\n  brokers: k:9092\n  partitions: 4\n";
  auto r = load_config(cluster, "test.yaml");
  INFO((r ? std::string() : r.error().front()));
  REQUIRE(r.has_value());
  CHECK(r->cluster.role == ClusterRole::kDetect);
  CHECK(any_contains(errors_of(std::string(kListener) + cluster), "a detect node reads incidents from Kafka"));
  CHECK(any_contains(errors_of("cluster:\n  role: ingest\n  brokers: k:9092\n  partitions: 4\n"),
                     "at least one listener is required"));
}

TEST_CASE("cluster properties that the roles own are refused", "[config][cluster]") {
  const auto errors = errors_of(std::string(kListener) +
                                "cluster:\n  role: detect\n  brokers: k:9092\n  partitions: 4\n"
                                "  properties: { group.id: other, enable.auto.commit: 'true' }\n");
  CHECK(any_contains(errors, "cluster.properties.group.id: is set by logsift"));
  CHECK(any_contains(errors, "cluster.properties.enable.auto.commit: is set by logsift"));
}

TEST_CASE("the state topic must differ from the incidents topic and an unknown role is named", "[config][cluster]") {
  CHECK(any_contains(errors_of(std::string(kListener) + "cluster:\n  role: ingest\n  brokers: k:9092\n  partitions: 4\n"
                                                        "  incidents_topic: t\n  state_topic: t\n"),
                     "cluster.state_topic: must differ from incidents_topic"));
  CHECK(any_contains(errors_of(std::string(kListener) + "cluster:\n  role: both\n"),
                     "unknown value \"both\"; expected one of: all, ingest, detect"));
}
