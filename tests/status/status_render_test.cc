#include <catch2/catch.hpp>
#include <simdjson.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "daemon/status/status_render.h"

using namespace logsift::status;

namespace {

// What a log line, a host name or a rule name could try to smuggle into the page.
const std::string kHostile =
    "Failed password for <script>alert(1)</script> from \"><img src=x onerror=alert(2)> "
    "' onmouseover='alert(3) </pre></td></table><svg onload=alert(4)> &lt;ok&gt; \x1b[0m \xC0\xBC";

StatusView hostile_view() {
  StatusView view;
  view.generated_us = 1'773'040'364'000'000;
  view.rates_enabled = true;
  view.records = 10;
  view.incidents = 5;
  view.alerts = 2;
  ProblemEntry p;
  p.problem_id = 0x00ab00cd00ef0012;
  p.signature_id = 0x1122334455667788;
  p.kind = "recurrence";
  p.rule_id = "it.probe\"><script>alert(5)</script>";
  p.rule_name = kHostile;
  p.severity = "high\" onclick=\"alert(6)";
  p.opened_us = view.generated_us - 60'000'000;
  p.updated_us = view.generated_us;
  p.occurrences = 12;
  p.hosts = {"edge3", "<b>bold</b>"};
  p.hosts_affected = 2;
  p.samples = {kHostile, "second line"};
  p.service = "payments<b>";
  p.owner = "team-payments";
  p.environment = "production";
  p.sla_deadline_us = view.generated_us + 3'600'000'000;
  p.sla_response_ms = 3'600'000;
  p.acknowledged_us = view.generated_us - 1'000'000;
  p.acknowledged_by = "Dana <script>alert(8)</script>";
  view.open.push_back(p);
  view.problems_open_total = 1;
  ProblemEntry r = p;
  r.problem_id = 3;
  r.open = false;
  r.resolved_us = view.generated_us;
  r.resolution = "quiet";
  r.service.clear();
  r.owner.clear();
  r.environment.clear();
  r.sla_deadline_us = 0;
  r.acknowledged_us = 0;
  view.resolved.push_back(r);
  ChangeEntry c;
  c.id = "CHG1\"><script>alert(9)</script>";
  c.summary = "payments db upgrade";
  c.by = "alice";
  c.hosts = {"pay-*"};
  c.services = {"payments"};
  c.from_us = view.generated_us - 600'000'000;
  c.until_us = view.generated_us + 3'600'000'000;
  c.rollback_contact = "bob@example.com";
  view.changes.push_back(c);
  SeriesPlot s;
  s.kind = "signature";
  s.key = "1122334455667788";
  s.label = kHostile;
  s.minutes.assign(60, 0);
  s.minutes[59] = 12;
  s.hours.assign(24, -1);
  s.expected_hours.assign(24, -1.0);
  s.days.assign(42, -1);
  view.signatures.push_back(s);
  SeriesPlot l = s;
  l.kind = "listener";
  l.key = "tcp<i>";
  view.listeners.push_back(l);
  SeriesPlot service = s;
  service.kind = "service";
  service.key = "payments";
  view.services.push_back(service);
  SinkEntry sink;
  sink.name = "jira";
  sink.type = "jira";
  sink.state = "failing";
  sink.spooled = true;
  sink.spool_batches = 3;
  sink.failing_since_us = view.generated_us - 1'000'000;
  sink.last_error = "HTTP 500: <html><script>alert(7)</script>";
  view.sinks.push_back(sink);
  return view;
}

std::vector<TicketLinks> links() {
  return {parse_ticket_links("jira", "https://jira.example.com",
                             "00ab00cd00ef0012\tOPS-12\t1773040364000000\n"
                             "garbage line\n"
                             "0000000000000003\tOPS-\"><script>\t0\n")};
}

// Every opening tag in `html` (outside the style block) by name, and every attribute name in it. Text
// that was escaped holds no '<', so each '<' starts a tag the renderer wrote.
struct Markup {
  std::multiset<std::string> tags;
  std::set<std::string> attributes;
};

Markup scan(const std::string& html) {
  Markup m;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    std::size_t j = i + 1;
    const bool closing = j < html.size() && html[j] == '/';
    if (j < html.size() && (html[j] == '/' || html[j] == '!')) ++j;
    std::size_t k = j;
    while (k < html.size() && std::isalnum(static_cast<unsigned char>(html[k]))) ++k;
    const std::string name = html.substr(j, k - j);
    if (!closing) m.tags.insert(name);
    const std::size_t end = html.find('>', k);
    REQUIRE(end != std::string::npos);
    // Attributes: name="value" or name='value' pairs; values hold no raw quote of their kind.
    std::size_t a = k;
    while (a < end) {
      while (a < end && (html[a] == ' ' || html[a] == '/')) ++a;
      std::size_t n = a;
      while (n < end && html[n] != '=' && html[n] != ' ' && html[n] != '/') ++n;
      if (n > a) m.attributes.insert(html.substr(a, n - a));
      if (n < end && html[n] == '=') {
        const char quote = html[n + 1];
        REQUIRE((quote == '"' || quote == '\''));
        const std::size_t close = html.find(quote, n + 2);
        REQUIRE(close != std::string::npos);
        a = close + 1;
      } else {
        a = n + 1;
      }
    }
    if (name == "style" && !closing) {
      i = html.find("</style>", end);
      REQUIRE(i != std::string::npos);
    } else {
      i = end + 1;
    }
  }
  return m;
}

}  // namespace

