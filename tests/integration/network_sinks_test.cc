// logsiftd delivering to each network sink type (fake HEC, _bulk, webhook, syslog receiver),
// killed with SIGKILL in the middle of delivery and started again: every alert arrives at least
// once, none is missing (counted by probe id from the receiver's own record).
#include <set>

#include "daemon/emit/batch_reader.h"
#include "tests/integration/daemon_harness.h"
#include "tests/sinks/fake_bulk.h"
#include "tests/sinks/fake_hec.h"

namespace logsift::integration {
namespace {

using sinks::testing::FakeBulk;
using sinks::testing::FakeHec;
using sinks::testing::FakeSyslogServer;
using sinks::testing::FakeWebhook;

constexpr int kChunks = 5;
constexpr int kPerChunk = 10;

// Probe ids ("p3-7") found in any text: the receivers' records hold alert JSON in their own shapes.
void collect_probes(std::string_view text, std::multiset<std::string>& out) {
  const std::string_view marker = "logsift-probe ";
  for (std::size_t at = text.find(marker); at != std::string_view::npos; at = text.find(marker, at)) {
    at += marker.size();
    std::size_t end = at;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-')) ++end;
    out.insert(std::string(text.substr(at, end - at)));
  }
}

// Alerts (incident lines) in the spool folder's batch files.
std::size_t spooled_alerts(const fs::path& spool) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(spool, ec)) {
    if (entry.path().extension() != ".zst") continue;
    auto bytes = emit::read_whole_file(entry.path().string());
    if (!bytes) continue;
    auto batch = emit::decode_batch(bytes.value());
    if (batch) n += batch->header.alerts;
  }
  return n;
}

// One round: alerts spooled while the receiver is down, delivery started against a slow receiver,
// SIGKILL once the receiver has some of them, a restart, then everything must arrive.
// `receiver` controls the fake: down(), slow(), fast(); `probes()` reads its record.
struct Receiver {
  std::function<void()> down, slow, fast;
  std::function<std::multiset<std::string>()> probes;
  bool can_be_slow = true;  // false: the kill may come after everything was confirmed
};

void kill_in_the_middle_and_restart(const std::string& name, const std::string& sink_yaml, Receiver& receiver) {
  auto dir = scratch("sink-" + name);
  write_text(dir / "rules.yaml", kProbeRules);
  write_text(dir / "token", "it-token\n");
  const std::string config = config_with(listener("tcp", "tcp"), "sinks:\n" + sink_yaml);
  const fs::path spool = dir / "logsift-data" / "spool" / name;
  receiver.down();
  {
    Daemon d(dir, config);
    REQUIRE(d.ready());
    for (int c = 0; c < kChunks; ++c) {
      std::string lines;
      for (int i = 0; i < kPerChunk; ++i) lines += probe_line("p" + std::to_string(c) + "-" + std::to_string(i));
      REQUIRE(tcp_send(d.port("tcp"), lines));
      // Each chunk closes its own batch: several batches in the spool.
      REQUIRE(eventually([&] { return spooled_alerts(spool) == static_cast<std::size_t>((c + 1) * kPerChunk); }));
    }
    receiver.slow();
    REQUIRE(eventually([&] { return !receiver.probes().empty(); }));
  }  // SIGKILL: batches being delivered, none confirmed yet or some confirmed
  if (receiver.can_be_slow) CHECK(spooled_alerts(spool) > 0);  // killed mid-delivery
  receiver.fast();
  Daemon again(dir, config);
  REQUIRE(again.ready());
  const std::size_t expected = kChunks * kPerChunk;
  REQUIRE(eventually([&] {
    const auto probes = receiver.probes();
    return std::set<std::string>(probes.begin(), probes.end()).size() >= expected;
  }));
  const auto stored = receiver.probes();
  const std::set<std::string> distinct(stored.begin(), stored.end());
  CHECK(distinct.size() == expected);
  CHECK(stored.size() >= expected);
  REQUIRE(eventually([&] { return spooled_alerts(spool) == 0; }));
  CHECK(again.stop() == 0);
}

