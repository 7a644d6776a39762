// logsift explain --rules PATH [--config FILE] LINE|-: how one line is parsed, and for each rule
// that came close, why it did or did not match. Lines go through the daemon's batch step (as in
// `logsift test`), so a rule with `session:` also shows what the session made of each line of
// standard input: an incident with the merged fields, a note, or a failure waiting for more.
#include <cstdio>
#include <iostream>

#include "daemon/cli/cli_support.h"
#include "daemon/cli/commands.h"
#include "daemon/emit/json_text.h"
#include "daemon/pipeline/record_processor.h"
#include "rules/explain.h"

namespace logsift::cli {

namespace {

constexpr const char* kUsage =
    "usage: logsift explain --rules PATH [--rules PATH...] [--config logsiftd.yaml]\n"
    "                       [--format auto|rfc5424|rfc3164|json] [--all] [--cache DIR] LINE|-\n"
    "  Shows the fields LINE is parsed into, then each rule that matched or came close: which\n"
    "  `when` condition failed, which pattern did not match and which of its literal text the\n"
    "  line lacks, which `ignore` pattern held it back. With -, explains every line of standard\n"
    "  input.\n"
    "  --config FILE  parse as the daemon with that config would (JSON field mapping, time zone)\n"
    "  --format F     parse as F instead of sniffing\n"
    "  --all          explain every rule, not only those that came close\n"
    "  --cache DIR    keep compiled Hyperscan databases in DIR\n";

std::string quoted(std::string_view s) {
  std::string out;
  emit::append_json_string(s, out);
  return out;
}

std::string_view format_name(parsers::Format format) {
  switch (format) {
    case parsers::Format::kRfc5424: return "rfc5424";
    case parsers::Format::kRfc3164: return "rfc3164";
    case parsers::Format::kJson: return "json";
    case parsers::Format::kRaw: return "raw";
  }
  return "raw";
}

void print_record(const parsers::Record& r, const rules::RuleSet& set, std::ostream& out) {
  out << "line:     " << quoted(r.original) << "\n";
  out << "format:   " << format_name(r.format);
  if (r.quality == parsers::Quality::kRecovered) out << " (recovered: " << parse_issue_name(r.issue) << ")";
  if (r.quality == parsers::Quality::kRaw) out << " (nothing recognised: " << parse_issue_name(r.issue) << ")";
  out << "\n";
  std::string time;
  if (r.time_us == parsers::kNoTime) time = "none";
  else emit::append_rfc3339_us(r.time_us, time);
  out << "time:     " << time << "\n";
  if (r.severity >= 0) out << "severity: " << static_cast<int>(r.severity) << "\n";
  out << "host:     " << quoted(r.host) << "\n";
  out << "app:      " << quoted(r.app) << "\n";
  out << "procid:   " << quoted(r.procid) << "\n";
  out << "msgid:    " << quoted(r.msgid) << "\n";
  if (!r.structured_data.empty()) out << "sd:       " << quoted(r.structured_data) << "\n";
  out << "message:  " << quoted(r.message) << "\n";
  for (std::size_t i = 0; i < set.json_paths().size() && i < r.extra_count; ++i) {
    out << "json." << set.json_paths()[i] << ": " << quoted(r.extra[i]) << "\n";
  }
}

void print_pattern(const rules::PatternVerdict& p, const char* kind, std::ostream& out) {
  out << "  " << kind << " " << p.index + 1 << " on " << p.field << " " << (p.literal ? "literal " : "")
      << quoted(p.source) << ": ";
  if (p.matched) {
    out << "matches";
    for (const auto& [name, value] : p.captures) out << " " << name << "=" << quoted(value);
    out << "\n";
    return;
  }
  if (p.error) {
    out << "PCRE2 gave up (match limit): counted as no match\n";
    return;
  }
  out << "no match";
  if (p.literals.empty()) {
    out << " (no literal text to compare)\n";
    return;
  }
  out << "; its words, in order:";
  for (std::size_t i = 0; i < p.literals.size(); ++i) {
    out << (i ? ", " : " ") << quoted(p.literals[i].text) << (p.literals[i].found ? " found" : " MISSING");
  }
  out << "\n";
}

// What the session step made of a session rule's match on this line (printed under the rule).
struct SessionVerdict {
  detect::SessionStep step = detect::SessionStep::kIncident;
  std::span<const rules::Capture> fields;
};

void print_session(const SessionVerdict& v, std::ostream& out) {
  switch (v.step) {
    case detect::SessionStep::kIncident: out << "  session: incident, with the session's fields:"; break;
    case detect::SessionStep::kNoted: out << "  session: noted (no incident; remembered for the session):"; break;
    case detect::SessionStep::kWaiting: out << "  session: waiting (no incident until the session has one of wait_for, or every part of wait_for_all):";
      break;
  }
  for (const auto& c : v.fields) out << " " << c.name << "=" << quoted(c.value);
  out << "\n";
}

void print_explanation(const rules::RuleExplanation& e, const rules::RuleSet& set,
                       const std::vector<std::pair<std::uint32_t, SessionVerdict>>& sessions, std::ostream& out) {
  const rules::Rule& rule = set.rules()[e.rule_index];
  out << "\n" << rule.id << ": ";
  if (e.matched) {
    out << "MATCH";
  } else {
    char closeness[16];
    std::snprintf(closeness, sizeof closeness, "%.2f", e.closeness);
    out << "no match (closeness " << closeness << ")";
  }
  out << "  [" << rule.file << ":" << rule.line << "] " << rule.name << "\n";
  for (const auto& c : e.conditions) {
    out << "  when " << c.field << (c.any_of.size() == 1 ? " is " : " is one of ");
    for (std::size_t i = 0; i < c.any_of.size(); ++i) out << (i ? ", " : "") << quoted(c.any_of[i]);
    if (c.case_insensitive) out << " (any case)";
    out << ": " << (c.holds ? "holds" : "FAILS") << " (" << c.field << " = " << quoted(c.value) << ")\n";
  }
  for (const auto& p : e.patterns) print_pattern(p, "match", out);
  for (const auto& p : e.ignores) {
    if (p.matched) {
      print_pattern(p, "ignore", out);
    } else {
      out << "  ignore " << p.index + 1 << " on " << p.field << " " << (p.literal ? "literal " : "")
          << quoted(p.source) << ": no match\n";
    }
  }
  for (const auto& [rule_index, verdict] : sessions) {
    if (rule_index == e.rule_index) print_session(verdict, out);
  }
  if (!e.matched) {
    bool any_pattern = false;
    for (const auto& p : e.patterns) any_pattern = any_pattern || p.matched;
    bool any_ignore = false;
    for (const auto& p : e.ignores) any_ignore = any_ignore || p.matched;
    if (any_pattern && !e.conditions_hold) out << "  => a pattern matches, but a `when` condition fails\n";
    else if (any_pattern && any_ignore) out << "  => a pattern matches, but an `ignore` pattern holds it back\n";
    else if (!any_pattern) out << "  => no pattern matches\n";
  }
}

}  // namespace

int run_explain(int argc, char** argv, int first) {
  Args args(argc, argv, first, {"rules", "format", "cache", "config"}, {"all"});
  if (auto done = handle_help_or_error(args, "explain", kUsage)) return *done;
  auto rule_paths = args.options("rules");
  if (rule_paths.empty()) return usage_error("explain", "--rules is required", kUsage);
  if (args.operands().size() != 1) return usage_error("explain", "give one LINE, or - for standard input", kUsage);
  const std::string format_text = args.option("format").value_or("auto");
  auto format = parse_format_name(format_text);
  if (!format) {
    return usage_error("explain", "--format: '" + format_text + "' is not " + kFormatNames, kUsage);
  }
  auto daemon_config = load_daemon_config(args.option("config"));
  if (!daemon_config) {
    for (const auto& e : daemon_config.error()) std::cerr << e << "\n";
    return 1;
  }
  auto set = load_rule_set(rule_paths, args.option("cache").value_or(""), std::cerr);
  if (set == nullptr) return 1;

  parsers::ParseOptions options = tool_parse_options(daemon_config.value(), set.get());
  options.expected_format = *format;
  rules::ExplainOptions explain_options;
  if (args.flag("all")) explain_options.min_closeness = 0;

  // One line per batch through the daemon's step; session state carries from line to line.
  pipeline::DetectShards detect(1, detect::DetectOptions{});
  pipeline::RecordProcessor processor(set, options, detect);
  std::vector<detect::Alert> alerts;
  bool first_line = true;
  LineBatcher batcher(1, [&](const ingest::RawBatch& batch) {
    processor.process_batch(batch, alerts);
    alerts.clear();
    if (processor.records().empty()) return;
    if (!first_line) std::cout << "\n----\n";
    first_line = false;
    const parsers::Record& record = processor.records()[0];
    std::vector<std::pair<std::uint32_t, SessionVerdict>> sessions;
    for (const auto& incident : processor.incidents()) {
      if (incident.rule->session.enabled())
        sessions.push_back({static_cast<std::uint32_t>(incident.rule - set->rules().data()), {detect::SessionStep::kIncident, incident.fields}});
    }
    for (const auto& h : processor.held()) sessions.push_back({h.rule_index, {h.step, h.fields}});
    print_record(record, *set, std::cout);
    const auto explanations = rules::explain_record(set, record, explain_options);
    std::size_t matched = 0;
    for (const auto& e : explanations) matched += e.matched ? 1 : 0;
    std::cout << "\n" << matched << " of " << set->rules().size() << " rules match";
    if (explanations.size() > matched) std::cout << ", " << explanations.size() - matched << " more came close";
    std::cout << "\n";
    for (const auto& e : explanations) print_explanation(e, *set, sessions, std::cout);
  });
  const std::string& operand = args.operands()[0];
  if (operand != "-") {
    batcher.add(operand);
    batcher.flush();
    return 0;
  }
  for_each_line("-", std::cerr, [&](std::uint64_t, std::string_view line) { batcher.add(line); });
  batcher.flush();
  return 0;
}

}  // namespace logsift::cli
