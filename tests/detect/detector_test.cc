#include "daemon/detect/detector.h"

#include <catch2/catch.hpp>

#include <memory>

#include "daemon/detect/recurrence_window.h"
#include "daemon/detect/trouble_filter.h"
#include "tests/detect/detect_fixture.h"

using namespace logsift;
using namespace logsift::detect;
using namespace logsift::detect::testing;

TEST_CASE("the first incident of a signature is an incident alert and opens no problem", "[detect]") {
  Detector d(test_options());
  auto rule = make_rule();
  std::vector<Alert> out;
  feed(d, rule, "edge3", kT0, out);
  REQUIRE(out.size() == 1);
  const Alert& a = out[0];
  CHECK(a.action == AlertAction::kIncident);
  CHECK(a.rule_id == "sshd.failed_password");
  CHECK(a.rule_name == "SSH password authentication failed");
  CHECK(a.ruleset == "linux.sshd");
  CHECK(a.host == "edge3");
  CHECK(a.time_us == kT0);
  CHECK(a.occurrences == 1);
  CHECK(a.suppressed_count == 0);
  CHECK(a.problem_state == ProblemState::kNone);
  CHECK(a.problem_id == 0);
  CHECK(a.signature_values == std::vector<std::pair<std::string, std::string>>{{"host", "edge3"}});
  CHECK(a.id.size() == 16);
  CHECK(d.counters().incidents == 1);
  CHECK(d.counters().signatures_live == 1);
}

TEST_CASE("incidents within the suppression interval are folded into the next alert's count", "[detect]") {
  Detector d(test_options());
  auto rule = make_rule();
  rule.recurrence.count = 10;  // no problem opens: the incidents carry the counts
  std::vector<Alert> out;
  feed(d, rule, "edge3", kT0, out);
  feed(d, rule, "edge3", kT0 + 1 * kMinute, out);
  feed(d, rule, "edge3", kT0 + 2 * kMinute, out);
  CHECK(of_action(out, AlertAction::kIncident).size() == 1);
  out.clear();
  d.advance(kT0 + 4 * kMinute, out);
  CHECK(out.empty());  // the interval has not ended
  d.advance(kT0 + 5 * kMinute, out);
  auto incidents = of_action(out, AlertAction::kIncident);
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].suppressed_count == 2);
  CHECK(incidents[0].time_us == kT0 + 2 * kMinute);  // shown with the latest folded occurrence
  CHECK(incidents[0].occurrences == 3);
  CHECK(d.counters().incidents_suppressed == 2);

  // The flush opened the next interval: one more occurrence in it is folded again.
  out.clear();
  feed(d, rule, "edge3", kT0 + 6 * kMinute, out);
  CHECK(of_action(out, AlertAction::kIncident).empty());
  d.advance(kT0 + 10 * kMinute, out);
  incidents = of_action(out, AlertAction::kIncident);
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].suppressed_count == 1);
  CHECK(incidents[0].occurrences == 4);
}

TEST_CASE("a problem opens when a signature recurs count times within its window", "[detect]") {
  Detector d(test_options());
  auto rule = make_rule();
  std::vector<Alert> out;
  feed(d, rule, "edge3", kT0, out);
  feed(d, rule, "edge3", kT0 + 1 * kMinute, out);
  CHECK(of_action(out, AlertAction::kProblemOpened).empty());
  feed(d, rule, "edge3", kT0 + 2 * kMinute, out);
  auto opened = of_action(out, AlertAction::kProblemOpened);
  REQUIRE(opened.size() == 1);
  CHECK(opened[0].problem_state == ProblemState::kOpen);
  CHECK(opened[0].problem_id != 0);
  CHECK(opened[0].window_count == 3);
  CHECK(opened[0].occurrences == 3);
  CHECK(opened[0].open_reason == "recurrence");
  CHECK(opened[0].first_seen_us == kT0);
  CHECK(opened[0].last_seen_us == kT0 + 2 * kMinute);
  CHECK(opened[0].problem_opened_us == kT0 + 2 * kMinute);
  CHECK(opened[0].window_ms == 10 * 60 * 1000);
  CHECK(opened[0].severity == rules::Severity::kMedium);
  CHECK(d.counters().problems_open == 1);
}

