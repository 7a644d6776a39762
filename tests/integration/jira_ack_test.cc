// Acknowledgement from the ticket, end to end: a real logsiftd opens Jira issues in FakeJira for
// its problems; an issue assigned, or moved to an acknowledging status, acknowledges its problem
// (no problem.escalated at the SLA deadline, acknowledged_by on its next alert), a failing Jira
// is counted and asked again, and an untouched problem escalates as before.
#include "tests/integration/daemon_harness.h"
#include "tests/sinks/fake_jira.h"

namespace logsift::integration {
namespace {

using sinks::testing::FakeJira;

constexpr const char* kAckRules = R"(ruleset: it
rules:
  - id: it.ack_probe
    name: Acknowledgement probe
    match: 'ack-probe (?<probe_id>\S+) failed'
    severity: high
    group_by: [probe_id]
    problem: { count: 3, within: 10m, resolve_after: 1h }
)";

std::string probe_lines(const std::string& probe, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "<11>Mar  9 07:12:44 edge3 app: ack-probe " + probe + " failed\n";
  return out;
}

bool has_line_with(const fs::path& dir, const std::string& action, const std::string& needle, const std::string& also) {
  for (const auto& l : alert_lines(dir, action, needle)) {
    if (l.find(also) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a Jira issue assigned or moved to an acknowledging status acknowledges its problem; Jira failing is counted",
          "[integration][jira][sla]") {
  auto dir = scratch("jira-ack");
  FakeJira jira;
  write_text(dir / "rules.yaml", kAckRules);
  write_text(dir / "token", "pat-123\n");
  const std::string extra = "sinks:\n"
                            "  - name: alerts\n    type: file\n    dir: alerts\n"
                            "  - name: tickets\n    type: jira\n    url: " + jira.url() +
                            "\n    project: OPS\n    token_file: token\n    retry_initial: 100ms\n    retry_max: 200ms\n"
                            "    ack_poll: 100ms\n    ack_statuses: [\"In Progress\"]\n"
                            "sla:\n  response:\n    high: { \"*\": 6s }\n";
  std::string config = config_with(listener("tcp", "tcp"), extra);
  const std::string detect = "detect:\n  state_dir: state\n";
  config.replace(config.find(detect), detect.size(), detect + "  update_interval: 100ms\n");
  Daemon d(dir, config);
  REQUIRE(d.ready());
  const std::string acks = "logsift_sink_acknowledgements_total{sink=\"tickets\",type=\"jira\"}";
  const std::string failures = "logsift_sink_ack_poll_failures_total{sink=\"tickets\",type=\"jira\"}";

  // Problem a1 gets OPS-1, which somebody takes.
  REQUIRE(tcp_send(d.port("tcp"), probe_lines("a1", 3)));
  REQUIRE(eventually([&] { return jira.issues().size() == 1; }));
  jira.assign("OPS-1", "Dana Ops", "5b10ac8d82e05b22cc7d4ef5");
  REQUIRE(eventually([&] { return d.metric(acks) == 1; }));
  CHECK(d.metric("logsift_problems_acknowledged_total") == 1);
  REQUIRE(tcp_send(d.port("tcp"), probe_lines("a1", 1)));
  CHECK(eventually([&] { return has_line_with(dir / "alerts", "problem.updated", "ack-probe a1", "\"acknowledged_by\":\"Dana Ops\""); }));

  // Problems b2 and c3 get OPS-2 and OPS-3; then Jira fails for a while.
  REQUIRE(tcp_send(d.port("tcp"), probe_lines("b2", 3)));
  REQUIRE(eventually([&] { return jira.issues().size() == 2; }));
  REQUIRE(tcp_send(d.port("tcp"), probe_lines("c3", 3)));
  REQUIRE(eventually([&] { return jira.issues().size() == 3; }));
  jira.go_down();
  REQUIRE(eventually([&] { return d.metric(failures) >= 1; }));
  jira.come_back();
  jira.move_to("OPS-2", "In Progress");
  REQUIRE(eventually([&] { return d.metric(acks) == 2; }));
  REQUIRE(tcp_send(d.port("tcp"), probe_lines("b2", 1)));
  CHECK(eventually([&] { return has_line_with(dir / "alerts", "problem.updated", "ack-probe b2", "\"acknowledged_by\":\"jira:OPS-2\""); }));

  // c3, untouched, escalates at its deadline, the latest of the three: a1 and b2 never do.
  REQUIRE(eventually([&] { return alert_lines(dir / "alerts", "problem.escalated", "ack-probe c3").size() == 1; }));
  CHECK(alert_lines(dir / "alerts", "problem.escalated", "ack-probe a1").empty());
  CHECK(alert_lines(dir / "alerts", "problem.escalated", "ack-probe b2").empty());
  CHECK(d.metric("logsift_problems_escalated_total") == 1);
  CHECK(d.metric("logsift_sink_ack_polls_total{sink=\"tickets\",type=\"jira\"}") >= 2);
  CHECK(d.stop() == 0);
}

}  // namespace logsift::integration
