// Matcher's run-time accounting per rule (PCRE2 time, limit hits) and suspension.
#include <catch2/catch.hpp>

#include <string>

#include "rules_test_support.h"

using namespace logsift::rules;
using logsift::rules::testing::compile_text;
using logsift::rules::testing::message_record;

namespace {

// slow.echo is PCRE2's to decide (a back-reference) and backtracks through every way of cutting
// a run of word characters into pieces: on a line without the repeat it gives up at the limit.
const char* kRules = R"(ruleset: t
rules:
  - id: ssh.fail
    name: Failed password
    match: 'Failed password for \S+'
  - id: slow.echo
    name: A word said twice before a bang
    match: '(\w+\s?)+\1!'
    allow_slow: true
  - id: sudo.user
    name: sudo user
    match: 'sudo: (?<user_name>\w+) :'
)";

const std::string kSlowLine = "abcdefghijklmnopqrstuvwxyz0123456789!";

std::size_t rule_index(const RuleSet& set, std::string_view id) {
  for (std::size_t i = 0; i < set.rules().size(); ++i) {
    if (set.rules()[i].id == id) return i;
  }
  FAIL("no rule " << id);
  return 0;
}

}  // namespace

TEST_CASE("a matcher counts PCRE2 limit hits and time per rule, and none for Hyperscan-only rules", "[rules]") {
  auto set = compile_text(kRules);
  const std::size_t ssh = rule_index(*set, "ssh.fail"), slow = rule_index(*set, "slow.echo"),
                    sudo = rule_index(*set, "sudo.user");
  REQUIRE(set->engine(slow, 0) != PatternEngine::kHyperscan);
  Matcher m(set, MatchLimits{10'000, 1'000});

  CHECK(m.match(message_record(kSlowLine)).empty());
  CHECK(m.match(message_record("Failed password for root from 192.0.2.1")).size() == 1);
  CHECK(m.match(message_record("sudo: alice : TTY=pts/0")).size() == 1);
  CHECK(m.match(message_record("haha!")).size() == 1);  // slow.echo matches when it can

  const auto costs = m.rule_costs();
  REQUIRE(costs.size() == set->rules().size());
  CHECK(costs[slow].limit_hits == 1);
  CHECK(costs[slow].pcre_ns > 0);
  CHECK(costs[ssh].limit_hits == 0);
  CHECK(costs[ssh].pcre_ns == 0);   // decided by Hyperscan alone, no captures: PCRE2 never ran
  CHECK(costs[sudo].pcre_ns > 0);   // PCRE2 extracted user_name
  CHECK(costs[sudo].limit_hits == 0);
  CHECK(m.counters().limit_hits == 1);
  CHECK(m.counters().pcre_errors == 1);
}

TEST_CASE("a suspended rule no longer matches while the other rules of its set do", "[rules]") {
  auto set = compile_text(kRules);
  const std::size_t slow = rule_index(*set, "slow.echo");
  Matcher m(set, MatchLimits{10'000, 1'000});
  REQUIRE(m.match(message_record("haha!")).size() == 1);

  m.suspend(static_cast<std::uint32_t>(slow));
  CHECK(m.suspended(static_cast<std::uint32_t>(slow)));
  const RuleCost before = m.rule_costs()[slow];
  CHECK(m.match(message_record("haha!")).empty());
  CHECK(m.match(message_record(kSlowLine)).empty());
  CHECK(m.rule_costs()[slow].limit_hits == 0);  // its PCRE2 pattern no longer runs
  CHECK(m.rule_costs()[slow].pcre_ns == before.pcre_ns);

  const std::vector<logsift::parsers::Record> batch = {message_record("haha!"),
                                                      message_record("Failed password for root x")};
  const auto found = m.match_batch(batch);
  REQUIRE(found.size() == 1);
  CHECK(set->rules()[found[0].rule_index].id == "ssh.fail");
  CHECK(found[0].record_index == 1);

  Matcher fresh(set);  // a suspension belongs to its Matcher
  CHECK(fresh.match(message_record("haha!")).size() == 1);
}