TEST_CASE("occurrences further apart than the window do not open a problem", "[detect]") {
  Detector d(test_options());
  auto rule = make_rule();
  std::vector<Alert> out;
  for (int i = 0; i < 5; ++i) feed(d, rule, "edge3", kT0 + i * 6 * kMinute, out);
  CHECK(of_action(out, AlertAction::kProblemOpened).empty());
  CHECK(d.counters().problems_open == 0);
}

TEST_CASE("a rule's own recurrence overrides the defaults", "[detect]") {
  Detector d(test_options());
  auto rule = make_rule();
  rule.recurrence.count = 2;
  rule.recurrence.within_ms = 60 * 1000;
  std::vector<Alert> out;
  feed(d, rule, "edge3", kT0, out);
  feed(d, rule, "edge3", kT0 + 2 * kMinute, out);  // outside the 1 min window
  CHECK(of_action(out, AlertAction::kProblemOpened).empty());
  feed(d, rule, "edge3", kT0 + 2 * kMinute + 10 * kSecond, out);
  auto opened = of_action(out, AlertAction::kProblemOpened);
  REQUIRE(opened.size() == 1);
  CHECK(opened[0].threshold_count == 2);
  CHECK(opened[0].window_ms == 60 * 1000);
}

TEST_CASE("an open problem is updated with carried counts, not once per match", "[detect]") {
  Detector d(test_options());
  auto rule = make_rule();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed(d, rule, "edge3", kT0 + i * kMinute, out);  // opens at 2 min
  out.clear();
  feed(d, rule, "edge3", kT0 + 3 * kMinute, out);
  feed(d, rule, "edge3", kT0 + 4 * kMinute, out);
  CHECK(of_action(out, AlertAction::kProblemUpdated).empty());
  feed(d, rule, "edge3", kT0 + 8 * kMinute, out);
  auto updated = of_action(out, AlertAction::kProblemUpdated);
  REQUIRE(updated.size() == 1);
  CHECK(updated[0].suppressed_count == 2);
  CHECK(updated[0].occurrences == 6);

  out.clear();
  feed(d, rule, "edge3", kT0 + 9 * kMinute, out);
  d.advance(kT0 + 12 * kMinute, out);
  CHECK(of_action(out, AlertAction::kProblemUpdated).empty());
  d.advance(kT0 + 13 * kMinute, out);
  updated = of_action(out, AlertAction::kProblemUpdated);
  REQUIRE(updated.size() == 1);
  CHECK(updated[0].suppressed_count == 1);
  CHECK(updated[0].time_us == kT0 + 9 * kMinute);
}

TEST_CASE("a quiet problem resolves after resolve_after", "[detect]") {
  Detector d(test_options());
  auto rule = make_rule();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed(d, rule, "edge3", kT0 + i * kMinute, out);
  out.clear();
  d.advance(kT0 + 31 * kMinute, out);
  CHECK(of_action(out, AlertAction::kProblemResolved).empty());
  d.advance(kT0 + 40 * kMinute, out);
  auto resolved = of_action(out, AlertAction::kProblemResolved);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].time_us == kT0 + 32 * kMinute);  // when it became quiet enough, not `now`
  CHECK(resolved[0].problem_state == ProblemState::kResolved);
  CHECK(d.counters().problems_open == 0);
  CHECK(d.counters().problems_resolved == 1);
}

TEST_CASE("a signature that comes back after resolving reopens the problem and escalates", "[detect]") {
  Detector d(test_options());  // escalation_step 1
  auto rule = make_rule();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed(d, rule, "edge3", kT0 + i * kMinute, out);
  const std::uint64_t problem = of_action(out, AlertAction::kProblemOpened).at(0).problem_id;

  std::int64_t t = kT0 + 2 * kMinute;
  const rules::Severity expected[] = {rules::Severity::kHigh, rules::Severity::kCritical,
                                      rules::Severity::kCritical};
  for (std::uint32_t round = 1; round <= 3; ++round) {
    t += 31 * kMinute;
    d.advance(t, out);
    out.clear();
    feed(d, rule, "edge3", t, out);
    auto reopened = of_action(out, AlertAction::kProblemReopened);
    REQUIRE(reopened.size() == 1);
    CHECK(reopened[0].problem_id == problem);
    CHECK(reopened[0].reopen_count == round);
    CHECK(reopened[0].severity == expected[round - 1]);
    CHECK(reopened[0].base_severity == rules::Severity::kMedium);
    CHECK(reopened[0].escalation == round);
  }
  CHECK(d.counters().problems_reopened == 3);
  CHECK(d.counters().problems_opened == 1);
}

