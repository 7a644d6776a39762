#include "rules/import/fail2ban_import.h"

#include <algorithm>
#include <filesystem>

#include "rules/import/fail2ban_config.h"
#include "rules/import/fail2ban_regex.h"
#include "rules/import/rule_text.h"

namespace logsift::rules_import {

namespace {

std::string options_text(const std::vector<std::pair<std::string, std::string>>& options) {
  std::string out;
  for (const auto& [k, v] : options) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out;
}

// The problem: block from a jail's thresholds; notes what it cannot express.
std::string problem_from_jail(const JailSettings& jail, std::vector<std::string>& notes) {
  std::string out;
  const std::string where = jail.at.to_string() + ": jail [" + jail.jail + "]: ";
  if (!jail.maxretry.empty()) {
    auto n = fail2ban_seconds(jail.maxretry);  // a plain number
    if (n && *n > 0 && jail.maxretry.find_first_not_of("0123456789 ") == std::string::npos) out += "count: " + std::to_string(*n);
    else notes.push_back(where + "maxretry '" + jail.maxretry + "' is not a positive number; left to the daemon's default");
  }
  auto add = [&](const std::string& value, const char* fail2ban_name, const char* key) {
    if (value.empty()) return;
    auto s = fail2ban_seconds(value);
    if (!s || *s <= 0) {
      notes.push_back(where + fail2ban_name + " '" + value + "' has no logsift equivalent (negative or unreadable); left to the daemon's default");
      return;
    }
    out += (out.empty() ? "" : ", ") + std::string(key) + ": " + duration_text(*s);
  };
  add(jail.findtime, "findtime", "within");
  add(jail.bantime, "bantime", "resolve_after");
  return out;
}

}  // namespace

Expected<Fail2banImport, std::string> import_fail2ban_filter(const std::string& conf_path,
                                                            const Fail2banImportOptions& options) {
  namespace fs = std::filesystem;
  Fail2banImport result;
  result.source = conf_path;
  result.filter = fs::path(conf_path).stem().string();
  auto config = read_fail2ban_ini(conf_path);
  if (!config) return Unexpected{config.error()};

  std::vector<std::pair<std::string, std::string>> filter_options;
  std::string problem;
  if (!options.jail_file.empty()) {
    auto jails = read_fail2ban_ini(options.jail_file);
    if (!jails) return Unexpected{jails.error()};
    auto jail = resolve_fail2ban_jail(*jails, result.filter);
    if (jail) {
      filter_options = jail->filter_options;
      problem = problem_from_jail(*jail, result.notes);
    } else {
      result.notes.push_back(conf_path + ": " + jail.error() + "; imported with the filter's own options and no problem: thresholds");
    }
  }
  for (const auto& [k, v] : options.filter_options) {  // the command line wins over the jail
    auto it = std::find_if(filter_options.begin(), filter_options.end(), [&](auto& p) { return p.first == k; });
    if (it != filter_options.end()) it->second = v;
    else filter_options.emplace_back(k, v);
  }
  // Files named *-common (and common.conf) only provide definitions for the filters that include them.
  if (result.filter == "common" || result.filter.ends_with("-common")) {
    result.include_only = true;
    return result;
  }
  auto filter = resolve_fail2ban_filter(*config, result.filter, filter_options);
  if (!filter) return Unexpected{filter.error()};
  if (filter->failregex.empty()) {
    result.include_only = true;
    return result;
  }

  RegexContext context;
  context.usedns = filter->usedns;
  auto date = date_regex_for(filter->datepattern);
  if (!date) {
    result.notes.push_back(filter->datepattern_at.to_string() + ": datepattern '" + filter->datepattern + "': " + date.error() +
                           "; lines are matched with fail2ban's default date forms instead");
    date = date_regex_for("");
  }
  context.date_regex = *date;
  context.sessions = uses_sessions(filter->prefregex) ||
                     std::any_of(filter->failregex.begin(), filter->failregex.end(),
                                 [](const auto& f) { return uses_sessions(f.first); });
  if (filter->maxlines > 1) {
    result.notes.push_back(conf_path + ": maxlines = " + std::to_string(filter->maxlines) +
                           ": logsift matches one line at a time; a regex FIRST<SKIPLINES>LAST tied by a back-reference "
                           "becomes a session rule (LAST after FIRST within 5 minutes), other regexes spanning lines are left out");
  }
  if (!filter->journalmatch.empty()) {
    result.notes.push_back(conf_path + ": journalmatch '" + filter->journalmatch +
                           "' not used: the patterns check the program name in the line themselves");
  }

  std::vector<std::string> patterns, ignores;
  struct Lines {  // a failregex spanning lines, as two session patterns
    MultilineRegex regex;
    std::string at;
  };
  std::vector<Lines> multiline;
  for (std::size_t i = 0; i < filter->failregex.size(); ++i) {
    const auto& [regex, at] = filter->failregex[i];
    const std::string where = at.to_string() + ": failregex " + std::to_string(i + 1) + ": ";
    auto converted = convert_failregex(filter->prefregex, regex, context);
    if (!converted && regex.find("<SKIPLINES>") != std::string::npos) {
      auto lines = convert_multiline_failregex(filter->prefregex, regex, context);
      if (lines) {
        multiline.push_back({std::move(*lines), at.to_string()});
        continue;
      }
      converted = Unexpected{converted.error() + "; " + lines.error()};
    }
    if (!converted) {
      result.notes.push_back(where + converted.error() + "; left out: " + regex);
      continue;
    }
    if (!converted->has_failure_id && !context.sessions) {
      result.notes.push_back(where + "yields no address, host name or <F-ID> on its own (fail2ban completes such a "
                                     "match from other lines of the same session); left out: " + regex);
      continue;
    }
    patterns.push_back(std::move(converted->pcre));
  }
  for (std::size_t i = 0; i < filter->ignoreregex.size(); ++i) {
    const auto& [regex, at] = filter->ignoreregex[i];
    auto converted = convert_ignoreregex(regex, context);
    if (!converted) {
      result.notes.push_back(at.to_string() + ": ignoreregex " + std::to_string(i + 1) + ": " + converted.error() +
                             "; left out: " + regex);
      continue;
    }
    ignores.push_back(std::move(converted->pcre));
  }
  result.patterns = patterns.size() + 2 * multiline.size();
  result.ignores = ignores.size();
  if (result.patterns == 0) return result;

  std::string& y = result.rule_text;
  y += "# Imported by `logsift import fail2ban` from " + conf_path;
  if (!filter_options.empty()) y += " (" + options_text(filter_options) + ")";
  y += ".\n# Patterns match the whole line (field: original); the date form fail2ban cuts out is part of them.\n";
  for (const auto& note : result.notes) y += "# Not imported or changed: " + note + "\n";
  y += "ruleset: " + yaml_quote("fail2ban." + result.filter) + "\n";
  y += "description: " + yaml_quote("fail2ban filter " + result.filter) + "\n";
  y += "rules:\n";
  // One rule: its patterns, grouped by the failure id captures they have; `session` is the
  // session: line, when the rule has one ("" = none; "-" = from the failure ids and users).
  auto write_rule = [&](const std::string& id, const std::string& name, const std::vector<std::string>& rule_patterns,
                        std::string session) {
    auto any_has = [&](const char* group) {
      return std::any_of(rule_patterns.begin(), rule_patterns.end(),
                         [&](const std::string& p) { return p.find(std::string("(?P<") + group + ">") != std::string::npos; });
    };
    y += "  - id: " + yaml_quote(id) + "\n";
    y += "    name: " + yaml_quote(name) + "\n";
    y += "    field: original\n";
    // fail2ban runs these regexes on Python's backtracking engine as they are; keep accepting them
    // (rules/slow_pattern.h would refuse some), the operator reviews what the import wrote.
    y += "    allow_slow: true\n";
    y += "    tags: " + yaml_list({"fail2ban", result.filter}) + "\n";
    std::string group_by;
    for (const char* g : {"failure_id", "source_ip", "source_domain"}) {
      if (any_has(g)) group_by += (group_by.empty() ? "" : ", ") + std::string(g);
    }
    y += "    group_by: [" + group_by + "]\n";
    if (!problem.empty()) y += "    problem: { " + problem + " }\n";
    if (session == "-") {
      // fail2ban keeps a session (<F-MLFID>) for 5 minutes; its 100-entry cache per filter is the
      // daemon-wide detect.max_sessions here. It counts the users of a session, taking
      // <F-ALT_USER> where <F-USER> is empty.
      std::string users;
      for (const char* g : {"user_name", "user_name_alt"}) {
        if (any_has(g)) users += (users.empty() ? "" : ", ") + std::string(g);
      }
      session = "{ id: session_id, within: 5m, wait_for: [" + group_by + "]" +
                (users.empty() ? std::string() : ", distinct: [" + users + "]") + " }";
    }
    if (!session.empty()) y += "    session: " + session + "\n";
    y += "    match:\n";
    for (const auto& p : rule_patterns) y += "      - " + yaml_quote(p) + "\n";
    if (!ignores.empty()) {
      y += "    ignore:\n";
      for (const auto& p : ignores) y += "      - " + yaml_quote(p) + "\n";
    }
  };
  const std::string id = "fail2ban." + rule_id_from(result.filter);
  if (!patterns.empty()) {
    write_rule(id, "fail2ban " + result.filter + ": authentication or abuse failure", patterns, context.sessions ? "-" : "");
  }
  // A regex spanning lines (maxlines) is a rule of its own: its last line is the failure when
  // the first came before it in the same session. fail2ban looks `maxlines` lines back; a session
  // looks back 5 minutes (fail2ban's session window) in the lines of the same host.
  for (std::size_t k = 0; k < multiline.size(); ++k) {
    write_rule(id + ".lines" + std::to_string(k + 1),
               "fail2ban " + result.filter + ": failure over several lines (" + multiline[k].at + ")",
               {multiline[k].regex.first.pcre, multiline[k].regex.last.pcre},
               "{ id: session_id, within: 5m, wait_for: [" + std::string(kFirstLineCapture) + "] }");
  }
  return result;
}

}  // namespace logsift::rules_import
