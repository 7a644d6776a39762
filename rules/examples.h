// Running the examples that rules carry: every `line` is parsed the way the daemon parses it and
// matched against the compiled set; a positive example must match its rule and yield its fields,
// a negative one must not match its rule. `logsift check` reports the failures; a daemon reload
// refuses a set that has any. Thread-compatible (builds its own Matcher and parser per call).
#pragma once

#include <memory>
#include <vector>

#include "parsers/line_parser.h"
#include "rules/loader.h"
#include "rules/rule_set.h"

namespace logsift::rules {

struct ExampleReport {
  std::size_t examples = 0;  // examples run
  std::vector<LoadError> failures;  // each names the example's file line and rule id
};

// `options.json_fields.extra` is replaced by the rule set's JSON paths.
ExampleReport run_examples(const std::shared_ptr<const RuleSet>& rule_set,
                           parsers::ParseOptions options = {});

}  // namespace logsift::rules
