// Tests for rules/import/sigma_*: each Sigma construct converted, loaded and matched, the
// refusals, correlations, and the stored SigmaHQ Linux rules.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "parsers/line_parser.h"
#include "rules/import/sigma_import.h"
#include "rules/loader.h"
#include "rules/rule_set.h"

using namespace logsift::rules_import;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("logsift-sigma-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string rule_head(const std::string& logsource = "  product: linux\n") {
  return "title: Test rule\nid: 5f1a2c3d-0000-4000-8000-000000000001\nauthor: Jane Doe, John Roe\n"
         "level: high\ntags: [attack.credential_access, attack.t1110.001]\nlogsource:\n" + logsource;
}

SigmaConversion convert_one(const std::string& yaml, const FieldMapping& mapping = FieldMapping::syslog_default()) {
  auto dir = scratch("one");
  std::ofstream(dir / "r.yml") << yaml;
  auto results = convert_sigma({(dir / "r.yml").string()}, mapping);
  REQUIRE(results.size() >= 1);
  return results[0];
}

// Which of `lines` the converted rule matches.
std::vector<bool> matches(const SigmaConversion& c, const std::vector<std::string>& lines) {
  INFO(c.refusal << "\n" << c.rule_text);
  REQUIRE(!c.rule_text.empty());
  logsift::rules::LoadedRules loaded;
  logsift::rules::load_rule_text(c.rule_text, "sigma.yaml", loaded);
  for (const auto& e : loaded.errors) FAIL(e.to_string());
  auto set = logsift::rules::RuleSet::compile(std::move(loaded.rules), {});
  REQUIRE(set);
  logsift::rules::Matcher matcher(set.value());
  logsift::parsers::LineParser parser;
  std::vector<bool> out;
  for (const auto& line : lines) out.push_back(!matcher.match(parser.parse(line)).empty());
  return out;
}

const std::string kPrefix = "Mar  9 07:12:44 edge3 sshd[2211]: ";

}  // namespace

TEST_CASE("sigma keywords match case-insensitive substrings with wildcards", "[rules_import]") {
  auto c = convert_one(rule_head() + "detection:\n  keywords:\n    - 'failed password for *root'\n    - 'a?c\\*'\n  condition: keywords\n");
  CHECK(matches(c, {kPrefix + "FAILED password for invalid user root", kPrefix + "xabc* y", kPrefix + "abc", kPrefix + "nothing"}) ==
        std::vector<bool>{true, true, false, false});
  CHECK(c.rule_text.find("uuid: '5f1a2c3d-0000-4000-8000-000000000001'") != std::string::npos);
  CHECK(c.rule_text.find("author: ['Jane Doe, John Roe']") != std::string::npos);
  CHECK(c.rule_text.find("severity: high") != std::string::npos);
  CHECK(c.rule_text.find("'attack.t1110.001'") != std::string::npos);
}

TEST_CASE("sigma modifiers contains, startswith, endswith, re, all and cidr", "[rules_import]") {
  auto c = convert_one(rule_head() + "detection:\n"
                       "  sel_start:\n    message|startswith: 'Failed'\n"
                       "  sel_end:\n    message|endswith: 'ssh2'\n"
                       "  sel_all:\n    message|contains|all: ['root', 'port']\n"
                       "  sel_re:\n    message|re: 'from (10|192)\\.'\n"
                       "  condition: all of sel_*\n");
  CHECK(matches(c, {kPrefix + "Failed password for root from 10.1.1.1 port 22 ssh2",
                    kPrefix + "failed password for root from 10.1.1.1 port 22 ssh2",  // startswith ignores case
                    kPrefix + "Failed password for root from 11.1.1.1 port 22 ssh2",
                    kPrefix + "Failed password for bob from 10.1.1.1 port 22 ssh2",
                    kPrefix + "Failed password for root from 10.1.1.1 port 22"}) ==
        std::vector<bool>{true, true, false, false, false});
  auto cidr = convert_one(rule_head() + "detection:\n  sel:\n    host|cidr: '10.20.0.0/14'\n  condition: sel\n");
  CHECK(matches(cidr, {"Mar  9 07:12:44 10.21.3.4 sshd[1]: x", "Mar  9 07:12:44 10.24.3.4 sshd[1]: x",
                       "Mar  9 07:12:44 10.20.0.0 sshd[1]: x"}) == std::vector<bool>{true, false, true});
}

