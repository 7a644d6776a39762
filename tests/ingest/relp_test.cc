// Tests the RELP listener over real loopback sockets with a hand-written client: the test is the
// consumer, so it decides when a batch counts as processed and sees what the server answers.
#include "tests/ingest/relp_test_support.h"

using namespace ingest_test;

TEST_CASE("relp answers a message only after its batch was reported processed", "[ingest][relp]") {
  Harness h({listener(Protocol::kRelp)});
  Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
  send_all(s, relp_open() + relp_frame(2, "syslog", "<13>one") + relp_frame(3, "syslog", "<13>two") +
                  relp_frame(4, "syslog", "<13>three"));
  std::vector<PoppedBatch> batches = pop_messages(h, 3);
  REQUIRE(messages_of(batches) == std::vector<std::string>{"<13>one", "<13>two", "<13>three"});
  // The stream is ordered: an early answer to 2..4 would come before the answer to 5.
  send_all(s, relp_frame(5, "starttls", ""));
  std::string answers = read_until(s, "5 rsp 25 500 command not supported\n");
  CHECK(answers == relp_open_answer() + "5 rsp 25 500 command not supported\n");
  for (auto& batch : batches) batch.report_processed();
  CHECK(read_until(s, "4 rsp 6 200 OK\n") == "2 rsp 6 200 OK\n3 rsp 6 200 OK\n4 rsp 6 200 OK\n");
  send_all(s, relp_frame(6, "close", ""));
  CHECK(read_until(s, "6 rsp 0\n") == "6 rsp 0\n");
  CHECK(closed_by_server(s));
  const ListenerStats stats = h.server->stats().listeners[0];
  CHECK(stats.messages == 3);
  CHECK(stats.relp_acknowledged == 3);
  CHECK(stats.relp_refused == 1);
  CHECK(stats.relp_unanswered_at_close == 0);
}

TEST_CASE("relp counts malformed frames and closes only that connection", "[ingest][relp]") {
  Harness h({listener(Protocol::kRelp)});
  const std::uint16_t port = h.server->bound_port(0);
  const std::vector<std::string> garbage{
      "hello world\n",                                   // not a RELP frame at all
      relp_open() + "3 syslog 4 <13>x\n",                // transaction number out of sequence
      relp_open() + "2 syslog 99999999999 x\n",          // data length of 11 digits
      relp_open() + "2 syslog 3 <13>toolong\n",          // no trailer where DATALEN ends
      std::string("\0\0\0\xff\xfe", 5),                 // binary
  };
  for (const auto& bytes : garbage) {
    Socket s = tcp_connect("127.0.0.1", port);
    send_all(s, bytes);
    CHECK(read_to_close(s));
  }
  Socket before_open = tcp_connect("127.0.0.1", port);
  send_all(before_open, relp_frame(1, "syslog", "<13>early"));
  CHECK(read_until(before_open, "\n") == "1 rsp 20 500 session not open\n");
  CHECK(closed_by_server(before_open));

  // The listener still serves a well-behaved client.
  Socket good = tcp_connect("127.0.0.1", port);
  send_all(good, relp_open() + relp_frame(2, "syslog", "<13>fine"));
  std::vector<PoppedBatch> batches = pop_messages(h, 1);
  REQUIRE(messages_of(batches) == std::vector<std::string>{"<13>fine"});
  batches[0].report_processed();
  CHECK(read_until(good, "2 rsp 6 200 OK\n").ends_with("2 rsp 6 200 OK\n"));
  const ListenerStats stats = h.server->stats().listeners[0];
  CHECK(stats.framing_errors == garbage.size() + 1);
  CHECK(stats.relp_refused == 1);
  CHECK(stats.messages == 1);
}

TEST_CASE("relp stops reading at relp_window unanswered messages", "[ingest][relp]") {
  ListenerConfig config = listener(Protocol::kRelp);
  config.relp_window = 2;
  Harness h({config});
  Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
  std::string frames = relp_open();
  for (int i = 0; i < 7; ++i) frames += relp_frame(static_cast<std::uint32_t>(i + 2), "syslog", "<13>m" + std::to_string(i));
  send_all(s, frames);  // one write: without a window they would all arrive in one read
  std::vector<std::string> got;
  std::size_t answered = 0;
  while (got.size() < 7) {
    std::vector<PoppedBatch> batches = pop_messages(h, 1);
    REQUIRE(!batches.empty());
    for (auto& batch : batches) {
      got.insert(got.end(), batch.messages.begin(), batch.messages.end());
      CHECK(got.size() - answered <= 2);
      batch.report_processed();
      answered += batch.messages.size();
    }
  }
  CHECK(got == std::vector<std::string>{"<13>m0", "<13>m1", "<13>m2", "<13>m3", "<13>m4", "<13>m5", "<13>m6"});
  CHECK(read_until(s, "8 rsp 6 200 OK\n").ends_with("8 rsp 6 200 OK\n"));
}

TEST_CASE("relp at shutdown stops reading, answers what it read, then says serverclose", "[ingest][relp]") {
  ServerOptions options;
  options.shutdown_grace_ms = 20000;
  Harness h({listener(Protocol::kRelp)}, 64, BatchLimits{}, options);
  Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
  send_all(s, relp_open() + relp_frame(2, "syslog", "<13>a") + relp_frame(3, "syslog", "<13>b"));
  std::vector<PoppedBatch> batches = pop_messages(h, 2);
  read_until(s, relp_open_answer());
  std::thread stopper([&] { h.server->stop(); });
  // The grace period waits for the answers: they still go out after stop() began.
  for (auto& batch : batches) batch.report_processed();
  CHECK(read_until(s, "0 serverclose 0\n") == "2 rsp 6 200 OK\n3 rsp 6 200 OK\n0 serverclose 0\n");
  CHECK(closed_by_server(s));
  stopper.join();
  const ListenerStats stats = h.server->stats().listeners[0];
  CHECK(stats.relp_acknowledged == 2);
  CHECK(stats.relp_unanswered_at_close == 0);
  CHECK(stats.dropped_shutdown_bytes == 0);
}

TEST_CASE("relp counts messages a closed connection left unanswered", "[ingest][relp]") {
  Harness h({listener(Protocol::kRelp)});
  {
    Socket s = tcp_connect("127.0.0.1", h.server->bound_port(0));
    send_all(s, relp_open() + relp_frame(2, "syslog", "<13>a") + relp_frame(3, "syslog", "<13>b"));
    pop_messages(h, 2);
  }  // the client goes away before any answer: it will resend both
  CHECK(eventually([&] { return h.server->stats().listeners[0].relp_unanswered_at_close == 2; }));
}
