#include <catch2/catch.hpp>

#include "rules/duration.h"
#include "rules/loader.h"

using namespace logsift::rules;

namespace {

LoadedRules load(const std::string& text) {
  LoadedRules out;
  load_rule_text(text, "pack.yaml", out);
  return out;
}

bool has_error(const LoadedRules& r, int line, const std::string& rule_id, const std::string& fragment) {
  for (const auto& e : r.errors) {
    if (e.line == line && e.rule_id == rule_id && e.message.find(fragment) != std::string::npos) return true;
  }
  return false;
}

std::string all_errors(const LoadedRules& r) {
  std::string s;
  for (const auto& e : r.errors) s += e.to_string() + "\n";
  return s;
}

}  // namespace

TEST_CASE("a complete rule loads with every field", "[rules]") {
  auto r = load(R"(ruleset: linux.sshd
defaults:
  when: { app: [sshd, sshd-session] }
  tags: [authentication]
rules:
  - id: sshd.failed_password
    name: SSH password authentication failed
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
    severity: high
    group_by: [source_ip]
    problem: { count: 5, within: 10m, resolve_after: 1h30m, hosts: 3 }
    examples:
      - line: "Mar  9 07:12:44 edge3 sshd[2211]: Failed password for root from 203.0.113.45 port 1 ssh2"
        fields: { user_name: root, source_ip: 203.0.113.45 }
      - line: "Mar  9 07:12:50 edge3 sshd[2214]: Accepted publickey for deploy"
        match: false
)");
  INFO(all_errors(r));
  REQUIRE(r.ok());
  REQUIRE(r.rules.size() == 1);
  const Rule& rule = r.rules[0];
  CHECK(rule.id == "sshd.failed_password");
  CHECK(rule.ruleset == "linux.sshd");
  CHECK(rule.severity == Severity::kHigh);
  CHECK(rule.tags == std::vector<std::string>{"authentication"});
  REQUIRE(rule.when.size() == 1);
  CHECK(rule.when[0].field.kind == FieldRef::Kind::kApp);
  CHECK(rule.when[0].any_of == std::vector<std::string>{"sshd", "sshd-session"});
  REQUIRE(rule.patterns.size() == 1);
  CHECK(rule.patterns[0].field.kind == FieldRef::Kind::kMessage);
  CHECK(rule.recurrence.count == 5);
  CHECK(rule.recurrence.within_ms == 600'000);
  CHECK(rule.recurrence.resolve_after_ms == 5'400'000);
  CHECK(rule.recurrence.spread_hosts == 3);
  REQUIRE(rule.examples.size() == 2);
  CHECK(rule.examples[0].fields.size() == 2);
  CHECK_FALSE(rule.examples[1].should_match);
  CHECK(rule.line == 6);
}

TEST_CASE("the full match form takes literals, fields and case folding", "[rules]") {
  auto r = load(R"(ruleset: t
rules:
  - id: a
    name: A
    field: original
    match:
      - literal: 'Out of memory: Killed process'
        ignore_case: true
      - regex: '^web\d+$'
        field: host
      - 'plain (regex)'
)");
  INFO(all_errors(r));
  REQUIRE(r.ok());
  const auto& p = r.rules[0].patterns;
  REQUIRE(p.size() == 3);
  CHECK(p[0].literal);
  CHECK(p[0].case_insensitive);
  CHECK(p[0].field.kind == FieldRef::Kind::kOriginal);
  CHECK(p[1].field.kind == FieldRef::Kind::kHost);
  CHECK(p[2].field.kind == FieldRef::Kind::kOriginal);
}

TEST_CASE("loading reports every error with its line and rule id", "[rules]") {
  auto r = load(R"(ruleset: t
rules:
  - id: one
    name: One
    severty: high
    match: 'x'
  - id: two
    name: Two
    match: 'y'
    problem: { count: 5, within: 10 min }
  - id: one
    name: Again
    match: 'z'
  - id: Bad Id
    name: Bad
    match: 'z'
    severity: urgent
  - id: four
    match: 'q'
    when: { colour: red }
)");
  INFO(all_errors(r));
  CHECK(has_error(r, 5, "one", "unknown key 'severty'"));
  CHECK(has_error(r, 10, "two", "'within': invalid duration \"10 min\": each number needs a unit"));
  CHECK(has_error(r, 11, "one", "duplicate id (first defined at pack.yaml:3)"));
  CHECK(has_error(r, 14, "Bad Id", "id must use only"));
  CHECK(has_error(r, 17, "Bad Id", "unknown severity 'urgent'"));
  CHECK(has_error(r, 18, "four", "missing 'name'"));
  CHECK(has_error(r, 20, "four", "unknown field 'colour'"));
  CHECK(r.rules.empty());  // a rule with any error is left out
}

TEST_CASE("broken YAML is reported with its line", "[rules]") {
  auto r = load("ruleset: t\nrules:\n  - id: a\n    name: [unclosed\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message.find("YAML syntax") != std::string::npos);
  CHECK(r.errors[0].line >= 4);
}

TEST_CASE("a file without ruleset or rules is an error", "[rules]") {
  auto r = load("just: text\n");
  CHECK(has_error(r, 1, "", "unknown key 'just'"));
  CHECK(has_error(r, 1, "", "missing 'ruleset'"));
  CHECK(has_error(r, 1, "", "missing 'rules'"));
  CHECK_FALSE(load("- a\n- b\n").ok());
  CHECK_FALSE(load("").ok());
}

TEST_CASE("durations accept units and combinations, largest unit first", "[rules]") {
  CHECK(parse_duration_ms("500ms").value() == 500);
  CHECK(parse_duration_ms("30s").value() == 30'000);
  CHECK(parse_duration_ms("10m").value() == 600'000);
  CHECK(parse_duration_ms("2d").value() == 172'800'000);
  CHECK(parse_duration_ms("1h30m").value() == 5'400'000);
  CHECK(parse_duration_ms("1m30s250ms").value() == 90'250);
  CHECK(parse_duration_ms("0").value() == 0);
  for (const char* bad : {"", "10", "10 m", "m", "5w", "30m1h", "1m1m", "99999999999999999999s", "9999999999999999d"}) {
    INFO(bad);
    auto r = parse_duration_ms(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().find("invalid duration") == 0);
  }
}

TEST_CASE("a rule's content fingerprint changes with its text and its inherited defaults only", "[rules]") {
  const std::string rule = "  - id: a\n    name: A\n    match: 'x (?<n>\\d+)'\n";
  auto fingerprint = [](const std::string& text) {
    auto r = load(text);
    REQUIRE(r.ok());
    return r.rules.at(0).content_fingerprint;
  };
  const auto base = fingerprint("ruleset: t\nrules:\n" + rule);
  CHECK(fingerprint("ruleset: t\nrules:\n" + rule) == base);
  CHECK(fingerprint("ruleset: t\n# a comment\nrules:\n" + rule) == base);
  CHECK(fingerprint("ruleset: t\nrules:\n  - id: a\n    name: A\n    match: 'x (?<n>\\d*)'\n") != base);
  CHECK(fingerprint("ruleset: t\ndefaults:\n  severity: high\nrules:\n" + rule) != base);
  CHECK(fingerprint("ruleset: u\nrules:\n" + rule) != base);
}