TEST_CASE("sigma conditions: and, or, not, 1 of, all of them and parentheses", "[rules_import]") {
  auto c = convert_one(rule_head() + "detection:\n"
                       "  a:\n    - 'alpha'\n  b:\n    - 'beta'\n  c:\n    - 'gamma'\n  _helper:\n    - 'never used by them'\n"
                       "  filter:\n    - 'delta'\n"
                       "  condition: (a and (b or c)) and not filter\n");
  CHECK(matches(c, {kPrefix + "alpha beta", kPrefix + "gamma alpha", kPrefix + "alpha", kPrefix + "alpha beta delta"}) ==
        std::vector<bool>{true, true, false, false});
  auto one_of = convert_one(rule_head() + "detection:\n  sel_x:\n    - 'xx'\n  sel_y:\n    - 'yy'\n  condition: 1 of sel_*\n");
  CHECK(matches(one_of, {kPrefix + "a yy", kPrefix + "a xx", kPrefix + "zz"}) == std::vector<bool>{true, true, false});
  auto them = convert_one(rule_head() + "detection:\n  a:\n    - 'xx'\n  b:\n    - 'yy'\n  condition: all of them\n");
  CHECK(matches(them, {kPrefix + "yy xx", kPrefix + "xx"}) == std::vector<bool>{true, false});
  auto nested_not = convert_one(rule_head() + "detection:\n  a:\n    - 'xx'\n  b:\n    - 'yy'\n  condition: a and not (b)\n");
  CHECK(matches(nested_not, {kPrefix + "xx", kPrefix + "xx yy"}) == std::vector<bool>{true, false});
}

TEST_CASE("sigma services and exact field values become when conditions", "[rules_import]") {
  auto c = convert_one(rule_head("  product: linux\n  service: sshd\n") +
                       "detection:\n  sel:\n    host: [edge3, edge4]\n    message|contains: 'refused'\n  condition: sel\n");
  CHECK(c.rule_text.find("app: ['sshd', 'sshd-session']") != std::string::npos);
  CHECK(c.rule_text.find("host: ['edge3', 'edge4']") != std::string::npos);
  CHECK(matches(c, {kPrefix + "connection refused", "Mar  9 07:12:44 edge5 sshd[1]: refused",
                    "Mar  9 07:12:44 EDGE4 sshd[1]: refused", "Mar  9 07:12:44 edge3 cron[1]: refused"}) ==
        std::vector<bool>{true, false, true, false});
}

TEST_CASE("sigma rules that cannot be converted faithfully are refused with the reason", "[rules_import]") {
  CHECK(convert_one(rule_head("  category: process_creation\n  product: linux\n") + "detection:\n  sel:\n    Image: x\n  condition: sel\n")
            .refusal.find("category 'process_creation'") != std::string::npos);
  CHECK(convert_one(rule_head() + "detection:\n  sel:\n    CommandLine: x\n  condition: sel\n").refusal ==
        "search 'sel': field 'CommandLine' has no logsift mapping (give one with --mapping)");
  CHECK(convert_one(rule_head() + "detection:\n  sel:\n    message|base64: x\n  condition: sel\n").refusal ==
        "search 'sel': modifier 'base64' is not supported");
  CHECK(convert_one(rule_head() + "detection:\n  a:\n    host|startswith: x\n  b:\n    - y\n  condition: a or b and not a\n")
            .refusal.find("several fields") != std::string::npos);
  CHECK(convert_one(rule_head() + "detection:\n  sel:\n    - x\n  condition: sel | count() > 5\n").refusal.find("aggregation") !=
        std::string::npos);
  // A mapping file names more fields.
  auto dir = scratch("mapping");
  std::ofstream(dir / "m.yaml") << "fields:\n  CommandLine: message\n";
  auto mapping = read_field_mapping((dir / "m.yaml").string());
  REQUIRE(mapping);
  CHECK(convert_one(rule_head() + "detection:\n  sel:\n    CommandLine|contains: x\n  condition: sel\n", *mapping).refusal.empty());
}

