// Sigma temporal correlations through the operator's commands: `logsift import sigma` writes a
// session rule, `logsift check` accepts it, and `logsift test` shows its incident only on the line
// that completes every named rule (in order for temporal_ordered) on one host within the timespan.
#include <catch2/catch.hpp>
#include <simdjson.h>

#include <set>
#include <sstream>

#include "cli_test_support.h"

using namespace logsift::cli::testing;

namespace {

std::string keyword_rule(const std::string& name, int n, const std::string& keyword) {
  return "title: " + name + "\nid: 7c3e1f00-0000-4000-8000-00000000000" + std::to_string(n) + "\nname: " + name +
         "\nauthor: Jane Doe\nlevel: low\nlogsource:\n  product: linux\n"
         "detection:\n  keywords:\n    - '" + keyword + "'\n  condition: keywords\n---\n";
}

const std::string kSigma =
    keyword_rule("failed_login", 1, "authentication failure") + keyword_rule("new_user", 2, "new user: name=") +
    keyword_rule("root_shell", 3, "COMMAND=/bin/bash") +
    "title: Failed login and a new user\nid: 7c3e1f00-0000-4000-8000-000000000010\nlevel: high\n"
    "correlation:\n  type: temporal\n  rules: [failed_login, new_user]\n  group-by: [Hostname]\n  timespan: 5m\n---\n"
    "title: Failed login, new user, root shell\nid: 7c3e1f00-0000-4000-8000-000000000011\nlevel: critical\n"
    "correlation:\n  type: temporal_ordered\n  rules: [failed_login, new_user, root_shell]\n  group-by: [host]\n"
    "  timespan: 10m\n";

const char* kTemporal = "sigma.7c3e1f00-0000-4000-8000-000000000010";
const char* kOrdered = "sigma.7c3e1f00-0000-4000-8000-000000000011";

std::string failed(const char* time, const char* host) {
  return std::string("Mar  9 ") + time + " " + host + " login[100]: pam_unix(login:auth): authentication failure; user=root\n";
}
std::string new_user(const char* time, const char* host) {
  return std::string("Mar  9 ") + time + " " + host + " useradd[101]: new user: name=backdoor, UID=0, GID=0\n";
}
std::string root_shell(const char* time, const char* host) {
  return std::string("Mar  9 ") + time + " " + host + " sudo[102]: backdoor : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/bash\n";
}

// The rules each line of `logsift test` output matched.
std::vector<std::set<std::string>> matched_rules(const std::string& out) {
  std::vector<std::set<std::string>> lines;
  simdjson::dom::parser parser;
  std::istringstream in(out);
  std::string text;
  while (std::getline(in, text)) {
    simdjson::dom::element doc;
    REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
    std::set<std::string> rules;
    for (auto m : doc["matches"].get_array()) {
      std::string_view v;
      if (m["rule"].get(v) == simdjson::SUCCESS) rules.emplace(v);
    }
    lines.push_back(rules);
  }
  return lines;
}

}  // namespace

TEST_CASE("imported sigma temporal correlations fire only when every rule matched on one host within the timespan",
          "[cli][session]") {
  auto dir = scratch_dir("sigma-temporal");
  write_file(dir / "linux.yml", kSigma);
  auto imported = run_logsift("import sigma '" + (dir / "linux.yml").string() + "' --out '" + (dir / "rules").string() + "'", dir);
  INFO(imported.out << imported.err);
  REQUIRE(imported.status == 0);
  CHECK(imported.out.find("2 rule files written") != std::string::npos);
  CHECK(imported.out.find("2 correlations applied; 3 rules only inside a correlation; 0 rules not converted") !=
        std::string::npos);
  const std::string ordered_text = read_file(dir / "rules" / (std::string(kOrdered) + ".yaml"));
  INFO(ordered_text);
  CHECK(ordered_text.find("session: { id: host, within: 10m, wait_for_all: [part_1, part_2, part_3], in_order: true }") !=
        std::string::npos);

  auto checked = run_logsift("check '" + (dir / "rules").string() + "'", dir);
  INFO(checked.out << checked.err);
  REQUIRE(checked.status == 0);

  const std::string log = failed("07:00:00", "edge1") + new_user("07:01:00", "edge1") +  // temporal
                          root_shell("07:02:00", "edge1") +                             // ordered
                          root_shell("07:10:00", "edge2") + new_user("07:10:10", "edge2") +
                          failed("07:10:20", "edge2") +  // temporal (any order); not in order
                          failed("07:20:00", "edge3") + new_user("07:26:00", "edge3") +  // six minutes: not temporal
                          root_shell("07:27:00", "edge4") +                              // another host
                          root_shell("07:28:00", "edge3");                               // ordered, run of eight minutes
  write_file(dir / "auth.log", log);
  auto tested = run_logsift("test --rules '" + (dir / "rules").string() + "' '" + (dir / "auth.log").string() + "'", dir);
  INFO(tested.err);
  REQUIRE(tested.status == 0);
  INFO(tested.out);
  const auto lines = matched_rules(tested.out);
  using Rules = std::set<std::string>;
  const std::vector<Rules> expected = {{}, {kTemporal}, {kOrdered}, {}, {}, {kTemporal}, {}, {}, {}, {kOrdered}};
  CHECK(lines == expected);
}
