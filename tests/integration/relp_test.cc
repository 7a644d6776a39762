// RELP into the real logsiftd: a hand-written client checks that an acknowledged message is in
// the alert batches even when the daemon is killed right after, and Debian's rsyslog (omrelp,
// unpacked beside syslog-ng at test time) delivers every line across a restart of logsiftd.
#include <netinet/in.h>
#include <poll.h>

#include <set>

#include "tests/integration/daemon_harness.h"
#include "tests/support/debian_package.h"

using namespace logsift::integration;

namespace {

std::string relp_frame(std::uint32_t txnr, std::string_view command, std::string_view data) {
  std::string f = std::to_string(txnr) + " " + std::string(command) + " " + std::to_string(data.size());
  if (!data.empty()) f += " " + std::string(data);
  return f + "\n";
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

// Reads answers until `count` "200 OK" responses arrived (or 30 s passed).
std::string read_answers(int fd, std::size_t count) {
  std::string text;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  char buffer[65536];
  while (occurrences(text, " rsp 6 200 OK\n") < count && std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

// How many incident alerts each probe id has in the alert folder.
std::map<std::string, std::size_t> probes_in(const fs::path& alerts) {
  std::map<std::string, std::size_t> seen;
  if (!fs::exists(alerts)) return seen;
  const std::regex probe("\"probe_id\":\"([^\"]+)\"");
  for (const auto& line : decode_alerts(alerts).lines) {
    std::smatch m;
    if (line.find("\"action\":\"incident\"") != std::string::npos && std::regex_search(line, m, probe)) ++seen[m[1]];
  }
  return seen;
}

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t length = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST_CASE("every message logsiftd acknowledged over RELP is in its alert batches after a kill -9",
          "[integration][relp]") {
  const auto dir = scratch("relp-ack");
  write_text(dir / "rules.yaml", kProbeRules);
  // Alert batches would wait 10 minutes by age: only the acknowledgements close them early.
  std::string config = config_with(listener("relp", "relp"), "", "  max_alerts: 100000\n");
  config.replace(config.find("max_age: 100ms"), 14, "max_age: 10m");
  Daemon d(dir, config);
  REQUIRE(d.ready());
  const int fd = tcp_connect(d.port("relp"));
  REQUIRE(fd >= 0);
  constexpr std::uint32_t kMessages = 300;
  std::string frames = relp_frame(1, "open", "relp_version=0\nrelp_software=test\ncommands=syslog");
  for (std::uint32_t i = 0; i < kMessages; ++i) {
    std::string line = probe_line("relp-" + std::to_string(i));
    line.pop_back();  // RELP frames carry the message without a newline
    frames += relp_frame(i + 2, "syslog", line);
  }
  REQUIRE(send_all(fd, frames));
  const std::string answers = read_answers(fd, kMessages);
  REQUIRE(occurrences(answers, " rsp 6 200 OK\n") == kMessages);
  d.signal(SIGKILL);
  REQUIRE(eventually([&] { return !d.running(); }));
  ::close(fd);
  const auto seen = probes_in(dir / "alerts");
  std::size_t present = 0;
  for (std::uint32_t i = 0; i < kMessages; ++i) present += seen.count("relp-" + std::to_string(i));
  CHECK(present == kMessages);
}

// rsyslog reads a file with imfile and forwards it with omrelp; logsiftd is stopped (SIGTERM) and
// started again on the same port while rsyslog sends. Every line must come out of logsiftd's
// alert batches, each exactly once: what logsiftd read before stopping it answered (or rsyslog
// resends it), and what it did not read stays with rsyslog.
TEST_CASE("rsyslog's omrelp delivers every line once across a logsiftd restart", "[integration][relp][rsyslog]") {
  std::string why_not;
  const fs::path tree = logsift::testing::unpack_debian_packages(
      fs::path(LOGSIFT_BUILD_DIR) / "rsyslog-package", {"rsyslog", "rsyslog-relp", "librelp0"},
      "usr/lib/x86_64-linux-gnu/rsyslog/omrelp.so", why_not);
  if (tree.empty()) {
    WARN("skipped: " << why_not);
    return;
  }
  const auto dir = scratch("relp-rsyslog");
  write_text(dir / "rules.yaml", kProbeRules);
  const std::uint16_t port = free_port();
  const std::string config =
      config_with(listener("relp", "relp").replace(listener("relp", "relp").find("port: 0"), 7,
                                                   "port: " + std::to_string(port)));
  constexpr int kLines = 5000;
  {
    std::ofstream input(dir / "input.log");
    for (int i = 0; i < kLines; ++i) input << "Mar  9 07:12:44 edge3 app: logsift-probe rs-" << i << "\n";
  }
  fs::create_directories(dir / "rsyslog-work");
  write_text(dir / "rsyslog.conf",
             "global(workDirectory=\"" + (dir / "rsyslog-work").string() + "\")\n"
             "module(load=\"imfile\" mode=\"polling\" PollingInterval=\"1\")\n"
             "module(load=\"omrelp\")\n"
             "input(type=\"imfile\" File=\"" + (dir / "input.log").string() + "\" Tag=\"app:\" ruleset=\"out\")\n"
             "ruleset(name=\"out\") {\n"
             "  action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" + std::to_string(port) + "\"\n"
             "         action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\")\n"
             "}\n");

  auto first = std::make_unique<Daemon>(dir, config);
  REQUIRE(first->ready());
  const fs::path lib = tree / "usr/lib/x86_64-linux-gnu";
  const pid_t rsyslog = ::fork();
  if (rsyslog == 0) {
    std::freopen((dir / "rsyslogd.log").c_str(), "w", stderr);
    std::freopen((dir / "rsyslogd.out").c_str(), "w", stdout);
    ::setenv("LD_LIBRARY_PATH", lib.c_str(), 1);
    ::execl((tree / "usr/sbin/rsyslogd").c_str(), "rsyslogd", "-n", "-f", (dir / "rsyslog.conf").c_str(), "-M",
            (lib / "rsyslog").c_str(), "-i", (dir / "rsyslogd.pid").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Stop logsiftd once part of the file went through, then start it again on the same port.
  const bool some = eventually([&] {
    return first->metric("logsift_relp_acknowledged_total{listener=\"relp\"}") >= kLines / 4;
  }, 60000);
  const double before_stop = first->metric("logsift_relp_acknowledged_total{listener=\"relp\"}");
  CHECK(first->stop() == 0);
  first.reset();
  Daemon second(dir, config);
  CHECK(second.ready());
  std::map<std::string, std::size_t> seen;
  const bool all = eventually([&] {
    seen = probes_in(dir / "alerts");
    return seen.size() >= static_cast<std::size_t>(kLines);
  }, 120000);
  ::kill(rsyslog, SIGTERM);
  ::waitpid(rsyslog, nullptr, 0);
  INFO("rsyslogd: " << read_text(dir / "rsyslogd.log") << read_text(dir / "rsyslogd.out"));
  REQUIRE(some);
  CHECK(before_stop < kLines);  // the restart happened in the middle
  CHECK(all);
  std::size_t missing = 0, duplicated = 0;
  for (int i = 0; i < kLines; ++i) {
    auto it = seen.find("rs-" + std::to_string(i));
    if (it == seen.end()) ++missing;
    else if (it->second > 1) ++duplicated;
  }
  CHECK(missing == 0);
  CHECK(duplicated == 0);
  CHECK(second.stop() == 0);
}
