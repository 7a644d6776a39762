// Explaining a match: why one record did or did not match each rule, for `logsift explain`.
//
// For every rule, explain_record() evaluates each `when` condition and runs each pattern on its own
// with PCRE2 (the same expression and flags the rule set compiles), so it can say which condition
// failed and which pattern did not match even where the matcher stopped early. For a pattern that
// does not match it also lists the words of the pattern's literal text (plain characters outside
// alternatives and optional parts) and which of them the field holds, in order: the first missing
// one is usually where the rule and the line part ways. Whether the rule matched overall is what a Matcher says, so the
// explanation never disagrees with the daemon.
//
// This is a diagnostic tool, not a hot path: it compiles patterns per call and allocates freely.
// The result owns all its strings. Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "parsers/record.h"
#include "rules/rule_set.h"

namespace logsift::rules {

struct ConditionVerdict {
  std::string field;                // "app", "json.log.level", ...
  std::string value;                // the record's value of that field
  std::vector<std::string> any_of;  // what the rule accepts
  bool case_insensitive = false;
  bool holds = false;
};

// A word of plain text a pattern needs, and whether the field holds it after the previous one.
struct LiteralVerdict {
  std::string text;
  bool found = false;
};

struct PatternVerdict {
  std::size_t index = 0;           // position in the rule's match list (or ignore list), from 0
  std::string field;               // the field the pattern looks at
  std::string source;              // as written in the rule file
  bool literal = false;
  bool matched = false;
  bool error = false;              // PCRE2 gave up (match or depth limit)
  std::vector<std::pair<std::string, std::string>> captures;  // named captures when matched
  std::vector<LiteralVerdict> literals;  // when not matched: the words of its literal text, in order
  double coverage = 0;             // found literal bytes / all literal bytes (1 when matched)
};

struct RuleExplanation {
  std::size_t rule_index = 0;
  bool matched = false;            // what the Matcher says for this record
  bool conditions_hold = false;    // every `when` holds (true when there is none)
  std::vector<ConditionVerdict> conditions;
  std::vector<PatternVerdict> patterns;
  std::vector<PatternVerdict> ignores;  // the rule's `ignore` patterns, when it has any
  // How close the record came, 0..1: 1 for a match or a matching pattern held back by `when` or
  // `ignore`; else the best pattern's literal coverage, halved when a condition fails.
  double closeness = 0;
};

struct ExplainOptions {
  // Rules below this closeness are left out (matched rules are always kept). 0 keeps every rule.
  double min_closeness = 0.5;
};

// Every rule's explanation for `record`, closest first (matches first, then by closeness, then in
// rule order). `record` must have been parsed with the rule set's JSON paths as extra fields.
std::vector<RuleExplanation> explain_record(const std::shared_ptr<const RuleSet>& rule_set,
                                            const parsers::Record& record,
                                            const ExplainOptions& options = {});

// The literal runs a regex requires, per top-level alternative (exposed for tests): text inside a
// group with alternatives, an optional group or look-around is left out, and runs shorter than 3
// bytes are dropped. "Failed (?:password|key) for (?<u>\S+) from \S+( port \d+)?" gives
// {{"Failed ", " for ", " from "}}; "a+b|cde" gives {{}, {"cde"}}.
std::vector<std::vector<std::string>> regex_literal_branches(std::string_view source);

}  // namespace logsift::rules