TEST_CASE("sigma event_count and value_count correlations become problem settings", "[rules_import]") {
  const std::string base = rule_head() + "name: failed_login\ndetection:\n  sel:\n    - 'failed'\n  condition: sel\n";
  auto dir = scratch("correlation");
  std::ofstream(dir / "r.yml") << base << "---\ntitle: Many failures\nid: 5f1a2c3d-0000-4000-8000-000000000002\n"
                               << "correlation:\n  type: event_count\n  rules: [failed_login]\n  group-by: [host]\n"
                               << "  timespan: 10m\n  condition: { gte: 5 }\n";
  auto results = convert_sigma({(dir / "r.yml").string()}, FieldMapping::syslog_default());
  REQUIRE(results.size() == 2);
  CHECK(results[1].correlation);
  CHECK(results[1].refusal.empty());
  CHECK(results[0].rule_text.find("group_by: [host]") != std::string::npos);
  CHECK(results[0].rule_text.find("problem: { count: 5, within: 10m }") != std::string::npos);
  matches(results[0], {kPrefix + "failed"});  // loads and compiles

  std::ofstream(dir / "r.yml") << base << "---\ntitle: Spread\nid: 5f1a2c3d-0000-4000-8000-000000000003\n"
                               << "correlation:\n  type: value_count\n  rules: [failed_login]\n  group-by: [app]\n"
                               << "  timespan: 1h\n  condition: { gt: 2, field: host }\n---\n"
                               << "title: Sequence\nid: 5f1a2c3d-0000-4000-8000-000000000004\n"
                               << "correlation:\n  type: temporal\n  rules: [failed_login, other]\n  group-by: [host]\n"
                               << "  timespan: 1h\n";
  results = convert_sigma({(dir / "r.yml").string()}, FieldMapping::syslog_default());
  REQUIRE(results.size() == 3);
  CHECK(results[0].rule_text.find("problem: { hosts: 3, within: 1h }") != std::string::npos);
  CHECK(results[2].refusal == "refers to rule 'other', which was not converted");
}

namespace {

std::string keyword_rule(const std::string& name, int n, const std::string& keyword, const std::string& service = "") {
  return "title: " + name + "\nid: 5f1a2c3d-0000-4000-8000-00000000010" + std::to_string(n) + "\nname: " + name +
         "\nauthor: Jane Doe\nlogsource:\n  product: linux\n" + (service.empty() ? "" : "  service: " + service + "\n") +
         "detection:\n  keywords:\n    - '" + keyword + "'\n  condition: keywords\n---\n";
}

std::string temporal(const std::string& type, const std::string& rules, const std::string& extra = "  group-by: [Hostname]\n") {
  return "title: Together\nname: together\nid: 5f1a2c3d-0000-4000-8000-000000000200\nlevel: critical\ntags: [attack.t1136]\n"
         "correlation:\n  type: " + type + "\n  rules: " + rules + "\n" + extra + "  timespan: 5m\n";
}

std::vector<SigmaConversion> convert_text(const std::string& name, const std::string& yaml) {
  auto dir = scratch(name);
  std::ofstream(dir / "r.yml") << yaml;
  return convert_sigma({(dir / "r.yml").string()}, FieldMapping::syslog_default());
}

}  // namespace

TEST_CASE("sigma temporal correlations become a session rule waiting for every rule they name", "[rules_import]") {
  const std::string named = keyword_rule("failed_login", 1, "authentication failure") +
                            keyword_rule("new_user", 2, "new user: name=") + keyword_rule("sudo_shell", 3, "COMMAND=/bin/bash");
  auto results = convert_text("temporal", named + temporal("temporal", "[failed_login, new_user]"));
  REQUIRE(results.size() == 4);
  const SigmaConversion& corr = results[3];
  INFO(corr.refusal << "\n" << corr.rule_text);
  CHECK(corr.correlation);
  CHECK(corr.refusal.empty());
  CHECK(corr.rule_id == "sigma.5f1a2c3d-0000-4000-8000-000000000200");
  CHECK(corr.rule_text.find("severity: critical") != std::string::npos);
  CHECK(corr.rule_text.find("group_by: [host]") != std::string::npos);
  CHECK(corr.rule_text.find("session: { id: host, within: 5m, wait_for_all: [part_1, part_2] }") != std::string::npos);
  CHECK(corr.rule_text.find("(?<part_2>)") != std::string::npos);
  // Each pattern still matches what its Sigma rule matched.
  CHECK(matches(corr, {kPrefix + "authentication failure; user=root", kPrefix + "new user: name=x", kPrefix + "COMMAND=/bin/bash"}) ==
        std::vector<bool>{true, true, false});
  // Sigma's default `generate: false`: the named rules are no alerts of their own; the third one is.
  CHECK(results[0].only_in_correlation);
  CHECK(results[0].rule_text.empty());
  CHECK(results[1].only_in_correlation);
  CHECK(!results[2].only_in_correlation);
  CHECK(!results[2].rule_text.empty());

  auto ordered = convert_text("ordered", named + temporal("temporal_ordered", "[failed_login, new_user, sudo_shell]",
                                                         "  group-by: [host, app]\n  generate: true\n  condition: { gte: 3 }\n"));
  REQUIRE(ordered.size() == 4);
  INFO(ordered[3].refusal << "\n" << ordered[3].rule_text);
  CHECK(ordered[3].rule_text.find("group_by: [host, app]") != std::string::npos);
  CHECK(ordered[3].rule_text.find("session: { id: app, within: 5m, wait_for_all: [part_1, part_2, part_3], in_order: true }") !=
        std::string::npos);
  matches(ordered[3], {kPrefix + "x"});  // loads and compiles
  CHECK(!ordered[0].rule_text.empty());  // generate: true keeps the named rules
}

