// Tests for rules/import/fail2ban_*: the INI dialect, tag expansion, regex rewrites, dates, and
// whole filters imported, loaded and matched.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "rules/import/fail2ban_config.h"
#include "rules/import/fail2ban_import.h"
#include "rules/import/fail2ban_regex.h"
#include "rules/loader.h"
#include "rules/rule_set.h"
#include "parsers/line_parser.h"

using namespace logsift::rules_import;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("logsift-f2b-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// Imports `conf`, compiles the rule and returns the captures of the first match per line
// ("" for no match, else "source_ip=..;user_name=..").
std::vector<std::string> run(const fs::path& conf, const std::vector<std::string>& lines,
                             const Fail2banImportOptions& options = {}) {
  auto imported = import_fail2ban_filter(conf.string(), options);
  REQUIRE(imported);
  INFO(imported->rule_text);
  logsift::rules::LoadedRules loaded;
  logsift::rules::load_rule_text(imported->rule_text, "imported.yaml", loaded);
  for (const auto& e : loaded.errors) FAIL(e.to_string());
  auto set = logsift::rules::RuleSet::compile(std::move(loaded.rules), {});
  REQUIRE(set);
  logsift::rules::Matcher matcher(set.value());
  logsift::parsers::LineParser parser;
  std::vector<std::string> out;
  for (const auto& line : lines) {
    auto record = parser.parse(line);
    auto matches = matcher.match(record);
    if (matches.empty()) {
      out.emplace_back();
      continue;
    }
    std::string fields = "match";
    for (const auto& c : matcher.fields(matches[0])) {
      if (c.name == "source_ip" || c.name == "user_name" || c.name == "failure_id" || c.name == "source_domain")
        fields += ";" + std::string(c.name) + "=" + std::string(c.value);
    }
    out.push_back(fields);
  }
  return out;
}

}  // namespace

TEST_CASE("fail2ban files are read with .local, includes, known values and Init overrides", "[rules_import]") {
  auto dir = scratch("ini");
  write(dir / "common.conf", "[INCLUDES]\nafter = common.local\n[DEFAULT]\n_daemon = \\S*\n__prefix = <_daemon>\\[\\d+\\]:\n");
  write(dir / "common.local", "[DEFAULT]\n__prefix = %(known/__prefix)s\\s*\n");
  write(dir / "x.conf",
        "[INCLUDES]\nbefore = common.conf\n\n[Definition]\n_daemon = sshd\nmode = normal\n"
        "re-normal = ^%(__prefix)s bad <F-USER>\\S+</F-USER> from <HOST>$\n"
        "re-extra = ^%(__prefix)s worse from <HOST>$\n"
        "failregex = <re-<mode>>\n"
        "            ; a comment inside the value\n"
        "            ^%(__prefix)s also from <ADDR>$\n"
        "ignoreregex =\n"
        "[Init]\nmode = extra\n");
  write(dir / "x.local", "[Definition]\n_daemon = sshd2\n");
  auto config = read_fail2ban_ini((dir / "x.conf").string());
  REQUIRE(config);
  CHECK(config->files.size() == 4);  // common.conf, common.local, x.conf, x.local
  auto filter = resolve_fail2ban_filter(*config, "x", {});
  if (!filter) FAIL(filter.error());
  REQUIRE(filter->failregex.size() == 2);
  // [Init] beats [Definition]; x.local's _daemon beats x.conf's; known/ extends the earlier value.
  CHECK(filter->failregex[0].first == "^sshd2\\[\\d+\\]:\\s* worse from <HOST>$");
  CHECK(filter->failregex[1].first == "^sshd2\\[\\d+\\]:\\s* also from <ADDR>$");
  CHECK(filter->failregex[0].second.file == (dir / "x.conf").string());
  // Caller options beat [Init].
  auto normal = resolve_fail2ban_filter(*config, "x", {{"mode", "normal"}});
  REQUIRE(normal);
  CHECK(normal->failregex[0].first == "^sshd2\\[\\d+\\]:\\s* bad <F-USER>\\S+</F-USER> from <HOST>$");
}

TEST_CASE("fail2ban tags expand to ECS captures and Python-only syntax is rewritten", "[rules_import]") {
  RegexContext context;
  auto host = expand_fail2ban_regex("from <HOST> user <F-USER>\\S+</F-USER> id <F-ID/> x{,3}((?i)ab)", context);
  REQUIRE(host);
  CHECK(host->find("(?P<source_ip>(?:\\d{1,3}\\.){3}\\d{1,3})") != std::string::npos);
  CHECK(host->find("(?P<source_domain>") != std::string::npos);
  CHECK(host->find("(?<=") == std::string::npos);  // the <IP6> look-behind is gone
  CHECK(host->find("(?P<user_name>\\S+)") != std::string::npos);
  CHECK(host->find("(?P<failure_id>\\S+)") != std::string::npos);
  CHECK(host->find("x{0,3}(?i:ab)") != std::string::npos);
  context.usedns = "no";
  CHECK(expand_fail2ban_regex("<HOST>", context)->find("source_domain") == std::string::npos);
  CHECK_FALSE(expand_fail2ban_regex("a<SKIPLINES>b", context));
  // A closing tag that was never opened stays literal, as in fail2ban.
  CHECK(*expand_fail2ban_regex("a</F-USER>", context) == "a</F-USER>");
}

