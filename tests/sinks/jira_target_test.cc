// Tests for daemon/sinks/jira_target.cc against FakeJira: a problem's whole life as a ticket,
// a restart in the middle, a lost answer, an issue closed by hand, Jira down.
#include "daemon/sinks/jira_target.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon/emit/batch_writer.h"
#include "tests/emit/sample_alerts.h"
#include "tests/sinks/fake_jira.h"
#include "tests/sinks/sink_test_support.h"

namespace logsift::sinks {
namespace {

using testing::FakeJira;

constexpr std::int64_t kMinuteUs = 60'000'000;

config::SinkConfig jira_config(const std::string& url, const std::string& token_file) {
  config::SinkConfig c;
  c.name = "tickets";
  c.type = config::SinkType::kJira;
  c.url = url;
  c.project = "OPS";
  c.token_file = token_file;
  c.timeout_ms = 5000;
  c.comment_interval_ms = 10 * 60 * 1000;
  return c;
}

detect::Alert problem(detect::AlertAction action, std::int64_t minutes) {
  auto a = emit::testing::problem_opened_example();
  a.action = action;
  a.time_us = emit::testing::kExampleTimeUs + minutes * kMinuteUs;
  a.id = "00000000000000" + std::to_string(10 + minutes);
  a.severity = rules::Severity::kHigh;
  if (action == detect::AlertAction::kProblemReopened) a.reopen_count = 1;
  return a;
}

void load(std::uint64_t sequence, const std::vector<detect::Alert>& alerts, emit::DeliveryBatch& out) {
  emit::BatchWriter writer(emit::BatchOptions{}, sequence);
  std::vector<emit::EncodedBatch> closed;
  for (const auto& a : alerts) writer.add(a, 0, closed);
  writer.flush(closed);
  REQUIRE(closed.size() == 1);
  REQUIRE(emit::load_delivery_batch(std::move(closed.front().bytes), out));
}

std::unique_ptr<emit::DeliveryTarget> make(const config::SinkConfig& c, const std::string& state_dir) {
  std::string error;
  auto t = make_jira_target(c, state_dir, error);
  INFO(error);
  REQUIRE(t);
  return t;
}

TEST_CASE("a problem's life is one Jira issue: created, commented at most once per interval, resolved, reopened",
          "[sinks][jira]") {
  testing::TempDir dir;
  FakeJira jira;
  const auto config = jira_config(jira.url(), testing::write_file(dir, "token", "pat-123\n"));
  auto target = make(config, dir.path());
  testing::RecordedDeadLetters dead;
  emit::DeliveryBatch batch;
  load(1,
       {problem(detect::AlertAction::kIncident, 0), problem(detect::AlertAction::kProblemOpened, 0),
        problem(detect::AlertAction::kProblemUpdated, 5),    // within the interval: no comment
        problem(detect::AlertAction::kProblemUpdated, 11),   // a comment
        problem(detect::AlertAction::kProblemResolved, 70), problem(detect::AlertAction::kProblemReopened, 90)},
       batch);
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 6);
  const auto issues = jira.issues();
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].summary.find("[logsift] ") == 0);
  CHECK(issues[0].priority == "High");
  CHECK(std::count(issues[0].labels.begin(), issues[0].labels.end(), "logsift") == 1);
  CHECK(issues[0].comments.size() == 3);  // update, resolution, reopening
  CHECK(issues[0].transitions == std::vector<std::string>{"Done", "Reopen"});
  CHECK_FALSE(issues[0].done);
  const auto calls = jira.calls();
  CHECK(std::count_if(calls.begin(), calls.end(), [](const std::string& c) { return c.rfind("POST", 0) == 0 && c.ends_with("/issue"); }) == 1);
  for (const auto& c : calls) CHECK(c.find("/rest/api/2/") != std::string::npos);
}

TEST_CASE("an escalated problem raises its issue's priority one level and says why", "[sinks][jira]") {
  testing::TempDir dir;
  FakeJira jira;
  const auto config = jira_config(jira.url(), testing::write_file(dir, "token", "pat-123\n"));
  auto target = make(config, dir.path());
  testing::RecordedDeadLetters dead;
  emit::DeliveryBatch batch;
  load(1, {problem(detect::AlertAction::kProblemOpened, 0), problem(detect::AlertAction::kProblemEscalated, 15)}, batch);
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 2);
  const auto issues = jira.issues();
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].priority == "Highest");  // high -> critical's priority
  REQUIRE(issues[0].comments.size() == 1);
  CHECK(issues[0].comments[0].find("SLA response deadline") != std::string::npos);
  const auto calls = jira.calls();
  CHECK(std::count(calls.begin(), calls.end(), "PUT /rest/api/2/issue/" + issues[0].key) == 1);
}