TEST_CASE("a signature that returns after its quiet period reopens even when advance() never ran", "[detect]") {
  Detector d(test_options());
  auto rule = make_rule();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed(d, rule, "edge3", kT0 + i * kMinute, out);
  REQUIRE(of_action(out, AlertAction::kProblemOpened).size() == 1);
  out.clear();
  // No advance() between: the occurrence itself must first resolve, then reopen.
  feed(d, rule, "edge3", kT0 + 2 * kMinute + 31 * kMinute, out);
  auto resolved = of_action(out, AlertAction::kProblemResolved);
  auto reopened = of_action(out, AlertAction::kProblemReopened);
  REQUIRE(resolved.size() == 1);
  REQUIRE(reopened.size() == 1);
  CHECK(resolved[0].time_us == kT0 + 2 * kMinute + 30 * kMinute);  // at last_seen + resolve_after
  CHECK(d.counters().problems_resolved == 1);
  CHECK(d.counters().problems_reopened == 1);
}

TEST_CASE("escalation_step 2 escalates on every second reopening", "[detect]") {
  auto options = test_options();
  options.escalation_step = 2;
  Detector d(options);
  auto rule = make_rule();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed(d, rule, "edge3", kT0 + i * kMinute, out);
  std::int64_t t = kT0 + 2 * kMinute;
  std::vector<rules::Severity> seen;
  for (int round = 0; round < 2; ++round) {
    t += 31 * kMinute;
    d.advance(t, out);
    out.clear();
    feed(d, rule, "edge3", t, out);
    seen.push_back(of_action(out, AlertAction::kProblemReopened).at(0).severity);
  }
  CHECK(seen == std::vector<rules::Severity>{rules::Severity::kMedium, rules::Severity::kHigh});
}

TEST_CASE("a signature seen on spread_hosts distinct hosts within the window opens a problem", "[detect]") {
  auto options = test_options();
  options.default_count = 100;  // only spread can open it
  Detector d(options);
  auto rule = make_rule("sshd.bruteforce");
  rule.group_by = {"source_ip"};
  std::vector<Alert> out;
  const std::vector<rules::Capture> caps = {{"source_ip", "203.0.113.45"}};
  feed(d, rule, "web1", kT0, out, caps);
  feed(d, rule, "web2", kT0 + kMinute, out, caps);
  feed(d, rule, "web2", kT0 + 2 * kMinute, out, caps);
  CHECK(of_action(out, AlertAction::kProblemOpened).empty());
  feed(d, rule, "db1", kT0 + 3 * kMinute, out, caps);
  auto opened = of_action(out, AlertAction::kProblemOpened);
  REQUIRE(opened.size() == 1);
  CHECK(opened[0].open_reason == "spread");
  CHECK(opened[0].hosts_affected == 3);
  CHECK(opened[0].hosts == std::vector<std::string>{"db1", "web1", "web2"});
  CHECK(opened[0].signature_values ==
        std::vector<std::pair<std::string, std::string>>{{"source_ip", "203.0.113.45"}});
  CHECK(opened[0].spread_hosts == 3);
  CHECK(d.counters().signatures_live == 1);
}

TEST_CASE("hosts outside the window do not count towards spread", "[detect]") {
  auto options = test_options();
  options.default_count = 100;
  Detector d(options);
  auto rule = make_rule("sshd.bruteforce");
  rule.group_by = {"source_ip"};
  std::vector<Alert> out;
  const std::vector<rules::Capture> caps = {{"source_ip", "203.0.113.45"}};
  feed(d, rule, "web1", kT0, out, caps);
  feed(d, rule, "web2", kT0 + 11 * kMinute, out, caps);
  feed(d, rule, "web3", kT0 + 12 * kMinute, out, caps);
  CHECK(of_action(out, AlertAction::kProblemOpened).empty());
}

