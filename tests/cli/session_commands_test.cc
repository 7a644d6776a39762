// Multi-line sessions through the operator's commands: a fail2ban filter that ties lines together
// with <F-MLFID> imported by `logsift import fail2ban`, then replayed by `logsift test` and
// `logsift explain -`, which must show the incident with the address and user of the session.
#include <catch2/catch.hpp>
#include <simdjson.h>

#include <sstream>

#include "cli_test_support.h"

using namespace logsift::cli::testing;
namespace fs = std::filesystem;

namespace {

// The shape of fail2ban's sshd.conf: the prefix (host, program, pid) is the session id; notes
// name the address; a failure may name only the user; success and disconnects steer the session.
const char* kFilter = R"([Definition]
_daemon = sshd
__prefix_line = \s*\S+ %(_daemon)s\[\d+\]:\s+
prefregex = ^<F-MLFID>%(__prefix_line)s</F-MLFID><F-CONTENT>.+</F-CONTENT>$
failregex = ^Failed password for <F-USER>\S+</F-USER> from <HOST> port \d+
            ^Disconnecting: Too many authentication failures for <F-USER>\S+</F-USER>
            ^<F-NOFAIL>Connection from</F-NOFAIL> <HOST>
            ^<F-MLFFORGET><F-MLFGAINED>Accepted \w+</F-MLFGAINED></F-MLFFORGET> for <F-USER>\S+</F-USER> from <HOST>
            ^<F-NOFAIL><F-MLFFORGET>Connection closed</F-MLFFORGET></F-NOFAIL> by <HOST>
maxlines = 1
)";

const char* kLog =
    "Mar  9 07:12:40 bastion1 sshd[4711]: Connection from 203.0.113.45 port 51122 on 10.0.0.5 port 22\n"
    "Mar  9 07:12:41 bastion1 sshd[4712]: Connection from 198.51.100.20 port 40022 on 10.0.0.5 port 22\n"
    "Mar  9 07:12:50 bastion1 sshd[4711]: Disconnecting: Too many authentication failures for root [preauth]\n"
    "Mar  9 07:12:51 bastion1 sshd[4712]: Accepted publickey for deploy from 198.51.100.20 port 40022 ssh2\n"
    "Mar  9 07:12:52 bastion1 sshd[4713]: Disconnecting: Too many authentication failures for admin [preauth]\n"
    "Mar  9 07:12:53 bastion1 sshd[4713]: Connection closed by 192.0.2.9 port 5555 [preauth]\n";

struct Line {
  std::string matched_rule, source_ip, user_name, held_as;
};

std::vector<Line> parse_test_output(const std::string& out) {
  std::vector<Line> lines;
  simdjson::dom::parser parser;
  std::istringstream in(out);
  std::string text;
  while (std::getline(in, text)) {
    simdjson::dom::element doc;
    REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
    Line l;
    for (auto m : doc["matches"].get_array()) {
      std::string_view v;
      if (m["rule"].get(v) == simdjson::SUCCESS) l.matched_rule = v;
      if (m["fields"]["source_ip"].get(v) == simdjson::SUCCESS) l.source_ip = v;
      if (m["fields"]["user_name"].get(v) == simdjson::SUCCESS) l.user_name = v;
    }
    simdjson::dom::array held;
    if (doc["held"].get(held) == simdjson::SUCCESS) {
      for (auto h : held) {
        std::string_view v;
        if (h["session"].get(v) == simdjson::SUCCESS) l.held_as = v;
      }
    }
    lines.push_back(l);
  }
  return lines;
}

}  // namespace

