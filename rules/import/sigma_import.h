// Sigma rules -> logsift rule files.
//
// Converts Sigma detection rules whose log source is a syslog-style stream (product `linux`, or a
// service such as auth, sshd, sudo, su, syslog, cron) into logsift rules: keyword searches run on
// the message, field searches on the record field the mapping names (FieldMapping below);
// modifiers contains, startswith, endswith, re (with i, m, s), all, cidr (IPv4) and cased;
// conditions with and, or, not, parentheses, `1 of`/`all of` a pattern or `them`. A condition
// is brought to a disjunction of conjunctions: top-level `not` parts become the rule's `ignore`
// patterns, every conjunction on one field becomes one pattern (look-aheads join its terms), and
// exact values on other fields become `when` conditions when the rule has a single conjunction.
// level -> severity, tags -> tags (ATT&CK ids reach alerts as threat.technique.id), id -> uuid,
// title -> name, author and references are kept. Correlation rules (sigma_correlation.h):
// event_count (count within timespan, grouped by group-by) and value_count of `host` (distinct
// hosts) set `problem:` on the rule they refer to; temporal and temporal_ordered become a rule of
// their own with a `session:` that waits for every named rule within the timespan (in order for
// temporal_ordered), and the named rules are then no rule files of their own unless the
// correlation says `generate: true`. What logsift cannot express (other value counts,
// lt/lte/eq/neq conditions, temporal conditions asking for fewer than all rules, chained
// correlations) is refused with the reason. Rules that cannot be converted faithfully are listed
// with the reason; nothing is guessed. Stateless; thread-safe.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "parsers/base/expected.h"

namespace logsift::rules_import {

// Sigma field name -> logsift field (message, host, app, procid, msgid, original, sd.<id>.<p>,
// json.<path>). The default knows common syslog spellings (message, Message, msg, host,
// Hostname, ComputerName, app, Application, program, ProcessName, pid, ProcessId, msgid, ...).
struct FieldMapping {
  std::map<std::string, std::string> fields;
  static FieldMapping syslog_default();
};

// Reads a mapping file: YAML `fields: { SigmaName: logsift_field, ... }`.
Expected<FieldMapping, std::string> read_field_mapping(const std::string& path);

struct SigmaConversion {
  std::string source;        // file (and document number when a file holds several)
  std::string title;
  std::string rule_id;       // the logsift rule id, empty when not converted
  std::string rule_text;     // the YAML rule file, empty when not converted
  std::string refusal;       // why not converted
  bool correlation = false;  // a correlation rule: applied to the rule it refers to, or (temporal)
                             // with a rule_text of its own
  // A detection rule that only a temporal correlation uses (Sigma `generate: false`, the
  // default): converted, but written only as part of the correlation's rule.
  bool only_in_correlation = false;
};

// Converts every rule in `paths` (files or folders, *.yml / *.yaml, several YAML documents per
// file allowed). Correlations are applied to the rules they name before the texts are written.
std::vector<SigmaConversion> convert_sigma(const std::vector<std::string>& paths, const FieldMapping& mapping);

}  // namespace logsift::rules_import
