// Tests daemon/ingest/ingest_server.cc, udp_listener.cc, stream_listener.cc, stream_connection.cc
// over real loopback sockets (port 0), with util-linux `logger` as a real sender.
#include <fcntl.h>

#include <algorithm>
#include <cstdlib>

#include "tests/ingest/ingest_test_support.h"

using namespace ingest_test;

TEST_CASE("ingest receives UDP datagrams on IPv4 and IPv6, one message each", "[ingest][udp]") {
  Harness h({listener(Protocol::kUdp), listener(Protocol::kUdp, "::1")});
  const std::uint16_t v4 = h.server->bound_port(0), v6 = h.server->bound_port(1);
  REQUIRE(v4 != 0);
  REQUIRE(v6 != 0);
  udp_send("127.0.0.1", v4, "<13>one\n");
  udp_send("127.0.0.1", v4, "<13>two\r\n");
  udp_send("::1", v6, "<13>three");
  auto got = h.collect(3);
  REQUIRE(got.size() == 3);
  std::vector<std::string> v4_texts, v6_texts;
  for (const auto& r : got) {
    (r.listener_index == 0 ? v4_texts : v6_texts).push_back(r.text);
    CHECK(r.peer.is_v6 == (r.listener_index == 1));
    CHECK(r.peer.address_string() == (r.listener_index == 0 ? "127.0.0.1" : "::1"));
  }
  CHECK(v4_texts == std::vector<std::string>{"<13>one", "<13>two"});
  CHECK(v6_texts == std::vector<std::string>{"<13>three"});
  IngestStats stats = h.server->stats();
  CHECK(stats.listeners[0].messages == 2);
  CHECK(stats.listeners[0].bytes == 14);
  CHECK(stats.listeners[1].messages == 1);
  CHECK(stats.listeners[0].dropped_kernel_overflow == 0);
  REQUIRE(stats.peers.size() == 2);
}

TEST_CASE("ingest truncates and flags an oversize UDP datagram", "[ingest][udp]") {
  ListenerConfig config = listener(Protocol::kUdp);
  config.max_message_bytes = 16;
  Harness h({config});
  udp_send("127.0.0.1", h.server->bound_port(0), "<13>0123456789abcdefghijklmnop");
  auto got = h.collect(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].text == "<13>0123456789ab");
  CHECK(got[0].flags == kMessageTruncated);
  CHECK(h.server->stats().listeners[0].truncated == 1);
}

TEST_CASE("ingest counts UDP datagrams dropped for a full queue and loses none it accepted", "[ingest][udp]") {
  // One message per batch, one batch in the queue: the third datagram onwards finds no room.
  Harness h({listener(Protocol::kUdp)}, 1, BatchLimits{64 * 1024 + kPadding, 1});
  const std::uint16_t port = h.server->bound_port(0);
  constexpr int kSent = 20;
  for (int i = 0; i < kSent; ++i) udp_send("127.0.0.1", port, "<13>datagram " + std::to_string(i));
  REQUIRE(eventually([&] {
    auto s = h.server->stats().listeners[0];
    return s.messages + s.dropped_queue_full + s.dropped_kernel_overflow == kSent;
  }));
  auto stats = h.server->stats().listeners[0];
  CHECK(stats.dropped_queue_full >= 1);
  CHECK(h.server->stats().peers.at(0).dropped == stats.dropped_queue_full);
  auto got = h.collect(stats.messages);
  CHECK(got.size() == stats.messages);
  CHECK(got.at(0).text == "<13>datagram 0");
}

TEST_CASE("ingest counts the datagrams the kernel dropped for a full socket buffer", "[ingest][udp]") {
  ListenerConfig config = listener(Protocol::kUdp);
  config.receive_buffer_bytes = 4096;  // the kernel doubles it; still only a few datagrams fit
  Harness h({config}, 64, BatchLimits{}, ServerOptions{}, /*start=*/false);
  const std::uint16_t port = h.server->bound_port(0);
  constexpr int kBurst = 200;
  const std::string filler(200, 'x');
  for (int i = 0; i < kBurst; ++i) udp_send("127.0.0.1", port, "<13>burst " + filler);
  h.server->start();
  // The kernel reports its drop count on datagrams queued after the drops: send one more.
  REQUIRE(eventually([&] { return h.server->stats().listeners[0].messages > 0; }));
  udp_send("127.0.0.1", port, "<13>probe");
  REQUIRE(eventually([&] {
    auto s = h.server->stats().listeners[0];
    return s.messages + s.dropped_kernel_overflow == kBurst + 1;
  }));
  auto stats = h.server->stats().listeners[0];
  CHECK(stats.dropped_kernel_overflow > 0);
  CHECK(stats.dropped_queue_full == 0);
  CHECK(h.collect(stats.messages).back().text == "<13>probe");
}