TEST_CASE("alert ids are deterministic and differ by action", "[detect]") {
  auto run = [] {
    Detector d(test_options());
    auto rule = make_rule();
    std::vector<Alert> out;
    for (int i = 0; i < 4; ++i) feed(d, rule, "edge3", kT0 + i * kMinute, out);
    d.advance(kT0 + 60 * kMinute, out);
    return out;
  };
  const auto a = run();
  const auto b = run();
  REQUIRE(a.size() == b.size());
  REQUIRE(a.size() >= 3);
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].id == b[i].id);
  std::vector<std::string> ids;
  for (const auto& x : a) ids.push_back(x.id);
  std::sort(ids.begin(), ids.end());
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
}

TEST_CASE("the detector keeps no pointer to the rule or the record", "[detect]") {
  Detector d(test_options());
  std::vector<Alert> out;
  {
    auto rule = std::make_unique<rules::Rule>(make_rule());
    feed(d, *rule, "edge3", kT0, out);
    feed(d, *rule, "edge3", kT0 + kMinute, out);
  }  // rule and records are gone
  out.clear();
  d.advance(kT0 + 10 * kMinute, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].rule_name == "SSH password authentication failed");
  CHECK(out[0].tags == std::vector<std::string>{"authentication"});
  CHECK(out[0].message == "Failed password for root from 203.0.113.45 port 51122 ssh2");
}

TEST_CASE("signatures beyond the cap evict the least recently seen and count it", "[detect]") {
  auto options = test_options();
  options.max_signatures = 2;
  options.default_count = 100;
  Detector d(options);
  auto rule = make_rule();
  std::vector<Alert> out;
  feed(d, rule, "a", kT0, out);
  feed(d, rule, "b", kT0 + 1, out);
  feed(d, rule, "a", kT0 + 2, out);  // b is now the least recently seen
  feed(d, rule, "c", kT0 + 3, out);
  auto c = d.counters();
  CHECK(c.signatures_live == 2);
  CHECK(c.signature_evictions == 1);
  CHECK(c.signatures_created == 3);
  out.clear();
  feed(d, rule, "a", kT0 + 4, out);  // still known: suppressed, no alert
  CHECK(out.empty());
  feed(d, rule, "b", kT0 + 5, out);  // forgotten: a first incident again
  REQUIRE(out.size() == 1);
  CHECK(out[0].occurrences == 1);
}

TEST_CASE("recurring unknown trouble messages become auto problems", "[detect]") {
  Detector d(test_options());
  std::vector<Alert> out;
  parsers::Record rec;
  rec.host = "db1";
  const std::string quiet = "user alice logged in";
  rec.message = quiet;
  d.observe_unmatched(rec, kT0, out);
  CHECK(d.counters().unmatched == 1);
  CHECK(d.counters().unmatched_trouble == 0);

  std::vector<std::string> lines = {"connection to 10.0.0.1:5432 timed out after 30s",
                                    "connection to 10.0.0.2:5432 timed out after 31s",
                                    "connection to 10.0.0.3:5432 timed out after 29s"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    rec.message = lines[i];
    d.observe_unmatched(rec, kT0 + static_cast<std::int64_t>(i) * kMinute, out);
  }
  CHECK(of_action(out, AlertAction::kIncident).empty());  // auto_incident_alerts is off
  auto opened = of_action(out, AlertAction::kProblemOpened);
  REQUIRE(opened.size() == 1);
  CHECK(opened[0].template_text == "connection to <*> timed out after <*>");
  CHECK(opened[0].rule_id == "auto:" + opened[0].template_id);
  CHECK(opened[0].ruleset == "auto");
  CHECK(opened[0].occurrences == 3);
  CHECK(d.counters().unmatched_trouble == 3);
  CHECK(d.counters().templates_live == 1);
}

