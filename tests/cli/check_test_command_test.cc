#include <catch2/catch.hpp>
#include <simdjson.h>

#include "cli_test_support.h"

using namespace logsift::cli::testing;

TEST_CASE("logsift check passes on the bundled rule packs", "[cli]") {
  auto dir = scratch_dir("check-packs");
  auto r = run_logsift("check " + std::string(LOGSIFT_SOURCE_DIR) + "/rules/packs", dir);
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("examples: ok") != std::string::npos);
}

TEST_CASE("logsift check names file, line and rule of every problem and exits 1", "[cli]") {
  auto dir = scratch_dir("check-bad");
  const std::string rules = R"(ruleset: t
rules:
  - id: typo
    name: Typo
    match: 'x'
    SEVERITY_KEY: high
  - id: good
    name: Good
    match: 'disk (?<device_name>sd[a-z]) failed'
    examples:
      - line: "Mar  9 07:12:44 h kernel: disk sda failed"
        fields: { device_name: sdb }
      - line: "Mar  9 07:12:44 h kernel: disk sda is fine"
        match: true
)";
  auto with_key = [&](const std::string& key) {
    std::string text = rules;
    return text.replace(text.find("SEVERITY_KEY"), 12, key);
  };
  write_file(dir / "bad.yaml", with_key("severty"));
  auto r = run_logsift("check " + (dir / "bad.yaml").string(), dir);
  INFO(r.out << r.err);
  CHECK(r.status == 1);
  CHECK(r.err.find("bad.yaml:6: rule typo: unknown key 'severty'") != std::string::npos);

  // With the loading error fixed, the failing examples are reported instead.
  write_file(dir / "bad.yaml", with_key("severity"));
  r = run_logsift("check " + (dir / "bad.yaml").string(), dir);
  INFO(r.out << r.err);
  CHECK(r.status == 1);
  CHECK(r.out.find("bad.yaml:11: rule good: example field device_name: expected 'sdb', got 'sda'") != std::string::npos);
  CHECK(r.out.find("bad.yaml:13: rule good: example does not match") != std::string::npos);
  CHECK(r.out.find("2 failed") != std::string::npos);
}

TEST_CASE("logsift check reports a regex that does not compile", "[cli]") {
  auto dir = scratch_dir("check-regex");
  write_file(dir / "r.yaml", "ruleset: t\nrules:\n  - id: r\n    name: R\n    match: 'a(?<x>b'\n");
  auto r = run_logsift("check " + dir.string(), dir);
  CHECK(r.status == 1);
  CHECK(r.err.find("r.yaml:3: rule r: regex does not compile: missing closing parenthesis") != std::string::npos);
}

TEST_CASE("logsift test prints one JSON object per line with matches and fields", "[cli]") {
  auto dir = scratch_dir("test");
  write_file(dir / "rules.yaml", R"(ruleset: t
rules:
  - id: ssh.fail
    name: Failed
    when: { app: sshd }
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
  - id: json.error
    name: JSON error
    match: { regex: '^(?<level>error)$', field: json.log.level }
)");
  write_file(dir / "in.log",
             "Mar  9 07:12:44 edge3 sshd[2211]: Failed password for root from 203.0.113.45 port 22 ssh2\n"
             "<34>1 2026-03-09T07:12:44.5Z edge3 sshd 22 - - Failed password for \"q\" from ::1 port 1\n"
             "{\"message\": \"boom\", \"log\": {\"level\": \"error\"}, \"host\": \"k8s-1\"}\n"
             "just some text\n"
             "\xff\xfe garbage \x01\n");
  auto r = run_logsift("test --rules " + (dir / "rules.yaml").string() + " " + (dir / "in.log").string(), dir);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  simdjson::dom::parser parser;
  std::vector<std::string> lines;
  std::istringstream out(r.out);
  for (std::string l; std::getline(out, l);) lines.push_back(l);
  REQUIRE(lines.size() == 5);
  auto first = parser.parse(lines[0]);
  CHECK(int64_t(first["line"]) == 1);
  CHECK(std::string_view(first["matches"].at(0)["rule"]) == "ssh.fail");
  CHECK(std::string_view(first["matches"].at(0)["fields"]["source_ip"]) == "203.0.113.45");
  auto second = parser.parse(lines[1]);
  CHECK(std::string_view(second["matches"].at(0)["fields"]["user_name"]) == "\"q\"");
  auto third = parser.parse(lines[2]);
  CHECK(std::string_view(third["matches"].at(0)["rule"]) == "json.error");
  CHECK(simdjson::dom::array(parser.parse(lines[3])["matches"]).size() == 0);
  CHECK(simdjson::dom::array(parser.parse(lines[4])["matches"]).size() == 0);
}

TEST_CASE("logsift usage errors exit 2", "[cli]") {
  auto dir = scratch_dir("usage");
  CHECK(run_logsift("", dir).status == 2);
  CHECK(run_logsift("frobnicate", dir).status == 2);
  CHECK(run_logsift("test", dir).status == 2);
  CHECK(run_logsift("check", dir).status == 2);
  CHECK(run_logsift("test --rules", dir).status == 2);
}

TEST_CASE("logsift check reports structural and regex errors of different rules in one run", "[cli]") {
  auto dir = scratch_dir("check-all-at-once");
  write_file(dir / "r.yaml", "ruleset: t\nrules:\n"
                             "  - id: typo\n    name: Typo\n    match: 'x'\n    colour: red\n"
                             "  - id: regex\n    name: Regex\n    match: 'a(?<x>b'\n");
  auto r = run_logsift("check " + (dir / "r.yaml").string(), dir);
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(r.err.find("r.yaml:6: rule typo: unknown key 'colour'") != std::string::npos);
  CHECK(r.err.find("r.yaml:7: rule regex: regex does not compile") != std::string::npos);
}
