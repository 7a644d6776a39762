// The status page of a real logsiftd, loaded in headless Chromium: a problem the test opens is on
// the page with its id, rule, sample line, Jira ticket link, CMDB service and SLA clock, the
// change windows in force are listed, a script in a log line stays text, and a screenshot lands
// in the test's output folder. Its JSON shows an acknowledgement made in Jira, and the problems
// a restart restored before any new line arrives.
#include <cstdio>
#include <regex>

#include "tests/integration/daemon_harness.h"
#include "tests/sinks/fake_jira.h"

namespace logsift::integration {
namespace {

using sinks::testing::FakeJira;

constexpr const char* kStatusRules = R"(ruleset: it
rules:
  - id: it.status_probe
    name: Status page probe
    match: 'status-probe (?<probe_id>\S+) failed'
    severity: high
    group_by: [probe_id]
    problem: { count: 3, within: 10m, resolve_after: 1h }
)";

// A line whose message carries markup and script: on the page it must stay text.
const std::string kPayload = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='img'\">";

std::string status_line(const std::string& probe) {
  return "<11>Mar  9 07:12:44 edge3 app: status-probe " + probe + " failed for user " + kPayload + "\n";
}

// Runs chromium with `arguments` (headless, no sandbox: tests run as root in CI) and returns its
// standard output; `log` gets its standard error.
std::string run_chromium(const fs::path& profile, const std::string& arguments, const fs::path& log) {
  const std::string command = "timeout 300 chromium --headless --no-sandbox --disable-gpu --no-first-run "
                              "--user-data-dir=" + profile.string() + " " + arguments + " 2>" + log.string();
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[65536];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    ::pclose(pipe);
  }
  return out;
}

bool chromium_present() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

constexpr const char* kCmdb = "match,service,environment,owner,sla_tier\n"
                              "edge*,edge-gateway,production,team-edge,gold\n";

// A config with the status rules, the CMDB, an SLA target for high severity, and a file sink
// plus a jira sink on `jira` that polls its issues every 100 ms.
std::string context_config(const fs::path& dir, const FakeJira& jira, const std::string& extra = "") {
  write_text(dir / "rules.yaml", kStatusRules);
  write_text(dir / "token", "pat-123\n");
  write_text(dir / "cmdb.csv", kCmdb);
  const std::string sinks = "sinks:\n"
                            "  - name: alerts\n    type: file\n    dir: alerts\n"
                            "  - name: jira\n    type: jira\n    url: " + jira.url() +
                            "\n    project: OPS\n    token_file: token\n    ack_poll: 100ms\n"
                            "enrich:\n  cmdb: cmdb.csv\n"
                            "sla:\n  response:\n    high: { \"*\": 1h }\n";
  return config_with(listener("tcp", "tcp"), sinks + extra);
}

// Adds change window CHG7 on db hosts (not the probe's host, so its alerts still reach Jira).
void add_change(std::uint16_t ops_port) {
  int status = 0;
  const std::string body = http_post(ops_port, "/api/changes",
                                     R"({"id":"CHG7","summary":"db patching","by":"alice","hosts":["db-*"],)"
                                     R"("services":["billing"],"to":"2099-01-01T00:00:00Z","rollback_contact":"bob@example.com"})",
                                     &status);
  INFO(body);
  REQUIRE(status == 201);
}

}  // namespace

