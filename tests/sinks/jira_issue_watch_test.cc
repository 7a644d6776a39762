// Tests for daemon/sinks/jira_issue_watch.cc against FakeJira: which problems somebody took on in
// Jira (an assignee, an acknowledging status), asked in one search, and Jira failing.
#include "daemon/sinks/jira_issue_watch.h"

#include <catch2/catch.hpp>

#include "daemon/emit/batch_writer.h"
#include "daemon/sinks/jira_target.h"
#include "tests/emit/sample_alerts.h"
#include "tests/sinks/fake_jira.h"
#include "tests/sinks/sink_test_support.h"

namespace logsift::sinks {
namespace {

using testing::FakeJira;

constexpr std::uint64_t kProblems[] = {0x1000000000000001, 0x1000000000000002, 0x1000000000000003};

config::SinkConfig watching_config(const std::string& url, const testing::TempDir& dir) {
  config::SinkConfig c;
  c.name = "tickets";
  c.type = config::SinkType::kJira;
  c.url = url;
  c.project = "OPS";
  c.token_file = testing::write_file(dir, "token", "pat-123\n");
  c.timeout_ms = 5000;
  c.ack_poll_ms = 60'000;
  c.ack_statuses = {"In Progress"};
  return c;
}

// Opens one issue per problem of kProblems through the target (OPS-1, OPS-2, OPS-3); returns it.
std::unique_ptr<emit::DeliveryTarget> open_issues(const config::SinkConfig& config, const std::string& state_dir) {
  std::string error;
  auto target = make_jira_target(config, state_dir, error);
  INFO(error);
  REQUIRE(target);
  emit::BatchWriter writer(emit::BatchOptions{}, 1);
  std::vector<emit::EncodedBatch> closed;
  for (std::size_t i = 0; i < std::size(kProblems); ++i) {
    auto a = emit::testing::problem_opened_example();
    a.problem_id = kProblems[i];
    a.signature_id = kProblems[i] + 0x100;
    a.id = "00000000000000a" + std::to_string(i);
    writer.add(a, 0, closed);
  }
  writer.flush(closed);
  REQUIRE(closed.size() == 1);
  emit::DeliveryBatch batch;
  REQUIRE(emit::load_delivery_batch(std::move(closed.front().bytes), batch));
  testing::RecordedDeadLetters dead;
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  REQUIRE(outcome->delivered == std::size(kProblems));
  return target;
}

TEST_CASE("the issue watch answers the problems whose issue was assigned or moved to an acknowledging status, in one search",
          "[sinks][jira]") {
  testing::TempDir dir;
  FakeJira jira;
  const auto config = watching_config(jira.url(), dir);
  auto target = open_issues(config, dir.path());
  emit::ResponseSource* watch = target->responses();
  REQUIRE(watch != nullptr);
  CHECK(watch->interval_ms() == 60'000);

  jira.assign("OPS-1", "Dana Ops", "5b10ac8d82e05b22cc7d4ef5");
  jira.move_to("OPS-2", "In Progress");
  std::uint64_t requests = 0;
  auto answered = watch->poll(kProblems, requests);
  REQUIRE(answered);
  CHECK(requests == 1);
  CHECK(jira.searches() == 1);
  REQUIRE(answered->size() == 2);
  CHECK(answered->at(0).problem_id == kProblems[0]);
  CHECK(answered->at(0).by == "Dana Ops");
  CHECK(answered->at(1).problem_id == kProblems[1]);
  CHECK(answered->at(1).by == "jira:OPS-2");
  CHECK(jira.calls().back() == "POST /rest/api/2/search");

  SECTION("only the problems asked about are looked up; none with an issue means no request") {
    answered = watch->poll(std::span(kProblems).subspan(2), requests);
    REQUIRE(answered);
    CHECK(answered->empty());
    CHECK(jira.searches() == 2);
    answered = watch->poll(std::vector<std::uint64_t>{0x2000000000000009}, requests);
    REQUIRE(answered);
    CHECK(answered->empty());
    CHECK(jira.searches() == 2);
  }
  SECTION("with ack_on_assign off an assignee alone acknowledges nothing") {
    auto statuses_only = config;
    statuses_only.ack_on_assign = false;
    std::string error;
    auto other = make_jira_issue_watch(statuses_only, dir.path(), error);
    REQUIRE(other);
    answered = other->poll(kProblems, requests);
    REQUIRE(answered);
    REQUIRE(answered->size() == 1);
    CHECK(answered->at(0).by == "jira:OPS-2");
  }
}

TEST_CASE("Jira down or failing makes a poll an error; the next poll answers", "[sinks][jira]") {
  testing::TempDir dir;
  FakeJira jira;
  const auto config = watching_config(jira.url(), dir);
  auto target = open_issues(config, dir.path());
  emit::ResponseSource* watch = target->responses();
  REQUIRE(watch != nullptr);
  jira.assign("OPS-3", "Erin Oncall", "acc-3");
  std::uint64_t requests = 0;
  jira.fail_next(503, 1);
  auto failed = watch->poll(kProblems, requests);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("503") != std::string::npos);
  jira.go_down();
  CHECK_FALSE(watch->poll(kProblems, requests));
  jira.come_back();
  auto answered = watch->poll(kProblems, requests);
  REQUIRE(answered);
  REQUIRE(answered->size() == 1);
  CHECK(answered->at(0).problem_id == kProblems[2]);
  CHECK(answered->at(0).by == "Erin Oncall");
}

TEST_CASE("API v3 asks Cloud's enhanced search, and ack_poll 0 watches nothing", "[sinks][jira]") {
  testing::TempDir dir;
  FakeJira jira;
  auto config = watching_config(jira.url(), dir);
  config.api_version = 3;
  config.token_file.clear();
  config.username = "ops@example.net";
  config.password_file = testing::write_file(dir, "api-token", "cloud-token\n");
  auto target = open_issues(config, dir.path());
  jira.move_to("OPS-3", "in progress");  // status names compare case-insensitively
  std::uint64_t requests = 0;
  auto answered = target->responses()->poll(kProblems, requests);
  REQUIRE(answered);
  REQUIRE(answered->size() == 1);
  CHECK(answered->at(0).by == "jira:OPS-3");
  CHECK(jira.calls().back() == "POST /rest/api/3/search/jql");

  config.ack_poll_ms = 0;
  std::string error;
  CHECK(make_jira_target(config, dir.path(), error)->responses() == nullptr);
}

}  // namespace
}  // namespace logsift::sinks
