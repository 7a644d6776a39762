#include <catch2/catch.hpp>

#include "rules/slow_pattern.h"
#include "rules_test_support.h"

using namespace logsift::rules;

TEST_CASE("nested unbounded quantifiers and back-references over unbounded groups are named", "[rules][slow]") {
  for (const char* slow : {"(.+)+x", "(a*)*b", "(?:\\w+\\s?)+$", "(x+){2,}", "((ab)+c)*d", "(.+)\\1x", "(?<w>\\w+) \\k<w>",
                           "(\\d+)-\\g{1}", "(?P<n>a+)(?P=n)?\\g1"}) {
    INFO(slow);
    CHECK_FALSE(slow_pattern_reason(slow).empty());
  }
  CHECK(slow_pattern_reason("(.+)+\\1x").find("nested unbounded") != std::string::npos);
  CHECK(slow_pattern_reason("(\\w+) \\1").find("back-reference to group 1") != std::string::npos);
}

TEST_CASE("bounded, possessive, atomic and plain patterns are not named", "[rules][slow]") {
  for (const char* fine : {"Failed password for (?:invalid user )?(?<user_name>\\S+) from (?<source_ip>\\S+) port \\d+",
                           "(a+)?b", "(ab|cd)*e", "(a{1,3})+b", "(a++)+b", "(?>a+)+b", "(\\w)\\1", "[(.+)+]x",
                           "\\(.+\\)+", "(?i)error (?:\\d{1,5} )+", "a{2,5}", "(?#comment (.+)+)x", "user (?!root)(\\w+)"}) {
    INFO(fine);
    CHECK(slow_pattern_reason(fine).empty());
  }
}

TEST_CASE("compiling refuses a slow pattern PCRE2 must run unless the rule allows it", "[rules][slow]") {
  const std::string rule = "ruleset: t\nrules:\n  - id: redos\n    name: ReDoS\n    match: '(.+)+\\1x'\n";
  LoadedRules loaded;
  load_rule_text(rule, "slow.yaml", loaded);
  REQUIRE(loaded.ok());
  auto refused = RuleSet::compile(std::move(loaded.rules), {});
  REQUIRE_FALSE(refused);
  REQUIRE(refused.error().size() == 1);
  const std::string message = refused.error()[0].to_string();
  CHECK(message.find("slow.yaml:3: rule redos:") == 0);
  CHECK(message.find("allow_slow: true") != std::string::npos);

  LoadedRules allowed;
  load_rule_text(rule + "    allow_slow: true\n", "slow.yaml", allowed);
  REQUIRE(allowed.ok());
  CHECK(RuleSet::compile(std::move(allowed.rules), {}).has_value());
}
