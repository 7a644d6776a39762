// What each alert says about its occurrences: exact counts (every occurrence reported by exactly
// one alert), event time against arrival time, and the details of the occurrence it shows.
#include <catch2/catch.hpp>

#include <numeric>
#include <string>

#include "daemon/detect/detector.h"
#include "tests/detect/detect_fixture.h"

using namespace logsift;
using namespace logsift::detect;
using namespace logsift::detect::testing;

namespace {

// Occurrences the alerts account for: each alert an occurrence caused reports that one, and
// every alert reports its folded ones. Alerts made by the passing of time (folded incidents,
// later updates, resolutions) cause none of their own.
std::uint64_t reported(const std::vector<Alert>& alerts, const std::vector<bool>& caused) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < alerts.size(); ++i) n += alerts[i].suppressed_count + (caused[i] ? 1 : 0);
  return n;
}

// Feeds one occurrence and records which of the alerts it appended it caused (the last one, if
// any: a resolution owed before it comes first).
void occur(Detector& d, const rules::Rule& rule, std::int64_t t, std::vector<Alert>& out,
           std::vector<bool>& caused) {
  const std::size_t before = out.size();
  feed(d, rule, "edge3", t, out);
  for (std::size_t i = before; i < out.size(); ++i) caused.push_back(i + 1 == out.size());
}

void tick(Detector& d, std::int64_t t, std::vector<Alert>& out, std::vector<bool>& caused) {
  d.advance(t, out);
  caused.resize(out.size(), false);
}

rules::Rule five_in_ten_minutes() {
  rules::Rule rule = make_rule();
  rule.recurrence.count = 5;
  rule.recurrence.within_ms = 10 * 60 * 1000;
  return rule;
}

}  // namespace

TEST_CASE("five failures ten seconds apart give one incident and a problem.opened that counts the rest",
          "[detect]") {
  Detector d(test_options());  // suppression 5 min, resolve_after 30 min
  const rules::Rule rule = five_in_ten_minutes();
  std::vector<Alert> out;
  std::vector<bool> caused;
  for (int i = 0; i < 5; ++i) occur(d, rule, kT0 + i * 10 * kSecond, out, caused);

  REQUIRE(out.size() == 2);
  CHECK(out[0].action == AlertAction::kIncident);
  CHECK(out[0].occurrences == 1);
  CHECK(out[0].suppressed_count == 0);
  CHECK(out[0].time_us == kT0);
  CHECK(out[1].action == AlertAction::kProblemOpened);
  CHECK(out[1].occurrences == 5);
  CHECK(out[1].suppressed_count == 3);  // the 2nd, 3rd and 4th; the 5th is its own
  CHECK(out[1].window_count == 5);
  CHECK(out[1].time_us == kT0 + 40 * kSecond);

  // The suppression interval ends: the folded failures were reported by problem.opened, so no
  // incident alert repeats them or the occurrence that opened the problem.
  tick(d, kT0 + 10 * kMinute, out, caused);
  CHECK(out.size() == 2);
  // Quiet for resolve_after: resolved, with nothing left to carry.
  tick(d, kT0 + 40 * kSecond + 31 * kMinute, out, caused);
  REQUIRE(out.size() == 3);
  CHECK(out[2].action == AlertAction::kProblemResolved);
  CHECK(out[2].occurrences == 5);
  CHECK(out[2].suppressed_count == 0);
  CHECK(reported(out, caused) == 5);
  CHECK(d.counters().incidents == 5);
}

TEST_CASE("every occurrence of a long sequence is reported by exactly one alert", "[detect]") {
  Detector d(test_options());
  const rules::Rule rule = five_in_ten_minutes();
  std::vector<Alert> out;
  std::vector<bool> caused;
  // 40 failures 10 s apart (6.5 min), a pause that resolves the problem, then 7 more.
  std::int64_t t = kT0;
  for (int i = 0; i < 40; ++i, t += 10 * kSecond) {
    occur(d, rule, t, out, caused);
    tick(d, t, out, caused);
  }
  tick(d, t + 2 * 60 * kMinute, out, caused);
  t += 3 * 60 * kMinute;
  for (int i = 0; i < 7; ++i, t += 10 * kSecond) occur(d, rule, t, out, caused);
  tick(d, t + 4 * 60 * kMinute, out, caused);

  CHECK(reported(out, caused) == 47);
  CHECK(out.back().action == AlertAction::kProblemResolved);
  CHECK(out.back().occurrences == 47);
  // Alert by alert: occurrences never go backwards, and no incident follows problem.opened.
  bool problem_seen = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    INFO(i << " " << action_name(out[i].action));
    if (i > 0) CHECK(out[i].occurrences >= out[i - 1].occurrences);
    if (out[i].action == AlertAction::kProblemOpened) problem_seen = true;
    if (problem_seen) CHECK(out[i].action != AlertAction::kIncident);
  }
  CHECK(of_action(out, AlertAction::kProblemOpened).size() == 1);
  CHECK(of_action(out, AlertAction::kProblemReopened).size() == 1);
  CHECK(of_action(out, AlertAction::kProblemResolved).size() == 2);
}

TEST_CASE("with incident alerts off, problem.opened counts every occurrence before it", "[detect]") {
  DetectOptions options = test_options();
  options.incident_alerts = false;
  Detector d(options);
  const rules::Rule rule = five_in_ten_minutes();
  std::vector<Alert> out;
  for (int i = 0; i < 5; ++i) feed(d, rule, "edge3", kT0 + i * 10 * kSecond, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].action == AlertAction::kProblemOpened);
  CHECK(out[0].suppressed_count == 4);
  d.advance(kT0 + 60 * kMinute, out);
  CHECK(of_action(out, AlertAction::kIncident).empty());
}

