// SLA clocks of problems, the CMDB context signatures keep, and both across a restart.
#include <catch2/catch.hpp>
#include <xxhash.h>

#include <string>

#include "daemon/detect/detector.h"
#include "tests/detect/detect_fixture.h"

using namespace logsift;
using namespace logsift::detect;
using namespace logsift::detect::testing;

namespace {

parsers::ServiceContext gold_payments() {
  parsers::ServiceContext c;
  c.service = "payments";
  c.environment = "production";
  c.owner = "team-payments";
  c.sla_tier = "gold";
  c.labels = {{"rack", "r1"}};
  c.source = "cmdb.csv:2";
  c.fingerprint = 42;
  return c;
}

void feed_with(Detector& d, const rules::Rule& rule, std::string_view host, const parsers::ServiceContext* context,
               std::int64_t t, std::vector<Alert>& out) {
  parsers::Record rec;
  rec.host = host;
  rec.message = "payment declined by gateway";
  rec.original = "<11>Mar  9 07:12:44 pay-a app: payment declined by gateway";
  rec.context = context;
  Incident inc{&rule, &rec, {}};
  d.observe({&inc, 1}, t, out);
}

DetectOptions sla_options() {
  DetectOptions o = test_options();
  o.tier_severity_raise = {{"gold", 1}};
  o.sla_response = {{rules::Severity::kHigh, "gold", 15 * 60 * 1000},
                    {rules::Severity::kHigh, "", 60 * 60 * 1000},
                    {rules::Severity::kMedium, "", 2 * 60 * 60 * 1000}};
  return o;
}

}  // namespace

TEST_CASE("a problem's response deadline comes from its severity and its host's SLA tier", "[detect][sla]") {
  Detector d(sla_options());
  const rules::Rule rule = make_rule("pay.declined");
  const auto gold = gold_payments();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed_with(d, rule, "pay-a", &gold, kT0 + i * kSecond, out);
  for (int i = 0; i < 3; ++i) feed_with(d, rule, "lab1", nullptr, kT0 + i * kSecond, out);
  const auto opened = of_action(out, AlertAction::kProblemOpened);
  REQUIRE(opened.size() == 2);
  // Gold raises medium to high, whose gold target is 15 minutes.
  CHECK(opened[0].host == "pay-a");
  CHECK(opened[0].severity == rules::Severity::kHigh);
  CHECK(opened[0].tier_raise == 1);
  CHECK(opened[0].context.service == "payments");
  CHECK(opened[0].context.label("rack") == "r1");
  CHECK(opened[0].sla_response_ms == 15 * 60 * 1000);
  CHECK(opened[0].sla_deadline_us == kT0 + 2 * kSecond + 15 * kMinute);
  // A host without CMDB entry: medium, the any-tier target of 2 hours.
  CHECK(opened[1].severity == rules::Severity::kMedium);
  CHECK(opened[1].context.empty());
  CHECK(opened[1].sla_deadline_us == kT0 + 2 * kSecond + 120 * kMinute);
  // Incidents carry no clock.
  for (const Alert& a : of_action(out, AlertAction::kIncident)) CHECK(a.sla_deadline_us == 0);
}

