// The status page of a real logsiftd, loaded in headless Chromium: a problem the test opens is on
// the page with its id, rule, sample line and Jira ticket link, a script in a log line stays text,
// and a screenshot lands in the test's output folder.
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
  write_text(dir / "rules.yaml", kStatusRules);
  write_text(dir / "token", "pat-123\n");
  const std::string sinks = "sinks:\n"
                            "  - name: alerts\n    type: file\n    dir: alerts\n"
                            "  - name: jira\n    type: jira\n    url: " + jira.url() +
                            "\n    project: OPS\n    token_file: token\n";
  Daemon d(dir, config_with(listener("tcp", "tcp"), sinks + "trend:\n  enabled: true\n"));
  REQUIRE(d.ready());

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

}  // namespace logsift::integration