TEST_CASE("report_folded emits owed counts at once and nothing twice", "[detect]") {
  Detector d(test_options());
  const rules::Rule rule = five_in_ten_minutes();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed(d, rule, "edge3", kT0 + i * 10 * kSecond, out);
  out.clear();
  d.report_folded(kT0 + 20 * kSecond, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].action == AlertAction::kIncident);
  CHECK(out[0].suppressed_count == 2);
  CHECK(out[0].occurrences == 3);
  out.clear();
  d.report_folded(kT0 + 20 * kSecond, out);
  d.advance(kT0 + 60 * kMinute, out);
  CHECK(out.empty());
}

namespace {

parsers::Record record_at(std::int64_t own_time_us) {
  parsers::Record rec;
  rec.host = "edge3";
  rec.app = "sshd";
  rec.procid = "2211";
  rec.msgid = "AUTH";
  rec.facility = 4;
  rec.severity = 5;
  rec.message = "Failed password for root from 203.0.113.45 port 51122 ssh2";
  rec.original = "<37>Mar  9 07:12:44 edge3 sshd[2211]: Failed password for root from 203.0.113.45 port 51122 ssh2";
  rec.time_us = own_time_us;
  return rec;
}

Alert observe_record(Detector& d, const rules::Rule& rule, const parsers::Record& rec, std::int64_t now_us) {
  std::vector<Alert> out;
  Incident inc{&rule, &rec, {}};
  d.observe({&inc, 1}, now_us, out);
  REQUIRE(out.size() == 1);
  return out[0];
}

}  // namespace

TEST_CASE("@timestamp is the message's own time when plausible, else its arrival", "[detect]") {
  DetectOptions options = test_options();
  options.max_event_ahead_ms = 5 * 60 * 1000;
  options.max_event_behind_ms = 60 * 60 * 1000;
  const rules::Rule rule = make_rule();
  const std::int64_t arrival = kT0 + 10 * kMinute;
  struct Case {
    std::int64_t own;
    std::int64_t expected;
  };
  const Case cases[] = {
      {arrival - 3 * kSecond, arrival - 3 * kSecond},   // a little behind: its own
      {arrival - 59 * kMinute, arrival - 59 * kMinute}, // queued for an hour: its own
      {arrival - 61 * kMinute, arrival},                // beyond max_event_behind
      {arrival + 4 * kMinute, arrival + 4 * kMinute},   // clock drift
      {arrival + 6 * kMinute, arrival},                 // beyond max_event_ahead
      {parsers::kNoTime, arrival},                      // none
  };
  std::uint64_t fallbacks = 0;
  for (const Case& c : cases) {
    Detector d(options);
    const Alert a = observe_record(d, rule, record_at(c.own), arrival);
    CHECK(a.time_us == c.expected);
    CHECK(a.created_us == arrival);
    CHECK(a.first_seen_us == arrival);  // detection runs on arrival time
    fallbacks += d.counters().event_time_fallbacks;
  }
  CHECK(fallbacks == 3);
}

TEST_CASE("an alert carries the syslog header and sender of its occurrence", "[detect]") {
  Detector d(test_options());
  const rules::Rule rule = make_rule();
  parsers::Record rec = record_at(kT0);
  rec.sender = "192.0.2.10";
  const Alert a = observe_record(d, rule, rec, kT0);
  CHECK(a.syslog_facility == 4);
  CHECK(a.syslog_severity == 5);
  CHECK(a.app == "sshd");
  CHECK(a.procid == "2211");
  CHECK(a.msgid == "AUTH");
  CHECK(a.syslog_host == "edge3");
  CHECK(a.host == "edge3");
  CHECK(a.sender == "192.0.2.10");
}

TEST_CASE("a message without a host is about its sender", "[detect]") {
  Detector d(test_options());
  const rules::Rule rule = make_rule();  // group_by defaults to host
  parsers::Record rec = record_at(kT0);
  rec.host = {};
  rec.sender = "2001:db8::7";
  const Alert a = observe_record(d, rule, rec, kT0);
  CHECK(a.host == "2001:db8::7");
  CHECK(a.syslog_host.empty());
  CHECK(a.signature_values == std::vector<std::pair<std::string, std::string>>{{"host", "2001:db8::7"}});
  CHECK(a.hosts == std::vector<std::string>{"2001:db8::7"});
}

TEST_CASE("text cut on receipt or for keeping is flagged with the received length", "[detect]") {
  DetectOptions options = test_options();
  options.max_kept_text_bytes = 32;
  const rules::Rule rule = make_rule();
  {
    Detector d(options);
    const Alert a = observe_record(d, rule, record_at(kT0), kT0);
    CHECK(a.original.size() == 32);
    CHECK(a.original_truncated);
    CHECK(a.message_truncated);
    CHECK(a.original_bytes == record_at(kT0).original.size());
  }
  options.max_kept_text_bytes = 4096;
  {
    Detector d(options);
    parsers::Record rec = record_at(kT0);
    const Alert whole = observe_record(d, rule, rec, kT0);
    CHECK_FALSE(whole.original_truncated);
    CHECK_FALSE(whole.message_truncated);
    CHECK(whole.original == rec.original);
    rec.truncated = true;  // ingest cut it
    Detector d2(options);
    const Alert cut = observe_record(d2, rule, rec, kT0);
    CHECK(cut.original_truncated);
    CHECK(cut.message_truncated);
    CHECK(cut.original_bytes == rec.original.size());
  }
}
