// Bad input over the wire, a dead sink under traffic, and a stop under load: the daemon stays up,
// counts what it refused, slows senders down instead of dropping, and loses nothing it accepted.
#include <atomic>
#include <random>

#include "tests/integration/daemon_harness.h"

using namespace logsift::integration;

TEST_CASE("garbage, oversize frames, bad octet counts and idle connections are counted, not fatal", "[integration]") {
  raise_file_limit(8192);
  auto dir = scratch("bad-input");
  write_text(dir / "rules.yaml", kProbeRules);
  Daemon d(dir, config_with(listener("tcp", "tcp", "    max_message_bytes: 1KiB\n    max_connections: 4000\n") +
                            listener("udp", "udp")));
  REQUIRE(d.ready());
  const auto tcp = d.port("tcp");

  // Random bytes, NULs and invalid UTF-8 included.
  std::mt19937 rng(7);
  std::string garbage(64 * 1024, '\0');
  for (auto& c : garbage) c = static_cast<char>(rng());
  CHECK(tcp_send(tcp, garbage));
  udp_send(d.port("udp"), garbage.substr(0, 9000));

  // An oversize frame is truncated and flagged, and the stream goes on.
  CHECK(tcp_send(tcp, "<13>Mar  9 07:12:44 edge3 app: " + std::string(10 * 1024, 'x') + "\n" + probe_line("after-oversize")));
  // A wrong octet count resynchronises at the next newline.
  CHECK(tcp_send(tcp, "99999999999999 <13>bogus\n" + probe_line("after-bad-count")));

  // Two thousand idle connections do not stop others from being served.
  std::vector<int> idle;
  for (int i = 0; i < 2000; ++i) {
    int fd = tcp_connect(tcp);
    if (fd >= 0) idle.push_back(fd);
  }
  CHECK(idle.size() == 2000);
  CHECK(eventually([&] { return d.metric("logsift_connections_active{listener=\"tcp\"}") >= 2000; }));
  CHECK(tcp_send(tcp, probe_line("beside-idle")));

  CHECK(eventually([&] { return d.metric("logsift_incidents_total") == 3; }));
  CHECK(d.metric("logsift_truncated_messages_total{listener=\"tcp\"}") >= 1);
  CHECK(d.metric("logsift_framing_errors_total{listener=\"tcp\"}") >= 1);
  CHECK(d.metric("logsift_parse_errors_total{kind=\"unrecognised\"}") >= 1);
  int status = 0;
  http_get(d.metrics_port(), "/healthz", &status);
  CHECK(status == 200);
  for (int fd : idle) ::close(fd);
  REQUIRE(d.stop() == 0);
  auto alerts = decode_alerts(dir / "alerts");
  for (const char* probe : {"after-oversize", "after-bad-count", "beside-idle"}) {
    INFO(probe);
    CHECK(alerts.count("incident", std::string("\"probe_id\":\"") + probe + "\"") == 1);
  }
}

TEST_CASE("a dead sink slows the TCP sender down and every message sent is accounted for", "[integration][backpressure]") {
  auto dir = scratch("backpressure");
  write_text(dir / "rules.yaml", kProbeRules);
  Daemon d(dir, config_with(listener("tcp", "tcp"),
                            "pipeline:\n  queue_batches: 2\n  batch_messages: 64\n  max_pending_alerts: 8\n"
                            "  max_pending_batches: 2\n",
                            "  max_alerts: 1\n"));  // every alert its own batch
  REQUIRE(d.ready());
  // Kill the sink: a file where the alert folder was.
  fs::rename(dir / "alerts", dir / "alerts.saved");
  write_text(dir / "alerts", "not a folder");

  // 40 matching messages (each its own alert) jam the alert path; 300,000 ordinary ones behind
  // them (about 21 MB) are more than the socket buffers hold.
  constexpr int kMatching = 40;
  constexpr int kTotal = 300'000;
  std::atomic<bool> sender_done{false};
  std::atomic<bool> sender_ok{false};
  std::thread sender([&] {
    int fd = tcp_connect(d.port("tcp"));
    std::string chunk;
    bool ok = fd >= 0;
    for (int i = 0; i < kTotal && ok; ++i) {
      chunk += i < kMatching ? probe_line(std::string("p") + std::to_string(i)) : "<13>Mar  9 07:12:44 edge3 app: routine line\n";
      if (chunk.size() > 16384 || i + 1 == kTotal) {
        ok = send_all(fd, chunk);
        chunk.clear();
      }
    }
    ::close(fd);
    sender_ok = ok;
    sender_done = true;
  });

  // Ingest pauses the connection, and the sender cannot finish while the sink is dead.
  CHECK(eventually([&] { return d.metric("logsift_backpressure_pauses_total{listener=\"tcp\"}") >= 1; }));
  CHECK(eventually([&] { return d.metric("logsift_sink_store_errors_total{sink=\"file\",type=\"file\"}") >= 1; }));
  CHECK_FALSE(sender_done.load());
  CHECK(d.metric("logsift_processed_records_total") < kTotal);

  // The sink comes back: everything flows, nothing is lost.
  fs::remove(dir / "alerts");
  fs::rename(dir / "alerts.saved", dir / "alerts");
  sender.join();
  CHECK(sender_ok.load());
  REQUIRE(eventually([&] { return d.metric("logsift_processed_records_total") == kTotal; }, 60000));
  CHECK(d.metric("logsift_received_messages_total{listener=\"tcp\"}") == kTotal);
  CHECK(d.metric("logsift_dropped_messages_total{listener=\"tcp\",cause=\"queue_full\"}") == 0);
  CHECK(d.metric("logsift_incidents_total") == kMatching);
  REQUIRE(d.stop() == 0);
  CHECK(decode_alerts(dir / "alerts").count("incident", "it.probe") == kMatching);
}

TEST_CASE("SIGTERM under load exits 0 and processes every message it accepted", "[integration]") {
  auto dir = scratch("sigterm");
  write_text(dir / "rules.yaml", kProbeRules);
  Daemon d(dir, config_with(listener("tcp", "tcp")));
  REQUIRE(d.ready());
  std::atomic<bool> stop_sending{false};
  std::thread sender([&] {
    int fd = tcp_connect(d.port("tcp"));
    std::string chunk;
    for (int i = 0; i < 200 && fd >= 0; ++i) chunk += probe_line("load" + std::to_string(i % 50));
    for (int round = 0; round < 100000 && !stop_sending; ++round) {
      if (!send_all(fd, chunk)) break;
    }
    ::close(fd);
  });
  REQUIRE(eventually([&] { return d.metric("logsift_processed_records_total") > 20000; }));
  const int status = d.stop();
  stop_sending = true;
  sender.join();
  CHECK(status == 0);
  // The last log line accounts for every accepted message.
  std::smatch m;
  const std::string log = d.log();
  REQUIRE(std::regex_search(log, m, std::regex("msg=stopped received=([0-9]+) records=([0-9]+)")));
  CHECK(std::stoull(m[1]) == std::stoull(m[2]));
  CHECK(std::stoull(m[1]) > 20000);
  decode_alerts(dir / "alerts");
}
