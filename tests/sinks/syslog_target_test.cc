// Tests for daemon/sinks/syslog_target.cc against FakeSyslogServer (octet-counted frames).
#include "daemon/sinks/syslog_target.h"

#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/sinks/sink_test_support.h"
#include "tests/tls_test_certificates.h"

namespace logsift::sinks {
namespace {

using testing::alert_id;
using testing::FakeSyslogServer;

// Waits (up to 10 s) for the receiver's threads to catch up; the assertions come after.
template <typename Predicate>
void wait_for(Predicate done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

config::SinkConfig syslog_config(std::uint16_t port) {
  config::SinkConfig c;
  c.name = "siem";
  c.type = config::SinkType::kSyslog;
  c.address = "127.0.0.1";
  c.port = port;
  c.timeout_ms = 5000;
  return c;
}

std::unique_ptr<emit::DeliveryTarget> make(const config::SinkConfig& config) {
  std::string error;
  auto t = make_syslog_target(config, error);
  INFO(error);
  REQUIRE(t != nullptr);
  return t;
}

TEST_CASE("a syslog frame is octet-counted RFC 5424 with the alert JSON as MSG", "[sinks][syslog]") {
  emit::DeliveryBatch batch;
  testing::make_batch(0, 1, 1, batch);
  std::string frame;
  append_syslog_frame(batch.alerts[0], 47, "sift1", frame);
  const std::string message = "<132>1 2026-03-09T07:12:44.123456Z sift1 logsift - incident - " +
                              std::string(batch.alerts[0].json);
  CHECK(frame == std::to_string(message.size()) + " " + message);
  frame.clear();
  append_syslog_frame(batch.alerts[0], 99, "sift1", frame);
  CHECK(frame.find(" <130>1 ") != std::string::npos);  // local0.crit
}

TEST_CASE("the syslog sink delivers one message per alert with PRI from the alert's severity", "[sinks][syslog]") {
  FakeSyslogServer server;
  auto target = make(syslog_config(server.port()));
  emit::DeliveryBatch batch;
  testing::make_batch(0, 10, 1, batch);
  testing::RecordedDeadLetters dead;
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 10);
  wait_for([&] { return server.message_count() >= 10; });
  const auto messages = server.messages();
  REQUIRE(messages.size() == 10);
  const char* pri[] = {"<134>", "<133>", "<132>", "<131>", "<130>"};  // info .. crit, local0
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < 10; ++i) {
    CHECK(messages[i].rfind(pri[i % 5], 0) == 0);
    const std::size_t json = messages[i].find(" - {");
    REQUIRE(json != std::string::npos);
    std::string_view id;
    REQUIRE(parser.parse(messages[i].substr(json + 3))["event"]["id"].get(id) == simdjson::SUCCESS);
    CHECK(id == alert_id(i));
  }
}

TEST_CASE("the syslog sink notices a receiver that closed the connection and sends the next batch on a new one",
          "[sinks][syslog]") {
  FakeSyslogServer server;
  server.close_after(5);
  auto target = make(syslog_config(server.port()));
  emit::DeliveryBatch first, second;
  testing::make_batch(0, 5, 1, first);
  testing::make_batch(5, 5, 2, second);
  testing::RecordedDeadLetters dead;
  REQUIRE(target->deliver(first, dead));
  wait_for([&] { return server.closed_connections() >= 1; });
  REQUIRE(server.closed_connections() == 1);
  REQUIRE(target->deliver(second, dead));
  wait_for([&] { return server.message_count() >= 10; });
  CHECK(server.message_count() == 10);
  CHECK(server.connections() == 2);
}

TEST_CASE("the syslog sink over TLS verifies the receiver against the configured CA", "[sinks][syslog]") {
  testing::TempDir dir;
  REQUIRE(logsift::testing::make_test_certificates(dir.path()));
  FakeSyslogServer server(testing::FakeTls{dir / "server.crt", dir / "server.key", ""});
  config::SinkConfig config = syslog_config(server.port());
  config.tls.enabled = true;
  config.tls.server_name = "localhost";
  emit::DeliveryBatch batch;
  testing::make_batch(0, 3, 1, batch);
  testing::RecordedDeadLetters dead;

  auto untrusted = make(config)->deliver(batch, dead);  // the system store does not know our CA
  REQUIRE_FALSE(untrusted);
  CHECK(untrusted.error().message.find("tls handshake") != std::string::npos);

  config.tls.ca_file = dir / "ca.crt";
  REQUIRE(make(config)->deliver(batch, dead));
  wait_for([&] { return server.message_count() >= 3; });
  CHECK(server.message_count() == 3);

  config.tls.server_name = "not-the-server";
  auto wrong_name = make(config)->deliver(batch, dead);
  REQUIRE_FALSE(wrong_name);
}

TEST_CASE("a syslog sink with no receiver fails the offer naming the endpoint", "[sinks][syslog]") {
  std::uint16_t port = 0;
  { FakeSyslogServer gone; port = gone.port(); }
  auto target = make(syslog_config(port));
  emit::DeliveryBatch batch;
  testing::make_batch(0, 1, 1, batch);
  testing::RecordedDeadLetters dead;
  auto failed = target->deliver(batch, dead);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("127.0.0.1:" + std::to_string(port) + ": connect") != std::string::npos);
}