TEST_CASE("the status page keeps log lines, hosts, rules and errors as text: no markup gets in", "[status]") {
  const auto tickets = links();
  const std::string html = status_html(hostile_view(), tickets);
  const Markup m = scan(html);
  const std::set<std::string> allowed_tags{
      "DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "a",
      "section", "table", "thead", "tbody", "tr", "th", "td", "div", "span", "pre", "br", "svg",
      "polyline", "circle", "code"};
  for (const auto& tag : m.tags) {
    INFO("tag " << tag);
    CHECK(allowed_tags.count(tag) == 1);
  }
  const std::set<std::string> allowed_attributes{"lang", "charset", "name", "content", "http-equiv", "href",
                                                 "class", "id", "data-rule", "data-key", "data-change", "xmlns", "width",
                                                 "height", "viewBox", "role", "aria-label", "points", "r", "cx", "cy", "DOCTYPE",
                                                 "html"};
  for (const auto& attribute : m.attributes) {
    INFO("attribute " << attribute);
    CHECK(allowed_attributes.count(attribute) == 1);
  }
  CHECK(m.tags.count("script") == 0);
  CHECK(m.tags.count("img") == 0);
  // The hostile text is there, as text.
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;") != std::string::npos);
  CHECK(html.find("&amp;lt;ok&amp;gt;") != std::string::npos);
  CHECK(html.find("HTTP 500: &lt;html&gt;&lt;script&gt;alert(7)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find('\x1b') == std::string::npos);
  CHECK(html.find("\xC0\xBC") == std::string::npos);
  // Only the ticket whose key is an issue key becomes a link.
  CHECK(html.find("<a href=\"https://jira.example.com/browse/OPS-12\">OPS-12</a>") != std::string::npos);
  CHECK(m.tags.count("a") == 2);  // the ticket and the JSON link
}

TEST_CASE("the status page shows each open problem with its id, timeline, samples and sections", "[status]") {
  const auto tickets = links();
  const std::string html = status_html(hostile_view(), tickets);
  CHECK(html.find("id=\"problem-00ab00cd00ef0012\"") != std::string::npos);
  CHECK(html.find("Open problems (1)") != std::string::npos);
  CHECK(html.find("opened 2026-03-09 07:11:44<br>updated 2026-03-09 07:12:44") != std::string::npos);
  CHECK(html.find("<pre class=\"sample\">second line</pre>") != std::string::npos);
  CHECK(html.find("resolved 2026-03-09 07:12:44 (quiet)") != std::string::npos);
  CHECK(html.find("<section id=\"services\"><h2>Rates per business service</h2>\n<table><thead><tr><th>Service</th>") !=
        std::string::npos);
  for (const char* section : {"problems", "resolved", "signatures", "listeners", "services", "sinks"}) {
    INFO(section);
    CHECK(html.find(std::string("<section id=\"") + section + "\">") != std::string::npos);
  }
  CHECK(html.find("class=\"state-failing\">failing since 2026-03-09 07:12:43") != std::string::npos);
  // Business context, SLA clock and acknowledgement of the open problem; the change in force.
  CHECK(html.find("<div class=\"service\">service payments&lt;b&gt; \xC2\xB7 owner team-payments \xC2\xB7 production</div>") !=
        std::string::npos);
  CHECK(html.find("<div class=\"sla acknowledged\">respond by 2026-03-09 08:12:44<br>acknowledged by Dana "
                  "&lt;script&gt;alert(8)&lt;/script&gt; at 2026-03-09 07:12:43</div>") != std::string::npos);
  CHECK(html.find("<section id=\"changes\"><h2>Changes in force</h2>") != std::string::npos);
  CHECK(html.find("<td>pay-*, service payments</td><td>2026-03-09 07:02:44</td><td>2026-03-09 08:12:44</td>"
                  "<td>bob@example.com</td>") != std::string::npos);
  CHECK(html.find("<polyline class=\"obs\"") != std::string::npos);
}

TEST_CASE("without rate tracking the page says how to turn it on", "[status]") {
  StatusView view;
  const std::string html = status_html(view, {});
  CHECK(html.find("No open problems.") != std::string::npos);
  CHECK(html.find("Rate tracking is off") != std::string::npos);
  CHECK(html.find("<section id=\"listeners\">") == std::string::npos);
  CHECK(html.find("<section id=\"services\">") == std::string::npos);
}

TEST_CASE("/api/status is valid JSON carrying the same problems, ticket links, series and sinks", "[status]") {
  const auto tickets = links();
  const std::string json = status_json(hostile_view(), tickets);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view(doc["generated"]) == "2026-03-09T07:12:44.000000Z");
  CHECK(int64_t(doc["problems_open"]) == 1);
  simdjson::dom::element p = doc["problems"].at(0);
  CHECK(std::string_view(p["problem_id"]) == "00ab00cd00ef0012");
  CHECK(std::string_view(p["state"]) == "open");
  // Invalid UTF-8 becomes U+FFFD; the rest is the line as it was.
  CHECK(std::string_view(p["samples"].at(0)) == kHostile.substr(0, kHostile.size() - 2) + "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(std::string_view(p["ticket"]["key"]) == "OPS-12");
  CHECK(std::string_view(p["ticket"]["url"]) == "https://jira.example.com/browse/OPS-12");
  simdjson::dom::element r = doc["resolved"].at(0);
  CHECK(std::string_view(r["state"]) == "resolved");
  CHECK(std::string_view(r["ticket"]["url"]).empty());  // key is not an issue key: no URL
  simdjson::dom::element s = doc["signatures"].at(0);
  CHECK(simdjson::dom::array(s["minutes"]).size() == 60);
  CHECK(int64_t(s["minutes"].at(59)) == 12);
  CHECK(s["hours"].at(0).is_null());
  CHECK(s["expected_last_hour"].is_null());
  CHECK(std::string_view(doc["listeners"].at(0)["key"]) == "tcp<i>");
  CHECK(std::string_view(doc["services"].at(0)["key"]) == "payments");
  CHECK(std::string_view(doc["sinks"].at(0)["state"]) == "failing");
  CHECK(std::string_view(p["service"]["name"]) == "payments<b>");
  CHECK(std::string_view(p["service"]["owner"]) == "team-payments");
  CHECK(std::string_view(p["service"]["environment"]) == "production");
  CHECK(std::string_view(p["sla"]["deadline"]) == "2026-03-09T08:12:44.000000Z");
  CHECK(bool(p["sla"]["acknowledged"]));
  CHECK_FALSE(bool(p["sla"]["escalated"]));
  CHECK(std::string_view(p["sla"]["acknowledged_by"]) == "Dana <script>alert(8)</script>");
  CHECK(r["service"].is_null());
  CHECK(r["sla"].is_null());
  simdjson::dom::element c = doc["changes"].at(0);
  CHECK(std::string_view(c["id"]) == "CHG1\"><script>alert(9)</script>");
  CHECK(std::string_view(c["by"]) == "alice");
  CHECK(std::string_view(c["hosts"].at(0)) == "pay-*");
  CHECK(std::string_view(c["services"].at(0)) == "payments");
  CHECK(std::string_view(c["until"]) == "2026-03-09T08:12:44.000000Z");
  CHECK(std::string_view(c["rollback_contact"]) == "bob@example.com");
  CHECK(int64_t(doc["sinks"].at(0)["spool_batches"]) == 3);

  const std::string problems = problems_json(hostile_view(), tickets);
  REQUIRE(parser.parse(problems).get(doc) == simdjson::SUCCESS);
  CHECK(simdjson::dom::array(doc["problems"]).size() == 1);
  CHECK(doc["signatures"].error() == simdjson::NO_SUCH_FIELD);
}

TEST_CASE("ticket maps skip lines that are not problem id, key and time", "[status]") {
  const TicketLinks t = parse_ticket_links("jira", "https://j", "zz\tOPS-1\t0\n0000000000000002\tOPS-2\t5\n"
                                                                 "0000000000000001\tOPS-1\t0\n00000000000000ff\t\t0\n");
  REQUIRE(t.issues.size() == 2);
  CHECK(*t.find(1) == "OPS-1");
  CHECK(*t.find(2) == "OPS-2");
  CHECK(t.find(0xff) == nullptr);
}