TEST_CASE("fail2ban time syntax converts to seconds", "[rules_import]") {
  CHECK(fail2ban_seconds("600") == 600);
  CHECK(fail2ban_seconds("10m") == 600);
  CHECK(fail2ban_seconds("1h 30m") == 5400);
  CHECK(fail2ban_seconds("1d") == 86400);
  CHECK(fail2ban_seconds("2w") == 1209600);
  CHECK_FALSE(fail2ban_seconds("-1"));
  CHECK_FALSE(fail2ban_seconds("soon"));
}

TEST_CASE("date patterns become regexes, {NONE} none, unknown directives an error", "[rules_import]") {
  CHECK(date_regex_for("")->size() > 100);
  CHECK(date_regex_for("{NONE}")->empty());
  CHECK(*date_regex_for("^%%Y %Y") == "(?i:%Y \\d{4})");
  CHECK(*date_regex_for("Epoch") == "(?i:\\d{10,11}(?:\\.\\d{3,6})?)");
  CHECK_FALSE(date_regex_for("%Q"));
}

TEST_CASE("an imported filter matches like fail2ban: date, prefregex content, ignore, nofail", "[rules_import]") {
  auto dir = scratch("filter");
  write(dir / "demo.conf",
        "[Definition]\n"
        "prefregex = ^(?:\\[\\])?\\s*\\S+ demo\\[\\d+\\]: <F-CONTENT>.+</F-CONTENT>$\n"
        "failregex = ^auth failed for <F-USER>\\S+</F-USER> from <HOST>( port \\d+)?$\n"
        "            ^<F-NOFAIL>probe</F-NOFAIL> from <HOST>$\n"
        "            session \\d+ refused <HOST>$\n"
        "            ^only a user <F-USER>\\S+</F-USER>$\n"
        "ignoreregex = from 10\\.\n");
  auto imported = import_fail2ban_filter((dir / "demo.conf").string(), {});
  REQUIRE(imported);
  CHECK(imported->patterns == 3);
  REQUIRE(imported->notes.size() == 1);
  CHECK(imported->notes[0].find("demo.conf:3: failregex 4: yields no address") != std::string::npos);
  auto got = run(dir / "demo.conf", {
      "Mar  9 07:12:44 edge3 demo[12]: auth failed for root from 203.0.113.7 port 22",
      "[2005-01-23 21:59:59] edge3 demo[12]: auth failed for bob from example.org",
      "Mar  9 07:12:44 edge3 demo[12]: auth failed for root from 10.0.0.1",
      "Mar  9 07:12:44 edge3 demo[12]: probe from 203.0.113.7",
      "Mar  9 07:12:44 edge3 demo[12]: xx session 12 refused 2001:db8::1",
      "Mar  9 07:12:44 edge3 other[12]: auth failed for root from 203.0.113.7",
  });
  CHECK(got[0] == "match;source_ip=203.0.113.7;user_name=root");
  CHECK(got[1] == "match;source_domain=example.org;user_name=bob");
  CHECK(got[2].empty());  // ignoreregex
  CHECK(got[3].empty());  // <F-NOFAIL>: not a failure
  CHECK(got[4] == "match;source_ip=2001:db8::1");
  CHECK(got[5].empty());  // prefregex gates on the program
}

TEST_CASE("a jail's maxretry, findtime and bantime become the rule's problem", "[rules_import]") {
  auto dir = scratch("jail");
  write(dir / "demo.conf", "[Definition]\nmode = normal\nfailregex = ^bad <mode> from <HOST>$\n");
  write(dir / "jail.conf",
        "[DEFAULT]\nmaxretry = 5\nfindtime = 10m\nbantime = 1h\nmode = normal\nfilter = %(__name__)s[mode=%(mode)s]\n"
        "[demo]\nmode = aggressive\nmaxretry = 3\n");
  Fail2banImportOptions options;
  options.jail_file = (dir / "jail.conf").string();
  auto imported = import_fail2ban_filter((dir / "demo.conf").string(), options);
  REQUIRE(imported);
  INFO(imported->rule_text);
  CHECK(imported->rule_text.find("problem: { count: 3, within: 10m, resolve_after: 1h }") != std::string::npos);
  CHECK(imported->rule_text.find("bad aggressive from") != std::string::npos);
}
