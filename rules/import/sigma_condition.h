// Sigma detections as boolean formulas over field tests, and their normal form.
//
// Private to the Sigma importer: parses a detection's search identifiers into Tests (a regex on
// one logsift field), parses the condition expression, and brings the result to a disjunction
// of conjunctions of (possibly negated) tests. Stateless; thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "parsers/base/expected.h"

namespace YAML {
class Node;
}

namespace logsift::rules_import::sigma {

// A test on one field: the field's value matches `regex`. `exact` lists the values when the test
// is plain case-insensitive equality with no wildcard (such tests can become `when` conditions).
struct Test {
  std::string field;
  std::string regex;
  std::vector<std::string> exact;
};

struct Formula {
  enum class Kind { kTest, kAnd, kOr, kNot };
  Kind kind = Kind::kTest;
  Test test;
  std::vector<Formula> operands;
};

struct Literal {
  Test test;
  bool negated = false;
};
using Term = std::vector<Literal>;  // all must hold

// Search identifier -> formula; `field_for` maps a Sigma field name to a logsift field (empty:
// unmapped, an error naming it).
using FieldLookup = std::map<std::string, std::string>;
Expected<Formula, std::string> parse_search(const YAML::Node& node, const FieldLookup& fields);

// Condition text over the named searches.
Expected<Formula, std::string> parse_condition(const std::string& condition,
                                               const std::map<std::string, Formula>& searches);

// Disjunctive normal form (at most `max_terms` terms, else an error).
Expected<std::vector<Term>, std::string> to_dnf(const Formula& formula, std::size_t max_terms);

}  // namespace logsift::rules_import::sigma