TEST_CASE("an open problem nobody acknowledged escalates once at its deadline", "[detect][sla]") {
  Detector d(sla_options());
  const rules::Rule a_rule = make_rule("pay.declined");
  const rules::Rule b_rule = make_rule("pay.timeout");
  const auto gold = gold_payments();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) {
    feed_with(d, a_rule, "pay-a", &gold, kT0 + i * kSecond, out);
    feed_with(d, b_rule, "pay-b", &gold, kT0 + i * kSecond, out);
  }
  const auto opened = of_action(out, AlertAction::kProblemOpened);
  REQUIRE(opened.size() == 2);
  CHECK(d.acknowledge(opened[1].problem_id, "alice", kT0 + 5 * kMinute));
  CHECK(d.acknowledge(opened[1].problem_id, "bob", kT0 + 6 * kMinute));  // the first one stays
  CHECK_FALSE(d.acknowledge(12345, "alice", kT0 + 5 * kMinute));
  out.clear();
  // Keep both problems open (resolve_after is 30 min) and pass the 15 min deadline.
  feed_with(d, a_rule, "pay-a", &gold, kT0 + 10 * kMinute, out);
  feed_with(d, b_rule, "pay-b", &gold, kT0 + 10 * kMinute, out);
  d.advance(kT0 + 14 * kMinute, out);
  CHECK(of_action(out, AlertAction::kProblemEscalated).empty());
  d.advance(kT0 + 16 * kMinute, out);
  d.advance(kT0 + 20 * kMinute, out);
  const auto escalated = of_action(out, AlertAction::kProblemEscalated);
  REQUIRE(escalated.size() == 1);
  CHECK(escalated[0].problem_id == opened[0].problem_id);
  CHECK(escalated[0].time_us == opened[0].sla_deadline_us);
  CHECK(escalated[0].acknowledged_us == 0);
  CHECK(action_name(escalated[0].action) == "problem.escalated");
  // The acknowledged problem's later alerts say who acknowledged it.
  feed_with(d, b_rule, "pay-b", &gold, kT0 + 21 * kMinute, out);
  const auto updates = of_action(out, AlertAction::kProblemUpdated);
  REQUIRE_FALSE(updates.empty());
  CHECK(updates.back().problem_id == opened[1].problem_id);
  CHECK(updates.back().acknowledged_by == "alice");
  CHECK(updates.back().acknowledged_us == kT0 + 5 * kMinute);
  CHECK(d.counters().problems_escalated == 1);
  CHECK(d.counters().problems_acknowledged == 1);
}

TEST_CASE("a reopened problem gets a fresh SLA clock", "[detect][sla]") {
  Detector d(sla_options());
  const rules::Rule rule = make_rule("pay.declined");
  const auto gold = gold_payments();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed_with(d, rule, "pay-a", &gold, kT0 + i * kSecond, out);
  const auto opened = of_action(out, AlertAction::kProblemOpened);
  REQUIRE(opened.size() == 1);
  REQUIRE(d.acknowledge(opened[0].problem_id, "alice", kT0 + kMinute));
  d.advance(kT0 + 40 * kMinute, out);  // quiet for resolve_after: resolved
  REQUIRE(of_action(out, AlertAction::kProblemResolved).size() == 1);
  const std::int64_t back = kT0 + 50 * kMinute;
  feed_with(d, rule, "pay-a", &gold, back, out);
  const auto reopened = of_action(out, AlertAction::kProblemReopened);
  REQUIRE(reopened.size() == 1);
  CHECK(reopened[0].acknowledged_us == 0);
  // Reopening escalates (escalation_step 1): medium + 1 + gold 1 = critical, which has no target.
  CHECK(reopened[0].severity == rules::Severity::kCritical);
  CHECK(reopened[0].sla_deadline_us == 0);
}

TEST_CASE("SLA clocks, acknowledgements and CMDB context survive a restart", "[detect][sla]") {
  Detector d(sla_options());
  const rules::Rule a_rule = make_rule("pay.declined");
  const rules::Rule b_rule = make_rule("pay.timeout");
  const auto gold = gold_payments();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) {
    feed_with(d, a_rule, "pay-a", &gold, kT0 + i * kSecond, out);
    feed_with(d, b_rule, "pay-b", &gold, kT0 + i * kSecond, out);
  }
  const auto opened = of_action(out, AlertAction::kProblemOpened);
  REQUIRE(opened.size() == 2);
  REQUIRE(d.acknowledge(opened[1].problem_id, "alice", kT0 + kMinute));
  std::string bytes;
  d.encode_snapshot(bytes);

  Detector restored(sla_options());
  REQUIRE(restored.decode_snapshot(bytes, "mem").has_value());
  out.clear();
  restored.advance(kT0 + 16 * kMinute, out);
  const auto escalated = of_action(out, AlertAction::kProblemEscalated);
  REQUIRE(escalated.size() == 1);  // only the unacknowledged one
  CHECK(escalated[0].problem_id == opened[0].problem_id);
  CHECK(escalated[0].context.service == "payments");
  CHECK(escalated[0].context.source == "cmdb.csv:2");
  CHECK(escalated[0].context.label("rack") == "r1");
  CHECK(escalated[0].sla_deadline_us == opened[0].sla_deadline_us);
  out.clear();
  restored.advance(kT0 + 40 * kMinute, out);  // both resolve; the acknowledgement was kept
  const auto resolved = of_action(out, AlertAction::kProblemResolved);
  REQUIRE(resolved.size() == 2);
  for (const Alert& a : resolved) {
    if (a.problem_id == opened[1].problem_id) CHECK(a.acknowledged_by == "alice");
  }
}

