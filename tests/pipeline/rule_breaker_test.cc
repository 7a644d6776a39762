// RuleBreaker with the workers' RecordProcessors: a rule PCRE2 keeps giving up on is suspended in
// every worker, once, while the other rules keep matching; a new rule set ends the suspension.
#include "daemon/pipeline/rule_breaker.h"

#include <catch2/catch.hpp>

#include "daemon/pipeline/record_processor.h"
#include "tests/rule_text.h"

using namespace logsift;

namespace {

// slow.echo (a back-reference, PCRE2's to decide) backtracks through every way of cutting a run
// of word characters into pieces, and gives up at PCRE2's match limit on kSlow.
const char* kRules = R"(ruleset: t
rules:
  - id: ssh.fail
    name: Failed password
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
    group_by: [source_ip]
  - id: slow.echo
    name: A word said twice before a bang
    match: 'echo: (\w+\s?)+\1!'
    allow_slow: true
)";

const std::string kSlow = "<14>Mar  9 07:12:48 web1 app: echo: abcdefghijklmnopqrstuvwxyz0123456789ABCDEF!";
const std::string kEcho = "<14>Mar  9 07:12:48 web1 app: echo: haha!";
const std::string kFail = "<38>Mar  9 07:12:44 edge3 sshd[2211]: Failed password for root from 203.0.113.7 port 22";

constexpr std::int64_t kMinuteUs = 60'000'000;

void fill(ingest::RawBatch& batch, const std::vector<std::string>& lines, std::int64_t arrival_us) {
  batch.reset();
  for (const auto& line : lines) batch.append(line, arrival_us, {}, 0, 0);
}

std::vector<const detect::Alert*> suspensions(const std::vector<detect::Alert>& alerts) {
  std::vector<const detect::Alert*> out;
  for (const auto& a : alerts) {
    if (a.action == detect::AlertAction::kRuleSuspended) out.push_back(&a);
  }
  return out;
}

std::size_t matches_of(const pipeline::RecordProcessor& p, std::string_view id) {
  std::size_t n = 0;
  for (const auto& m : p.matches()) n += p.rule_set()->rules()[m.rule_index].id == id ? 1 : 0;
  return n;
}

constexpr std::uint32_t kSlowRule = 1;

}  // namespace

