// Change windows and SLA clocks end to end: windows added and ended over the ops API, alerts
// marked during a change and kept from ticket sinks, a new signature after the change suspected,
// an unacknowledged problem escalated, an acknowledgement over the API, all across a restart.
#include "tests/integration/daemon_harness.h"

using namespace logsift::integration;

namespace {

constexpr const char* kRules = R"(ruleset: it
rules:
  - id: it.error
    name: Application error
    match: 'app error (?<code>\d+)'
    group_by: [host, code]
    problem: { count: 3, within: 10m, resolve_after: 1h }
  - id: it.outage
    name: Gateway outage
    severity: high
    match: 'gateway down'
    problem: { count: 2, within: 10m, resolve_after: 1h }
)";

std::string lines(const std::string& host, const std::string& text, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "<11>Mar  9 07:12:44 " + host + " app: " + text + "\n";
  return out;
}

bool bool_at(simdjson::dom::element doc, const char* pointer) {
  bool v = false;
  return doc.at_pointer(pointer).get_bool().get(v) == simdjson::SUCCESS && v;
}

const char* kSinks = R"(sinks:
  - name: all
    type: file
    dir: alerts
  - name: tickets
    type: file
    dir: tickets
    route: { actions: ["problem.*"], during_change: false }
sla:
  response:
    high: { "*": 1s }
    medium: { "*": 1h }
)";

}  // namespace

TEST_CASE("change windows over the ops API mark alerts, keep them from ticket sinks and flag what came with the change",
          "[integration][changes][sla]") {
  auto dir = scratch("changes");
  write_text(dir / "rules.yaml", kRules);
  std::string config = config_with(listener("tcp", "tcp"), kSinks);
  const std::string detect = "detect:\n  state_dir: state\n";
  config.replace(config.find(detect), detect.size(), detect + "  update_interval: 100ms\n");
  simdjson::dom::parser parser;
  {
    Daemon d(dir, config);
    REQUIRE(d.ready());
    const std::uint16_t ops = d.metrics_port();
    int status = 0;
    std::string body = http_post(ops, "/api/changes",
                                 R"({"id":"CHG1","summary":"payments db upgrade","by":"alice","hosts":["pay-*"],)"
                                 R"("to":"2099-01-01T00:00:00Z","rollback_contact":"bob@example.com"})",
                                 &status);
    INFO(body);
    REQUIRE(status == 201);
    http_post(ops, "/api/changes", R"({"id":"CHG1","hosts":["x"],"to":"2099-01-01T00:00:00Z"})", &status);
    CHECK(status == 409);
    http_post(ops, "/api/changes", R"({"id":"CHG2","hosts":["x"]})", &status);
    CHECK(status == 400);
    CHECK(http_get(ops, "/api/changes").find("\"state\":\"active\"") != std::string::npos);

    // During the change: a problem on a changed host, one on another host, and a first sight of
    // a new signature on the changed host.
    REQUIRE(tcp_send(d.port("tcp"), lines("pay-a", "app error 1", 3) + lines("web1", "app error 5", 3) +
                                        lines("pay-a", "app error 2", 1)));
    REQUIRE(eventually([&] { return alert_lines(dir / "alerts", "problem.opened", "app error").size() == 2; }));
    REQUIRE(eventually([&] { return alert_lines(dir / "tickets", "problem.opened", "app error 5").size() == 1; }));
    const auto during = alert_lines(dir / "alerts", "problem.opened", "app error 1");
    REQUIRE(during.size() == 1);
    simdjson::dom::element a = parser.parse(during[0]);
    CHECK(json_string_at(a, "/logsift/change/id") == "CHG1");
    CHECK(bool_at(a, "/logsift/change/during_change"));
    CHECK(json_string_at(a, "/logsift/change/rollback_contact") == "bob@example.com");
    CHECK(alert_lines(dir / "tickets", "problem.opened", "app error 1").empty());
    const auto other = alert_lines(dir / "alerts", "problem.opened", "app error 5");
    REQUIRE(other.size() == 1);
    CHECK(parser.parse(other[0]).at_pointer("/logsift/change").error() == simdjson::NO_SUCH_FIELD);

    // End the change; the new signature recurs on the changed host afterwards.
    body = http_post(ops, "/api/changes/CHG1/end", "", &status);
    REQUIRE(status == 200);
    CHECK(body.find("\"state\":\"ended\"") != std::string::npos);
    http_post(ops, "/api/changes/CHG1/end", "", &status);
    CHECK(status == 409);
    http_post(ops, "/api/changes/NOPE/end", "", &status);
    CHECK(status == 404);
    REQUIRE(tcp_send(d.port("tcp"), lines("pay-a", "app error 2", 2)));
    REQUIRE(eventually([&] { return alert_lines(dir / "tickets", "problem.opened", "app error 2").size() == 1; }));
    simdjson::dom::element s = parser.parse(alert_lines(dir / "alerts", "problem.opened", "app error 2")[0]);
    CHECK(json_string_at(s, "/logsift/change/id") == "CHG1");
    CHECK(bool_at(s, "/logsift/change/suspected"));
    CHECK_FALSE(bool_at(s, "/logsift/change/during_change"));
    CHECK(json_string_at(s, "/logsift/change/evidence/hosts/0") == "pay-a");

    // SLA: the high-severity outage (1 s target) escalates unacknowledged; the medium problem
    // on web1 (1 h) is acknowledged over the API.
    const std::string web_problem = json_string_at(parser.parse(other[0]), "/logsift/problem_id");
    CHECK(json_string_at(parser.parse(other[0]), "/logsift/sla/deadline") != "<absent>");
    body = http_post(ops, "/api/problems/" + web_problem + "/ack", R"({"by":"carol"})", &status);
    CHECK(status == 200);
    http_post(ops, "/api/problems/00000000000000ff/ack", "", &status);
    CHECK(status == 404);
    REQUIRE(tcp_send(d.port("tcp"), lines("gw1", "gateway down", 2)));
    REQUIRE(eventually([&] { return alert_lines(dir / "alerts", "problem.escalated", "it.outage").size() == 1; }));
    CHECK(eventually([&] { return alert_lines(dir / "tickets", "problem.escalated", "it.outage").size() == 1; }));
    CHECK(alert_lines(dir / "alerts", "problem.escalated", "app error 5").empty());
    CHECK(eventually([&] { return d.metric("logsift_problems_acknowledged_total") == 1; }));
    CHECK(d.metric("logsift_change_alerts_suspected_total") >= 1);
    CHECK(d.stop() == 0);
  }
  {
    // The window added over the API, and the acknowledgement, survive a restart.
    Daemon d(dir, config);
    REQUIRE(d.ready());
    const std::string listed = http_get(d.metrics_port(), "/api/changes");
    CHECK(listed.find("\"id\":\"CHG1\"") != std::string::npos);
    CHECK(listed.find("\"state\":\"ended\"") != std::string::npos);
    REQUIRE(tcp_send(d.port("tcp"), lines("web1", "app error 5", 1)));
    CHECK(eventually([&] {
      for (const auto& l : alert_lines(dir / "alerts", "problem.updated", "app error 5")) {
        if (l.find("\"acknowledged_by\":\"carol\"") != std::string::npos) return true;
      }
      return false;
    }));
    CHECK(d.stop() == 0);
  }
}