TEST_CASE("ingest frames a TCP stream that mixes octet counting and newlines", "[ingest][tcp]") {
  Harness h({listener(Protocol::kTcp), listener(Protocol::kTcp, "::1")});
  for (std::size_t index : {0u, 1u}) {
    Socket s = tcp_connect(index == 0 ? "127.0.0.1" : "::1", h.server->bound_port(index));
    send_all(s, "8 <13>oct1<13>line1\n");
    send_all(s, "<13>li");
    send_all(s, "ne2\r\n8 <13>oct2");
  }
  auto got = h.collect(8);
  REQUIRE(got.size() == 8);
  std::vector<std::string> first, second;
  for (const auto& r : got) (r.listener_index == 0 ? first : second).push_back(r.text);
  const std::vector<std::string> expected{"<13>oct1", "<13>line1", "<13>line2", "<13>oct2"};
  CHECK(first == expected);
  CHECK(second == expected);
  CHECK(h.server->stats().listeners[0].connections_accepted == 1);
  CHECK(h.server->stats().listeners[0].framing_errors == 0);
}

TEST_CASE("ingest hands out the last unterminated line when the sender closes", "[ingest][tcp]") {
  Harness h({listener(Protocol::kTcp)});
  {
    Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
    send_all(s, "<13>first\n<13>no newline at the end");
  }
  auto got = h.collect(2);
  CHECK(texts(got) == std::vector<std::string>{"<13>first", "<13>no newline at the end"});
  REQUIRE(eventually([&] { return h.server->stats().listeners[0].connections_active == 0; }));
}

TEST_CASE("ingest counts a bad octet count and the connection carries on", "[ingest][tcp]") {
  Harness h({listener(Protocol::kTcp)});
  Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
  send_all(s, "999999999999 garbage\n<13>after\n");
  auto got = h.collect(1);
  CHECK(texts(got) == std::vector<std::string>{"<13>after"});
  CHECK(h.server->stats().listeners[0].framing_errors == 1);
}

TEST_CASE("ingest NDJSON listener reports json and keeps count-like prefixes", "[ingest][ndjson]") {
  ListenerConfig config = listener(Protocol::kNdjson);
  Harness h({config});
  CHECK(h.server->format(0) == MessageFormat::kJson);
  Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
  send_all(s, "{\"message\":\"a\"}\n7 {\"x\":1}\n");
  auto got = h.collect(2);
  CHECK(texts(got) == std::vector<std::string>{"{\"message\":\"a\"}", "7 {\"x\":1}"});
}

TEST_CASE("ingest receives what util-linux logger sends over UDP and TCP", "[ingest][logger]") {
  if (std::system("command -v logger >/dev/null 2>&1") != 0) {
    WARN("logger (bsdutils) not installed: skipped");
    return;
  }
  Harness h({listener(Protocol::kUdp), listener(Protocol::kTcp)});
  const std::string udp_port = std::to_string(h.server->bound_port(0));
  const std::string tcp_port = std::to_string(h.server->bound_port(1));
  const std::string base = "logger --server 127.0.0.1 --tag logsift-test ";
  REQUIRE(std::system((base + "--port " + udp_port + " --udp --rfc5424 udp-5424").c_str()) == 0);
  REQUIRE(std::system((base + "--port " + udp_port + " --udp --rfc3164 udp-3164").c_str()) == 0);
  REQUIRE(std::system((base + "--port " + tcp_port + " --tcp --rfc5424 --octet-count tcp-octet").c_str()) == 0);
  REQUIRE(std::system((base + "--port " + tcp_port + " --tcp --rfc3164 tcp-newline").c_str()) == 0);
  auto got = h.collect(4);
  REQUIRE(got.size() == 4);
  std::vector<std::string> endings;
  for (const auto& r : got) {
    CHECK(r.text.find("logsift-test") != std::string::npos);
    CHECK(r.text.front() == '<');
    CHECK(r.text.back() != '\n');
    endings.push_back(r.text.substr(r.text.rfind(' ') + 1));
  }
  std::sort(endings.begin(), endings.end());
  CHECK(endings == std::vector<std::string>{"tcp-newline", "tcp-octet", "udp-3164", "udp-5424"});
}

