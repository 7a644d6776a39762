// logsiftd with a kafka sink against librdkafka's mock brokers, read back with kcat.
#include <regex>
#include <set>

#include "tests/integration/daemon_harness.h"
#include "tests/support/kafka_cluster.h"

namespace logsift::integration {
namespace {

using kafka_testing::Consumed;
using kafka_testing::MockCluster;

constexpr int kProbes = 600;

std::string kafka_config(const MockCluster& cluster) {
  const std::string sinks =
      "sinks:\n"
      "  - name: siem\n    type: kafka\n    brokers: " + cluster.bootstrap() + "\n    topic: alerts\n"
      "    timeout: 3s\n    retry_initial: 100ms\n    retry_max: 500ms\n"
      "    properties: { reconnect.backoff.max.ms: 500 }\n";
  return config_with(listener("tcp", "tcp"), sinks, "  max_alerts: 50\n  spool_dir: spool\n");
}

double sink_metric(const Daemon& d, const std::string& name) {
  return d.metric(name + "{sink=\"siem\",type=\"kafka\"}");
}

// Probe id -> the event ids of the records that carry it.
std::map<std::string, std::set<std::string>> probes_in(const Consumed& consumed) {
  std::map<std::string, std::set<std::string>> out;
  const std::regex probe("logsift-probe (p[0-9]+)");
  for (const auto& r : consumed.records) {
    std::smatch m;
    REQUIRE(std::regex_search(r.value, m, probe));
    out[m[1]].insert(r.headers.at("logsift.event.id"));
  }
  return out;
}

TEST_CASE("logsiftd delivers every alert to a kafka sink as keyed records", "[integration][kafka]") {
  MockCluster cluster(3, {"alerts:6"});
  const auto dir = scratch("kafka-deliver");
  write_text(dir / "rules.yaml", kProbeRules);
  Daemon d(dir, kafka_config(cluster));
  REQUIRE(d.ready());
  std::string lines;
  for (int i = 0; i < 100; ++i) lines += probe_line("p" + std::to_string(i));
  REQUIRE(tcp_send(d.port("tcp"), lines));
  REQUIRE(eventually([&] { return sink_metric(d, "logsift_sink_alerts_delivered_total") == 100; }));
  REQUIRE(d.stop() == 0);

  const Consumed consumed = kafka_testing::kcat_consume(cluster.bootstrap(), "alerts");
  REQUIRE(consumed.records.size() == 100);
  const auto probes = probes_in(consumed);
  CHECK(probes.size() == 100);
  for (const auto& r : consumed.records) {
    CHECK(r.key.size() == 16);
    CHECK(r.value.find("\"signature_id\":\"" + r.key + "\"") != std::string::npos);
    CHECK(r.partition == kafka_testing::murmur2_partition(r.key, 6));
  }
}

TEST_CASE("logsiftd killed with -9 in the middle of kafka delivery loses no alert after a restart",
          "[integration][kafka]") {
  MockCluster cluster(3, {"alerts:6"});
  const auto dir = scratch("kafka-kill");
  write_text(dir / "rules.yaml", kProbeRules);

  // Brokers down while the alerts arrive: every batch waits in the spool.
  REQUIRE(cluster.command("down all") == "ok");
  double delivered_before_kill = 0;
  {
    Daemon d(dir, kafka_config(cluster));
    REQUIRE(d.ready());
    std::string lines;
    for (int i = 0; i < kProbes; ++i) lines += probe_line("p" + std::to_string(i));
    REQUIRE(tcp_send(d.port("tcp"), lines));
    REQUIRE(eventually([&] {
      return sink_metric(d, "logsift_sink_alerts_routed_total") == kProbes &&
             sink_metric(d, "logsift_sink_batches_pending") == 0;
    }));
    CHECK(sink_metric(d, "logsift_sink_spool_batches") >= 12);

    // Brokers back but slow (100 ms per request), so delivering the spool takes more than a
    // second; kill the daemon once the first alerts are confirmed.
    REQUIRE(cluster.command("rtt all 100") == "ok");
    REQUIRE(cluster.command("up all") == "ok");
    REQUIRE(eventually([&] {
      delivered_before_kill = sink_metric(d, "logsift_sink_alerts_delivered_total");
      return delivered_before_kill > 0;
    }, 30000));
    d.signal(SIGKILL);
    REQUIRE(eventually([&] { return !d.running(); }));
  }
  CHECK(delivered_before_kill < kProbes);

  // Restart on the same folders: the spool is delivered again.
  REQUIRE(cluster.command("rtt all 0") == "ok");
  Daemon again(dir, kafka_config(cluster));
  REQUIRE(again.ready());
  REQUIRE(eventually([&] {
    return sink_metric(again, "logsift_sink_spool_batches") == 0 &&
           sink_metric(again, "logsift_sink_alerts_delivered_total") > 0;
  }, 60000));
  REQUIRE(again.stop() == 0);

  // Every alert at least once; a record stored twice is the same alert (same event.id).
  const Consumed consumed = kafka_testing::kcat_consume(cluster.bootstrap(), "alerts");
  CHECK(consumed.records.size() >= static_cast<std::size_t>(kProbes));
  const auto probes = probes_in(consumed);
  CHECK(probes.size() == static_cast<std::size_t>(kProbes));
  for (const auto& [probe, ids] : probes) {
    INFO(probe);
    CHECK(ids.size() == 1);
  }
}

}  // namespace
}  // namespace logsift::integration
