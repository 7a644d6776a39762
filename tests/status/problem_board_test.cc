#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "daemon/status/problem_board.h"

using namespace logsift;
using namespace logsift::status;
using detect::Alert;
using detect::AlertAction;

namespace {

Alert problem_alert(AlertAction action, std::uint64_t problem_id, std::int64_t time_us, std::string line) {
  Alert a;
  a.action = action;
  a.problem_id = problem_id;
  a.signature_id = problem_id * 7;
  a.rule_id = "sshd.failed_password";
  a.rule_name = "SSH password authentication failed";
  a.severity = rules::Severity::kHigh;
  a.time_us = time_us;
  a.created_us = time_us;
  a.problem_opened_us = action == AlertAction::kProblemOpened ? time_us : 0;
  a.original = std::move(line);
  a.host = "edge3";
  a.hosts = {"edge3", "edge4"};
  a.hosts_affected = 2;
  a.occurrences = static_cast<std::uint64_t>(time_us / 1000);
  a.first_seen_us = 500;
  a.last_seen_us = time_us;
  return a;
}

}  // namespace

TEST_CASE("the problem board follows a problem from opened through updates to resolved", "[status]") {
  ProblemBoard board;
  std::vector<Alert> alerts{problem_alert(AlertAction::kProblemOpened, 42, 1000, "line one")};
  alerts[0].open_reason = "recurrence";
  board.apply(alerts);
  board.apply(std::vector<Alert>{problem_alert(AlertAction::kProblemUpdated, 42, 5000, "line two"),
                                 problem_alert(AlertAction::kProblemUpdated, 42, 9000, "line one")});
  StatusView view;
  board.fill(view);
  REQUIRE(view.open.size() == 1);
  const ProblemEntry& p = view.open[0];
  CHECK(p.problem_id == 42);
  CHECK(p.open);
  CHECK(p.kind == "recurrence");
  CHECK(p.severity == "high");
  CHECK(p.opened_us == 1000);
  CHECK(p.updated_us == 9000);
  CHECK(p.updates == 2);
  CHECK(p.occurrences == 9);
  CHECK(p.hosts == std::vector<std::string>{"edge3", "edge4"});
  CHECK(p.samples == std::vector<std::string>{"line one", "line two"});  // distinct, newest first
  CHECK(view.resolved.empty());

  auto resolved = problem_alert(AlertAction::kProblemResolved, 42, 20000, "line three");
  resolved.resolution = "quiet";
  board.apply(std::vector<Alert>{resolved});
  view = {};
  board.fill(view);
  CHECK(view.open.empty());
  CHECK(view.problems_open_total == 0);
  REQUIRE(view.resolved.size() == 1);
  CHECK_FALSE(view.resolved[0].open);
  CHECK(view.resolved[0].opened_us == 1000);
  CHECK(view.resolved[0].resolved_us == 20000);
  CHECK(view.resolved[0].resolution == "quiet");
  CHECK(view.resolved[0].samples.size() == 3);
}

TEST_CASE("the problem board picks up a problem first seen by its update, as after a restart", "[status]") {
  ProblemBoard board;
  auto update = problem_alert(AlertAction::kProblemUpdated, 7, 3000, "still failing");
  update.problem_opened_us = 100;
  board.apply(std::vector<Alert>{update});
  StatusView view;
  board.fill(view);
  REQUIRE(view.open.size() == 1);
  CHECK(view.open[0].opened_us == 100);
  CHECK(view.open[0].updates == 1);
}

TEST_CASE("the problem board holds at most max_open problems and drops the one updated longest ago", "[status]") {
  ProblemBoardOptions options;
  options.max_open = 3;
  options.max_resolved = 2;
  ProblemBoard board(options);
  for (std::uint64_t id = 1; id <= 5; ++id) {
    board.apply(std::vector<Alert>{problem_alert(AlertAction::kProblemOpened, id, static_cast<std::int64_t>(id) * 1000, "x")});
  }
  CHECK(board.open_count() == 3);
  CHECK(board.evicted() == 2);
  StatusView view;
  board.fill(view, 2);
  CHECK(view.problems_open_total == 3);
  REQUIRE(view.open.size() == 2);  // shown: the two updated last
  CHECK(view.open[0].problem_id == 5);
  CHECK(view.open[1].problem_id == 4);
  for (std::uint64_t id = 3; id <= 5; ++id) {
    board.apply(std::vector<Alert>{problem_alert(AlertAction::kProblemResolved, id, 10000 + static_cast<std::int64_t>(id), "x")});
  }
  view = {};
  board.fill(view);
  REQUIRE(view.resolved.size() == 2);
  CHECK(view.resolved[0].problem_id == 5);
  CHECK(view.resolved[1].problem_id == 4);
}

