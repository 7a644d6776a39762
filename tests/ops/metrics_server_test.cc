#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "daemon/ops/metrics_server.h"

using namespace logsift::ops;

namespace {

// Sends `request` to 127.0.0.1:port over a plain TCP socket and reads until the server closes.
std::string http_exchange(std::uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));
  std::string response;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    response.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return response;
}

std::string get(std::uint16_t port, const std::string& target, const std::string& method = "GET") {
  return http_exchange(port, method + " " + target +
                            " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

std::string body_of(const std::string& response) {
  auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : response.substr(at + 4);
}

std::unique_ptr<MetricsServer> start_server(const MetricsRegistry& registry) {
  MetricsServerOptions options;
  options.port = 0;
  auto server = MetricsServer::start(options, registry);
  if (!server) FAIL(server.error());
  REQUIRE((*server)->port() != 0);
  return std::move(server).value();
}

}  // namespace

TEST_CASE("GET /metrics serves the registry's scrape as text format 0.0.4", "[ops]") {
  MetricsRegistry registry;
  registry.counter("logsift_received_messages_total", "Messages received.", {{"listener", "tcp"}})
      .increment(5);
  auto server = start_server(registry);
  std::string response = get(server->port(), "/metrics");
  CHECK(response.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(response.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n") !=
        std::string::npos);
  CHECK(body_of(response) ==
        "# HELP logsift_received_messages_total Messages received.\n"
        "# TYPE logsift_received_messages_total counter\n"
        "logsift_received_messages_total{listener=\"tcp\"} 5\n");
}

TEST_CASE("/healthz is always ok, /readyz follows the readiness flag", "[ops]") {
  MetricsRegistry registry;
  auto server = start_server(registry);
  std::string health = get(server->port(), "/healthz");
  CHECK(health.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(body_of(health) == "ok\n");

  CHECK_FALSE(server->ready());
  std::string not_ready = get(server->port(), "/readyz");
  CHECK(not_ready.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
  server->set_ready(true);
  std::string ready = get(server->port(), "/readyz");
  CHECK(ready.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(body_of(ready) == "ready\n");
  server->set_ready(false);
  CHECK(get(server->port(), "/readyz").starts_with("HTTP/1.1 503"));
}

TEST_CASE("unknown paths get 404, other methods 405, HEAD gets headers only", "[ops]") {
  MetricsRegistry registry;
  auto server = start_server(registry);
  CHECK(get(server->port(), "/").starts_with("HTTP/1.1 404 Not Found\r\n"));
  CHECK(get(server->port(), "/metricsz").starts_with("HTTP/1.1 404"));
  CHECK(get(server->port(), "/metrics?name[]=x").starts_with("HTTP/1.1 200"));
  std::string post = get(server->port(), "/metrics", "POST");
  CHECK(post.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
  CHECK(post.find("Allow: GET, HEAD\r\n") != std::string::npos);
  std::string head = get(server->port(), "/healthz", "HEAD");
  CHECK(head.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(head.find("Content-Length: 3\r\n") != std::string::npos);
  CHECK(body_of(head).empty());
}

TEST_CASE("keep-alive connections serve several requests", "[ops]") {
  MetricsRegistry registry;
  auto server = start_server(registry);
  std::string response = http_exchange(server->port(),
                                   "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                   "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(response.find("HTTP/1.1 200 OK") == 0);
  CHECK(response.find("HTTP/1.1 503") != std::string::npos);
}

TEST_CASE("garbage requests are closed without taking the server down", "[ops]") {
  MetricsRegistry registry;
  auto server = start_server(registry);
  http_exchange(server->port(), "\x01\x02 not http at all\r\n\r\n");
  CHECK(get(server->port(), "/healthz").starts_with("HTTP/1.1 200"));
}

TEST_CASE("a port already taken and a bad address come back as errors", "[ops]") {
  MetricsRegistry registry;
  auto first = start_server(registry);
  MetricsServerOptions options;
  options.port = first->port();
  auto second = MetricsServer::start(options, registry);
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error().find("cannot bind 127.0.0.1:" + std::to_string(first->port())) !=
        std::string::npos);

  options.address = "not-an-ip";
  options.port = 0;
  auto bad = MetricsServer::start(options, registry);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == "metrics: invalid address \"not-an-ip\"");
}

TEST_CASE("stop closes the port and is idempotent", "[ops]") {
  MetricsRegistry registry;
  auto server = start_server(registry);
  std::uint16_t port = server->port();
  server->stop();
  server->stop();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0);
  ::close(fd);
}

TEST_CASE("/readyz reports degraded while the app says so, and ready again after", "[ops]") {
  MetricsRegistry registry;
  auto server = start_server(registry);
  server->set_ready(true);
  server->set_degraded("detection snapshots failing");
  const std::string degraded = get(server->port(), "/readyz");
  CHECK(degraded.starts_with("HTTP/1.1 503"));
  CHECK(body_of(degraded) == "degraded: detection snapshots failing\n");
  server->set_degraded("");
  CHECK(body_of(get(server->port(), "/readyz")) == "ready\n");
}

TEST_CASE("idle connections at the cap make way for a scrape", "[ops]") {
  MetricsRegistry registry;
  MetricsServerOptions options;
  options.port = 0;
  options.max_connections = 4;
  options.idle_timeout = std::chrono::minutes(10);  // so only eviction can free a slot here
  auto started = MetricsServer::start(options, registry);
  REQUIRE(started.has_value());
  auto server = std::move(started).value();
  std::vector<int> idle;
  for (int i = 0; i < 8; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    idle.push_back(fd);
  }
  // Every scrape is answered although idle connections alone would fill the cap twice over.
  for (int i = 0; i < 4; ++i) CHECK(get(server->port(), "/healthz").starts_with("HTTP/1.1 200"));
  const auto stats = server->stats();
  CHECK(stats.idle_evicted >= 4);
  CHECK(stats.refused == 0);
  for (int fd : idle) ::close(fd);
}

TEST_CASE("a connection that never sends a request is closed after the idle timeout", "[ops]") {
  MetricsRegistry registry;
  MetricsServerOptions options;
  options.port = 0;
  options.idle_timeout = std::chrono::milliseconds(50);
  auto started = MetricsServer::start(options, registry);
  REQUIRE(started.has_value());
  auto server = std::move(started).value();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  char byte = 0;
  CHECK(::recv(fd, &byte, 1, 0) == 0);  // the server closed it; no timing asserted
  ::close(fd);
  // The stream's timer closes the socket before the read handler counts it: wait for the count.
  for (int i = 0; i < 5000 && server->stats().idle_closed == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  CHECK(server->stats().idle_closed == 1);
}

TEST_CASE("configured pages are served with their type, HTML ones with a policy that forbids script", "[ops]") {
  MetricsRegistry registry;
  MetricsServerOptions options;
  options.port = 0;
  int calls = 0;
  options.pages = {{"/", "text/html; charset=utf-8", [&calls] { ++calls; return std::string("<p>page</p>"); }},
                   {"/api/status", "application/json", [] { return std::string("{\"ok\":true}\n"); }}};
  auto started = MetricsServer::start(options, registry);
  REQUIRE(started);
  auto& server = *started.value();

  const std::string page = get(server.port(), "/?refresh=1");
  CHECK(page.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(page.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
  CHECK(page.find("Content-Security-Policy: default-src 'none'") != std::string::npos);
  CHECK(page.find("X-Content-Type-Options: nosniff") != std::string::npos);
  CHECK(body_of(page) == "<p>page</p>");
  CHECK(calls == 1);

  const std::string json = get(server.port(), "/api/status");
  CHECK(json.find("Content-Type: application/json") != std::string::npos);
  CHECK(json.find("Content-Security-Policy") == std::string::npos);
  CHECK(body_of(json) == "{\"ok\":true}\n");
  CHECK(get(server.port(), "/api/other").rfind("HTTP/1.1 404", 0) == 0);
  CHECK(get(server.port(), "/", "POST").rfind("HTTP/1.1 405", 0) == 0);
  CHECK(calls == 1);
}
