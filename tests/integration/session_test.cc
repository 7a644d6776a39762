// Rules with `session:` in the running daemon: sshd lines of one connection sent over TCP, each
// incident alert carrying the address and user name merged from the connection's lines.
#include "tests/integration/daemon_harness.h"

using namespace logsift::integration;

namespace {

// sshd names the address and the user on different lines of one process (the session id).
const char* kSessionRules = R"(ruleset: it
rules:
  - id: it.sshd_session
    name: SSH connection failed authentication
    field: original
    match:
      - '\ssshd\[(?<session_id>\d+)\]: (?<session_note>Connection from) (?<source_ip>\S+) port \d+'
      - '\ssshd\[(?<session_id>\d+)\]: Disconnecting: Too many authentication failures for (?<user_name>\S+)'
      - '\ssshd\[(?<session_id>\d+)\]: Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
      - '\ssshd\[(?<session_id>\d+)\]: (?<session_success>Accepted) \w+ for (?<user_name>\S+) from (?<source_ip>\S+)'
      - '\ssshd\[(?<session_id>\d+)\]: (?<session_note>(?<session_end>Connection closed)) by (?<source_ip>\S+)'
    group_by: [source_ip]
    session: { id: session_id, within: 5m, wait_for: [source_ip], distinct: user_name }
)";

std::string sshd(const std::string& host, int pid, const std::string& text) {
  return "<38>Mar  9 07:12:44 " + host + " sshd[" + std::to_string(pid) + "]: " + text + "\n";
}

std::string string_at(simdjson::dom::element doc, const char* pointer) {
  std::string_view v;
  if (doc.at_pointer(pointer).get_string().get(v) != simdjson::SUCCESS) return {};
  return std::string(v);
}

}  // namespace

TEST_CASE("incidents of a session rule carry the address and user merged from the connection's lines", "[integration][session]") {
  auto dir = scratch("session");
  write_text(dir / "rules.yaml", kSessionRules);
  Daemon d(dir, config_with(listener("tcp", "tcp")));
  REQUIRE(d.ready());
  std::string traffic;
  // 4711: address first, failure later, interleaved with another connection.
  traffic += sshd("bastion1", 4711, "Connection from 203.0.113.45 port 51122 on 10.0.0.5 port 22");
  traffic += sshd("bastion1", 4712, "Connection from 198.51.100.20 port 40022 on 10.0.0.5 port 22");
  traffic += sshd("bastion1", 4711, "Disconnecting: Too many authentication failures for root [preauth]");
  // 4712 logs in: no incident.
  traffic += sshd("bastion1", 4712, "Accepted publickey for deploy from 198.51.100.20 port 40022 ssh2");
  // 4713: the failure comes before any address and waits for the closing line.
  traffic += sshd("bastion1", 4713, "Disconnecting: Too many authentication failures for admin [preauth]");
  traffic += sshd("bastion1", 4713, "Connection closed by 192.0.2.9 port 5555 [preauth]");
  // The same process id on another host is another session: it never learns an address.
  traffic += sshd("bastion2", 4711, "Disconnecting: Too many authentication failures for oracle [preauth]");
  REQUIRE(tcp_send(d.port("tcp"), traffic));
  REQUIRE(eventually([&] { return d.metric("logsift_incidents_total") == 2; }));
  CHECK(d.metric("logsift_session_merges_total") == 2);
  CHECK(d.metric("logsift_sessions_ended_total") == 1);
  CHECK(d.metric("logsift_sessions_open") == 3);  // 4711 and 4712 on bastion1, 4711 on bastion2
  REQUIRE(d.stop() == 0);

  auto alerts = decode_alerts(dir / "alerts");
  simdjson::dom::parser parser;
  std::map<std::string, std::string> user_by_ip;
  for (const std::string& line : alerts.lines) {
    INFO(line);
    simdjson::dom::element a = parser.parse(line);
    if (string_at(a, "/event/action") != "incident") continue;
    CHECK(string_at(a, "/host/name") == "bastion1");
    user_by_ip[string_at(a, "/source/ip")] = string_at(a, "/user/name");
  }
  CHECK(user_by_ip == std::map<std::string, std::string>{{"203.0.113.45", "root"}, {"192.0.2.9", "admin"}});
}