TEST_CASE("the problem board cuts long sample lines and ignores alerts without a problem", "[status]") {
  ProblemBoardOptions options;
  options.max_sample_bytes = 10;
  ProblemBoard board(options);
  Alert incident = problem_alert(AlertAction::kIncident, 0, 100, "no problem");
  board.apply(std::vector<Alert>{incident, problem_alert(AlertAction::kProblemOpened, 9, 200, std::string(50, 'a'))});
  StatusView view;
  board.fill(view);
  REQUIRE(view.open.size() == 1);
  CHECK(view.open[0].samples[0] == std::string(10, 'a') + "\xE2\x80\xA6");
}

TEST_CASE("a rate anomaly is a problem of kind anomaly with its description", "[status]") {
  ProblemBoard board;
  Alert a = problem_alert(AlertAction::kAnomaly, 77, 600, "");
  a.message = "signature sshd.failed_password: 400 in 10 min, expected 3.0 (score 40.1, hour_of_day baseline)";
  a.prediction = detect::RatePrediction{};
  a.problem_opened_us = 600;
  board.apply(std::vector<Alert>{a});
  StatusView view;
  board.fill(view);
  REQUIRE(view.open.size() == 1);
  CHECK(view.open[0].kind == "anomaly");
  CHECK(view.open[0].detail == a.message);
  CHECK(view.open[0].samples.empty());
  Alert back = problem_alert(AlertAction::kAnomalyResolved, 77, 900, "");
  back.prediction = detect::RatePrediction{};
  board.apply(std::vector<Alert>{back});
  view = {};
  board.fill(view);
  CHECK(view.open.empty());
  REQUIRE(view.resolved.size() == 1);
  CHECK(view.resolved[0].resolution == "normal");
}

TEST_CASE("the problem board keeps a problem's CMDB context, SLA clock, escalation and acknowledgement", "[status]") {
  ProblemBoard board;
  auto opened = problem_alert(AlertAction::kProblemOpened, 9, 1000, "disk full");
  opened.context.service = "payments";
  opened.context.owner = "team-payments";
  opened.context.environment = "production";
  opened.sla_deadline_us = 61000;
  opened.sla_response_ms = 60;
  board.apply(std::vector<Alert>{opened, problem_alert(AlertAction::kProblemOpened, 10, 1000, "other")});
  board.apply(std::vector<Alert>{problem_alert(AlertAction::kProblemEscalated, 9, 61000, "disk full")});
  board.acknowledge(10, "Dana Ops", 2000);
  board.acknowledge(77, "nobody", 2000);  // not on the board: nothing
  StatusView view;
  board.fill(view);
  REQUIRE(view.open.size() == 2);
  const ProblemEntry& p = view.open[0].problem_id == 9 ? view.open[0] : view.open[1];
  const ProblemEntry& q = view.open[0].problem_id == 9 ? view.open[1] : view.open[0];
  CHECK(p.service == "payments");
  CHECK(p.owner == "team-payments");
  CHECK(p.environment == "production");
  CHECK(p.sla_deadline_us == 61000);
  CHECK(p.escalated);
  CHECK(p.acknowledged_us == 0);
  CHECK(q.acknowledged_by == "Dana Ops");
  CHECK(q.acknowledged_us == 2000);
  CHECK_FALSE(q.escalated);
}

TEST_CASE("the problem board is seeded with the problems open at start, as they last changed", "[status]") {
  ProblemBoard board;
  auto restored = problem_alert(AlertAction::kProblemOpened, 5, 90000, "restored line");
  restored.problem_opened_us = 1000;
  restored.last_seen_us = 4000;
  restored.acknowledged_us = 3000;
  restored.acknowledged_by = "carol";
  auto escalated = problem_alert(AlertAction::kProblemEscalated, 6, 90000, "late");
  escalated.problem_opened_us = 2000;
  escalated.sla_deadline_us = 3000;
  escalated.last_seen_us = 2000;
  board.restore(std::vector<Alert>{restored, escalated});
  StatusView view;
  board.fill(view);
  REQUIRE(view.open.size() == 2);
  CHECK(view.open[0].problem_id == 5);  // updated at 4000, the other at 2000
  CHECK(view.open[0].opened_us == 1000);
  CHECK(view.open[0].updated_us == 4000);
  CHECK(view.open[0].updates == 0);
  CHECK(view.open[0].acknowledged_by == "carol");
  CHECK(view.open[0].samples == std::vector<std::string>{"restored line"});
  CHECK(view.open[1].escalated);
}
