#include <linux/sockios.h>
#include <sys/ioctl.h>

#include "daemon/ingest/memory_budget.h"
#include "daemon/ingest/stream_connection.h"
#include "tests/ingest/ingest_test_support.h"

using namespace ingest_test;
using logsift::ingest::internal::ConnectionBase;
using logsift::ingest::internal::MemoryBudget;

namespace {

// Stands in for a connection in the budget's set of partial frames.
struct NamedConnection : ConnectionBase {
  void start() override {}
  void close_from_any_thread() override {}
  void close_for_memory() override {}
  void close_for_shutdown() override {}
};

std::uint64_t listener_stat(Harness& h, std::uint64_t ListenerStats::*field) {
  return h.server->stats().listeners.at(0).*field;
}

}  // namespace

TEST_CASE("the memory budget refuses a charge past its limit and wakes a waiter once it fits", "[ingest][memory]") {
  MemoryBudget budget(1000);
  CHECK(budget.try_charge(600));
  CHECK_FALSE(budget.try_charge(600));
  int woken = 0;
  budget.wait(600, [&] { ++woken; });
  CHECK(woken == 0);
  budget.release(100);  // 500 used: 600 does not fit yet
  CHECK(woken == 0);
  budget.release(500);
  CHECK(woken == 1);
  budget.wait(10, [&] { ++woken; });  // fits now: runs at once
  CHECK(woken == 2);
  CHECK(budget.used() == 0);
}

TEST_CASE("partial frames past half the budget name the oldest ones for closing", "[ingest][memory]") {
  MemoryBudget budget(1000);
  auto first = std::make_shared<NamedConnection>();
  auto second = std::make_shared<NamedConnection>();
  auto third = std::make_shared<NamedConnection>();
  const auto t0 = std::chrono::steady_clock::now();
  budget.partial_update(second.get(), second, t0 + std::chrono::seconds(1), 300);
  budget.partial_update(first.get(), first, t0, 100);
  budget.adjust_partial(400);
  CHECK(budget.reclaim_candidates().empty());  // 400 of 1000: batches may still come back
  budget.partial_update(third.get(), third, t0 + std::chrono::seconds(2), 300);
  budget.adjust_partial(300);
  // 700 held: the oldest go until at most 500 remain (first alone is not enough).
  const auto victims = budget.reclaim_candidates();
  REQUIRE(victims.size() == 2);
  CHECK(victims[0] == first);
  CHECK(victims[1] == second);
  CHECK(budget.reclaim_candidates().empty());  // already closing: not named twice
  budget.partial_ended(first.get());
  budget.partial_ended(second.get());
  budget.adjust_partial(-400);
  CHECK(budget.partial_bytes() == 300);
  CHECK(budget.used() == 300);
}

TEST_CASE("ingest gives connections trickling partial frames no batch", "[ingest][memory]") {
  Harness h({listener(Protocol::kTcp)});
  const std::uint16_t port = h.server->bound_port(0);
  const std::string head = "<13>Mar  9 07:12:44 edge3 app: " + std::string(100, 'x');
  std::vector<Socket> senders;
  for (int i = 0; i < 50; ++i) {
    senders.push_back(tcp_connect("127.0.0.1", port));
    send_all(senders.back(), head);
  }
  REQUIRE(eventually([&] { return h.server->stats().memory_partial_bytes >= 50 * head.size(); }));
  CHECK(h.pool.allocated() == 0);
  CHECK(h.server->stats().memory_used_bytes == h.server->stats().memory_partial_bytes);
  for (auto& s : senders) send_all(s, "\n");
  const auto received = h.collect(50);
  CHECK(received.size() == 50);
  REQUIRE(eventually([&] { return h.server->stats().memory_partial_bytes == 0; }));
}

TEST_CASE("ingest closes the oldest stalled partial frame when partial frames fill the budget",
          "[ingest][memory]") {
  BatchLimits limits;
  limits.max_bytes = 132 * 1024;  // one 64 KiB message plus padding, twice
  ServerOptions options;
  options.memory_budget_bytes = 2 * limits.max_bytes;  // the smallest budget allowed
  Harness h({listener(Protocol::kTcp)}, 64, limits, options);
  const std::uint16_t port = h.server->bound_port(0);
  const std::string partial(60000, 'a');  // under max_message_bytes, never terminated
  std::vector<Socket> stalled;
  // Five stalled senders would hold 300 KB of partial frames; the budget is 264 KiB.
  for (int i = 0; i < 5; ++i) {
    stalled.push_back(tcp_connect("127.0.0.1", port));
    send_all(stalled.back(), partial);
    REQUIRE(eventually([&] {
      return listener_stat(h, &ListenerStats::closed_for_memory) > 0 ||
             h.server->stats().memory_partial_bytes >= (static_cast<std::size_t>(i) + 1) * partial.size();
    }));
  }
  REQUIRE(eventually([&] { return listener_stat(h, &ListenerStats::closed_for_memory) >= 1; }));
  CHECK(closed_by_server(stalled[0]));  // the oldest partial frame went first
  CHECK(listener_stat(h, &ListenerStats::partial_bytes_dropped) >= partial.size());
  CHECK(listener_stat(h, &ListenerStats::memory_pauses) >= 1);
  CHECK(h.server->stats().memory_used_bytes <= options.memory_budget_bytes + 16 * 1024);
  // The newest sender was not closed and completes its message.
  send_all(stalled[4], "\n");
  const auto received = h.collect(1);
  REQUIRE(received.size() == 1);
  CHECK(received[0].text.size() == partial.size());
}

TEST_CASE("ingest stop counts to the byte what a sender wrote but was never processed", "[ingest][shutdown]") {
  BatchLimits limits;
  limits.max_bytes = 136 * 1024;
  limits.max_messages = 64;
  ServerOptions options;
  options.stop_drain_timeout_ms = 50;  // nobody pops: the held batches are counted, not pushed
  options.shutdown_grace_ms = 50;
  Harness h({listener(Protocol::kTcp)}, 1, limits, options);
  Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
  const std::string line = "<13>Mar  9 07:12:44 edge3 app: message " + std::string(60, 'y') + "\n";
  std::uint64_t sent = 0;
  // Nobody pops: the queue fills, the connection pauses, the kernel buffers fill, the send blocks.
  for (;;) {
    const ssize_t n = ::send(s.fd, line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (listener_stat(h, &ListenerStats::backpressure_pauses) > 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    sent += static_cast<std::uint64_t>(n);  // a line cut short ends up in the count, not a message
  }
  // Bytes still with the sender (not acknowledged) once the server's window has closed: what is
  // in flight settles into the server's receive queue first.
  int unsent = -1;
  for (int stable = 0; stable < 5;) {
    int now = 0;
    REQUIRE(::ioctl(s.fd, SIOCOUTQ, &now) == 0);
    stable = now == unsent ? stable + 1 : 0;
    unsent = now;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  h.server->stop();
  const ListenerStats stats = h.server->stats().listeners.at(0);
  CHECK(stats.connections_cut_at_shutdown == 1);
  CHECK(stats.dropped_shutdown_bytes > 0);
  // Every acknowledged byte is a message (queued, or dropped at stop and counted) or counted.
  CHECK(stats.messages * line.size() + stats.dropped_shutdown_bytes == sent - static_cast<std::uint64_t>(unsent));
}
