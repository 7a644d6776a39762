#include <catch2/catch.hpp>

#include <filesystem>

#include "rules_test_support.h"

using namespace logsift::rules;
using logsift::rules::testing::compile_text;
using logsift::rules::testing::message_record;

namespace {

std::vector<std::string> matched_ids(Matcher& m, const logsift::parsers::Record& r) {
  std::vector<std::string> ids;
  for (const auto& match : m.match(r)) ids.push_back(m.rule_set().rules()[match.rule_index].id);
  return ids;
}

std::string capture(Matcher& m, const RuleMatch& match, std::string_view name) {
  for (const auto& c : m.fields(match)) {
    if (c.name == name) return std::string(c.value);
  }
  return "<none>";
}

const char* kSshRules = R"(ruleset: linux.sshd
rules:
  - id: sshd.failed_password
    name: Failed password
    when: { app: [sshd, sshd-session] }
    match: 'Failed password for (?:invalid user )?(?<user_name>\S+) from (?<source_ip>\S+) port \d+'
  - id: sshd.invalid_user
    name: Invalid user
    when: { app: sshd }
    match: 'Invalid user (?<user_name>\S+) from (?<source_ip>\S+)'
  - id: any.refused
    name: Refused
    match: { literal: 'Connection REFUSED', ignore_case: true }
)";

}  // namespace

TEST_CASE("a matcher reports the rules a record matches, in rule order, with captures", "[rules]") {
  auto set = compile_text(kSshRules);
  Matcher m(set);
  auto r = message_record("Failed password for invalid user oracle from 203.0.113.45 port 51122 ssh2");
  auto matches = m.match(r);
  REQUIRE(matches.size() == 1);
  CHECK(set->rules()[matches[0].rule_index].id == "sshd.failed_password");
  CHECK(capture(m, matches[0], "user_name") == "oracle");
  CHECK(capture(m, matches[0], "source_ip") == "203.0.113.45");

  CHECK(matched_ids(m, message_record("Accepted publickey for deploy from 198.51.100.20 port 4 ssh2")).empty());
  CHECK(matched_ids(m, message_record("connect: connection refused")) == std::vector<std::string>{"any.refused"});
}

TEST_CASE("when conditions gate a rule even when its pattern matches", "[rules]") {
  auto set = compile_text(kSshRules);
  Matcher m(set);
  auto line = "Invalid user admin from 192.0.2.1 port 22";
  CHECK(matched_ids(m, message_record(line, "h", "sshd")) == std::vector<std::string>{"sshd.invalid_user"});
  CHECK(matched_ids(m, message_record(line, "h", "sshd-session")).empty());
  CHECK(matched_ids(m, message_record(line, "h", "")).empty());
}

TEST_CASE("patterns Hyperscan cannot compile are prefiltered and confirmed by PCRE2", "[rules]") {
  auto set = compile_text(R"(ruleset: t
rules:
  - id: repeated.word
    name: A word twice
    match: '\b(?<word>\w+) \1\b'
    allow_slow: true
  - id: lookahead
    name: Lookahead
    match: 'user (?!root)(?<user_name>\w+) locked'
)");
  CHECK(set->engine(0, 0) == PatternEngine::kPrefilter);
  CHECK(set->engine(1, 0) == PatternEngine::kPrefilter);
  CHECK(set->stats().prefilter_patterns == 2);
  Matcher m(set);
  auto matches = m.match(message_record("the the quick fox"));
  REQUIRE(matches.size() == 1);
  CHECK(capture(m, matches[0], "word") == "the");
  CHECK(m.match(message_record("the quick fox")).empty());
  CHECK(matched_ids(m, message_record("user alice locked")) == std::vector<std::string>{"lookahead"});
  CHECK(m.match(message_record("user root locked")).empty());
  CHECK(m.counters().prefilter_rejections >= 1);
}

TEST_CASE("a regex that does not compile is reported with the rule and the reason", "[rules]") {
  LoadedRules loaded;
  load_rule_text("ruleset: t\nrules:\n  - id: bad\n    name: Bad\n    match: 'unclosed (group'\n", "x.yaml", loaded);
  REQUIRE(loaded.ok());
  auto set = RuleSet::compile(std::move(loaded.rules), {});
  REQUIRE_FALSE(set);
  REQUIRE(set.error().size() == 1);
  CHECK(set.error()[0].to_string().find("x.yaml:3: rule bad: regex does not compile: missing closing parenthesis") == 0);
}

TEST_CASE("patterns on other fields and JSON paths get their own database", "[rules]") {
  auto set = compile_text(R"(ruleset: t
rules:
  - id: by.host
    name: Host
    match: { regex: '^db\d+$', field: host }
  - id: by.json
    name: JSON level
    match: { regex: '^(?<level>error|fatal)$', field: json.log.level }
)");
  CHECK(set->stats().databases == 2);
  REQUIRE(set->json_paths() == std::vector<std::string>{"log.level"});
  Matcher m(set);
  CHECK(matched_ids(m, message_record("x", "db12")) == std::vector<std::string>{"by.host"});
  auto r = message_record("x", "web1");
  r.extra[0] = "fatal";
  r.extra_count = 1;
  auto matches = m.match(r);
  REQUIRE(matches.size() == 1);
  CHECK(capture(m, matches[0], "level") == "fatal");
}

