// Sigma correlation rules applied to converted Sigma detection rules.
//
// Private to the Sigma importer. event_count and value_count (of the host) set `problem:` on the
// one rule they refer to. temporal and temporal_ordered become a rule of their own: the patterns
// of every rule they name, each marked with an empty capture part_<k>, and a session keyed by the
// group-by field that waits for every part within the timespan (in order for temporal_ordered).
// What logsift cannot express is refused with the reason. Stateless; thread-safe.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "rules/import/sigma_import.h"

namespace YAML {
class Node;
}

namespace logsift::rules_import::sigma {

// A detection rule as converted (or a temporal correlation's rule), before it is written out.
struct Converted {
  std::string sigma_id, sigma_name, title, description, level, file;
  std::vector<std::string> authors, references, tags;
  std::vector<std::pair<std::string, std::vector<std::string>>> when;  // field -> values (any case)
  std::vector<std::pair<std::string, std::string>> patterns, ignores;  // (field, regex)
  std::vector<std::string> group_by;
  std::string problem;  // the `problem:` mapping's inside, or empty
  std::string session;  // the `session:` mapping's inside, or empty
  // Only a part of temporal correlations that do not `generate` it: no rule file of its own.
  bool only_in_correlation = false;
  bool needed_alone = false;  // named by a correlation that needs the rule itself
};

// A YAML scalar or list of scalars as strings (anything else: empty).
std::vector<std::string> string_list(const YAML::Node& n);

// One of Sigma's levels: informational, low, medium, high, critical.
bool is_sigma_level(const std::string& level);

// What applying one correlation gave: a refusal reason, or (temporal) a rule of its own.
struct CorrelationResult {
  std::string refusal;
  Converted rule;          // a temporal correlation's rule; empty sigma_id otherwise
};

// Applies the correlation document `doc` to `rules` (every converted detection rule);
// `correlation_names` holds the id and name of every correlation rule read, to tell chaining
// from a missing rule.
CorrelationResult apply_correlation(const YAML::Node& doc, std::vector<Converted>& rules, const FieldMapping& mapping,
                                    const std::vector<std::string>& correlation_names);

}  // namespace logsift::rules_import::sigma
