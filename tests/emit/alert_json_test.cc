// Tests for daemon/emit/alert_json.cc, json_text.cc and ecs_fields.cc.
#include "daemon/emit/alert_json.h"

#include <simdjson.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/emit/batch_writer.h"
#include "daemon/emit/ecs_fields.h"
#include "daemon/emit/json_text.h"
#include "tests/allocation_counter.h"
#include "tests/emit/sample_alerts.h"

namespace logsift::emit {
namespace {

std::string slurp(std::ifstream& in) {
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

using testing::incident_example;

std::string to_json_line(const detect::Alert& a) {
  std::string out;
  append_alert_json(a, out);
  return out;
}

// Parses one line; fails the test if it is not valid JSON.
simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& line) {
  simdjson::dom::element doc;
  const auto error = parser.parse(line).get(doc);
  INFO(line);
  REQUIRE(error == simdjson::SUCCESS);
  return doc;
}

std::string string_at(simdjson::dom::element doc, std::string_view pointer) {
  std::string_view v;
  INFO(pointer);
  REQUIRE(doc.at_pointer(pointer).get_string().get(v) == simdjson::SUCCESS);
  return std::string(v);
}

std::int64_t int_at(simdjson::dom::element doc, std::string_view pointer) {
  std::int64_t v = 0;
  INFO(pointer);
  REQUIRE(doc.at_pointer(pointer).get_int64().get(v) == simdjson::SUCCESS);
  return v;
}

bool has(simdjson::dom::element doc, std::string_view pointer) {
  return doc.at_pointer(pointer).error() == simdjson::SUCCESS;
}

// Present and null (not missing).
bool is_null_at(simdjson::dom::element doc, std::string_view pointer) {
  simdjson::dom::element v;
  return doc.at_pointer(pointer).get(v) == simdjson::SUCCESS && v.is_null();
}

std::vector<std::string> keys_at(simdjson::dom::element doc, std::string_view pointer) {
  simdjson::dom::object object;
  INFO(pointer);
  REQUIRE(doc.at_pointer(pointer).get_object().get(object) == simdjson::SUCCESS);
  std::vector<std::string> keys;
  for (const auto member : object) keys.emplace_back(member.key);
  return keys;
}

bool is_hex16(std::string_view s) {
  return s.size() == 16 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(s, out);
  return out;
}

TEST_CASE("json strings escape quotes, backslashes and control characters", "[emit]") {
  CHECK(quoted("plain") == "\"plain\"");
  CHECK(quoted("a\"b\\c") == R"("a\"b\\c")");
  CHECK(quoted("\n\r\t\b\f") == R"("\n\r\t\b\f")");
  CHECK(quoted(std::string_view("\x00\x01\x1f", 3)) == R"("\u0000\u0001\u001f")");
  CHECK(quoted("\x7f") == "\"\x7f\"");
}

TEST_CASE("json strings keep valid UTF-8 and replace invalid bytes with U+FFFD", "[emit]") {
  CHECK(quoted("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\xA5") ==
        "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\xA5\"");
  const std::string r = "\xEF\xBF\xBD";
  CHECK(quoted("a\xFF" "b") == "\"a" + r + "b\"");             // never valid
  CHECK(quoted("\xC0\xAF") == "\"" + r + r + "\"");           // overlong '/'
  CHECK(quoted("\xED\xA0\x80") == "\"" + r + r + r + "\"");   // a surrogate
  CHECK(quoted("\xF4\x90\x80\x80") == "\"" + r + r + r + r + "\"");  // above U+10FFFF
  CHECK(quoted("x\xE2\x82") == "\"x" + r + r + "\"");         // truncated at the end
  CHECK(quoted("\x80") == "\"" + r + "\"");                   // a lone continuation byte
}

TEST_CASE("timestamps are RFC 3339 UTC with microseconds", "[emit]") {
  std::string out;
  append_rfc3339_us(testing::kExampleTimeUs, out);
  CHECK(out == "\"2026-03-09T07:12:44.123456Z\"");
  out.clear();
  append_rfc3339_us(0, out);
  CHECK(out == "\"1970-01-01T00:00:00.000000Z\"");
  out.clear();
  append_rfc3339_us(-1, out);
  CHECK(out == "\"1969-12-31T23:59:59.999999Z\"");
  out.clear();
  append_rfc3339_us(951782400000000, out);  // a leap day
  CHECK(out == "\"2000-02-29T00:00:00.000000Z\"");

  for (const std::int64_t t : {std::int64_t{0}, std::int64_t{-1}, testing::kExampleTimeUs,
                               std::int64_t{951782400000000}, std::int64_t{4102444799999999}}) {
    out.clear();
    append_rfc3339_us(t, out);
    std::int64_t back = 0;
    REQUIRE(parse_rfc3339_us(std::string_view(out).substr(1, out.size() - 2), back));
    CHECK(back == t);
  }
  std::int64_t ignored = 0;
  CHECK_FALSE(parse_rfc3339_us("2026-03-09 07:12:44Z", ignored));
}

TEST_CASE("an alert line is one JSON object with the ECS fields", "[emit]") {
  const std::string line = to_json_line(incident_example());
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  simdjson::dom::parser parser;
  const auto doc = parse(parser, line);
  CHECK(string_at(doc, "/@timestamp") == "2026-03-09T07:12:44.123456Z");
  CHECK(string_at(doc, "/event/kind") == "alert");
  CHECK(string_at(doc, "/event/action") == "incident");
  CHECK(int_at(doc, "/event/severity") == 47);
  CHECK(string_at(doc, "/event/id") == "6f1c0b9e2d4a7785");
  CHECK(string_at(doc, "/event/original").starts_with("<38>Mar  9"));
  CHECK(string_at(doc, "/rule/id") == "sshd.failed_password");
  CHECK(string_at(doc, "/rule/ruleset") == "linux.sshd");
  CHECK(string_at(doc, "/host/name") == "edge3");
  CHECK(string_at(doc, "/user/name") == "oracle");
  CHECK(string_at(doc, "/source/ip") == "203.0.113.45");
  CHECK(int_at(doc, "/source/port") == 51122);
  CHECK(int_at(doc, "/process/pid") == 2211);
  CHECK(string_at(doc, "/labels/auth_method") == "password");
  CHECK(string_at(doc, "/tags/0") == "authentication");
  CHECK(string_at(doc, "/logsift/signature_id") == "9a3e5f0c12d47b61");
  CHECK(string_at(doc, "/logsift/signature/source_ip") == "203.0.113.45");
  CHECK(doc.at_pointer("/logsift/problem_id").is_null());
  CHECK(doc.at_pointer("/logsift/problem_state").is_null());
  CHECK(int_at(doc, "/logsift/window_ms") == 600000);
  CHECK(string_at(doc, "/logsift/first_seen") == "2026-03-09T07:12:44.123456Z");
  CHECK(string_at(doc, "/logsift/severity") == "medium");
}

TEST_CASE("rule provenance and ATT&CK techniques appear only when the rule carries them", "[emit]") {
  simdjson::dom::parser parser;
  {
    const auto doc = parse(parser, to_json_line(incident_example()));
    CHECK(doc.at_pointer("/rule/author").error() == simdjson::NO_SUCH_FIELD);
    CHECK(doc.at_pointer("/threat").error() == simdjson::NO_SUCH_FIELD);
  }
  detect::Alert a = incident_example();
  a.rule_uuid = "0f06a3a5-6a09-413f-8743-e6cf35561297";
  a.rule_authors = {"Jane Doe", "John Roe"};
  a.rule_references = {"https://example.org/r"};
  a.techniques = {"T1110.001"};
  const auto doc = parse(parser, to_json_line(a));
  CHECK(string_at(doc, "/rule/uuid") == "0f06a3a5-6a09-413f-8743-e6cf35561297");
  CHECK(string_at(doc, "/rule/author/1") == "John Roe");
  CHECK(string_at(doc, "/rule/reference/0") == "https://example.org/r");
  CHECK(string_at(doc, "/threat/framework") == "MITRE ATT&CK");
  CHECK(string_at(doc, "/threat/technique/id/0") == "T1110.001");
}

TEST_CASE("CMDB context fills service and labels without losing a capture of the same name", "[emit]") {
  simdjson::dom::parser parser;
  detect::Alert a = incident_example();
  a.fields = {{"service_name", "from-the-log"}, {"rack", "captured"}};
  a.context.service = "payments";
  a.context.environment = "production";
  a.context.owner = "team-payments";
  a.context.sla_tier = "gold";
  a.context.labels = {{"dc", "fra"}, {"rack", "r1"}};
  a.context.source = "cmdb.csv:2";
  a.tier_raise = 1;
  const std::string line = to_json_line(a);
  const auto doc = parse(parser, line);
  CHECK(string_at(doc, "/service/name") == "payments");
  CHECK(string_at(doc, "/service/environment") == "production");
  CHECK(string_at(doc, "/labels/service_name") == "from-the-log");  // displaced, not lost
  CHECK(string_at(doc, "/labels/rack") == "captured");               // the capture keeps its label
  CHECK(string_at(doc, "/labels/dc") == "fra");
  CHECK(string_at(doc, "/logsift/service/owner") == "team-payments");
  CHECK(string_at(doc, "/logsift/service/sla_tier") == "gold");
  CHECK(int_at(doc, "/logsift/service/severity_raise") == 1);
  CHECK(string_at(doc, "/logsift/service/source") == "cmdb.csv:2");
  CHECK(line.find("\"rack\"") == line.rfind("\"rack\""));  // one key, not two
  // Without context nothing of it is written, and a service capture stays at its ECS place.
  a.context = {};
  const auto plain = parse(parser, to_json_line(a));
  CHECK(string_at(plain, "/service/name") == "from-the-log");
  CHECK_FALSE(has(plain, "/logsift/service"));
  CHECK_FALSE(has(plain, "/labels/dc"));
}

TEST_CASE("an incident carries its threshold and severities, and null problem fields", "[emit]") {
  detect::Alert a = incident_example();
  a.problem_opened_us = testing::kExampleTimeUs;  // ignored without a problem id
  a.open_reason = "recurrence";
  simdjson::dom::parser parser;
  const auto doc = parse(parser, to_json_line(a));
  CHECK(is_null_at(doc, "/logsift/problem_opened"));
  CHECK(is_null_at(doc, "/logsift/open_reason"));
  CHECK(is_null_at(doc, "/logsift/resolve_after_ms"));  // set on the alert, no problem to resolve
  CHECK(keys_at(doc, "/logsift/threshold") ==
        std::vector<std::string>{"count", "within_ms", "spread_hosts"});
  CHECK(int_at(doc, "/logsift/threshold/count") == 5);
  CHECK(int_at(doc, "/logsift/threshold/within_ms") == 600000);
  CHECK(int_at(doc, "/logsift/threshold/spread_hosts") == 3);
  CHECK(string_at(doc, "/logsift/base_severity") == "medium");
  CHECK(int_at(doc, "/logsift/escalation") == 0);
  CHECK(is_null_at(doc, "/logsift/template"));
}

TEST_CASE("a problem alert carries when and why it opened and when it resolves", "[emit]") {
  simdjson::dom::parser parser;
  const auto doc = parse(parser, to_json_line(testing::problem_opened_example()));
  CHECK(string_at(doc, "/logsift/problem_opened") == "2026-03-09T07:13:25.123456Z");
  CHECK(string_at(doc, "/logsift/open_reason") == "recurrence");
  CHECK(int_at(doc, "/logsift/resolve_after_ms") == 3'600'000);
  CHECK(int_at(doc, "/logsift/threshold/count") == 5);
  CHECK(is_null_at(doc, "/logsift/template"));

  detect::Alert updated = testing::problem_opened_example();
  updated.action = detect::AlertAction::kProblemUpdated;
  updated.open_reason = {};  // detect sets a reason on opened/reopened only
  const auto doc2 = parse(parser, to_json_line(updated));
  CHECK(is_null_at(doc2, "/logsift/open_reason"));
  CHECK(string_at(doc2, "/logsift/problem_opened") == "2026-03-09T07:13:25.123456Z");

  detect::Alert spread = testing::problem_opened_example();
  spread.open_reason = "spread";
  spread.spread_hosts = 0;  // spread off is 0, not null
  const auto doc3 = parse(parser, to_json_line(spread));
  CHECK(string_at(doc3, "/logsift/open_reason") == "spread");
  CHECK(int_at(doc3, "/logsift/threshold/spread_hosts") == 0);

  detect::Alert unknown_open = testing::problem_opened_example();
  unknown_open.problem_opened_us = 0;
  unknown_open.threshold_count = 0;  // no threshold known
  const auto doc4 = parse(parser, to_json_line(unknown_open));
  CHECK(is_null_at(doc4, "/logsift/problem_opened"));
  CHECK(is_null_at(doc4, "/logsift/threshold"));
}

TEST_CASE("an auto: rule's alert carries its template, escalation and base severity", "[emit]") {
  const detect::Alert a = testing::auto_problem_reopened_example();
  simdjson::dom::parser parser;
  const auto doc = parse(parser, to_json_line(a));
  CHECK(string_at(doc, "/event/action") == "problem.reopened");
  CHECK(int_at(doc, "/event/severity") == 73);
  CHECK(string_at(doc, "/logsift/severity") == "high");
  CHECK(string_at(doc, "/logsift/base_severity") == "medium");
  CHECK(int_at(doc, "/logsift/escalation") == 1);
  CHECK(int_at(doc, "/logsift/reopen_count") == 2);
  CHECK(string_at(doc, "/logsift/open_reason") == "recurrence");
  CHECK(string_at(doc, "/logsift/problem_opened") == "2026-03-09T09:40:02.000000Z");
  CHECK(keys_at(doc, "/logsift/template") == std::vector<std::string>{"id", "text"});
  const std::string id = string_at(doc, "/logsift/template/id");
  CHECK(is_hex16(id));
  CHECK(string_at(doc, "/rule/id") == "auto:" + id);
  CHECK(string_at(doc, "/logsift/template/text") == "nfs: server <*> not responding, timed out");
}

TEST_CASE("the logsift object has the same keys in the same order on every alert", "[emit]") {
  simdjson::dom::parser parser;
  const auto incident = keys_at(parse(parser, to_json_line(incident_example())), "/logsift");
  const auto opened =
      keys_at(parse(parser, to_json_line(testing::problem_opened_example())), "/logsift");
  const auto reopened =
      keys_at(parse(parser, to_json_line(testing::auto_problem_reopened_example())), "/logsift");
  const auto resolved =
      keys_at(parse(parser, to_json_line(testing::problem_resolved_example())), "/logsift");
  CHECK(incident == opened);
  CHECK(incident == reopened);
  CHECK(incident == resolved);
  for (const char* key : {"problem_opened", "open_reason", "threshold", "resolve_after_ms",
                          "base_severity", "escalation", "template", "resolution", "original_bytes",
                          "message_truncated", "invalid_fields"}) {
    INFO(key);
    CHECK(std::find(incident.begin(), incident.end(), key) != incident.end());
  }
}

TEST_CASE("every alert names its ECS version, when logsift made it and whether its text was cut",
          "[emit]") {
  detect::Alert a = incident_example();
  a.created_us = testing::kExampleTimeUs + 250'000;
  simdjson::dom::parser parser;
  auto doc = parse(parser, to_json_line(a));
  CHECK(string_at(doc, "/ecs/version") == "8.11.0");
  CHECK(string_at(doc, "/@timestamp") == "2026-03-09T07:12:44.123456Z");
  CHECK(string_at(doc, "/event/created") == "2026-03-09T07:12:44.373456Z");
  CHECK(doc.at_pointer("/event/original_truncated").get_bool().value() == false);
  CHECK(doc.at_pointer("/logsift/message_truncated").get_bool().value() == false);
  CHECK(int_at(doc, "/logsift/original_bytes") == static_cast<std::int64_t>(a.original.size()));
  CHECK_FALSE(has(doc, "/event/ingested"));  // the SIEM's to set

  a.original_truncated = true;
  a.message_truncated = true;
  a.original_bytes = 70000;
  doc = parse(parser, to_json_line(a));
  CHECK(doc.at_pointer("/event/original_truncated").get_bool().value() == true);
  CHECK(doc.at_pointer("/logsift/message_truncated").get_bool().value() == true);
  CHECK(int_at(doc, "/logsift/original_bytes") == 70000);
}

TEST_CASE("log.syslog carries the occurrence's header and log.source.address its sender", "[emit]") {
  detect::Alert a = incident_example();
  simdjson::dom::parser parser;
  auto doc = parse(parser, to_json_line(a));
  CHECK(keys_at(doc, "/log/syslog") == std::vector<std::string>{"facility", "severity", "priority", "appname",
                                                                 "procid", "msgid", "hostname"});
  CHECK(int_at(doc, "/log/syslog/facility/code") == 4);
  CHECK(string_at(doc, "/log/syslog/facility/name") == "auth");
  CHECK(int_at(doc, "/log/syslog/severity/code") == 6);
  CHECK(string_at(doc, "/log/syslog/severity/name") == "Informational");
  CHECK(int_at(doc, "/log/syslog/priority") == 38);
  CHECK(string_at(doc, "/log/syslog/appname") == "sshd");
  CHECK(string_at(doc, "/log/syslog/procid") == "2211");
  CHECK(is_null_at(doc, "/log/syslog/msgid"));
  CHECK(string_at(doc, "/log/syslog/hostname") == "edge3");
  CHECK(string_at(doc, "/log/source/address") == "192.0.2.10");

  // A line without PRI and host, in replay: nulls, and the host is the sender's address.
  a.syslog_facility = -1;
  a.syslog_severity = -1;
  a.syslog_host.clear();
  a.sender.clear();
  doc = parse(parser, to_json_line(a));
  CHECK(is_null_at(doc, "/log/syslog/facility"));
  CHECK(is_null_at(doc, "/log/syslog/severity"));
  CHECK(is_null_at(doc, "/log/syslog/priority"));
  CHECK(is_null_at(doc, "/log/syslog/hostname"));
  CHECK(is_null_at(doc, "/log/source/address"));
}

TEST_CASE("problem.resolved says why it resolved; other alerts carry no resolution", "[emit]") {
  detect::Alert a = testing::problem_resolved_example();
  simdjson::dom::parser parser;
  CHECK(string_at(parse(parser, to_json_line(a)), "/logsift/resolution") == "rule_changed");
  a.resolution = "quiet";
  CHECK(string_at(parse(parser, to_json_line(a)), "/logsift/resolution") == "quiet");
  detect::Alert opened = testing::problem_opened_example();
  opened.resolution = "quiet";  // only problem.resolved writes it
  CHECK(is_null_at(parse(parser, to_json_line(opened)), "/logsift/resolution"));
}

TEST_CASE("every action and severity has its documented label", "[emit]") {
  using A = detect::AlertAction;
  CHECK(detect::action_name(A::kIncident) == "incident");
  CHECK(detect::action_name(A::kProblemOpened) == "problem.opened");
  CHECK(detect::action_name(A::kProblemUpdated) == "problem.updated");
  CHECK(detect::action_name(A::kProblemResolved) == "problem.resolved");
  CHECK(detect::action_name(A::kProblemReopened) == "problem.reopened");
  using S = rules::Severity;
  CHECK(rules::severity_score(S::kInformational) == 1);
  CHECK(rules::severity_score(S::kLow) == 21);
  CHECK(rules::severity_score(S::kMedium) == 47);
  CHECK(rules::severity_score(S::kHigh) == 73);
  CHECK(rules::severity_score(S::kCritical) == 99);
  CHECK(rules::severity_name(S::kCritical) == "critical");
}

TEST_CASE("alert lines stay valid JSON whatever bytes the alert holds", "[emit]") {
  detect::Alert a = incident_example();
  const std::string nasty = std::string("q\"b\\s/\x01\x1f\n\r\t\xFF\xFE\xC3(\xE2\x28\xA1", 17) +
                            std::string(1, '\0') + "\xF0\x9F\x94\xA5 end";
  a.id = nasty;
  a.rule_id = nasty;
  a.rule_name = nasty;
  a.ruleset = nasty;
  a.host = nasty;
  a.message = nasty;
  a.original = nasty;
  a.tags = {nasty, ""};
  a.fields = {{nasty, nasty}, {"source_ip", nasty}, {"source_port", nasty}, {"json.a.b", "v"}};
  a.signature_values = {{nasty, nasty}};
  a.hosts = {nasty};
  a.problem_id = 1;
  a.open_reason = nasty;
  a.template_id = nasty;
  a.template_text = nasty;
  const std::string line = to_json_line(a);
  simdjson::dom::parser parser;
  const auto doc = parse(parser, line);  // simdjson validates UTF-8 too
  const std::string message = string_at(doc, "/message");
  CHECK(message.find("\xEF\xBF\xBD") != std::string::npos);
  CHECK(message.ends_with("\xF0\x9F\x94\xA5 end"));
  CHECK(message.starts_with("q\"b\\s/\x01\x1f\n\r\t"));
  // Neither is an address or a number, so ECS's ip and long fields cannot take them: they are
  // kept, unchanged, under logsift.invalid_fields.
  CHECK_FALSE(has(doc, "/source"));
  CHECK(string_at(doc, "/logsift/invalid_fields/source_ip") == message);
  CHECK(string_at(doc, "/logsift/invalid_fields/source_port") == message);
  // Label keys carry no dots (ECS forbids them).
  CHECK(string_at(doc, "/labels/json_a_b") == "v");
  CHECK(string_at(doc, "/logsift/open_reason") == message);
  CHECK(string_at(doc, "/logsift/template/id") == message);
  CHECK(string_at(doc, "/logsift/template/text") == message);
}

TEST_CASE("a capture that maps to an ECS field already written is dropped, not repeated",
          "[emit]") {
  detect::Alert a = incident_example();
  a.fields = {{"src_ip", "192.0.2.1"}, {"source_ip", "192.0.2.2"}, {"x", "1"}, {"x", "2"}};
  const std::string line = to_json_line(a);
  CHECK(line.find("\"x\":\"2\"") == std::string::npos);
  simdjson::dom::parser parser;
  const auto doc = parse(parser, line);
  CHECK(string_at(doc, "/source/ip") == "192.0.2.1");
  CHECK_FALSE(has(doc, "/labels/source_ip"));
  CHECK(string_at(doc, "/related/ip/1") == "192.0.2.2");  // seen on the event all the same
  CHECK(string_at(doc, "/labels/x") == "1");
}

TEST_CASE("a capture named like an ECS host field joins the host object", "[emit]") {
  detect::Alert a = incident_example();
  a.fields = {{"host_ip", "10.0.0.3"}};
  simdjson::dom::parser parser;
  const auto doc = parse(parser, to_json_line(a));
  CHECK(string_at(doc, "/host/name") == "edge3");
  CHECK(string_at(doc, "/host/ip") == "10.0.0.3");
  simdjson::dom::object labels;
  REQUIRE(doc["labels"].get_object().get(labels) == simdjson::SUCCESS);
  CHECK(labels.size() == 0);
}

TEST_CASE("the ECS mapping table is sorted, found by name, and documented", "[emit]") {
  const auto table = ecs_field_mappings();
  REQUIRE(table.size() > 20);
  for (const auto& m : table) {
    const EcsFieldMapping* found = find_ecs_field(m.capture);
    REQUIRE(found == &m);
  }
  CHECK(find_ecs_field("no_such_capture") == nullptr);
  CHECK(find_ecs_field("") == nullptr);

  // docs/alerts.md lists every row as "| `capture` | `object.key` |".
  const std::string doc_path = std::string(LOGSIFT_SOURCE_DIR) + "/docs/alerts.md";
  std::ifstream in(doc_path);
  REQUIRE(in);
  const std::string docs = slurp(in);
  for (const auto& m : table) {
    const std::string row = "| `" + std::string(m.capture) + "` | `" +
                            std::string(ecs_object_name(m.object)) + "." + std::string(m.key) +
                            "` |";
    INFO(row);
    CHECK(docs.find(row) != std::string::npos);
  }
}

TEST_CASE("appending to a reused buffer allocates nothing once it has grown", "[emit]") {
  for (const detect::Alert& a : {incident_example(), testing::problem_opened_example(),
                                 testing::auto_problem_reopened_example()}) {
    INFO(a.rule_id << " " << detect::action_name(a.action));
    std::string out;
    append_alert_json(a, out);
    const std::size_t one_line = out.size();
    out.clear();
    const std::size_t before = logsift::testing::allocation_count();
    append_alert_json(a, out);
    const std::size_t allocations = logsift::testing::allocation_count() - before;
    CHECK(out.size() == one_line);
    CHECK(allocations == 0);
  }
}

TEST_CASE("adding alerts to an open batch allocates nothing", "[emit]") {
  const detect::Alert a = incident_example();
  BatchWriter writer(BatchOptions{}, 1);
  std::vector<EncodedBatch> closed;
  closed.reserve(4);
  writer.add(a, 0, closed);
  const std::size_t before = logsift::testing::allocation_count();
  for (int i = 0; i < 100; ++i) writer.add(a, 0, closed);
  const std::size_t allocations = logsift::testing::allocation_count() - before;
  CHECK(allocations == 0);
  CHECK(closed.empty());
}

}  // namespace
}  // namespace logsift::emit
