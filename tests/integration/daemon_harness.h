// Running the real logsiftd in tests: a config written to a scratch folder, the daemon started as
// a child process on 127.0.0.1 with port 0 listeners, the bound ports read from its log, real
// clients (sockets, util-linux logger, openssl), metrics scraped over HTTP, alert batches decoded.
//
// Nothing here sleeps to assert: conditions are polled until they hold or a deadline passes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <simdjson.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon/emit/batch_decoder.h"

namespace logsift::integration {

namespace fs = std::filesystem;

// The rule most integration tests use: every probe id is its own signature, so each probe line
// becomes exactly one incident alert.
inline constexpr const char* kProbeRules = R"(ruleset: it
rules:
  - id: it.probe
    name: Probe message
    match: 'logsift-probe (?<probe_id>\S+)'
    group_by: [probe_id]
)";

inline std::string probe_line(const std::string& id) {
  return "<13>Mar  9 07:12:44 edge3 app: logsift-probe " + id + "\n";
}

inline bool eventually(const std::function<bool()>& condition, int timeout_ms = 20000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline fs::path scratch(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("logsift-it-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A connected TCP socket to 127.0.0.1:port; -1 on failure.
inline int tcp_connect(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

inline bool tcp_send(std::uint16_t port, std::string_view data) {
  int fd = tcp_connect(port);
  if (fd < 0) return false;
  bool ok = send_all(fd, data);
  ::close(fd);
  return ok;
}

inline void udp_send(std::uint16_t port, std::string_view datagram) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::close(fd);
}

// GET over plain HTTP/1.1 on loopback; the body, or "" when the request failed.
inline std::string http_get(std::uint16_t port, const std::string& path, int* status = nullptr) {
  int fd = tcp_connect(port);
  if (fd < 0) return "";
  send_all(fd, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  std::string response;
  char buffer[65536];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  if (status != nullptr) *status = response.size() > 12 ? std::atoi(response.c_str() + 9) : 0;
  auto body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// POST over plain HTTP/1.1 on loopback; the body, with the status in `status`.
inline std::string http_post(std::uint16_t port, const std::string& path, const std::string& body, int* status) {
  int fd = tcp_connect(port);
  if (fd < 0) return "";
  send_all(fd, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                   "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  std::string response;
  char buffer[65536];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  *status = response.size() > 12 ? std::atoi(response.c_str() + 9) : 0;
  auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

class Daemon {
 public:
  // Starts logsiftd in `dir` with `config_yaml` and waits until its listeners are bound.
  // `environment` adds NAME=value pairs to the daemon's environment.
  Daemon(fs::path dir, const std::string& config_yaml,
         const std::vector<std::pair<std::string, std::string>>& environment = {})
      : dir_(std::move(dir)) {
    write_text(dir_ / "logsiftd.yaml", config_yaml);
    log_path_ = dir_ / ("logsiftd-" + std::to_string(++starts_) + ".log");
    pid_ = ::fork();
    if (pid_ == 0) {
      if (::chdir(dir_.c_str()) != 0) _exit(126);
      FILE* log = std::freopen(log_path_.c_str(), "w", stderr);
      if (log == nullptr) _exit(126);
      for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
      ::execl(LOGSIFTD_PATH, "logsiftd", "--config", (dir_ / "logsiftd.yaml").c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ready_ = eventually([&] { return log().find("msg=\"metrics ready\"") != std::string::npos || !running(); });
    ready_ = ready_ && running();
  }
  ~Daemon() {
    if (pid_ > 0 && running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  bool ready() const { return ready_; }
  std::string log() const { return read_text(log_path_); }
  const fs::path& dir() const { return dir_; }

  bool running() {
    if (exited_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }

  // The port a listener bound, from its "listener ready" log line; 0 when not found.
  std::uint16_t port(const std::string& listener) const {
    std::smatch m;
    const std::string text = log();
    std::regex line("msg=\"listener ready\" listener=" + listener + " .* port=([0-9]+)");
    return std::regex_search(text, m, line) ? static_cast<std::uint16_t>(std::stoi(m[1])) : 0;
  }
  std::uint16_t metrics_port() const {
    std::smatch m;
    const std::string text = log();
    return std::regex_search(text, m, std::regex("msg=\"metrics ready\" .* port=([0-9]+)"))
               ? static_cast<std::uint16_t>(std::stoi(m[1]))
               : 0;
  }

  std::string metrics() const { return http_get(metrics_port(), "/metrics"); }
  // The value of one sample, e.g. metric("logsift_incidents_total") or with labels
  // metric("logsift_received_messages_total{listener=\"tcp\"}"); -1 when absent.
  double metric(const std::string& sample) const {
    std::istringstream in(metrics());
    for (std::string line; std::getline(in, line);) {
      if (line.size() > sample.size() && line.compare(0, sample.size(), sample) == 0 && line[sample.size()] == ' ') {
        return std::stod(line.substr(sample.size() + 1));
      }
    }
    return -1;
  }

  void signal(int sig) const { ::kill(pid_, sig); }

  // SIGTERM and wait; the exit status (or -1 when it did not exit in time).
  int stop(int timeout_ms = 30000) {
    signal(SIGTERM);
    if (!eventually([&] { return !running(); }, timeout_ms)) return -1;
    return exit_status_;
  }

 private:
  fs::path dir_;
  fs::path log_path_;
  pid_t pid_ = -1;
  bool ready_ = false;
  bool exited_ = false;
  int exit_status_ = -1;
  static inline int starts_ = 0;
};

// A config with the given listeners (YAML list items) and rule file, everything else small and
// fast: batches close after 100 ms, state and alerts under the scratch folder.
// `extra_yaml` adds whole sections; `emit_extra` adds keys to the emit section.
inline std::string config_with(const std::string& listeners_yaml, const std::string& extra_yaml = "",
                               const std::string& emit_extra = "") {
  return "listeners:\n" + listeners_yaml +
         "rules:\n  paths: [rules.yaml]\n  cache_dir: cache\n"
         "emit:\n  dir: alerts\n  max_age: 100ms\n" + emit_extra +
         "detect:\n  state_dir: state\n"
         "metrics:\n  port: 0\n"
         "log:\n  rate_limit: 0\n" +
         extra_yaml;
}

inline std::string listener(const std::string& name, const std::string& protocol, const std::string& extra = "") {
  return "  - name: " + name + "\n    protocol: " + protocol + "\n    port: 0\n" + extra;
}

// Every alert in the daemon's alert folder, parsed. The folder must decode cleanly.
struct DecodedAlerts {
  std::vector<std::string> lines;
  std::size_t count(const std::string& action, const std::string& needle = "") const {
    std::size_t n = 0;
    for (const auto& l : lines) {
      if (l.find("\"action\":\"" + action + "\"") != std::string::npos && l.find(needle) != std::string::npos) ++n;
    }
    return n;
  }
};

inline DecodedAlerts decode_alerts(const fs::path& dir) {
  std::ostringstream out;
  auto report = emit::decode_paths({dir.string()}, out);
  INFO("decode errors: " << (report.errors.empty() ? "" : report.errors.front()));
  CHECK(report.errors.empty());
  CHECK(report.gaps.empty());
  DecodedAlerts decoded;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) decoded.lines.push_back(line);
  return decoded;
}

// The decoded alerts of `action` whose line contains `needle`; none while the folder holds no
// batch file yet, so a test can poll it from the daemon's start.
inline std::vector<std::string> alert_lines(const fs::path& dir, const std::string& action, const std::string& needle) {
  std::vector<std::string> out;
  std::error_code ec;
  bool any_batch = false;
  for (const auto& e : fs::directory_iterator(dir, ec)) any_batch = any_batch || e.path().filename().string().starts_with("alerts-");
  if (!any_batch) return out;
  for (const auto& l : decode_alerts(dir).lines) {
    if (l.find("\"action\":\"" + action + "\"") != std::string::npos && l.find(needle) != std::string::npos) out.push_back(l);
  }
  return out;
}

// The string at a JSON pointer of an alert, or "<absent>".
inline std::string json_string_at(simdjson::dom::element doc, const char* pointer) {
  std::string_view v;
  if (doc.at_pointer(pointer).get_string().get(v) != simdjson::SUCCESS) return "<absent>";
  return std::string(v);
}

// Lets this process (and the daemon it starts) hold many sockets.
inline void raise_file_limit(rlim_t wanted) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = std::min(std::max(limit.rlim_cur, wanted), limit.rlim_max);
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace logsift::integration
