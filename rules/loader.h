// Loading rule files: YAML text -> validated Rule values, with every error located.
//
// The loader checks structure and values (unknown keys, missing fields, duplicate ids, bad
// durations, unknown field names, bad severities). Regex compilation is checked later, when a
// RuleSet is built (rules/rule_set.h), and reported in the same LoadError form. Loading never
// stops at the first error: a rule with an error is dropped and the next one is read, so one
// run lists everything to fix. Not thread-safe per LoadedRules; distinct instances are independent.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/rule.h"

namespace logsift::rules {

// One problem found in a rule file: "file:line: rule <id>: message".
struct LoadError {
  std::string file;
  int line = 0;         // 1-based; 0 when unknown
  std::string rule_id;  // empty when the error is not about one rule
  std::string message;

  std::string to_string() const;
};

struct LoadedRules {
  std::vector<Rule> rules;
  std::vector<LoadError> errors;
  std::vector<std::string> files;  // every file read, in order

  bool ok() const { return errors.empty(); }

  // id -> "file:line" of its first definition, for duplicate detection across files.
  std::unordered_map<std::string, std::string> defined_at;
};

// Parses one rule file's text; `file_name` is used in messages only. Appends to `into`.
void load_rule_text(std::string_view text, std::string_view file_name, LoadedRules& into);

// Loads rule files and folders (every *.yaml / *.yml below a folder, in sorted path order).
// A path that cannot be read is a LoadError.
LoadedRules load_rule_paths(std::span<const std::string> paths);

// The rule files `paths` name: files as given, folders searched recursively for *.yaml and
// *.yml, sorted, skipping hidden entries (names starting with "."). Unreadable folders are
// appended to `errors`.
std::vector<std::string> rule_files(std::span<const std::string> paths, std::vector<LoadError>& errors);

}  // namespace logsift::rules
