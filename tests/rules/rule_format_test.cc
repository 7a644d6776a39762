// The rule-format pieces importers rely on: ignore patterns, structured-data fields, group_by
// validation and rule provenance.
#include <catch2/catch.hpp>

#include "parsers/line_parser.h"
#include "rules/field.h"
#include "rules_test_support.h"

using namespace logsift::rules;
using logsift::rules::testing::compile_text;
using logsift::rules::testing::message_record;

namespace {

std::vector<std::string> errors_of(const std::string& yaml) {
  LoadedRules loaded;
  load_rule_text(yaml, "f.yaml", loaded);
  std::vector<std::string> out;
  for (const auto& e : loaded.errors) out.push_back(e.to_string());
  return out;
}

bool matches(Matcher& m, const logsift::parsers::Record& r) { return !m.match(r).empty(); }

}  // namespace

TEST_CASE("a record an ignore pattern matches does not match the rule", "[rules]") {
  for (const char* ignore : {"'from 10\\.0\\.'",                      // exact in Hyperscan
                             "'from (?!192)\\d+\\.0\\.'",             // prefiltered, PCRE2 confirms
                             "{ literal: 'TRUSTED', ignore_case: true }"}) {
    INFO(ignore);
    auto set = compile_text(std::string(R"(ruleset: t
rules:
  - id: failed
    name: Failed
    match: ['Failed password for (?<user_name>\S+) from (?<source_ip>\S+)', 'Failed none for (?<user_name>\S+)']
    ignore: )") + ignore + "\n");
    Matcher m(set);
    CHECK(matches(m, message_record("Failed password for root from 198.51.100.4 port 1")));
    CHECK(matches(m, message_record("Failed none for root")));
    const bool literal = std::string(ignore).find("TRUSTED") != std::string::npos;
    CHECK(matches(m, message_record("Failed password for root from 10.0.0.4 port 1")) == literal);
    CHECK_FALSE(matches(m, message_record("Failed password for root from 10.0.0.4 port 1 trusted")));
    // A vetoed record leaves no state behind: the next record matches normally.
    CHECK(matches(m, message_record("Failed password for root from 198.51.100.4 port 1")));
  }
}

TEST_CASE("ignore patterns of one rule do not veto another rule", "[rules]") {
  auto set = compile_text(R"(ruleset: t
rules:
  - id: a
    name: A
    match: 'disk (?<device_name>sd[a-z]) failed'
    ignore: 'sdz'
  - id: b
    name: B
    match: 'failed'
)");
  Matcher m(set);
  auto found = m.match(message_record("disk sdz failed"));
  REQUIRE(found.size() == 1);
  CHECK(set->rules()[found[0].rule_index].id == "b");
  CHECK(m.match(message_record("disk sda failed")).size() == 2);
}

TEST_CASE("RFC 5424 structured-data parameters are fields for when, match and group_by", "[rules]") {
  auto set = compile_text(R"(ruleset: t
rules:
  - id: sd
    name: SD
    when: { sd.origin@32473.1.software: [appd] }
    match: { regex: '^(?<source_ip>10\.\d+\.\d+\.\d+)$', field: sd.meta.client }
    group_by: [sd.meta.tenant, source_ip]
)");
  logsift::parsers::LineParser parser{logsift::parsers::ParseOptions{}};
  Matcher m(set);
  const std::string line =
      R"(<34>1 2026-03-09T07:12:44Z edge3 appd 1 - [origin@32473.1 software="appd"][meta client="10.1.2.3" tenant="blue\]x"] login failed)";
  auto record = parser.parse(line);
  // The SD-ID keeps its dots: the last dot separates the parameter name.
  CHECK(sd_param_value(record.structured_data, "meta", "tenant") == "blue\\]x");
  CHECK(named_record_field(record, "sd.meta.tenant") == std::optional<std::string_view>("blue\\]x"));
  CHECK(named_record_field(record, "sd.meta.missing") == std::optional<std::string_view>(""));
  CHECK(matches(m, record));
  auto other = line;
  other.replace(other.find("software=\"appd\""), 15, "software=\"appx\"");
  CHECK_FALSE(matches(m, parser.parse(other)));
}