TEST_CASE("logsiftd killed in the middle of HEC delivery delivers every alert after a restart",
          "[integration][sinks][hec]") {
  FakeHec hec("it-token", true);
  Receiver r{[&] { hec.go_down(); }, [&] { hec.set_delay_ms(300); hec.come_back(); }, [&] { hec.set_delay_ms(0); },
             [&] {
               std::multiset<std::string> out;
               for (const auto& e : hec.stored()) collect_probes(e.event, out);
               return out;
             }};
  kill_in_the_middle_and_restart("hec",
                                 "  - name: hec\n    type: splunk_hec\n    url: " + hec.url() +
                                     "\n    token_file: token\n    indexer_ack: true\n    retry_initial: 50ms\n"
                                     "    retry_max: 200ms\n",
                                 r);
}

TEST_CASE("logsiftd killed in the middle of _bulk delivery stores every alert exactly once after a restart",
          "[integration][sinks][elasticsearch]") {
  FakeBulk bulk;
  Receiver r{[&] { bulk.go_down(); }, [&] { bulk.set_delay_ms(300); bulk.come_back(); }, [&] { bulk.set_delay_ms(0); },
             [&] {
               std::multiset<std::string> out;
               for (const auto& [key, doc] : bulk.documents()) collect_probes(doc, out);
               return out;
             }};
  kill_in_the_middle_and_restart("es",
                                 "  - name: es\n    type: elasticsearch\n    url: " + bulk.url() +
                                     "\n    retry_initial: 50ms\n    retry_max: 200ms\n",
                                 r);
  // create + _id = event.id: a resend is a 409, never a second document.
  CHECK(bulk.documents().size() == kChunks * kPerChunk);
  CHECK(bulk.created() == kChunks * kPerChunk);
}

TEST_CASE("logsiftd killed in the middle of http delivery delivers every alert after a restart",
          "[integration][sinks][http]") {
  FakeWebhook hook;
  Receiver r{[&] { hook.go_down(); }, [&] { hook.set_delay_ms(300); hook.come_back(); }, [&] { hook.set_delay_ms(0); },
             [&] {
               std::multiset<std::string> out;
               for (const auto& request : hook.stored()) {
                 auto batch = emit::decode_batch(request.body);
                 if (batch) collect_probes(batch->ndjson, out);
               }
               return out;
             }};
  kill_in_the_middle_and_restart("hook",
                                 "  - name: hook\n    type: http\n    url: " + hook.url() +
                                     "/alerts\n    retry_initial: 50ms\n    retry_max: 200ms\n",
                                 r);
}

TEST_CASE("logsiftd killed in the middle of syslog delivery delivers every alert after a restart",
          "[integration][sinks][syslog]") {
  // TCP syslog has no acknowledgement: a batch is confirmed once written, so the kill can come
  // after all of it was written; what the receiver had not yet read may be lost with it. The
  // receiver here reads everything it accepted, so nothing may be missing.
  auto server = std::make_unique<FakeSyslogServer>();
  const std::uint16_t port = server->port();
  Receiver r{[&] { server.reset(); }, [&] { server = std::make_unique<FakeSyslogServer>(sinks::testing::FakeTls{}, port); },
             [] {},
             [&] {
               std::multiset<std::string> out;
               if (server) {
                 for (const auto& m : server->messages()) collect_probes(m, out);
               }
               return out;
             },
             false};
  kill_in_the_middle_and_restart("siem",
                                 "  - name: siem\n    type: syslog\n    address: 127.0.0.1\n    port: " +
                                     std::to_string(port) + "\n    retry_initial: 50ms\n    retry_max: 200ms\n",
                                 r);
}

}  // namespace
}  // namespace logsift::integration
