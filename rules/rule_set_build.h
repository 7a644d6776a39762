// build_rule_set: rule files on disk to a ready RuleSet in one call: load, validate, compile and
// (optionally) run every rule's examples. What `logsift check`, `logsift test` and the daemon's
// start and reload all do, with every problem collected as a LoadError.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rules/loader.h"
#include "rules/rule_set.h"

namespace logsift::rules {

struct RuleSetBuild {
  std::shared_ptr<const RuleSet> rule_set;  // null when anything failed
  std::vector<LoadError> errors;            // loading, compiling and example failures
  std::vector<std::string> warnings;        // e.g. the cache folder could not be written
  std::size_t files = 0;
  std::size_t examples = 0;                 // examples run
};

RuleSetBuild build_rule_set(std::span<const std::string> paths, const CompileOptions& options,
                            bool run_rule_examples);

}  // namespace logsift::rules
