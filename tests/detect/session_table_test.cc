#include "daemon/detect/session_table.h"

#include <catch2/catch.hpp>

#include <map>

#include "daemon/detect/incident.h"
#include "parsers/line_parser.h"
#include "tests/allocation_counter.h"

using namespace logsift;
using namespace logsift::detect;

namespace {

constexpr std::int64_t kSecond = 1'000'000;

rules::Rule session_rule() {
  rules::Rule rule;
  rule.id = "sshd.session";
  rule.session.id = "session_id";
  rule.session.wait_for = {"source_ip"};
  rule.session.distinct = {"user_name", "user_name_alt"};
  return rule;
}

// Feeds one match through the table and keeps what it returned.
struct Feeder {
  SessionTable table;
  rules::Rule rule = session_rule();
  parsers::StringArena arena;
  std::vector<rules::Capture> fields;

  explicit Feeder(std::size_t max_sessions = 16) : table(max_sessions) {}

  struct Result {
    SessionStep step;
    std::map<std::string, std::string> fields;
  };
  Result feed(std::vector<rules::Capture> captures, std::int64_t now_us = 0, std::string_view host = "edge3") {
    // As the pipeline does: the id is the capture the rule names, else the host.
    std::string_view id = rule.session.id == "host" ? host : std::string_view{};
    for (const auto& c : captures) {
      if (c.name == rule.session.id) id = c.value;
    }
    SessionMatch m{&rule, host, captures, now_us, id};
    table.apply(std::span<SessionMatch>(&m, 1), arena, fields);
    Result r{m.step, {}};
    for (std::uint32_t i = m.fields_begin; i < m.fields_end; ++i) r.fields[std::string(fields[i].name)] = std::string(fields[i].value);
    return r;
  }
};

}  // namespace

TEST_CASE("a failure without an address takes it from a noted earlier line of its session", "[detect][session]") {
  Feeder f;
  auto connect = f.feed({{"session_id", "sshd[7]"}, {"session_note", "Connection from"}, {"source_ip", "192.0.2.7"}});
  CHECK(connect.step == SessionStep::kNoted);
  CHECK(connect.fields.count("session_note") == 0);  // flags are not fields
  auto failure = f.feed({{"session_id", "sshd[7]"}, {"user_name", "root"}}, kSecond);
  CHECK(failure.step == SessionStep::kIncident);
  CHECK(failure.fields["source_ip"] == "192.0.2.7");
  CHECK(failure.fields["user_name"] == "root");
  CHECK(f.table.counters().merged == 1);
  // Another process on the same host, and the same process id on another host, are other sessions.
  CHECK(f.feed({{"session_id", "sshd[8]"}, {"user_name", "root"}}).step == SessionStep::kWaiting);
  CHECK(f.feed({{"session_id", "sshd[7]"}, {"user_name", "root"}}, 0, "edge4").step == SessionStep::kWaiting);
}

TEST_CASE("a failure that waits for an address becomes an incident with the next line of its session", "[detect][session]") {
  Feeder f;
  CHECK(f.feed({{"session_id", "sshd[9]"}, {"user_name", "admin"}}).step == SessionStep::kWaiting);
  // The closing line would be a note on its own; the waiting failure makes it the incident.
  auto closed = f.feed({{"session_id", "sshd[9]"}, {"session_note", "Connection closed"}, {"session_end", "closed"},
                        {"source_ip", "198.51.100.4"}});
  CHECK(closed.step == SessionStep::kIncident);
  CHECK(closed.fields["user_name"] == "admin");
  CHECK(closed.fields["source_ip"] == "198.51.100.4");
  const auto c = f.table.counters();
  CHECK(c.ended == 1);
  CHECK(c.open == 0);
  // Ended: the same id starts afresh.
  CHECK(f.feed({{"session_id", "sshd[9]"}, {"session_note", "x"}, {"source_ip", "198.51.100.4"}}).step == SessionStep::kNoted);
}

TEST_CASE("a success drops waiting failures unless several user names were tried", "[detect][session]") {
  Feeder f;
  CHECK(f.feed({{"session_id", "a"}, {"user_name", "deploy"}}).step == SessionStep::kWaiting);
  auto ok = f.feed({{"session_id", "a"}, {"session_success", "Accepted"}, {"session_note", "Accepted"},
                    {"user_name", "deploy"}, {"source_ip", "203.0.113.9"}});
  CHECK(ok.step == SessionStep::kNoted);

  CHECK(f.feed({{"session_id", "b"}, {"session_note", "Failed publickey"}, {"user_name", "alice"}, {"source_ip", "203.0.113.10"}}).step ==
        SessionStep::kNoted);
  // A second user name (here only in the fallback capture) turns the note into an incident.
  auto second_user = f.feed({{"session_id", "b"}, {"session_note", "Failed publickey"}, {"user_name_alt", "bob"}});
  CHECK(second_user.step == SessionStep::kIncident);
  CHECK(second_user.fields["source_ip"] == "203.0.113.10");
  CHECK(second_user.fields["user_name_alt"] == "bob");
}