TEST_CASE("a rule that keeps hitting PCRE2 limits is suspended in every worker with one alert", "[pipeline]") {
  auto set = testing::compile_rule_text(kRules);
  REQUIRE(set->rules()[kSlowRule].id == "slow.echo");
  pipeline::DetectShards detect(2, detect::DetectOptions{});
  pipeline::RuleBreaker breaker(pipeline::SuspendPolicy{5, 60'000});
  breaker.reset(set);
  pipeline::RecordProcessor first(set, parsers::ParseOptions{}, detect), second(set, parsers::ParseOptions{}, detect);
  first.set_rule_breaker(&breaker);
  second.set_rule_breaker(&breaker);
  ingest::RawBatch batch(ingest::BatchLimits{});
  std::vector<detect::Alert> alerts;

  // Three hits in one worker, then three in the other: the second report crosses five.
  fill(batch, {kSlow, kFail, kSlow, kSlow, kEcho}, 10 * kMinuteUs);
  first.process_batch(batch, alerts);
  CHECK(matches_of(first, "ssh.fail") == 1);
  CHECK(matches_of(first, "slow.echo") == 1);
  CHECK(first.rule_costs()[kSlowRule].limit_hits == 3);
  CHECK(suspensions(alerts).empty());
  CHECK(breaker.suspended().empty());

  fill(batch, {kSlow, kSlow, kFail, kSlow}, 10 * kMinuteUs + 1'000'000);
  second.process_batch(batch, alerts);
  CHECK(matches_of(second, "ssh.fail") == 1);
  const auto made = suspensions(alerts);
  REQUIRE(made.size() == 1);
  const detect::Alert& a = *made[0];
  CHECK(a.rule_id == "slow.echo");
  CHECK(a.ruleset == "t");
  CHECK(a.time_us == 10 * kMinuteUs + 1'000'000);
  REQUIRE(a.suspension);
  CHECK(a.suspension->limit_hits == 6);
  CHECK(a.suspension->within_ms == 60'000);
  CHECK(a.suspension->pcre_ns > 0);
  CHECK(a.id.size() == 16);
  REQUIRE(breaker.suspended().size() == 1);
  CHECK(breaker.suspended()[0].rule_id == "slow.echo");

  // Neither worker runs the rule any more; the other rule still matches, and no second alert.
  alerts.clear();
  for (auto* worker : {&first, &second}) {
    const std::uint64_t hits = worker->rule_costs()[kSlowRule].limit_hits;
    fill(batch, {kSlow, kEcho, kFail, kSlow}, 11 * kMinuteUs);
    worker->process_batch(batch, alerts);
    CHECK(matches_of(*worker, "slow.echo") == 0);
    CHECK(matches_of(*worker, "ssh.fail") == 1);
    CHECK(worker->rule_costs()[kSlowRule].limit_hits == hits);
  }
  CHECK(suspensions(alerts).empty());

  const auto logged = breaker.take_new();
  REQUIRE(logged.size() == 1);
  CHECK(logged[0].why.limit_hits == 6);
  CHECK(breaker.take_new().empty());

  // A reload (the new set) ends the suspension.
  auto reloaded = testing::compile_rule_text(kRules);
  breaker.reset(reloaded);
  first.set_rule_set(reloaded);
  fill(batch, {kEcho, kFail}, 12 * kMinuteUs);
  first.process_batch(batch, alerts);
  CHECK(matches_of(first, "slow.echo") == 1);
  CHECK(breaker.suspended().empty());
  // A worker still on the old set reports into nothing and keeps its own suspension.
  fill(batch, {kSlow, kSlow, kSlow, kSlow, kSlow, kSlow, kEcho}, 12 * kMinuteUs);
  second.process_batch(batch, alerts);
  CHECK(matches_of(second, "slow.echo") == 0);
  CHECK(suspensions(alerts).empty());
}

TEST_CASE("limit hits spread wider than the window suspend nothing, nor does limit_hits 0", "[pipeline]") {
  auto set = testing::compile_rule_text(kRules);
  pipeline::DetectShards detect(1, detect::DetectOptions{});
  ingest::RawBatch batch(ingest::BatchLimits{});
  std::vector<detect::Alert> alerts;

  SECTION("spread out") {
    pipeline::RuleBreaker breaker(pipeline::SuspendPolicy{4, 60'000});
    breaker.reset(set);
    pipeline::RecordProcessor worker(set, parsers::ParseOptions{}, detect);
    worker.set_rule_breaker(&breaker);
    for (int minute = 0; minute < 4; ++minute) {
      fill(batch, {kSlow, kSlow, kEcho}, minute * 2 * kMinuteUs);
      worker.process_batch(batch, alerts);
      CHECK(matches_of(worker, "slow.echo") == 1);
    }
    CHECK(worker.rule_costs()[kSlowRule].limit_hits == 8);
    CHECK(breaker.suspended().empty());
  }
  SECTION("disabled") {
    pipeline::RuleBreaker breaker(pipeline::SuspendPolicy{0, 60'000});
    breaker.reset(set);
    pipeline::RecordProcessor worker(set, parsers::ParseOptions{}, detect);
    worker.set_rule_breaker(&breaker);
    fill(batch, {kSlow, kSlow, kSlow, kSlow, kSlow, kEcho}, kMinuteUs);
    worker.process_batch(batch, alerts);
    CHECK(matches_of(worker, "slow.echo") == 1);
    CHECK(worker.rule_costs()[kSlowRule].limit_hits == 5);
    CHECK(breaker.suspended().empty());
  }
  CHECK(suspensions(alerts).empty());
}