TEST_CASE("ingest refuses connections over max_connections and counts them", "[ingest][tcp]") {
  ListenerConfig config = listener(Protocol::kTcp);
  config.max_connections = 2;
  Harness h({config});
  const std::uint16_t port = h.server->bound_port(0);
  Socket a = tcp_connect("127.0.0.1", port);
  Socket b = tcp_connect("127.0.0.1", port);
  REQUIRE(eventually([&] { return h.server->stats().listeners[0].connections_active == 2; }));
  Socket c = tcp_connect("127.0.0.1", port);
  CHECK(closed_by_server(c));
  CHECK(h.server->stats().listeners[0].connections_rejected == 1);
  send_all(a, "<13>from a\n");
  send_all(b, "<13>from b\n");
  CHECK(h.collect(2).size() == 2);
}

TEST_CASE("ingest closes an idle connection and counts it", "[ingest][tcp]") {
  ListenerConfig config = listener(Protocol::kTcp);
  config.idle_timeout_ms = 100;
  Harness h({config});
  Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
  CHECK(closed_by_server(s));
  CHECK(h.server->stats().listeners[0].idle_timeouts == 1);
  REQUIRE(eventually([&] { return h.server->stats().listeners[0].connections_active == 0; }));
}

TEST_CASE("ingest reports a port in use as an error value", "[ingest]") {
  BatchQueue queue(4);
  BatchPool pool(BatchLimits{});
  Harness h({listener(Protocol::kTcp)});
  ListenerConfig taken = listener(Protocol::kTcp);
  taken.port = h.server->bound_port(0);
  auto created = IngestServer::create({taken}, queue, pool);
  REQUIRE_FALSE(created);
  CHECK(created.error().code == IngestError::Code::kBind);
  CHECK(created.error().message.find("bind") != std::string::npos);
  ListenerConfig bad = listener(Protocol::kTcp, "not-an-address");
  auto invalid = IngestServer::create({bad}, queue, pool);
  REQUIRE_FALSE(invalid);
  CHECK(invalid.error().code == IngestError::Code::kAddress);
}

TEST_CASE("ingest stops reading a TCP sender while the queue is full and loses nothing", "[ingest][backpressure]") {
  ListenerConfig config = listener(Protocol::kTcp);
  config.max_message_bytes = 1024;
  config.receive_buffer_bytes = 64 * 1024;  // no autotuning: the kernel window fills quickly
  Harness h({config}, 1, BatchLimits{4096, 64});
  Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
  int sndbuf = 16 * 1024;
  REQUIRE(::setsockopt(s.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) == 0);
  REQUIRE(::fcntl(s.fd, F_SETFL, ::fcntl(s.fd, F_GETFL) | O_NONBLOCK) == 0);

  constexpr int kMessages = 100000;  // about 10 MB, far more than every buffer on the way
  std::string stream;
  for (int i = 0; i < kMessages; ++i) {
    std::string line = "<13>message " + std::to_string(i) + " " + std::string(80, 'x');
    if (i % 2) {
      stream += std::to_string(line.size()) + " " + line;
    } else {
      stream += line + "\n";
    }
  }
  std::size_t sent = 0;
  auto send_some = [&](int wait_ms) {
    pollfd p{s.fd, POLLOUT, 0};
    if (::poll(&p, 1, wait_ms) <= 0) return false;
    ssize_t n = ::send(s.fd, stream.data() + sent, stream.size() - sent, MSG_NOSIGNAL);
    if (n > 0) sent += static_cast<std::size_t>(n);
    return n > 0;
  };
  // Nobody pops: the server fills its one queue slot, pauses, and the sender runs out of window.
  while (sent < stream.size() && send_some(500)) {
  }
  CHECK(sent < stream.size());
  auto paused = h.server->stats().listeners[0];
  CHECK(paused.backpressure_pauses >= 1);
  CHECK(h.queue.depth() == 1);
  CHECK(paused.messages < static_cast<std::uint64_t>(kMessages));

  // Now consume: everything arrives, in order, while the rest is being sent.
  std::thread sender([&] {
    while (sent < stream.size()) send_some(50);
  });
  auto got = h.collect(kMessages, 60000);
  sender.join();
  REQUIRE(got.size() == static_cast<std::size_t>(kMessages));
  bool in_order = true;
  for (int i = 0; i < kMessages && in_order; ++i) {
    in_order = got[i].text.rfind("<13>message " + std::to_string(i) + " ", 0) == 0;
    if (!in_order) INFO("message " << i << " is " << got[i].text);
  }
  CHECK(in_order);
  CHECK(h.server->stats().listeners[0].messages == static_cast<std::uint64_t>(kMessages));
}

