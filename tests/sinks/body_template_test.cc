// Tests for daemon/sinks/body_template.cc: webhook bodies rendered from real alert JSON, and the
// Slack and PagerDuty templates documented in docs/webhooks.md.
#include "daemon/sinks/body_template.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <simdjson.h>
#include <sstream>

#include "daemon/emit/alert_json.h"
#include "tests/emit/sample_alerts.h"

namespace logsift::sinks {
namespace {

std::string alert_json(const detect::Alert& alert) {
  std::string out;
  emit::append_alert_json(alert, out);
  out.pop_back();  // the newline
  return out;
}

std::string render(std::string_view text, const detect::Alert& alert) {
  auto t = BodyTemplate::compile(text);
  INFO((t ? std::string() : t.error()));
  REQUIRE(t);
  std::string out;
  t->render(alert_json(alert), out);
  return out;
}

// A template block of docs/webhooks.md: the fenced block after the line "<!-- NAME -->".
std::string documented_template(const std::string& name) {
  std::ifstream in(std::string(LOGSIFT_SOURCE_DIR) + "/docs/webhooks.md");
  std::stringstream s;
  s << in.rdbuf();
  const std::string doc = s.str();
  const auto marker = doc.find("<!-- " + name + " -->");
  REQUIRE(marker != std::string::npos);
  const auto open = doc.find("```yaml\n", marker);
  const auto close = doc.find("```", open + 8);
  const std::string block = doc.substr(open + 8, close - open - 8);
  // The block is a sink config whose `template: |` holds the body, indented by 6.
  const auto start = block.find("template: |\n");
  REQUIRE(start != std::string::npos);
  std::istringstream lines(block.substr(start + 12));
  std::string body;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("      ", 0) != 0) break;
    body += line.substr(6) + "\n";
  }
  return body;
}

TEST_CASE("a template reads paths of the alert as JSON values or as text", "[sinks][webhook]") {
  const auto a = emit::testing::incident_example();
  CHECK(render("{\"r\": {{ rule.id }}, \"n\": {{event.severity}}}", a) == "{\"r\": \"sshd.failed_password\", \"n\": 47}");
  CHECK(render("\"[{{ event.action | text }}] {{ rule.name | text | upper }}\"", a) ==
        "\"[incident] SSH PASSWORD AUTHENTICATION FAILED\"");
  CHECK(render("{{ no.such.path }}|{{ no.such | text }}|{{ nope | default \"x\" }}", a) == "null||\"x\"");
  CHECK(render("{{ event.action | map \"incident=trigger,problem.resolved=resolve,*=other\" }}", a) == "\"trigger\"");
  CHECK(render("{{ source.ip }}", a) == "\"203.0.113.45\"");
}

TEST_CASE("text escapes quotes and newlines so the body stays valid JSON", "[sinks][webhook]") {
  auto a = emit::testing::incident_example();
  a.message = "say \"hi\"\nand go";
  const std::string body = render("{\"m\": \"{{ message | text }}\", \"all\": {{ alert }}}", a);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(body).get(doc) == simdjson::SUCCESS);
  std::string_view m;
  REQUIRE(doc["m"].get_string().get(m) == simdjson::SUCCESS);
  CHECK(m == "say \"hi\"\nand go");
  std::string_view id;
  REQUIRE(doc["all"]["event"]["id"].get_string().get(id) == simdjson::SUCCESS);
  CHECK(id == a.id);
}

TEST_CASE("template errors name the column", "[sinks][webhook]") {
  auto unclosed = BodyTemplate::compile("{\"a\": {{ rule.id ");
  REQUIRE_FALSE(unclosed);
  CHECK(unclosed.error() == "column 7: {{ is never closed");
  auto filter = BodyTemplate::compile("{{ rule.id | shout }}");
  REQUIRE_FALSE(filter);
  CHECK(filter.error().find("unknown filter \"shout\"") != std::string::npos);
  CHECK_FALSE(BodyTemplate::compile("{{ | text }}"));
  CHECK_FALSE(BodyTemplate::compile("{{ a | map \"novalue\" }}"));
}

TEST_CASE("the documented Slack template renders a valid Slack message", "[sinks][webhook]") {
  const auto a = emit::testing::problem_opened_example();
  const std::string body = render(documented_template("slack"), a);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  INFO(body);
  REQUIRE(parser.parse(body).get(doc) == simdjson::SUCCESS);
  std::string_view text;
  REQUIRE(doc["text"].get_string().get(text) == simdjson::SUCCESS);
  CHECK(text.find("problem.opened") != std::string_view::npos);
  CHECK(text.find(a.rule_name) != std::string_view::npos);
  CHECK(text.find(a.host) != std::string_view::npos);
}

TEST_CASE("the documented PagerDuty template renders an Events API v2 event", "[sinks][webhook]") {
  const std::string text = documented_template("pagerduty");
  auto opened = emit::testing::problem_opened_example();
  auto body = render(text, opened);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  INFO(body);
  REQUIRE(parser.parse(body).get(doc) == simdjson::SUCCESS);
  std::string_view action, severity, dedup, summary;
  REQUIRE(doc["event_action"].get_string().get(action) == simdjson::SUCCESS);
  REQUIRE(doc["payload"]["severity"].get_string().get(severity) == simdjson::SUCCESS);
  REQUIRE(doc["dedup_key"].get_string().get(dedup) == simdjson::SUCCESS);
  REQUIRE(doc["payload"]["summary"].get_string().get(summary) == simdjson::SUCCESS);
  CHECK(action == "trigger");
  CHECK((severity == "critical" || severity == "error" || severity == "warning" || severity == "info"));
  CHECK(dedup.size() == 16);  // the problem's signature id: one PagerDuty incident per problem
  CHECK(summary.find(opened.rule_name) != std::string_view::npos);

  opened.action = detect::AlertAction::kProblemResolved;
  body = render(text, opened);
  REQUIRE(parser.parse(body).get(doc) == simdjson::SUCCESS);
  REQUIRE(doc["event_action"].get_string().get(action) == simdjson::SUCCESS);
  CHECK(action == "resolve");
}

}  // namespace
}  // namespace logsift::sinks