TEST_CASE("CMDB context fields work in when, match and group_by and are empty without an entry", "[rules]") {
  auto set = compile_text(R"(ruleset: t
rules:
  - id: prod_payments
    name: Payments in production
    when: { service.name: payments, service.environment: production, labels.rack: [r1, r2] }
    match: 'failed'
    group_by: [service.name, labels.rack]
  - id: gold
    name: Gold tier owners
    match: { regex: '^team-', field: service.owner }
    when: { service.sla_tier: gold }
)");
  Matcher m(set);
  logsift::parsers::ServiceContext context;
  context.service = "payments";
  context.environment = "production";
  context.owner = "team-payments";
  context.sla_tier = "gold";
  context.labels = {{"rack", "r2"}};
  auto record = message_record("disk failed");
  CHECK(m.match(record).empty());  // no CMDB entry: every context field is empty
  record.context = &context;
  auto found = m.match(record);
  REQUIRE(found.size() == 2);
  CHECK(named_record_field(record, "service.name") == std::optional<std::string_view>("payments"));
  CHECK(named_record_field(record, "labels.rack") == std::optional<std::string_view>("r2"));
  CHECK(named_record_field(record, "labels.missing") == std::optional<std::string_view>(""));
  context.environment = "staging";
  found = m.match(record);
  REQUIRE(found.size() == 1);
  CHECK(set->rules()[found[0].rule_index].id == "gold");
  CHECK(parse_field_ref("labels.rack")->name() == "labels.rack");
  CHECK_FALSE(parse_field_ref("labels."));
}

TEST_CASE("group_by names are checked against captures and fields at load time", "[rules]") {
  const std::string head = "ruleset: t\nrules:\n  - id: r\n    name: R\n    match: 'user (?<user_name>\\S+) from (?P<source_ip>\\S+)'\n";
  CHECK(errors_of(head + "    group_by: [host, user_name, source_ip, sd.x.y, app]\n").empty());
  CHECK(errors_of(head + "    group_by: [service.name, service.environment, labels.rack]\n").empty());
  CHECK(errors_of(head + "    group_by: [host, src_ip]\n") ==
        std::vector<std::string>{"f.yaml:6: rule r: group_by 'src_ip' is neither a named group of this rule's patterns "
                                 "nor a field (host, app, procid, msgid, message, original, sd.<id>.<param>, service.name, "
                                 "service.environment, service.owner, service.sla_tier, labels.<name>)"});
  auto json = errors_of(head + "    group_by: json.user\n");
  REQUIRE(json.size() == 1);
  CHECK(json[0].find("JSON paths cannot be grouped on") != std::string::npos);
  // A name that only appears escaped or as a look-behind is no capture.
  CHECK(errors_of("ruleset: t\nrules:\n  - id: r\n    name: R\n    match: '\\(?<x>y)(?<=a)b'\n    group_by: [x]\n").size() == 1);
}