TEST_CASE("sigma temporal correlations logsift cannot hold are refused with the reason", "[rules_import]") {
  const std::string named = keyword_rule("failed_login", 1, "authentication failure") +
                            keyword_rule("new_user", 2, "new user: name=") + keyword_rule("sudo_shell", 3, "sudo", "sudo");
  auto refusal = [&](const std::string& corr) {
    auto results = convert_text("temporal-refused", named + corr);
    REQUIRE(results.size() == 4);
    CHECK(results[3].rule_text.empty());
    CHECK(!results[0].only_in_correlation);  // a refused correlation leaves its rules alone
    return results[3].refusal;
  };
  CHECK(refusal(temporal("temporal", "[failed_login, new_user]", "  group-by: [Hostname]\n  condition: { gte: 1 }\n")) ==
        "condition asks for 1 of the 2 rules; a logsift session waits for all of them");
  CHECK(refusal(temporal("temporal", "[failed_login, new_user]", "  group-by: [Hostname]\n  condition: { lt: 2 }\n"))
            .find("condition 'lt'") != std::string::npos);
  CHECK(refusal(temporal("temporal", "[failed_login, new_user]", "  group-by: [app]\n")) ==
        "group-by without the host: logsift sessions never span hosts");
  CHECK(refusal(temporal("temporal", "[failed_login, new_user]", "  group-by: [host, User]\n"))
            .find("group-by field 'User' has no logsift field") != std::string::npos);
  CHECK(refusal(temporal("temporal", "[failed_login, sudo_shell]")).find("differ in programs") != std::string::npos);
  CHECK(refusal(temporal("temporal", "[failed_login, together]")) ==
        "refers to correlation 'together': correlations over correlations have no logsift equivalent");
  CHECK(refusal(temporal("temporal", "[failed_login]")) == "a temporal correlation needs at least two rules");
}

TEST_CASE("the stored SigmaHQ Linux builtin rules convert and load", "[rules_import]") {
  const fs::path corpus = fs::path(LOGSIFT_SHARED_DIR) / "corpora/sigma-linux/rules";
  if (!fs::exists(corpus)) {
    WARN("skipped: " << corpus.string() << " not found");
    return;
  }
  auto results = convert_sigma({corpus.string()}, FieldMapping::syslog_default());
  std::size_t converted = 0, correlations = 0, correlations_refused = 0;
  for (const auto& r : results) {
    INFO(r.source << ": " << r.refusal);
    if (r.correlation) {
      ++correlations;
      if (!r.refusal.empty()) {
        ++correlations_refused;
        WARN(r.source << ": correlation refused: " << r.refusal);
      }
    }
    if (r.rule_text.empty()) continue;
    ++converted;
    logsift::rules::LoadedRules loaded;
    logsift::rules::load_rule_text(r.rule_text, r.source, loaded);
    CHECK(loaded.ok());
    auto set = logsift::rules::RuleSet::compile(std::move(loaded.rules), {});
    CHECK(set);
  }
  WARN("sigma-linux: " << converted << " of " << results.size() << " rules converted; " << correlations
                        << " correlations, " << correlations_refused << " refused");
  CHECK(results.size() == 22);
  CHECK(converted == 22);
}
