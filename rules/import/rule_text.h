// Writing logsift rule files from importers: YAML scalars quoted so any text survives a round trip
// through the loader, and the pieces every imported rule has. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace logsift::rules_import {

// A YAML single-quoted scalar: 'text', with ' doubled. Line breaks and other control bytes (which
// a single-quoted scalar cannot hold) are written as a double-quoted scalar with escapes.
std::string yaml_quote(std::string_view text);

// [a, b, c] with every item quoted.
std::string yaml_list(const std::vector<std::string>& items);

// A rule id made of the characters rule files allow ([a-z0-9_.:-]): lower case, others -> '_'.
std::string rule_id_from(std::string_view text);

// Durations as rule files write them ("90s", "10m", "2h", "1d"): the largest exact unit.
std::string duration_text(long long seconds);

}  // namespace logsift::rules_import