TEST_CASE("the status page in headless chromium shows the problem a test opened, with its ticket, and takes a screenshot",
          "[integration][status]") {
  if (!chromium_present()) {
    WARN("chromium is not installed (Debian package `chromium`, see scripts/install-deps): status page browser test skipped");
    return;
  }
  auto dir = scratch("status-page");
  const fs::path output = fs::path(LOGSIFT_TEST_OUTPUT_DIR) / "status_page";
  fs::create_directories(output);
  const fs::path screenshot = output / "status.png";
  fs::remove(screenshot);

  FakeJira jira;
  Daemon d(dir, context_config(dir, jira, "trend:\n  enabled: true\n"));
  REQUIRE(d.ready());
  add_change(d.metrics_port());

  std::string lines;
  for (int i = 0; i < 5; ++i) lines += status_line("p1");
  REQUIRE(tcp_send(d.port("tcp"), lines));

  // The problem is open and Jira has its ticket; the page's JSON shows both.
  std::string status;
  std::smatch found;
  REQUIRE(eventually([&] {
    status = http_get(d.metrics_port(), "/api/status");
    return status.find("\"key\":\"OPS-1\"") != std::string::npos;
  }, 60000));
  REQUIRE(std::regex_search(status, found, std::regex("\"problem_id\":\"([0-9a-f]{16})\"")));
  const std::string problem_id = found[1];
  CHECK(status.find("\"rule_id\":\"it.status_probe\"") != std::string::npos);

  const std::string url = "http://127.0.0.1:" + std::to_string(d.metrics_port()) + "/";
  const std::string dom = run_chromium(dir / "profile", "--dump-dom " + url, dir / "chromium-dom.log");
  INFO("chromium stderr: " << read_text(dir / "chromium-dom.log").substr(0, 2000));
  REQUIRE(dom.find("<title>logsift status</title>") != std::string::npos);  // the script never ran
  CHECK(dom.find("id=\"problem-" + problem_id + "\"") != std::string::npos);
  CHECK(dom.find("data-rule=\"it.status_probe\"") != std::string::npos);
  CHECK(dom.find("status-probe p1 failed for user &lt;script&gt;document.title='pwned'&lt;/script&gt;"
                 "&lt;img src=x onerror=\"document.title='img'\"&gt;") != std::string::npos);
  CHECK(dom.find("<script") == std::string::npos);
  CHECK(dom.find("<img") == std::string::npos);
  CHECK(dom.find("href=\"" + jira.url() + "/browse/OPS-1\"") != std::string::npos);
  CHECK(dom.find("<section id=\"sinks\">") != std::string::npos);
  CHECK(dom.find("<div class=\"service\">service edge-gateway \xC2\xB7 owner team-edge \xC2\xB7 production</div>") !=
        std::string::npos);
  CHECK(dom.find("<div class=\"sla\">respond by ") != std::string::npos);
  CHECK(dom.find("not acknowledged yet") != std::string::npos);
  CHECK(dom.find("<tr class=\"change\" data-change=\"CHG7\">") != std::string::npos);
  CHECK(dom.find("<td>db-*, service billing</td>") != std::string::npos);
  CHECK(dom.find("<td>bob@example.com</td>") != std::string::npos);
  CHECK(dom.find("<section id=\"listeners\">") != std::string::npos);
  CHECK(std::regex_search(dom, std::regex("<svg class=\"plot\"[^>]*>.*?<(polyline|circle) class=\"obs\"")));  // a sparkline

  run_chromium(dir / "profile", "--hide-scrollbars --window-size=1400,1200 --screenshot=" + screenshot.string() + " " + url,
               dir / "chromium-screenshot.log");
  INFO("chromium stderr: " << read_text(dir / "chromium-screenshot.log").substr(0, 2000));
  REQUIRE(fs::exists(screenshot));
  const std::string png = read_text(screenshot);
  CHECK(png.size() > 1000);
  CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  REQUIRE(d.stop() == 0);
}