TEST_CASE("patterns match bytes, so invalid UTF-8 and NULs are just data", "[rules]") {
  auto set = compile_text("ruleset: t\nrules:\n  - id: a\n    name: A\n    match: 'bad (?<x>.)byte'\n");
  Matcher m(set);
  std::string line = "bad \xff" "byte";
  auto matches = m.match(message_record(line));
  REQUIRE(matches.size() == 1);
  CHECK(capture(m, matches[0], "x") == "\xff");
  std::string with_nul("bad \0byte", 9);
  CHECK(m.match(message_record(with_nul)).size() == 1);
  CHECK(m.match(message_record("")).empty());
}

TEST_CASE("compiled databases are cached on disk and reused", "[rules]") {
  auto dir = std::filesystem::temp_directory_path() / "logsift-rules-cache-test";
  std::filesystem::remove_all(dir);
  CompileOptions options{dir.string()};
  auto first = compile_text(kSshRules, options);
  CHECK(first->stats().cache_misses == 1);
  CHECK(first->stats().cache_hits == 0);
  CHECK(first->stats().cache_errors.empty());
  auto second = compile_text(kSshRules, options);
  CHECK(second->stats().cache_hits == 1);
  CHECK(second->stats().cache_misses == 0);
  Matcher m(second);
  CHECK(matched_ids(m, message_record("Invalid user x from 192.0.2.1", "h", "sshd")) == std::vector<std::string>{"sshd.invalid_user"});

  // A damaged entry is a miss, not a crash, and gets rewritten.
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::filesystem::resize_file(entry.path(), 20);
  }
  auto third = compile_text(kSshRules, options);
  CHECK(third->stats().cache_misses == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("match_batch gives every record's matches, in record then rule order, with captures", "[rules]") {
  auto set = compile_text(kSshRules);
  Matcher m(set);
  const std::vector<logsift::parsers::Record> records = {
      message_record("Invalid user x from 192.0.2.1", "h", "sshd"),
      message_record("nothing to see", "h", "cron"),
      message_record("Failed password for root from 192.0.2.2 port 22 ssh2 Connection refused", "h", "sshd"),
  };
  const auto matches = m.match_batch(records);
  REQUIRE(matches.size() == 3);
  CHECK(matches[0].record_index == 0);
  CHECK(set->rules()[matches[0].rule_index].id == "sshd.invalid_user");
  CHECK(capture(m, matches[0], "source_ip") == "192.0.2.1");
  CHECK(matches[1].record_index == 2);
  CHECK(set->rules()[matches[1].rule_index].id == "sshd.failed_password");
  CHECK(capture(m, matches[1], "source_ip") == "192.0.2.2");
  CHECK(matches[2].record_index == 2);
  CHECK(set->rules()[matches[2].rule_index].id == "any.refused");
  // The same records one at a time agree.
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::size_t in_batch = 0;
    for (const auto& bm : matches) in_batch += bm.record_index == i ? 1 : 0;
    CHECK(m.match(records[i]).size() == in_batch);
  }
}

TEST_CASE("matchers of one rule set scan with their own scratch, cloned from the set's", "[rules]") {
  auto set = compile_text(kSshRules);
  Matcher a(set);
  Matcher b(set);
  const auto r = message_record("Invalid user x from 192.0.2.1", "h", "sshd");
  CHECK(a.match(r).size() == 1);
  CHECK(b.match(r).size() == 1);
}

TEST_CASE("a cache hit gives every pattern the engine the compile chose", "[rules]") {
  auto dir = std::filesystem::temp_directory_path() / "logsift-rules-cache-engines-test";
  std::filesystem::remove_all(dir);
  // Exact, prefiltered (a back-reference) and PCRE2-only (a look-behind Hyperscan rejects even as
  // a prefilter is not guaranteed, so only the first two are asserted) on one field.
  const std::string rules = R"(ruleset: t
rules:
  - id: exact
    name: exact
    match: 'disk (?<disk>sd[a-z]) failed'
  - id: backref
    name: backref
    match: '(\w+) again \1'
    allow_slow: true
)";
  CompileOptions options{dir.string()};
  auto first = compile_text(rules, options);
  REQUIRE(first->stats().cache_misses == 1);
  auto second = compile_text(rules, options);
  REQUIRE(second->stats().cache_hits == 1);
  CHECK(first->engine(0, 0) == PatternEngine::kHyperscan);
  CHECK(first->engine(1, 0) == PatternEngine::kPrefilter);
  for (std::size_t r = 0; r < 2; ++r) CHECK(second->engine(r, 0) == first->engine(r, 0));
  Matcher m(second);
  CHECK(matched_ids(m, message_record("boom again boom")) == std::vector<std::string>{"backref"});
  CHECK(matched_ids(m, message_record("boom again bang")).empty());
  CHECK(matched_ids(m, message_record("disk sdb failed")) == std::vector<std::string>{"exact"});
  std::filesystem::remove_all(dir);
}