TEST_CASE("an imported fail2ban session filter yields incidents with the session's address and user", "[cli][session]") {
  auto dir = scratch_dir("session-import");
  write_file(dir / "sshd.conf", kFilter);
  write_file(dir / "auth.log", kLog);
  auto imported = run_logsift("import fail2ban '" + (dir / "sshd.conf").string() + "' --out '" + (dir / "rules").string() + "'", dir);
  INFO(imported.out << imported.err);
  REQUIRE(imported.status == 0);
  const std::string rule_text = read_file(dir / "rules" / "sshd.yaml");
  INFO(rule_text);
  CHECK(rule_text.find("session: { id: session_id, within: 5m, wait_for: [source_ip, source_domain], distinct: [user_name] }") != std::string::npos);
  CHECK(rule_text.find("yields no address") == std::string::npos);  // the user-only failure is kept

  auto tested = run_logsift("test --rules '" + (dir / "rules").string() + "' '" + (dir / "auth.log").string() + "'", dir);
  INFO(tested.err);
  REQUIRE(tested.status == 0);
  INFO(tested.out);
  const auto lines = parse_test_output(tested.out);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0].matched_rule.empty());
  CHECK(lines[0].held_as == "noted");
  CHECK(lines[1].held_as == "noted");
  CHECK(lines[2].matched_rule == "fail2ban.sshd");
  CHECK(lines[2].source_ip == "203.0.113.45");  // from line 1, same process
  CHECK(lines[2].user_name == "root");
  CHECK(lines[3].matched_rule.empty());  // a login is no failure
  CHECK(lines[4].matched_rule.empty());
  CHECK(lines[4].held_as == "waiting");  // no address yet
  CHECK(lines[5].matched_rule == "fail2ban.sshd");
  CHECK(lines[5].source_ip == "192.0.2.9");
  CHECK(lines[5].user_name == "admin");

  // `logsift explain -` runs the same step and says what the session made of each line.
  // (run_logsift gives the command /dev/null as standard input, so the log goes in by hand here)
  const std::string command = std::string(LOGSIFT_CLI_PATH) + " explain --rules '" + (dir / "rules").string() + "' - <'" +
                              (dir / "auth.log").string() + "' >'" + (dir / "explain.txt").string() + "' 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  const std::string explained = read_file(dir / "explain.txt");
  INFO(explained);
  CHECK(explained.find("session: noted") != std::string::npos);
  CHECK(explained.find("session: waiting") != std::string::npos);
  CHECK(explained.find("session: incident, with the session's fields:") != std::string::npos);
  CHECK(explained.find("source_ip=\"203.0.113.45\"") != std::string::npos);
}

TEST_CASE("a fail2ban regex spanning lines becomes a session rule: the last line fails only after the first", "[cli][session]") {
  auto dir = scratch_dir("session-lines");
  // mongodb-auth.conf's shape: the failure and the address are on two lines of one connection.
  write_file(dir / "mongo.conf", R"([Definition]
failregex = ^\s+\[conn(?P<__connid>\d+)\] Failed to authenticate [^\n]+<SKIPLINES>\s+\[conn(?P=__connid)\] end connection <HOST>
[Init]
maxlines = 10
)");
  write_file(dir / "mongo.log",
             "2016-11-20T00:04:00.110+0100 [conn1] Failed to authenticate root@admin with mechanism MONGODB-CR\n"
             "2016-11-20T00:04:00.110+0100 [conn2] end connection 192.0.2.9:53276 (1 connection now open)\n"
             "2016-11-20T00:04:00.111+0100 [conn1] end connection 192.0.2.35:53276 (0 connections now open)\n"
             "2016-11-20T00:04:01.000+0100 [conn1] end connection 192.0.2.35:53276 (0 connections now open)\n");
  auto imported = run_logsift("import fail2ban '" + (dir / "mongo.conf").string() + "' --out '" + (dir / "rules").string() + "'", dir);
  INFO(imported.out << imported.err);
  REQUIRE(imported.status == 0);
  const std::string rule_text = read_file(dir / "rules" / "mongo.yaml");
  INFO(rule_text);
  CHECK(rule_text.find("id: 'fail2ban.mongo.lines1'") != std::string::npos);
  CHECK(rule_text.find("session: { id: session_id, within: 5m, wait_for: [first_line] }") != std::string::npos);

  auto tested = run_logsift("test --rules '" + (dir / "rules").string() + "' '" + (dir / "mongo.log").string() + "'", dir);
  INFO(tested.err);
  REQUIRE(tested.status == 0);
  INFO(tested.out);
  const auto lines = parse_test_output(tested.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].held_as == "noted");
  CHECK(lines[1].matched_rule.empty());  // another connection, no failure before it
  CHECK(lines[2].matched_rule == "fail2ban.mongo.lines1");
  CHECK(lines[2].source_ip == "192.0.2.35");
  CHECK(lines[3].matched_rule.empty());  // the session ended with the line before
}

TEST_CASE("a session that names a capture the rule does not have is refused with its line", "[cli][session]") {
  auto dir = scratch_dir("session-check");
  write_file(dir / "rules.yaml", R"(ruleset: t
rules:
  - id: t.session
    name: Session rule
    match: 'sshd\[(?<pid>\d+)\]: (?<session_note>Connection from) (?<source_ip>\S+)'
    session: { id: session_id, wait_for: [source_ip] }
  - id: t.flag
    name: Flag without session
    match: '(?<session_end>closed)'
)");
  auto checked = run_logsift("check '" + (dir / "rules.yaml").string() + "'", dir);
  CHECK(checked.status != 0);
  INFO(checked.err);
  CHECK(checked.err.find("rules.yaml:6: rule t.session: session id 'session_id' is neither a named group") != std::string::npos);
  CHECK(checked.err.find("rule t.flag: a pattern captures 'session_end', which only means something with 'session:'") != std::string::npos);
}