TEST_CASE("/api/status lists the changes in force and each open problem's service, SLA deadline and Jira acknowledgement",
          "[integration][status][jira]") {
  auto dir = scratch("status-context");
  FakeJira jira;
  Daemon d(dir, context_config(dir, jira));
  REQUIRE(d.ready());
  add_change(d.metrics_port());
  std::string lines;
  for (int i = 0; i < 3; ++i) lines += status_line("ctx1");
  REQUIRE(tcp_send(d.port("tcp"), lines));
  REQUIRE(eventually([&] { return jira.issues().size() == 1; }));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string status;
  REQUIRE(eventually([&] {
    status = http_get(d.metrics_port(), "/api/status");
    return parser.parse(status).get(doc) == simdjson::SUCCESS && doc.at_pointer("/problems/0/sla").is_object();
  }));
  INFO(status);
  CHECK(json_string_at(doc, "/problems/0/service/name") == "edge-gateway");
  CHECK(json_string_at(doc, "/problems/0/service/owner") == "team-edge");
  CHECK(json_string_at(doc, "/problems/0/service/environment") == "production");
  CHECK(json_string_at(doc, "/problems/0/sla/deadline") != "<absent>");
  CHECK(doc.at_pointer("/problems/0/sla/acknowledged_by").is_null());
  CHECK(json_string_at(doc, "/changes/0/id") == "CHG7");
  CHECK(json_string_at(doc, "/changes/0/by") == "alice");
  CHECK(json_string_at(doc, "/changes/0/hosts/0") == "db-*");
  CHECK(json_string_at(doc, "/changes/0/services/0") == "billing");
  CHECK(json_string_at(doc, "/changes/0/until") == "2099-01-01T00:00:00.000000Z");
  CHECK(json_string_at(doc, "/changes/0/rollback_contact") == "bob@example.com");

  // Taken on in Jira: the acknowledgement shows without waiting for the problem's next alert.
  jira.assign("OPS-1", "Dana Ops", "acc-1");
  CHECK(eventually([&] {
    return parser.parse(http_get(d.metrics_port(), "/api/problems")).get(doc) == simdjson::SUCCESS &&
           json_string_at(doc, "/problems/0/sla/acknowledged_by") == "Dana Ops";
  }));
  int code = 0;
  http_post(d.metrics_port(), "/api/changes/CHG7/end", "", &code);
  CHECK(code == 200);
  CHECK(eventually([&] { return http_get(d.metrics_port(), "/api/status").find("\"changes\":[]") != std::string::npos; }));
  CHECK(d.stop() == 0);
}

TEST_CASE("problems open before a restart are on the status page at once, with the same problem id",
          "[integration][status]") {
  auto dir = scratch("status-restart");
  write_text(dir / "rules.yaml", kStatusRules);
  const std::string config = config_with(listener("tcp", "tcp"));
  std::string problem_id;
  {
    Daemon d(dir, config);
    REQUIRE(d.ready());
    std::string lines;
    for (int i = 0; i < 3; ++i) lines += status_line("r1");
    REQUIRE(tcp_send(d.port("tcp"), lines));
    REQUIRE(eventually([&] { return alert_lines(dir / "alerts", "problem.opened", "status-probe r1").size() == 1; }));
    simdjson::dom::parser parser;
    problem_id = json_string_at(parser.parse(alert_lines(dir / "alerts", "problem.opened", "status-probe r1")[0]),
                                "/logsift/problem_id");
    REQUIRE(problem_id.size() == 16);
    REQUIRE(d.stop() == 0);  // SIGTERM: the problem goes into the snapshot
  }
  Daemon d(dir, config);
  REQUIRE(d.ready());
  const std::string problems = http_get(d.metrics_port(), "/api/problems");  // no line sent since
  INFO(problems);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(problems).get(doc) == simdjson::SUCCESS);
  CHECK(json_string_at(doc, "/problems/0/problem_id") == problem_id);
  CHECK(json_string_at(doc, "/problems/0/rule_id") == "it.status_probe");
  CHECK(json_string_at(doc, "/problems/0/state") == "open");
  CHECK(http_get(d.metrics_port(), "/").find("id=\"problem-" + problem_id + "\"") != std::string::npos);
  CHECK(d.metric("logsift_received_messages_total{listener=\"tcp\"}") == 0);
  CHECK(alert_lines(dir / "alerts", "problem.opened", "status-probe r1").size() == 1);  // nothing emitted again
  CHECK(d.stop() == 0);
}

}  // namespace logsift::integration
