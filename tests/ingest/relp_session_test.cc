#include "daemon/ingest/relp_session.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace logsift::ingest;

namespace {

constexpr std::string_view kOpen = "1 open 86 relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog\n";

std::string frame(std::uint32_t txnr, std::string_view command, std::string_view data) {
  std::string f = std::to_string(txnr) + " " + std::string(command) + " " + std::to_string(data.size());
  if (!data.empty()) f += " " + std::string(data);
  return f + "\n";
}

// Feeds `input` (in pieces of `chunk` bytes), collecting messages; each message goes into its own
// group, as a connection that pushes one batch per message would.
struct Feeder {
  RelpSession session;
  std::vector<std::string> messages;
  std::vector<std::uint64_t> tickets;
  RelpEvent last = RelpEvent::kNeedMore;

  explicit Feeder(RelpOptions options = {}) : session(options) {}

  void feed(std::string_view input, std::size_t chunk = 1u << 20) {
    while (!input.empty()) {
      std::string_view piece = input.substr(0, chunk);
      input.remove_prefix(piece.size());
      Frame f;
      for (;;) {
        last = session.next(piece, f);
        if (last != RelpEvent::kMessage) break;
        tickets.push_back(session.begin_batch());
        session.accepted();
        messages.emplace_back(f.data);
      }
      if (last == RelpEvent::kFailed || last == RelpEvent::kWindowFull) return;
    }
  }
  std::string take_output() {
    std::string out;
    out.swap(session.output());
    return out;
  }
};

}  // namespace

TEST_CASE("relp session answers open with its offers and a message only once it was processed", "[ingest][relp]") {
  Feeder f;
  f.feed(std::string(kOpen) + frame(2, "syslog", "<13>first") + frame(3, "syslog", "<13>second"));
  CHECK(f.take_output() == "1 rsp 59 200 OK\nrelp_version=0\nrelp_software=logsift\ncommands=syslog\n");
  REQUIRE(f.messages == std::vector<std::string>{"<13>first", "<13>second"});
  CHECK(f.session.unacked() == 2);
  f.session.processed(f.tickets[1]);  // out of order: nothing may be answered before the first
  CHECK(f.take_output().empty());
  f.session.processed(f.tickets[0]);
  CHECK(f.take_output() == "2 rsp 6 200 OK\n3 rsp 6 200 OK\n");
  CHECK(f.session.unacked() == 0);
}

TEST_CASE("relp session assembles frames split at every byte", "[ingest][relp]") {
  const std::string big(5000, 'x');
  Feeder f;
  f.feed(std::string(kOpen) + frame(2, "syslog", "<13>a b c") + frame(3, "syslog", big), 1);
  REQUIRE(f.messages.size() == 2);
  CHECK(f.messages[0] == "<13>a b c");
  CHECK(f.messages[1] == big);
}

TEST_CASE("relp session truncates data above max_message_bytes and goes on", "[ingest][relp]") {
  Feeder f(RelpOptions{.max_message_bytes = 8});
  f.feed(std::string(kOpen) + frame(2, "syslog", "0123456789abcdef") + frame(3, "syslog", "short"), 3);
  REQUIRE(f.messages == std::vector<std::string>{"01234567", "short"});
}

TEST_CASE("relp session answers close after every earlier message was answered", "[ingest][relp]") {
  Feeder f;
  f.feed(std::string(kOpen) + frame(2, "syslog", "m") + frame(3, "close", ""));
  f.take_output();
  CHECK(f.session.closing());
  CHECK_FALSE(f.session.closed());
  f.session.processed(f.tickets[0]);
  CHECK(f.take_output() == "2 rsp 6 200 OK\n3 rsp 0\n");
  CHECK(f.session.closed());
}

TEST_CASE("relp session refuses an unknown command with 500 and goes on", "[ingest][relp]") {
  Feeder f;
  f.feed(std::string(kOpen) + frame(2, "starttls", "") + frame(3, "syslog", "m"));
  CHECK(f.take_output().ends_with("2 rsp 25 500 command not supported\n"));
  CHECK(f.session.refused() == 1);
  CHECK(f.messages.size() == 1);
  CHECK_FALSE(f.session.failed());
}

TEST_CASE("relp session fails on malformed frames and says why", "[ingest][relp]") {
  struct Case {
    std::string input;
    std::string why;
  };
  const std::vector<Case> cases{
      {"hello world\n", "transaction number"},
      {"1 open 3 abcd\n", "trailer"},            // DATA longer than DATALEN
      {"1 op3n 0\n", "command"},
      {"1234567890 open 0\n", "9 digits"},
      {"1 open 0 \n", "trailer"},                 // DATALEN 0 is followed by LF, not SP
      {"1 open x\n", "data length"},
      {"1 open 999999999 a", "frame limit"},
      {std::string(kOpen) + frame(5, "syslog", "m"), "out of sequence"},
      {frame(1, "syslog", "m"), "before open"},
      {std::string(kOpen) + frame(2, "open", ""), "second open"},
  };
  for (const auto& c : cases) {
    Feeder f;
    f.feed(c.input);
    INFO(c.input);
    CHECK(f.last == RelpEvent::kFailed);
    CHECK(f.session.failed());
    CHECK(std::string(f.session.error()).find(c.why) != std::string::npos);
    std::string_view more = "2 syslog 1 x\n";
    Frame frame;
    CHECK(f.session.next(more, frame) == RelpEvent::kFailed);  // stays failed
  }
  Feeder before_open;
  before_open.feed(frame(1, "syslog", "m"));
  CHECK(before_open.take_output() == "1 rsp 20 500 session not open\n");
}

TEST_CASE("relp session stops at its window until responses went out", "[ingest][relp]") {
  Feeder f(RelpOptions{.window = 2});
  const std::string input =
      std::string(kOpen) + frame(2, "syslog", "a") + frame(3, "syslog", "b") + frame(4, "syslog", "c");
  std::string_view rest = input;
  Frame fr;
  std::vector<std::uint64_t> tickets;
  for (RelpEvent e; (e = f.session.next(rest, fr)) == RelpEvent::kMessage;) {
    tickets.push_back(f.session.begin_batch());
    f.session.accepted();
  }
  CHECK(tickets.size() == 2);
  CHECK(f.session.window_full());
  CHECK(f.session.next(rest, fr) == RelpEvent::kWindowFull);
  CHECK(rest == "4 syslog 1 c\n");  // nothing consumed
  f.session.processed(tickets[0]);
  CHECK(f.session.next(rest, fr) == RelpEvent::kMessage);
  CHECK(fr.data == "c");
}

TEST_CASE("relp session wraps its transaction numbers after 999999999", "[ingest][relp]") {
  Feeder f;
  f.feed("999999998 open 0\n" + frame(999999999, "syslog", "a") + frame(1, "syslog", "b"));
  CHECK(f.messages == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(f.session.failed());
}

TEST_CASE("relp session says serverclose at shutdown", "[ingest][relp]") {
  Feeder f;
  f.feed(kOpen);
  f.take_output();
  f.session.queue_serverclose();
  CHECK(f.take_output() == "0 serverclose 0\n");
}
