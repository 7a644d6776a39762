// Helpers for the ingest tests: a server wired to a queue and pool, a collector that pops batches
// until a condition holds (bounded by a deadline, never a fixed sleep), and plain POSIX clients.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "daemon/ingest/batch_queue.h"
#include "daemon/ingest/ingest_server.h"
#include "daemon/ingest/raw_batch.h"

namespace ingest_test {

using namespace logsift::ingest;
using Deadline = std::chrono::steady_clock::time_point;

inline Deadline deadline_in(int ms) { return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); }

// Polls `condition` until it holds or the deadline passes; returns its last value.
inline bool eventually(const std::function<bool()>& condition, int timeout_ms = 10000) {
  Deadline until = deadline_in(timeout_ms);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

struct Received {
  std::string text;
  std::uint8_t flags = 0;
  std::uint16_t listener_index = 0;
  PeerAddress peer;
  std::int64_t arrival_us = 0;
};

struct Harness {
  explicit Harness(std::vector<ListenerConfig> configs, std::size_t queue_batches = 64,
                   BatchLimits limits = BatchLimits{}, ServerOptions options = {}, bool start = true)
      : queue(queue_batches), pool(limits) {
    options.flush_age_ms = options.flush_age_ms ? options.flush_age_ms : 10;
    auto created = IngestServer::create(std::move(configs), queue, pool, options);
    if (!created) FAIL("create: " << created.error().message);
    server = std::move(created.value());
    if (start) server->start();
  }
  ~Harness() {
    // Keep popping while the server stops so its final flush never waits on us.
    std::thread drain([this] {
      std::unique_ptr<RawBatch> batch;
      while (queue.pop(batch, std::chrono::milliseconds(20)) != QueueStatus::kClosed) pool.release(std::move(batch));
    });
    server->stop();
    queue.close();
    drain.join();
  }

  // Pops batches until `count` messages arrived in total (or the deadline passed).
  std::vector<Received> collect(std::size_t count, int timeout_ms = 10000) {
    Deadline until = deadline_in(timeout_ms);
    while (received.size() < count && std::chrono::steady_clock::now() < until) {
      std::unique_ptr<RawBatch> batch;
      if (queue.pop(batch, std::chrono::milliseconds(20)) != QueueStatus::kOk) continue;
      for (const RawMessage& m : batch->messages()) {
        received.push_back(Received{std::string(batch->view(m)), m.flags, m.listener_index, m.peer, m.arrival_us});
      }
      pool.release(std::move(batch));
    }
    return received;
  }

  // Stops the server while popping, as the daemon does on SIGTERM; returns everything received.
  std::vector<Received> stop_and_collect() {
    std::atomic<bool> stopped{false};
    std::thread stopper([&] {
      server->stop();
      stopped = true;
    });
    while (!stopped) collect(received.size() + 1, 20);
    stopper.join();
    collect(received.size() + 1, 20);  // whatever stop() pushed last
    return received;
  }

  BatchQueue queue;
  BatchPool pool;
  std::unique_ptr<IngestServer> server;
  std::vector<Received> received;
};

inline ListenerConfig listener(Protocol protocol, std::string address = "127.0.0.1") {
  ListenerConfig config;
  config.protocol = protocol;
  config.address = std::move(address);
  config.port = 0;
  return config;
}

// A connected or bound POSIX socket, closed on destruction.
struct Socket {
  int fd = -1;
  Socket() = default;
  explicit Socket(int f) : fd(f) {}
  Socket(Socket&& other) noexcept : fd(other.fd) { other.fd = -1; }
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

inline sockaddr_storage make_sockaddr(const std::string& address, std::uint16_t port, socklen_t& length) {
  sockaddr_storage storage{};
  if (address.find(':') != std::string::npos) {
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(port);
    inet_pton(AF_INET6, address.c_str(), &in6.sin6_addr);
    std::memcpy(&storage, &in6, sizeof in6);
    length = sizeof in6;
  } else {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(port);
    inet_pton(AF_INET, address.c_str(), &in.sin_addr);
    std::memcpy(&storage, &in, sizeof in);
    length = sizeof in;
  }
  return storage;
}

inline Socket tcp_connect(const std::string& address, std::uint16_t port) {
  socklen_t length = 0;
  sockaddr_storage target = make_sockaddr(address, port, length);
  Socket s(::socket(target.ss_family, SOCK_STREAM, 0));
  REQUIRE(s.fd >= 0);
  REQUIRE(::connect(s.fd, reinterpret_cast<sockaddr*>(&target), length) == 0);
  return s;
}

inline void send_all(const Socket& s, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(s.fd, data.data(), data.size(), MSG_NOSIGNAL);
    REQUIRE(n > 0);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

inline void udp_send(const std::string& address, std::uint16_t port, std::string_view datagram) {
  socklen_t length = 0;
  sockaddr_storage target = make_sockaddr(address, port, length);
  Socket s(::socket(target.ss_family, SOCK_DGRAM, 0));
  REQUIRE(s.fd >= 0);
  REQUIRE(::sendto(s.fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&target), length) ==
          static_cast<ssize_t>(datagram.size()));
}

// True once the peer has closed the connection (read returns 0 or an error), within the deadline.
inline bool closed_by_server(const Socket& s, int timeout_ms = 10000) {
  pollfd p{s.fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char byte;
  return ::recv(s.fd, &byte, 1, 0) <= 0;
}

inline std::vector<std::string> texts(const std::vector<Received>& received) {
  std::vector<std::string> out;
  for (const auto& r : received) out.push_back(r.text);
  return out;
}

}  // namespace ingest_test
