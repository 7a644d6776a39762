// The compiled pieces of a RuleSet, shared by rule_set.cc (which builds them) and matcher.cc
// (which reads them). Private to the rules library.
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rules/rule_set.h"

namespace logsift::rules {

struct PcreCodeFree {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
using PcreCodePtr = std::unique_ptr<pcre2_code, PcreCodeFree>;

struct RuleSet::CompiledPattern {
  std::uint32_t rule_index = 0;
  std::uint32_t field_scan = 0;  // index into RuleSet::fields_
  PatternEngine engine = PatternEngine::kHyperscan;
  bool ignore = false;           // one of the rule's `ignore` patterns
  PcreCodePtr code;
  std::vector<std::pair<std::uint32_t, std::string>> names;  // capture group number -> name
};

struct RuleSet::FieldScan {
  FieldRef field;
  int json_slot = -1;
  HsDatabasePtr database;               // null when no pattern of this field runs in Hyperscan
  std::vector<std::uint32_t> pcre_only;  // patterns PCRE2 runs on every record
};

struct RuleSet::RuleConditions {
  struct Resolved {
    const FieldRef* field;  // into the Rule
    int json_slot;
    bool case_insensitive;
    const std::vector<std::string>* any_of;  // into the Rule
  };
  std::vector<Resolved> all_of;
};

}  // namespace logsift::rules