TEST_CASE("syslog severity warning or worse counts as trouble without trouble words", "[detect]") {
  Detector d(test_options());
  parsers::Record rec;
  rec.message = "disk usage at 91 percent";
  CHECK_FALSE(d.looks_like_trouble(rec));
  rec.severity = 4;
  CHECK(d.looks_like_trouble(rec));
  rec.severity = 6;
  CHECK_FALSE(d.looks_like_trouble(rec));
  rec.message = "Upstream FAILED to answer";
  CHECK(d.looks_like_trouble(rec));
  rec.message = "no kerfailure here";  // only at the start of a word
  CHECK_FALSE(d.looks_like_trouble(rec));
  rec.message = "request timed out";
  CHECK(TroubleFilter(test_options()).looks_like_trouble(rec));
  auto quiet = test_options();
  quiet.trouble_words = {"boom"};
  quiet.trouble_max_severity = -1;
  rec.severity = 0;
  CHECK_FALSE(TroubleFilter(quiet).looks_like_trouble(rec));
  rec.message = "BOOM!";
  CHECK(TroubleFilter(quiet).looks_like_trouble(rec));
}

TEST_CASE("an auto signature follows its template when the template generalises", "[detect]") {
  Detector d(test_options());
  std::vector<Alert> out;
  parsers::Record rec;
  rec.host = "db1";
  const std::vector<std::string> lines = {"failed to sync replica alpha", "failed to sync replica beta",
                                          "failed to sync replica gamma"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    rec.message = lines[i];
    d.observe_unmatched(rec, kT0 + static_cast<std::int64_t>(i) * kMinute, out);
  }
  auto opened = of_action(out, AlertAction::kProblemOpened);
  REQUIRE(opened.size() == 1);
  CHECK(opened[0].template_text == "failed to sync replica <*>");
  CHECK(opened[0].occurrences == 3);
  CHECK(d.counters().signatures_live == 1);
}

TEST_CASE("the recurrence window counts what falls within it, to a sixteenth", "[detect]") {
  RecurrenceWindow w(16 * 1000);  // 16 s window, 1 s buckets
  w.add(kT0);
  w.add(kT0 + 5 * kSecond);
  w.add(kT0 + 5 * kSecond);
  CHECK(w.count(kT0 + 5 * kSecond) == 3);
  CHECK(w.count(kT0 + 15 * kSecond) == 3);
  CHECK(w.count(kT0 + 16 * kSecond) == 2);  // the first has left the window
  CHECK(w.count(kT0 + 21 * kSecond) == 0);
  w.add(kT0 + 40 * kSecond);
  w.add(kT0 + 39 * kSecond);  // late but inside: counted
  w.add(kT0 + 1 * kSecond);   // too old for the window: not counted
  CHECK(w.count(kT0 + 40 * kSecond) == 2);
}

TEST_CASE("several incidents in one call are each observed", "[detect]") {
  Detector d(test_options());
  auto rule = make_rule();
  parsers::Record rec;
  rec.host = "edge3";
  const Incident batch[] = {{&rule, &rec, {}}, {&rule, &rec, {}}, {&rule, &rec, {}}};
  std::vector<Alert> out;
  d.observe(batch, kT0, out);
  CHECK(d.counters().incidents == 3);
  CHECK(of_action(out, AlertAction::kProblemOpened).size() == 1);
}

TEST_CASE("a resolved signature quiet for forget_after is forgotten and later opens afresh", "[detect]") {
  auto options = test_options();
  options.forget_after_ms = 24LL * 60 * 60 * 1000;
  Detector d(options);
  auto rule = make_rule();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed(d, rule, "edge3", kT0 + i * kMinute, out);
  d.advance(kT0 + 60 * kMinute, out);
  CHECK(d.counters().signatures_live == 1);
  d.advance(kT0 + 25 * 60 * kMinute, out);
  CHECK(d.counters().signatures_live == 0);
  CHECK(d.counters().signatures_forgotten == 1);
  out.clear();
  for (int i = 0; i < 3; ++i) feed(d, rule, "edge3", kT0 + 26 * 60 * kMinute + i * kMinute, out);
  CHECK(of_action(out, AlertAction::kProblemReopened).empty());
  CHECK(of_action(out, AlertAction::kProblemOpened).size() == 1);
}

