// The daemon's life over time: rule reloads under traffic, and a restart that keeps open problems.
#include <atomic>

#include "tests/integration/daemon_harness.h"

using namespace logsift::integration;

namespace {

const char* kOneRule = R"(ruleset: it
rules:
  - id: it.first
    name: First
    match: 'first-kind (?<n>\d+)'
)";

const char* kTwoRules = R"(ruleset: it
rules:
  - id: it.first
    name: First
    match: 'first-kind (?<n>\d+)'
  - id: it.second
    name: Second
    match: 'second-kind (?<n>\d+)'
    examples:
      - line: "Mar  9 07:12:44 edge3 app: second-kind 42"
        fields: { n: "42" }
)";

const char* kSshRule = R"(ruleset: it
rules:
  - id: it.ssh
    name: Failed password
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
    group_by: [source_ip]
    problem: { count: 5, within: 10m, resolve_after: 1h }
)";

}  // namespace

TEST_CASE("SIGHUP swaps in a valid rule set under traffic and keeps the old one when the new one fails", "[integration][reload]") {
  auto dir = scratch("reload");
  write_text(dir / "rules.yaml", kOneRule);
  Daemon d(dir, config_with(listener("tcp", "tcp")));
  REQUIRE(d.ready());
  std::atomic<bool> stop_sending{false};
  std::thread sender([&] {
    int fd = tcp_connect(d.port("tcp"));
    for (int i = 0; !stop_sending && fd >= 0; ++i) {
      const std::string kind = i % 2 ? "first-kind " : "second-kind ";
      if (!send_all(fd, "<13>Mar  9 07:12:44 edge3 app: " + kind + std::to_string(i % 100) + "\n")) break;
      if (i % 1000 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ::close(fd);
  });
  REQUIRE(eventually([&] { return d.metric("logsift_rule_matches_total{rule=\"it.first\"}") > 0; }));
  CHECK(d.metric("logsift_rules_loaded") == 1);

  write_text(dir / "rules.yaml", kTwoRules);
  d.signal(SIGHUP);
  CHECK(eventually([&] { return d.metric("logsift_rule_reloads_total") == 1; }));
  CHECK(eventually([&] { return d.metric("logsift_rule_matches_total{rule=\"it.second\"}") > 0; }));
  CHECK(d.metric("logsift_rules_loaded") == 2);
  // it.first did not change: its detection state stayed.
  CHECK(d.metric("logsift_signatures_dropped_by_reload_total") == 0);

  // A regex that does not compile, then an example that fails: both refused, old set kept.
  write_text(dir / "rules.yaml", std::string(kTwoRules) + "  - id: it.broken\n    name: Broken\n    match: 'unclosed (group'\n");
  d.signal(SIGHUP);
  CHECK(eventually([&] { return d.metric("logsift_rule_reload_failures_total") == 1; }));
  std::string failing_example = kTwoRules;
  failing_example.replace(failing_example.find("n: \"42\""), 7, "n: \"43\"");
  write_text(dir / "rules.yaml", failing_example);
  d.signal(SIGHUP);
  CHECK(eventually([&] { return d.metric("logsift_rule_reload_failures_total") == 2; }));
  CHECK(d.metric("logsift_rules_loaded") == 2);
  CHECK(d.metric("logsift_rule_reloads_total") == 1);
  // Changing it.first drops its state (one signature: host edge3) and keeps it.second's.
  std::string changed_first = kTwoRules;
  changed_first.replace(changed_first.find("first-kind (?<n>\\d+)"), 20, "first-kind (?<n>\\d+)$");
  write_text(dir / "rules.yaml", changed_first);
  d.signal(SIGHUP);
  CHECK(eventually([&] { return d.metric("logsift_rule_reloads_total") == 2; }));
  CHECK(d.metric("logsift_signatures_dropped_by_reload_total") == 1);
  // The log line follows the swap that the metric shows: wait for it rather than race it.
  CHECK(eventually([&] { return d.log().find("signatures_dropped=1") != std::string::npos; }));
  const double before = d.metric("logsift_processed_records_total");
  CHECK(eventually([&] { return d.metric("logsift_processed_records_total") > before; }));
  CHECK(d.log().find("regex does not compile") != std::string::npos);
  stop_sending = true;
  sender.join();
  CHECK(d.stop() == 0);
}

TEST_CASE("a restart restores open problems instead of opening them again", "[integration][restart]") {
  auto dir = scratch("restart");
  write_text(dir / "rules.yaml", kSshRule);
  const std::string config = config_with(listener("tcp", "tcp"));
  const std::string failure = "<38>Mar  9 07:12:44 edge3 sshd[1]: Failed password for root from 203.0.113.7 port 22 ssh2\n";
  {
    Daemon d(dir, config);
    REQUIRE(d.ready());
    std::string burst;
    for (int i = 0; i < 6; ++i) burst += failure;
    CHECK(tcp_send(d.port("tcp"), burst));
    REQUIRE(eventually([&] { return d.metric("logsift_problems_open") == 1; }));
    REQUIRE(d.stop() == 0);
  }
  {
    Daemon d(dir, config);
    REQUIRE(d.ready());
    CHECK(d.log().find("msg=\"detection state restored\" signatures=1") != std::string::npos);
    CHECK(d.metric("logsift_problems_open") == 1);
    CHECK(tcp_send(d.port("tcp"), failure));
    REQUIRE(eventually([&] { return d.metric("logsift_incidents_total") == 1; }));
    REQUIRE(d.stop() == 0);
  }
  auto alerts = decode_alerts(dir / "alerts");
  CHECK(alerts.count("problem.opened", "203.0.113.7") == 1);
  CHECK(alerts.count("problem.reopened", "203.0.113.7") == 0);
}

// A datagram socket standing in for systemd's NOTIFY_SOCKET: collects what the daemon says.
class FakeNotifySocket {
 public:
  explicit FakeNotifySocket(const fs::path& path) : path_(path.string()) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval timeout{0, 100'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~FakeNotifySocket() { ::close(fd_); }
  const std::string& path() const { return path_; }

  // Waits until `what` was received after position `from` of the record; its position, or npos.
  std::size_t saw(const std::string& what, std::size_t from = 0, int timeout_ms = 20000) {
    std::size_t at = std::string::npos;
    eventually(
        [&] {
          char buffer[512];
          const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
          if (n > 0) received_.append(buffer, static_cast<std::size_t>(n)).push_back('\n');
          at = received_.find(what, from);
          return at != std::string::npos;
        },
        timeout_ms);
    return at;
  }
  const std::string& received() const { return received_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::string received_;  // every datagram, one per line
};

TEST_CASE("under systemd the daemon reports READY, WATCHDOG, RELOADING and STOPPING", "[integration][systemd]") {
  auto dir = scratch("notify");
  write_text(dir / "rules.yaml", kOneRule);
  FakeNotifySocket notify(dir / "notify.sock");
  Daemon d(dir, config_with(listener("udp", "udp")), {{"NOTIFY_SOCKET", notify.path()}, {"WATCHDOG_USEC", "400000"}});
  REQUIRE(d.ready());
  CHECK(notify.saw("READY=1") != std::string::npos);
  CHECK(notify.saw("WATCHDOG=1") != std::string::npos);
  d.signal(SIGHUP);
  CHECK(notify.saw("RELOADING=1") != std::string::npos);
  CHECK(d.stop() == 0);
  CHECK(notify.saw("STOPPING=1") != std::string::npos);
}

TEST_CASE("a reload that compiles hundreds of rules keeps the watchdog fed until it is done",
          "[integration][systemd][reload]") {
  auto dir = scratch("notify-slow-reload");
  write_text(dir / "rules.yaml", kOneRule);
  FakeNotifySocket notify(dir / "notify.sock");
  // Pings every 100 ms; compiling the 500 rules below takes far longer than that (seconds).
  Daemon d(dir, config_with(listener("udp", "udp")), {{"NOTIFY_SOCKET", notify.path()}, {"WATCHDOG_USEC", "200000"}});
  REQUIRE(d.ready());
  const std::size_t ready = notify.saw("READY=1");
  REQUIRE(ready != std::string::npos);
  std::string many = "ruleset: big\nrules:\n";
  for (int i = 0; i < 500; ++i) {
    const std::string n = std::to_string(i);
    many += "  - id: big.r" + n + "\n    name: Rule " + n + "\n    match: 'svc" + n +
            "-(?<part>[a-z]+)-worker\\d+ failed with code (?<code>\\d+) after \\d+ retries'\n";
  }
  write_text(dir / "rules.yaml", many);
  d.signal(SIGHUP);
  const std::size_t reloading = notify.saw("RELOADING=1", ready);
  REQUIRE(reloading != std::string::npos);
  const std::size_t done = notify.saw("READY=1", reloading, 120000);
  REQUIRE(done != std::string::npos);
  INFO(notify.received());
  const std::size_t ping = notify.received().find("WATCHDOG=1", reloading);
  CHECK(ping < done);  // the main loop pinged while the rules compiled on their own thread
  CHECK(d.metric("logsift_rules_loaded") == 500);
  CHECK(d.metric("logsift_rule_reload_failures_total") == 0);
  CHECK(d.stop() == 0);
}

TEST_CASE("rules delivered like a Kubernetes ConfigMap reload when the mount is swapped", "[integration][reload]") {
  auto dir = scratch("configmap");
  // The layout the kubelet writes: files behind "..data", a symlink swapped atomically.
  fs::create_directories(dir / "rules.d" / "..2026_11_26_a");
  write_text(dir / "rules.d" / "..2026_11_26_a" / "site.yaml", kOneRule);
  fs::create_directory_symlink("..2026_11_26_a", dir / "rules.d" / "..data");
  fs::create_symlink("..data/site.yaml", dir / "rules.d" / "site.yaml");
  std::string config = config_with(listener("tcp", "tcp"));
  config.replace(config.find("paths: [rules.yaml]"), 19, "paths: [rules.d]\n  reload_on_change: true");
  Daemon d(dir, config);
  REQUIRE(d.ready());
  CHECK(d.metric("logsift_rules_loaded") == 1);  // the hidden copies are not loaded twice

  fs::create_directories(dir / "rules.d" / "..2026_11_26_b");
  write_text(dir / "rules.d" / "..2026_11_26_b" / "site.yaml", kTwoRules);
  fs::create_directory_symlink("..2026_11_26_b", dir / "rules.d" / "..data_tmp");
  fs::rename(dir / "rules.d" / "..data_tmp", dir / "rules.d" / "..data");
  CHECK(eventually([&] { return d.metric("logsift_rules_loaded") == 2; }));
  CHECK(d.metric("logsift_rule_reloads_total") == 1);
  CHECK(eventually([&] { return d.log().find("msg=\"rule files changed\"") != std::string::npos; }));
  REQUIRE(d.stop() == 0);
}

TEST_CASE("with trend enabled the daemon serves its rate series, exports them and keeps them across a restart",
          "[integration][trend]") {
  auto dir = scratch("trend");
  write_text(dir / "rules.yaml", kOneRule);
  const std::string config = config_with(listener("tcp", "tcp"), "trend:\n  enabled: true\n");
  {
    Daemon d(dir, config);
    REQUIRE(d.ready());
    std::string lines;
    for (int i = 0; i < 50; ++i) lines += "<13>Mar  9 07:12:44 edge3 app: first-kind " + std::to_string(i) + "\n";
    REQUIRE(tcp_send(d.port("tcp"), lines));
    int status = 0;
    std::string rates;
    REQUIRE(eventually([&] {
      rates = http_get(d.metrics_port(), "/api/rates", &status);
      return rates.find("\"key\":\"edge3\"") != std::string::npos;
    }));
    CHECK(status == 200);
    CHECK(rates.find("\"kind\":\"listener\",\"key\":\"tcp\"") != std::string::npos);
    CHECK(rates.find("\"label\":\"it.first\"") != std::string::npos);  // the rule's signature series
    CHECK(rates.find("\"baseline\":\"warm-up\"") != std::string::npos);
    CHECK(d.metric("logsift_trend_series") == 3);
    CHECK(d.metric("logsift_rate_last_hour{series=\"host\",key=\"edge3\"}") >= 0);
    REQUIRE(d.stop() == 0);
  }
  CHECK(fs::exists(dir / "state" / "trend.snapshot"));
  Daemon again(dir, config);
  REQUIRE(again.ready());
  CHECK(http_get(again.metrics_port(), "/api/rates").find("\"key\":\"edge3\"") != std::string::npos);
}

TEST_CASE("without trend the daemon has no rates endpoint", "[integration][trend]") {
  auto dir = scratch("no-trend");
  write_text(dir / "rules.yaml", kOneRule);
  Daemon d(dir, config_with(listener("tcp", "tcp")));
  REQUIRE(d.ready());
  int status = 0;
  http_get(d.metrics_port(), "/api/rates", &status);
  CHECK(status == 404);
}
