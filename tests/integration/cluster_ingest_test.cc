// logsiftd as an ingest node: incidents and unmatched trouble leave for the incidents topic,
// keyed and partitioned by signature, and nothing is detected locally.
#include <set>

#include "daemon/cluster/incident_codec.h"
#include "daemon/cluster/partitioning.h"
#include "tests/integration/cluster_harness.h"

namespace logsift::integration {
namespace {

using kafka_testing::MockCluster;

constexpr const char* kClusterRules = R"(ruleset: it
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

TEST_CASE("an ingest node produces every incident keyed by its signature to that signature's partition",
          "[integration][cluster]") {
  MockCluster cluster(3, {"logsift.incidents:6", "logsift.detect.state:6"});
  const auto dir = scratch("cluster-ingest");
  write_text(dir / "rules.yaml", kClusterRules);
  Daemon d(dir, config_with(listener("tcp", "tcp"), cluster_section("ingest", cluster.bootstrap(), 6)));
  REQUIRE(d.ready());

  std::string lines;
  int matches = 0;
  for (int i = 0; i < 40; ++i) {
    const std::string host = "web" + std::to_string(i % 4);
    lines += "<38>Mar  9 07:12:44 " + host + " login: auth failure for user" + std::to_string(i % 3) + "\n";
    lines += "<11>Mar  9 07:12:45 " + host + " kernel: write failed: No space left on device\n";
    matches += 2;
  }
  // Unmatched lines: trouble (mined on the detect side, keyed by shape) and ordinary ones (not sent).
  lines += "<11>Mar  9 07:12:46 db1 postgres[77]: connection to 10.0.0.9 refused after 30s timeout\n";
  lines += "<11>Mar  9 07:12:47 db2 postgres[78]: connection to 10.0.0.12 refused after 31s timeout\n";
  lines += "<14>Mar  9 07:12:48 web1 nginx: GET /index.html 200\n";
  const int expected = matches + 2;
  REQUIRE(tcp_send(d.port("tcp"), lines));
  REQUIRE(eventually([&] { return d.metric("logsift_cluster_incidents_delivered_total") == expected; }));
  CHECK(d.metric("logsift_cluster_produce_errors_total") == 0);
  CHECK(d.metric("logsift_incidents_total") == matches);
  REQUIRE(d.stop() == 0);
  // Detection happens elsewhere: no alert batch was written here.
  std::size_t batches = 0;
  if (fs::exists(dir / "alerts")) {
    for (const auto& entry : fs::directory_iterator(dir / "alerts")) batches += entry.path().extension() == ".zst" ? 1 : 0;
  }
  CHECK(batches == 0);

  const auto records = kcat_consume_binary(cluster.bootstrap(), "logsift.incidents");
  REQUIRE(records.size() == static_cast<std::size_t>(expected));
  std::set<std::string> signatures, shapes;
  cluster::WireIncident wire;
  for (const auto& r : records) {
    REQUIRE(cluster::decode_incident(r.value, wire).has_value());
    char key[16];
    cluster::write_key(wire.key_hash, key);
    CHECK(r.key == std::string(key, 16));
    CHECK(r.partition == kafka_testing::murmur2_partition(r.key, 6));
    CHECK(r.timestamp_ms == wire.time_us / 1000);
    if (wire.kind == cluster::IncidentKind::kMatch) {
      signatures.insert(r.key);
      CHECK((wire.rule_id == "it.auth" || wire.rule_id == "it.disk"));
      CHECK(wire.record.host.rfind("web", 0) == 0);
    } else {
      shapes.insert(r.key);
      CHECK(wire.record.message.find("refused after") != std::string_view::npos);
    }
  }
  CHECK(signatures.size() == 4 * 3 + 4);  // it.auth per (host, user), it.disk per host
  CHECK(shapes.size() == 1);              // both postgres lines have one shape
}

TEST_CASE("an ingest node refuses to start when the incidents topic has another partition count",
          "[integration][cluster]") {
  MockCluster cluster(1, {"logsift.incidents:6"});
  const auto dir = scratch("cluster-partitions");
  write_text(dir / "rules.yaml", kClusterRules);
  Daemon d(dir, config_with(listener("tcp", "tcp"), cluster_section("ingest", cluster.bootstrap(), 4)));
  CHECK_FALSE(d.ready());
  CHECK(d.log().find("topic \"logsift.incidents\" has 6 partitions but cluster.partitions is 4") != std::string::npos);
}

}  // namespace
}  // namespace logsift::integration