TEST_CASE("a changes file declares windows at start and SIGHUP, and a broken one is refused", "[integration][changes]") {
  auto dir = scratch("changes-file");
  write_text(dir / "rules.yaml", kRules);
  write_text(dir / "changes.yaml", "changes:\n  - id: CHG9\n    hosts: [db1]\n    from: 2026-01-01T00:00:00Z\n"
                                   "    to: 2099-01-01T00:00:00Z\n");
  Daemon d(dir, config_with(listener("tcp", "tcp"), "changes: changes.yaml\n"));
  REQUIRE(d.ready());
  CHECK(http_get(d.metrics_port(), "/api/changes").find("\"origin\":\"changes.yaml:2\"") != std::string::npos);
  write_text(dir / "changes.yaml", "changes:\n  - id: CHG9\n    hosts: [db1]\n");
  d.signal(SIGHUP);
  REQUIRE(eventually([&] { return d.metric("logsift_change_reload_failures_total") == 1; }));
  CHECK(d.log().find("changes.yaml:2: change CHG9 needs 'from' and 'to'") != std::string::npos);
  CHECK(http_get(d.metrics_port(), "/api/changes").find("CHG9") != std::string::npos);
  write_text(dir / "changes.yaml", "changes: []\n");
  d.signal(SIGHUP);
  CHECK(eventually([&] { return http_get(d.metrics_port(), "/api/changes") == "{\"changes\":[]}\n"; }));
  CHECK(d.stop() == 0);
}
