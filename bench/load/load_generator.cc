// logsift-load: an end-to-end load generator for logsiftd.
//
//   logsift-load --port N --metrics-port M [--messages 1000000] [--connections 4] [--input FILE]
//
// Sends syslog lines over TCP (newline framing) on several connections at once, as fast as the
// daemon takes them, then polls the daemon's /metrics until every message has been processed.
// Prints what went in, what the daemon accounted for, and the end-to-end rate. Lines come from
// --input (cycled; e.g. a loghub sample) or are generated with a fixed seed, about 2% of them
// authentication failures the bundled packs match. Traffic goes to 127.0.0.1 only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// One sample's value from the daemon's /metrics, or -1.
double scrape(int port, const std::string& sample) {
  int fd = connect_loopback(port);
  if (fd < 0) return -1;
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  send_all(fd, request.data(), request.size());
  std::string response;
  char buffer[65536];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  std::istringstream in(response);
  for (std::string line; std::getline(in, line);) {
    if (line.compare(0, sample.size(), sample) == 0 && line.size() > sample.size() && line[sample.size()] == ' ') {
      return std::atof(line.c_str() + sample.size() + 1);
    }
  }
  return -1;
}

std::vector<std::string> generated_lines() {
  static const char* const kHosts[] = {"web1", "web2", "db1", "edge3", "k8s-node-7", "mail"};
  static const char* const kOrdinary[] = {
      "nginx[812]: 10.0.0.%d - - \"GET /api/v1/items/%d HTTP/1.1\" 200 512",
      "CRON[%d]: (root) CMD (run-parts /etc/cron.hourly) %d",
      "systemd[1]: Started Session %d of user deploy. %d",
      "postfix/smtpd[%d]: connect from mail%d.example.net[198.51.100.7]",
      "kernel: [%d.%d] eth0: renamed from veth12ab"};
  std::mt19937 rng(20261121);
  std::vector<std::string> lines;
  char buffer[512];
  for (int i = 0; i < 50000; ++i) {
    const char* host = kHosts[rng() % 6];
    int n = std::snprintf(buffer, sizeof buffer, "<38>Mar  9 07:%02d:%02d %s ", static_cast<int>(rng() % 60),
                          static_cast<int>(rng() % 60), host);
    if (rng() % 50 == 0) {
      std::snprintf(buffer + n, sizeof buffer - n, "sshd[%d]: Failed password for invalid user u%d from 203.0.113.%d port %d ssh2",
                    static_cast<int>(rng() % 30000), static_cast<int>(rng() % 100), static_cast<int>(rng() % 250),
                    static_cast<int>(1024 + rng() % 60000));
    } else {
      std::snprintf(buffer + n, sizeof buffer - n, kOrdinary[rng() % 5], static_cast<int>(rng() % 30000),
                    static_cast<int>(rng() % 1000));
    }
    lines.emplace_back(buffer);
  }
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, metrics_port = 0, connections = 4;
  long messages = 1'000'000;
  std::string input;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--port") port = std::atoi(argv[i + 1]);
    else if (name == "--metrics-port") metrics_port = std::atoi(argv[i + 1]);
    else if (name == "--messages") messages = std::atol(argv[i + 1]);
    else if (name == "--connections") connections = std::atoi(argv[i + 1]);
    else if (name == "--input") input = argv[i + 1];
  }
  if (port <= 0 || metrics_port <= 0 || messages <= 0 || connections <= 0) {
    std::fprintf(stderr, "usage: logsift-load --port N --metrics-port M [--messages N] [--connections C] [--input FILE]\n");
    return 2;
  }
  std::vector<std::string> lines;
  if (!input.empty()) {
    std::ifstream in(input);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  } else {
    lines = generated_lines();
  }
  if (lines.empty()) {
    std::fprintf(stderr, "logsift-load: no input lines\n");
    return 2;
  }
  // One pre-built 4 MiB-ish block of framed lines per connection, sent repeatedly.
  const double processed_before = scrape(metrics_port, "logsift_processed_records_total");
  if (processed_before < 0) {
    std::fprintf(stderr, "logsift-load: no metrics on 127.0.0.1:%d\n", metrics_port);
    return 1;
  }
  const long per_connection = messages / connections;
  const long total = per_connection * connections;
  std::size_t bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> senders;
  std::vector<std::size_t> sent_bytes(static_cast<std::size_t>(connections));
  for (int c = 0; c < connections; ++c) {
    senders.emplace_back([&, c] {
      int fd = connect_loopback(port);
      if (fd < 0) return;
      std::string chunk;
      std::size_t next = static_cast<std::size_t>(c) * 7919;
      for (long i = 0; i < per_connection; ++i) {
        chunk += lines[next++ % lines.size()];
        chunk += '\n';
        if (chunk.size() >= 256 * 1024 || i + 1 == per_connection) {
          if (!send_all(fd, chunk.data(), chunk.size())) break;
          sent_bytes[static_cast<std::size_t>(c)] += chunk.size();
          chunk.clear();
        }
      }
      ::close(fd);
    });
  }
  for (auto& t : senders) t.join();
  const auto sent = std::chrono::steady_clock::now();
  for (auto b : sent_bytes) bytes += b;
  double processed = 0;
  const auto deadline = sent + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    processed = scrape(metrics_port, "logsift_processed_records_total") - processed_before;
    if (processed >= static_cast<double>(total)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto done = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(done - start).count();
  std::printf("sent %ld messages (%.1f MB) on %d connections in %.3f s\n", total, static_cast<double>(bytes) / 1e6,
              connections, std::chrono::duration<double>(sent - start).count());
  std::printf("processed %.0f of them; all processed after %.3f s: %.0f messages/s, %.1f MB/s end to end\n",
              processed, seconds, processed / seconds, static_cast<double>(bytes) / 1e6 / seconds);
  std::printf("incidents %.0f, alerts %.0f, lag %.3f s\n", scrape(metrics_port, "logsift_incidents_total"),
              scrape(metrics_port, "logsift_alerts_total"), scrape(metrics_port, "logsift_processing_lag_seconds"));
  return processed >= static_cast<double>(total) ? 0 : 1;
}