TEST_CASE("a version 3 snapshot, without CMDB context and SLA clocks, restores its open problem", "[detect][sla]") {
  DetectOptions o = test_options();
  Detector d(o);
  const rules::Rule rule = make_rule();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed(d, rule, "edge3", kT0 + i * kSecond, out);
  REQUIRE(of_action(out, AlertAction::kProblemOpened).size() == 1);
  std::string v4;
  d.encode_snapshot(v4);
  // Version 4 appends to each signature: five strings, the fingerprint, the label pairs, the
  // deadline, the target, the escalated flag, the acknowledgement time and who. Empty here: 65
  // bytes, right before the template count (0 templates: the payload's last 8 bytes).
  constexpr std::size_t kHeader = 8 + 4 + 8, kAdded = 5 * 4 + 8 + 8 + 8 + 8 + 1 + 8 + 4;
  std::string payload = v4.substr(kHeader, v4.size() - kHeader - 8);
  payload.erase(payload.size() - 8 - kAdded, kAdded);
  std::string v3 = "LSDETECT";
  for (int i = 0; i < 4; ++i) v3.push_back(static_cast<char>(i == 0 ? 3 : 0));
  for (int i = 0; i < 8; ++i) v3.push_back(static_cast<char>(payload.size() >> (8 * i)));
  v3 += payload;
  const std::uint64_t sum = XXH3_64bits(payload.data(), payload.size());
  for (int i = 0; i < 8; ++i) v3.push_back(static_cast<char>(sum >> (8 * i)));

  Detector restored(o);
  auto info = restored.decode_snapshot(v3, "v3");
  REQUIRE(info.has_value());
  CHECK(info->signatures == 1);
  CHECK(restored.counters().problems_open == 1);
  out.clear();
  restored.advance(kT0 + 40 * kMinute, out);
  const auto resolved = of_action(out, AlertAction::kProblemResolved);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].context.empty());
  CHECK(resolved[0].sla_deadline_us == 0);
}

TEST_CASE("open problems are described with their context, clock and acknowledgement, nothing emitted or counted",
          "[detect][sla]") {
  Detector d(sla_options());
  const rules::Rule a_rule = make_rule("pay.declined");
  const rules::Rule b_rule = make_rule("pay.timeout");
  const auto gold = gold_payments();
  std::vector<Alert> out;
  for (int i = 0; i < 3; ++i) feed_with(d, a_rule, "pay-a", &gold, kT0 + i * kSecond, out);
  for (int i = 0; i < 3; ++i) feed_with(d, b_rule, "lab1", nullptr, kT0 + i * kSecond, out);
  const auto opened = of_action(out, AlertAction::kProblemOpened);
  REQUIRE(opened.size() == 2);
  REQUIRE(d.acknowledge(opened[1].problem_id, "Dana Ops", kT0 + 5 * kSecond));
  d.advance(kT0 + 16 * kMinute, out);  // the gold problem's 15-minute deadline passed
  const auto counters = d.counters();

  std::vector<Alert> described;
  d.describe_open_problems(kT0 + 17 * kMinute, described);
  REQUIRE(described.size() == 2);
  CHECK(d.counters().alerts == counters.alerts);
  const Alert& gold_problem = described[0].problem_id == opened[0].problem_id ? described[0] : described[1];
  const Alert& acked = described[0].problem_id == opened[0].problem_id ? described[1] : described[0];
  CHECK(gold_problem.action == AlertAction::kProblemEscalated);
  CHECK(gold_problem.context.service == "payments");
  CHECK(gold_problem.sla_deadline_us == opened[0].sla_deadline_us);
  CHECK(gold_problem.problem_opened_us == opened[0].problem_opened_us);
  CHECK(acked.action == AlertAction::kProblemOpened);
  CHECK(acked.acknowledged_by == "Dana Ops");
  CHECK(acked.acknowledged_us == kT0 + 5 * kSecond);
  CHECK(acked.occurrences == 3);
}