TEST_CASE("sessions expire after their window and the table evicts the least recently seen when full", "[detect][session]") {
  Feeder f(2);
  f.rule.session.within_ms = 60'000;
  f.feed({{"session_id", "old"}, {"session_note", "x"}, {"source_ip", "192.0.2.1"}}, 0);
  CHECK(f.feed({{"session_id", "old"}, {"user_name", "u"}}, 61 * kSecond).step == SessionStep::kWaiting);
  CHECK(f.table.counters().expired == 1);

  f.feed({{"session_id", "s1"}, {"session_note", "x"}, {"source_ip", "192.0.2.1"}}, 100 * kSecond);
  f.feed({{"session_id", "s2"}, {"session_note", "x"}, {"source_ip", "192.0.2.2"}}, 101 * kSecond);
  f.feed({{"session_id", "s3"}, {"session_note", "x"}, {"source_ip", "192.0.2.3"}}, 102 * kSecond);
  const auto c = f.table.counters();
  CHECK(c.open == 2);
  CHECK(c.evicted >= 1);
  CHECK(f.feed({{"session_id", "s3"}, {"user_name", "u"}}, 103 * kSecond).fields["source_ip"] == "192.0.2.3");
  CHECK(f.feed({{"session_id", "s1"}, {"user_name", "u"}}, 103 * kSecond).step == SessionStep::kWaiting);
}

TEST_CASE("a full session table allocates nothing per match in steady state", "[detect][session]") {
  Feeder f(64);
  auto round = [&](int n) {
    for (int i = 0; i < 200; ++i) {
      f.arena.reset();
      f.fields.clear();
      const std::string id = "sshd[" + std::to_string(i % 100) + "]";
      std::vector<rules::Capture> caps = {{"session_id", id}, {"session_note", "x"}, {"source_ip", "192.0.2.77"}};
      SessionMatch m{&f.rule, "edge3", caps, static_cast<std::int64_t>(n * 200 + i) * kSecond / 100, id};
      const std::size_t before = logsift::testing::allocation_count();
      f.table.apply(std::span<SessionMatch>(&m, 1), f.arena, f.fields);
      if (n > 2) CHECK(logsift::testing::allocation_count() == before);
    }
  };
  for (int n = 0; n < 4; ++n) round(n);
  CHECK(f.table.counters().evicted > 0);
}

namespace {

constexpr std::int64_t kMinute = 60 * kSecond;

// A rule whose incident needs the parts step_a, step_b and step_c within ten minutes, per host.
void use_parts(Feeder& f, bool in_order) {
  f.rule.id = "sigma.temporal";
  f.rule.session = {};
  f.rule.session.id = "host";
  f.rule.session.within_ms = 10 * 60'000;
  f.rule.session.wait_for_all = {"step_a", "step_b", "step_c"};
  f.rule.session.in_order = in_order;
}

SessionStep part(Feeder& f, const char* name, std::int64_t at_us, std::string_view host = "edge3") {
  return f.feed({{name, ""}}, at_us, host).step;
}

}  // namespace