// A real rsyslog as the receiver (Debian's rsyslog package), when it is installed.
TEST_CASE("a real rsyslog takes the syslog sink's frames as RFC 5424 with the alert JSON as MSG",
          "[sinks][syslog][rsyslog]") {
  const char* rsyslogd = "/usr/sbin/rsyslogd";
  if (::access(rsyslogd, X_OK) != 0) {
    WARN("skipped: " << rsyslogd << " is not installed (Debian package rsyslog)");
    return;
  }
  testing::TempDir dir;
  testing::write_file(dir, "rsyslog.conf",
                      "global(workDirectory=\"" + dir.path() + "\")\n"
                      "module(load=\"imtcp\")\n"
                      "template(name=\"fields\" type=\"string\" "
                      "string=\"%pri%|%timereported:::date-rfc3339%|%app-name%|%msgid%|%msg%\\n\")\n"
                      "ruleset(name=\"alerts\") { action(type=\"omfile\" file=\"" + (dir / "alerts.log") +
                      "\" template=\"fields\") }\n"
                      "input(type=\"imtcp\" port=\"0\" listenPortFileName=\"" + (dir / "port") +
                      "\" ruleset=\"alerts\")\n");
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen((dir / "rsyslogd.log").c_str(), "w", stderr);
    ::execl(rsyslogd, "rsyslogd", "-n", "-f", (dir / "rsyslog.conf").c_str(), "-i", (dir / "rsyslogd.pid").c_str(),
            static_cast<char*>(nullptr));
    _exit(127);
  }
  struct Reap {
    pid_t pid;
    ~Reap() {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  } reap{pid};
  std::string port_text;
  wait_for([&] {
    std::ifstream in(dir / "port");
    return static_cast<bool>(std::getline(in, port_text)) && !port_text.empty();
  });
  REQUIRE_FALSE(port_text.empty());

  auto target = make(syslog_config(static_cast<std::uint16_t>(std::stoi(port_text))));
  emit::DeliveryBatch batch;
  testing::make_batch(0, 20, 1, batch);
  testing::RecordedDeadLetters dead;
  REQUIRE(target->deliver(batch, dead));

  std::vector<std::string> lines;
  wait_for([&] {
    lines.clear();
    std::ifstream in(dir / "alerts.log");
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines.size() >= 20;
  });
  REQUIRE(lines.size() == 20);
  const char* pri[] = {"134", "133", "132", "131", "130"};
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < 20; ++i) {
    INFO(lines[i]);
    std::vector<std::string> f;
    std::size_t start = 0;
    for (int k = 0; k < 4; ++k) {
      const std::size_t bar = lines[i].find('|', start);
      REQUIRE(bar != std::string::npos);
      f.push_back(lines[i].substr(start, bar - start));
      start = bar + 1;
    }
    f.push_back(lines[i].substr(start));
    CHECK(f[0] == pri[i % 5]);
    CHECK(f[2] == "logsift");
    CHECK(f[3] == std::string(batch.alerts[i].action));
    CHECK(f[4] == std::string(batch.alerts[i].json));
    std::string_view id;
    REQUIRE(parser.parse(f[4])["event"]["id"].get(id) == simdjson::SUCCESS);
    CHECK(id == alert_id(i));
  }
  CHECK(lines[0].find("|2026-03-09T07:12:44.123456") != std::string::npos);
}

}  // namespace
}  // namespace logsift::sinks