TEST_CASE("evicting a signature with an open problem is counted separately", "[detect]") {
  auto options = test_options();
  options.max_signatures = 1;
  Detector d(options);
  auto rule = make_rule();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed(d, rule, "edge3", kT0 + i * kMinute, out);
  CHECK(d.counters().problems_open == 1);
  feed(d, rule, "edge4", kT0 + 3 * kMinute, out);
  const auto c = d.counters();
  CHECK(c.signature_evictions == 1);
  CHECK(c.open_problem_evictions == 1);
  CHECK(c.problems_open == 0);
}

TEST_CASE("forget_rules drops the signatures of the named rules only and closes their open problems", "[detect]") {
  Detector d(test_options());
  auto changed = make_rule("sshd.failed_password");
  auto kept = make_rule("sudo.auth_failure");
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed(d, changed, "edge3", kT0 + i * kMinute, out);  // opens a problem
  feed(d, changed, "edge3", kT0 + 3 * kMinute, out);  // folded into the next update
  feed(d, changed, "edge4", kT0, out);
  feed(d, kept, "edge3", kT0, out);
  REQUIRE(d.counters().problems_open == 1);
  REQUIRE(d.counters().signatures_live == 3);
  const std::uint64_t problem = of_action(out, AlertAction::kProblemOpened).at(0).problem_id;

  out.clear();
  const std::int64_t reload = kT0 + 4 * kMinute;
  CHECK(d.forget_rules([](std::string_view id) { return id == "sshd.failed_password"; }, reload, out) == 2);
  CHECK(d.counters().signatures_live == 1);
  CHECK(d.counters().problems_open == 0);
  CHECK(d.counters().signatures_dropped_by_reload == 2);
  CHECK(d.counters().problems_closed_by_reload == 1);
  // The open problem does not vanish: it is resolved, with the occurrence it still owed.
  REQUIRE(out.size() == 1);
  CHECK(out[0].action == AlertAction::kProblemResolved);
  CHECK(out[0].resolution == "rule_changed");
  CHECK(out[0].problem_id == problem);
  CHECK(out[0].problem_state == ProblemState::kResolved);
  CHECK(out[0].suppressed_count == 1);
  CHECK(out[0].occurrences == 4);
  CHECK(out[0].time_us == reload);
  CHECK(out[0].created_us == reload);

  // The dropped signature starts over: its next incident is a first sight, and no stale
  // deadline of the old state fires.
  out.clear();
  d.advance(kT0 + 3 * 60 * kMinute, out);
  CHECK(of_action(out, AlertAction::kProblemResolved).empty());
  feed(d, changed, "edge3", kT0 + 3 * 60 * kMinute, out);
  auto incidents = of_action(out, AlertAction::kIncident);
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].occurrences == 1);
}

TEST_CASE("trouble words are found at every word start, and only there", "[detect]") {
  const TroubleFilter filter(test_options());
  parsers::Record rec;
  rec.severity = 6;
  for (const char* yes : {"error", "ERR", "job (Error) x", "x=1,fail", "segfault", "a_b Timeout", "  panic!"}) {
    rec.message = yes;
    CHECK(filter.looks_like_trouble(rec));
  }
  for (const char* no : {"", "tim", "my_error", "x9fail", "terror", "all good", "deniable"}) {
    rec.message = no;
    INFO(no);
    CHECK_FALSE(filter.looks_like_trouble(rec));
  }
}

TEST_CASE("forget_rules reports incidents still folded for a dropped signature", "[detect]") {
  Detector d(test_options());
  auto rule = make_rule();
  std::vector<Alert> out;
  feed(d, rule, "edge3", kT0, out);
  feed(d, rule, "edge3", kT0 + kSecond, out);
  out.clear();
  d.forget_rules([](std::string_view) { return true; }, kT0 + kMinute, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].action == AlertAction::kIncident);
  CHECK(out[0].suppressed_count == 1);
  CHECK(out[0].occurrences == 2);
}

TEST_CASE("a quiet resolution says so", "[detect]") {
  Detector d(test_options());
  auto rule = make_rule();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed(d, rule, "edge3", kT0 + i * kMinute, out);
  d.advance(kT0 + 60 * kMinute, out);
  auto resolved = of_action(out, AlertAction::kProblemResolved);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].resolution == "quiet");
}