TEST_CASE("wait_for_all holds the incident back until every part was seen, in any order", "[detect][session]") {
  Feeder f;
  use_parts(f, false);
  CHECK(part(f, "step_c", 0) == SessionStep::kWaiting);
  CHECK(part(f, "step_a", 1 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_b", 2 * kMinute, "edge4") == SessionStep::kWaiting);  // another host: another session
  const auto done = f.feed({{"step_b", ""}, {"user_name", "root"}}, 3 * kMinute);
  CHECK(done.step == SessionStep::kIncident);
  CHECK(done.fields.count("step_a") == 1);
  CHECK(done.fields.count("step_c") == 1);
  CHECK(done.fields.at("user_name") == "root");
  // The incident used the parts up: a new one needs all three again.
  CHECK(part(f, "step_a", 4 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_b", 4 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_c", 5 * kMinute) == SessionStep::kIncident);
  CHECK(f.table.counters().ended == 2);
}

TEST_CASE("wait_for_all forgets a part seen longer than within ago", "[detect][session]") {
  Feeder f;
  use_parts(f, false);
  CHECK(part(f, "step_a", 0) == SessionStep::kWaiting);
  CHECK(part(f, "step_b", 6 * kMinute) == SessionStep::kWaiting);
  // step_a is eleven minutes old when step_c comes: the session lives on, step_a does not count.
  CHECK(part(f, "step_c", 11 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_a", 12 * kMinute) == SessionStep::kIncident);
  // A session with no line for the window is forgotten altogether.
  CHECK(part(f, "step_a", 20 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_b", 20 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_c", 31 * kMinute) == SessionStep::kWaiting);
  CHECK(f.table.counters().expired == 1);
}

TEST_CASE("in_order needs the parts in the listed order and ignores a part seen too early", "[detect][session]") {
  Feeder f;
  use_parts(f, true);
  CHECK(part(f, "step_b", 0) == SessionStep::kWaiting);  // before step_a: ignored
  CHECK(part(f, "step_c", 1 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_a", 2 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_c", 3 * kMinute) == SessionStep::kWaiting);  // step_b has not followed step_a yet
  CHECK(part(f, "step_b", 4 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_c", 5 * kMinute) == SessionStep::kIncident);

  // All three parts seen, but c before b: no incident until a c follows the b.
  CHECK(part(f, "step_a", 6 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_c", 7 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_b", 8 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_c", 9 * kMinute) == SessionStep::kIncident);
}

TEST_CASE("in_order needs the whole run within the window and takes its latest start", "[detect][session]") {
  Feeder f;
  use_parts(f, true);
  CHECK(part(f, "step_a", 0) == SessionStep::kWaiting);
  CHECK(part(f, "step_b", 5 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_c", 11 * kMinute) == SessionStep::kWaiting);  // the run began eleven minutes ago
  CHECK(part(f, "step_a", 12 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_a", 14 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_b", 15 * kMinute) == SessionStep::kWaiting);
  CHECK(part(f, "step_c", 24 * kMinute) == SessionStep::kIncident);  // the run from 14m is ten minutes long
}

TEST_CASE("a session keyed by a record field ties lines of one process together", "[detect][session]") {
  // The pipeline resolves a session id that is no capture as a group_by name: here the procid.
  Feeder f;
  use_parts(f, false);
  f.rule.session.id = "procid";
  parsers::LineParser parser;
  auto feed_line = [&](const std::string& line, std::int64_t at_us) {
    const parsers::Record record = parser.parse(line);
    std::vector<rules::Capture> caps;
    for (const char* name : {"step_a", "step_b", "step_c"}) {
      if (record.message.find(name) != std::string_view::npos) caps.push_back({name, ""});
    }
    const std::string_view id = group_value(Incident{&f.rule, &record, caps}, f.rule.session.id);
    SessionMatch m{&f.rule, host_or_sender(record), caps, at_us, id};
    f.table.apply(std::span<SessionMatch>(&m, 1), f.arena, f.fields);
    return m.step;
  };
  CHECK(feed_line("Mar  9 07:12:44 edge3 app[11]: step_a", 0) == SessionStep::kWaiting);
  CHECK(feed_line("Mar  9 07:12:45 edge3 app[12]: step_b", kSecond) == SessionStep::kWaiting);
  CHECK(feed_line("Mar  9 07:12:46 edge3 app[12]: step_c", 2 * kSecond) == SessionStep::kWaiting);
  CHECK(feed_line("Mar  9 07:12:47 edge3 app[11]: step_b step_c", 3 * kSecond) == SessionStep::kIncident);
  CHECK(f.table.counters().started == 2);
}

TEST_CASE("wait_for_all sessions allocate nothing per match in steady state", "[detect][session]") {
  Feeder f(128);
  use_parts(f, true);
  const char* parts[] = {"step_a", "step_b", "step_c"};
  std::size_t incidents = 0;
  for (int n = 0; n < 4; ++n) {
    for (int i = 0; i < 300; ++i) {
      f.arena.reset();
      f.fields.clear();
      const std::string host = "edge" + std::to_string(i % 100);
      std::vector<rules::Capture> caps = {{parts[(i / 100) % 3], ""}};
      SessionMatch m{&f.rule, host, caps, static_cast<std::int64_t>(n * 300 + i) * kSecond, host};
      const std::size_t before = logsift::testing::allocation_count();
      f.table.apply(std::span<SessionMatch>(&m, 1), f.arena, f.fields);
      if (n > 1) CHECK(logsift::testing::allocation_count() == before);
      incidents += m.step == SessionStep::kIncident ? 1 : 0;
    }
  }
  CHECK(incidents == 400);  // every host completes a, b, c once per round
}