TEST_CASE("ingest truncates an oversize TCP line, stamps the injected clock and counts per peer",
          "[ingest][tcp]") {
  ListenerConfig config = listener(Protocol::kTcp);
  config.max_message_bytes = 8;
  ServerOptions options;
  options.clock = [] { return std::int64_t{1700000000123456}; };
  Harness h({config}, 64, BatchLimits{}, options);
  Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
  send_all(s, "<13>0123456789\n<13>ok\n");
  auto got = h.collect(2);
  REQUIRE(got.size() == 2);
  CHECK(got[0].text == "<13>0123");
  CHECK(got[0].flags == kMessageTruncated);
  CHECK(got[1].flags == 0);
  CHECK(got[0].arrival_us == 1700000000123456);
  IngestStats stats = h.server->stats();
  CHECK(stats.listeners[0].truncated == 1);
  CHECK(stats.listeners[0].bytes == 14);
  REQUIRE(stats.peers.size() == 1);
  CHECK(stats.peers[0].address == "127.0.0.1");
  CHECK(stats.peers[0].messages == 2);
  CHECK(stats.peers[0].truncated == 1);
  h.server->counters().add_parse_failures(0, got[1].peer, 3);
  CHECK(h.server->stats().listeners[0].parse_failures == 3);
  CHECK(h.server->stats().peers[0].parse_failures == 3);
}

TEST_CASE("ingest stop pushes partially filled batches of open connections and UDP", "[ingest]") {
  ServerOptions options;
  options.flush_age_ms = 600000;  // nothing would leave by age during this test
  Harness h({listener(Protocol::kTcp), listener(Protocol::kUdp)}, 64, BatchLimits{}, options);
  Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
  send_all(s, "<13>tcp one\n<13>tcp two\n");
  udp_send("127.0.0.1", h.server->bound_port(1), "<13>udp one");
  REQUIRE(eventually([&] {
    auto stats = h.server->stats();
    return stats.listeners[0].messages == 2 && stats.listeners[1].messages == 1;
  }));
  CHECK(h.queue.depth() == 0);
  auto got = h.stop_and_collect();
  CHECK(got.size() == 3);
  CHECK(h.server->stats().listeners[0].dropped_shutdown == 0);
  CHECK(closed_by_server(s));
}

TEST_CASE("ingest evicts the least recently seen peer beyond max_peers", "[ingest]") {
  IngestCounters counters(1, 2);
  PeerAddress a, b, c;
  a.bytes[0] = 1;
  b.bytes[0] = 2;
  c.bytes[0] = 3;
  counters.add_peer(a, PeerDelta{1, 10, 0, 0, 0});
  counters.add_peer(b, PeerDelta{1, 10, 0, 0, 0});
  counters.add_peer(a, PeerDelta{1, 10, 0, 0, 0});
  counters.add_peer(c, PeerDelta{1, 10, 0, 0, 0});  // b is the least recently seen
  IngestStats stats = counters.snapshot();
  REQUIRE(stats.peers.size() == 2);
  CHECK(stats.peers[0].address == "3.0.0.0");
  CHECK(stats.peers[1].address == "1.0.0.0");
  CHECK(stats.peers[1].messages == 2);
  CHECK(stats.peers_evicted == 1);
}