TEST_CASE("author, references, uuid and ATT&CK tags are kept on the rule", "[rules]") {
  LoadedRules loaded;
  load_rule_text(R"(ruleset: t
defaults:
  author: Jane Doe
rules:
  - id: r
    name: R
    uuid: 0f06a3a5-6a09-413f-8743-e6cf35561297
    references: [https://attack.mitre.org/techniques/T1110/]
    tags: [attack.credential_access, attack.t1110.001, T1110.001, attack.t1078, t12]
    match: 'x'
)", "f.yaml", loaded);
  REQUIRE(loaded.ok());
  const Rule& rule = loaded.rules.at(0);
  CHECK(rule.authors == std::vector<std::string>{"Jane Doe"});
  CHECK(rule.uuid == "0f06a3a5-6a09-413f-8743-e6cf35561297");
  CHECK(rule.references.size() == 1);
  CHECK(rule.techniques == std::vector<std::string>{"T1110.001", "T1078"});
}

TEST_CASE("a session names captures of the rule and defaults to a five-minute window", "[rules]") {
  LoadedRules loaded;
  load_rule_text(R"(ruleset: t
rules:
  - id: s
    name: S
    match: ['sshd\[(?<session_id>\d+)\]: (?<session_note>Connection from) (?<source_ip>\S+)',
            'sshd\[(?<session_id>\d+)\]: failures for (?<user_name>\S+)']
    session: { id: session_id, wait_for: [source_ip], distinct: user_name }
)", "f.yaml", loaded);
  REQUIRE(loaded.errors.empty());
  REQUIRE(loaded.rules.size() == 1);
  const SessionSpec& s = loaded.rules[0].session;
  CHECK(s.enabled());
  CHECK(s.id == "session_id");
  CHECK(s.within_ms == 5 * 60 * 1000);
  CHECK(s.wait_for == std::vector<std::string>{"source_ip"});
  CHECK(s.distinct == std::vector<std::string>{"user_name"});

  const auto errors = errors_of(R"(ruleset: t
rules:
  - id: s
    name: S
    match: 'sshd\[(?<pid>\d+)\]: (?<session_success>Accepted)'
    session: { id: pid, within: 0s, wait_for: [source_ip], distinct: user, colour: red }
  - id: flag
    name: Flag
    match: '(?<session_note>x)'
)");
  CHECK_THAT(errors.at(0), Catch::Contains("unknown key 'colour'"));
  CHECK_THAT(errors.at(1), Catch::Contains("session 'within' must be longer than 0"));
  CHECK_THAT(errors.at(2), Catch::Contains("session wait_for 'source_ip' is not a named group"));
  CHECK_THAT(errors.at(3), Catch::Contains("session distinct 'user' is not a named group"));
  CHECK_THAT(errors.at(4), Catch::Contains("f.yaml:7: rule flag: a pattern captures 'session_note'"));
}

TEST_CASE("a session may be named by a record field and wait for all of its parts, in order", "[rules]") {
  LoadedRules loaded;
  load_rule_text(R"(ruleset: t
rules:
  - id: t
    name: T
    match: ['failed password(?<part_1>)', 'session opened for user root(?<part_2>)']
    session: { id: host, within: 10m, wait_for_all: [part_1, part_2], in_order: true }
)", "f.yaml", loaded);
  for (const auto& e : loaded.errors) FAIL(e.to_string());
  REQUIRE(loaded.rules.size() == 1);
  const SessionSpec& s = loaded.rules[0].session;
  CHECK(s.id == "host");
  CHECK(s.within_ms == 10 * 60 * 1000);
  CHECK(s.wait_for_all == std::vector<std::string>{"part_1", "part_2"});
  CHECK(s.in_order);

  const auto errors = errors_of(R"(ruleset: t
rules:
  - id: a
    name: A
    match: 'x(?<part_1>)'
    session: { id: json.user, wait_for_all: [part_1, part_9] }
  - id: b
    name: B
    match: 'x(?<part_1>)'
    session:
      id: procid
      wait_for_all: [part_1]
      in_order: true
  - id: c
    name: C
    match: 'x(?<part_1>)'
    session: { id: app, wait_for_all: part_1, in_order: maybe }
)");
  REQUIRE(errors.size() == 4);
  CHECK_THAT(errors.at(0), Catch::Contains("f.yaml:6: rule a: session id 'json.user' is neither a named group"));
  CHECK_THAT(errors.at(1), Catch::Contains("f.yaml:6: rule a: session wait_for_all 'part_9' is not a named group"));
  CHECK_THAT(errors.at(2), Catch::Contains("f.yaml:13: rule b: session 'in_order' orders the parts of 'wait_for_all'"));
  CHECK_THAT(errors.at(3), Catch::Contains("f.yaml:17: rule c:"));
  CHECK_THAT(errors.at(3), Catch::Contains("in_order"));
}