TEST_CASE("a restart never opens a second issue for the same problem", "[sinks][jira]") {
  testing::TempDir dir;
  FakeJira jira;
  const auto config = jira_config(jira.url(), testing::write_file(dir, "token", "pat-123\n"));
  testing::RecordedDeadLetters dead;
  {
    emit::DeliveryBatch batch;
    load(1, {problem(detect::AlertAction::kProblemOpened, 0)}, batch);
    REQUIRE(make(config, dir.path())->deliver(batch, dead));
  }
  {
    // After a restart: the opened alert delivered again (at-least-once), then the resolution.
    emit::DeliveryBatch batch;
    load(1, {problem(detect::AlertAction::kProblemOpened, 0), problem(detect::AlertAction::kProblemResolved, 60)}, batch);
    REQUIRE(make(config, dir.path())->deliver(batch, dead));
  }
  auto issues = jira.issues();
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].done);

  SECTION("and a create whose answer was lost is found by its label, not repeated") {
    std::filesystem::remove(std::filesystem::path(dir.path()) / "jira-issues.tsv");
    emit::DeliveryBatch batch;
    load(2, {problem(detect::AlertAction::kProblemOpened, 0)}, batch);
    REQUIRE(make(config, dir.path())->deliver(batch, dead));
    CHECK(jira.issues().size() == 1);
  }
}

TEST_CASE("an issue closed by hand while its problem goes on is reopened", "[sinks][jira]") {
  testing::TempDir dir;
  FakeJira jira;
  auto config = jira_config(jira.url(), testing::write_file(dir, "token", "pat-123\n"));
  auto target = make(config, dir.path());
  testing::RecordedDeadLetters dead;
  emit::DeliveryBatch first;
  load(1, {problem(detect::AlertAction::kProblemOpened, 0)}, first);
  REQUIRE(target->deliver(first, dead));
  jira.close_by_hand("OPS-1");
  emit::DeliveryBatch second;
  load(2, {problem(detect::AlertAction::kProblemUpdated, 30)}, second);
  REQUIRE(target->deliver(second, dead));
  auto issues = jira.issues();
  REQUIRE(issues.size() == 1);
  CHECK_FALSE(issues[0].done);
  CHECK(issues[0].transitions == std::vector<std::string>{"Reopen"});

  SECTION("or replaced by a new linked issue when so configured") {
    config.new_issue_when_closed = true;
    auto linking = make(config, dir.path());
    jira.close_by_hand("OPS-1");
    emit::DeliveryBatch third;
    load(3, {problem(detect::AlertAction::kProblemUpdated, 60)}, third);
    REQUIRE(linking->deliver(third, dead));
    issues = jira.issues();
    REQUIRE(issues.size() == 2);
    CHECK(issues[1].body.find("\"outwardIssue\":{\"key\":\"OPS-1\"}") != std::string::npos);
  }
}

TEST_CASE("Jira down or failing fails the batch; the retry resumes in order without repeating work",
          "[sinks][jira]") {
  testing::TempDir dir;
  FakeJira jira;
  auto target = make(jira_config(jira.url(), testing::write_file(dir, "token", "pat-123\n")), dir.path());
  testing::RecordedDeadLetters dead;
  emit::DeliveryBatch batch;
  load(1, {problem(detect::AlertAction::kProblemOpened, 0), problem(detect::AlertAction::kProblemResolved, 60)}, batch);
  jira.go_down();
  CHECK_FALSE(target->deliver(batch, dead));
  jira.come_back();
  jira.fail_next(503, 1);
  CHECK_FALSE(target->deliver(batch, dead));
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 2);
  const auto issues = jira.issues();
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].done);
  CHECK(dead.letters.empty());
}

TEST_CASE("a create Jira refuses goes to the dead letters with Jira's reason", "[sinks][jira]") {
  testing::TempDir dir;
  FakeJira jira;
  auto config = jira_config(jira.url(), testing::write_file(dir, "token", "pat-123\n"));
  config.project = "NOPE";
  testing::RecordedDeadLetters dead;
  emit::DeliveryBatch batch;
  load(1, {problem(detect::AlertAction::kProblemOpened, 0)}, batch);
  auto outcome = make(config, dir.path())->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->dead_lettered == 1);
  REQUIRE(dead.letters.size() == 1);
  CHECK(dead.letters[0].second.find("project is required") != std::string::npos);
}

TEST_CASE("API v3 sends descriptions and comments in Atlassian Document Format", "[sinks][jira]") {
  testing::TempDir dir;
  FakeJira jira;
  auto config = jira_config(jira.url() + "/jira", "");
  config.api_version = 3;
  config.username = "ops@example.net";
  config.password_file = testing::write_file(dir, "api-token", "cloud-token\n");
  testing::RecordedDeadLetters dead;
  emit::DeliveryBatch batch;
  load(1, {problem(detect::AlertAction::kProblemOpened, 0)}, batch);
  REQUIRE(make(config, dir.path())->deliver(batch, dead));
  const auto issues = jira.issues();
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].body.find("\"description\":{\"type\":\"doc\",\"version\":1") != std::string::npos);
  for (const auto& c : jira.calls()) CHECK(c.find("/jira/rest/api/3/") != std::string::npos);
}

}  // namespace
}  // namespace logsift::sinks
