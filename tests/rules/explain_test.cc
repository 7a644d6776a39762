#include <catch2/catch.hpp>

#include "rules/explain.h"
#include "tests/rules/rules_test_support.h"

using namespace logsift::rules;
using logsift::rules::testing::compile_text;
using logsift::rules::testing::message_record;

using Branches = std::vector<std::vector<std::string>>;

TEST_CASE("regex literals leave out alternatives, optional parts and classes", "[rules][explain]") {
  CHECK(regex_literal_branches(R"(Failed (?:password|key) for (?<u>\S+) from \S+( port \d+)?)") ==
        Branches{{"Failed ", " for ", " from "}});
  CHECK(regex_literal_branches("a+b|cde") == Branches{{}, {"cde"}});
  CHECK(regex_literal_branches(R"(Invalid user \S+ from [0-9.]+ port \d+$)") ==
        Branches{{"Invalid user ", " from ", " port "}});
  CHECK(regex_literal_branches(R"(ssh2?: \[preauth\])") == Branches{{"ssh", ": [preauth]"}});
  CHECK(regex_literal_branches(R"((?=abc)def(?i)ghi\x41BC)") == Branches{{"def", "ghiABC"}});
  CHECK(regex_literal_branches(R"(x{0,3}yyy z{2}ww)") == Branches{{"yyy z"}});
}

TEST_CASE("explain says which when condition failed although the pattern matches", "[rules][explain]") {
  auto set = compile_text(R"(ruleset: t
rules:
  - id: ssh.fail
    name: SSH failure
    when: { app: [sshd, sshd-session] }
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
  - id: other
    name: Unrelated
    match: 'disk (?<dev>sd[a-z]) failed'
)");
  const auto record = message_record("Failed password for root from 203.0.113.45 port 22 ssh2", "h", "dropbear");
  const auto all = explain_record(set, record, ExplainOptions{0});
  REQUIRE(all.size() == 2);
  const RuleExplanation& e = all[0];
  CHECK(set->rules()[e.rule_index].id == "ssh.fail");
  CHECK_FALSE(e.matched);
  CHECK_FALSE(e.conditions_hold);
  REQUIRE(e.conditions.size() == 1);
  CHECK(e.conditions[0].field == "app");
  CHECK(e.conditions[0].value == "dropbear");
  REQUIRE(e.patterns.size() == 1);
  CHECK(e.patterns[0].matched);
  CHECK(e.patterns[0].captures ==
        std::vector<std::pair<std::string, std::string>>{{"user_name", "root"}, {"source_ip", "203.0.113.45"}});
  CHECK(e.closeness == 1);
  // The unrelated rule did not come close and is left out by default.
  const auto close = explain_record(set, record);
  REQUIRE(close.size() == 1);
  CHECK(close[0].rule_index == e.rule_index);
}

TEST_CASE("explain lists the literal text a near miss lacks, in order", "[rules][explain]") {
  auto set = compile_text(R"(ruleset: t
rules:
  - id: ssh.fail
    name: SSH failure
    match: 'Failed publickey for (?<user_name>\S+) from (?<source_ip>\S+) port \d+'
)");
  const auto record = message_record("Failed password for root from 203.0.113.45 port 22 ssh2");
  CHECK(explain_record(set, record, ExplainOptions{0.7}).empty());
  const auto all = explain_record(set, record);
  REQUIRE(all.size() == 1);
  const auto& p = all[0].patterns.at(0);
  CHECK_FALSE(p.matched);
  REQUIRE(p.literals.size() == 5);
  CHECK(p.literals[0].text == "Failed");
  CHECK(p.literals[0].found);
  CHECK(p.literals[1].text == "publickey");
  CHECK_FALSE(p.literals[1].found);
  CHECK(p.literals[2].text == "for");
  CHECK(p.literals[2].found);
  CHECK(p.literals[4].text == "port");
  CHECK(p.literals[4].found);
  CHECK(p.coverage == Approx(17.0 / 26.0));
  CHECK(all[0].closeness == Approx(17.0 / 26.0));
}

TEST_CASE("explain agrees with the matcher on what matched", "[rules][explain]") {
  auto set = compile_text(R"(ruleset: t
rules:
  - id: a
    name: A
    match: ['first (?<x>\d+)', 'second']
)");
  const auto all = explain_record(set, message_record("the second one"));
  REQUIRE(all.size() == 1);
  CHECK(all[0].matched);
  CHECK_FALSE(all[0].patterns[0].matched);
  CHECK(all[0].patterns[1].matched);
}

TEST_CASE("explain names the ignore pattern that held a match back", "[rules][explain]") {
  auto set = compile_text(R"(ruleset: t
rules:
  - id: ssh.fail
    name: SSH failure
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
    ignore: ['from 10\.0\.', 'for backup ']
)");
  const auto all = explain_record(set, message_record("Failed password for root from 10.0.0.7 port 22"));
  REQUIRE(all.size() == 1);
  CHECK_FALSE(all[0].matched);
  CHECK(all[0].patterns[0].matched);
  REQUIRE(all[0].ignores.size() == 2);
  CHECK(all[0].ignores[0].matched);
  CHECK_FALSE(all[0].ignores[1].matched);
  CHECK(all[0].closeness == 1);
  const auto other = explain_record(set, message_record("Failed password for root from 192.0.2.7 port 22"));
  REQUIRE(other.size() == 1);
  CHECK(other[0].matched);
}
