#include "rules/import/sigma_correlation.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace logsift::rules_import::sigma {

std::vector<std::string> string_list(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsScalar()) out.push_back(n.Scalar());
  if (n && n.IsSequence()) {
    for (const auto& item : n) {
      if (item.IsScalar()) out.push_back(item.Scalar());
    }
  }
  return out;
}

bool is_sigma_level(const std::string& level) {
  return level == "informational" || level == "low" || level == "medium" || level == "high" || level == "critical";
}

namespace {

std::string scalar_or(const YAML::Node& n, const std::string& fallback) {
  return n && n.IsScalar() ? n.Scalar() : fallback;
}

std::string mapped_group_field(const std::string& sigma_field, const FieldMapping& mapping) {
  auto it = mapping.fields.find(sigma_field);
  if (it == mapping.fields.end()) return {};
  const std::string& f = it->second;
  if (f == "host" || f == "app" || f == "procid" || f == "msgid" || f.starts_with("sd.")) return f;
  return {};
}

// The rule a correlation names (by id or name), or the reason it is not there.
Converted* find_rule(const std::string& ref, std::vector<Converted>& rules, const std::vector<std::string>& correlation_names,
                     std::string& refusal) {
  auto it = std::find_if(rules.begin(), rules.end(), [&](const Converted& c) {
    return c.sigma_id == ref || (!c.sigma_name.empty() && c.sigma_name == ref);
  });
  if (it != rules.end()) return &*it;
  if (std::find(correlation_names.begin(), correlation_names.end(), ref) != correlation_names.end())
    refusal = "refers to correlation '" + ref + "': correlations over correlations have no logsift equivalent";
  else
    refusal = "refers to rule '" + ref + "', which was not converted";
  return nullptr;
}

// The mapped group-by fields; the refusal reason otherwise.
std::string group_fields(const YAML::Node& corr, const FieldMapping& mapping, std::vector<std::string>& out) {
  for (const auto& g : string_list(corr["group-by"])) {
    const std::string f = mapped_group_field(g, mapping);
    if (f.empty()) return "group-by field '" + g + "' has no logsift field (host, app, procid, msgid, sd.<id>.<param>)";
    out.push_back(f);
  }
  return {};
}

// event_count and value_count of the host: `problem:` on the one rule named.
std::string apply_count(const YAML::Node& corr, const std::string& type, std::vector<Converted>& rules,
                        const FieldMapping& mapping, const std::vector<std::string>& correlation_names) {
  const auto referenced = string_list(corr["rules"]);
  if (referenced.size() != 1) return "a count over several rules has no logsift equivalent (one rule per signature)";
  std::string refusal;
  Converted* target = find_rule(referenced[0], rules, correlation_names, refusal);
  if (target == nullptr) return refusal;
  const std::string timespan = scalar_or(corr["timespan"], "");
  if (timespan.empty()) return "no timespan";
  const YAML::Node cond = corr["condition"];
  if (!cond || !cond.IsMap()) return "no condition";
  long long threshold = 0;
  for (const auto& kv : cond) {
    const std::string op = kv.first.Scalar();
    if (op == "field") continue;
    long long n = 0;
    try {
      n = std::stoll(kv.second.Scalar());
    } catch (...) {
      return "condition value '" + kv.second.Scalar() + "' is not a number";
    }
    if (op == "gte") threshold = n;
    else if (op == "gt") threshold = n + 1;
    else return "condition '" + op + "' has no logsift equivalent (a problem opens at a count or more)";
  }
  if (threshold <= 0) return "no gte/gt threshold";
  std::vector<std::string> group_by;
  if (auto why = group_fields(corr, mapping, group_by); !why.empty()) return why;
  if (type == "value_count") {
    const std::string field = cond["field"] ? mapped_group_field(cond["field"].Scalar(), mapping) : "";
    if (field != "host") return "value_count of a field other than the host has no logsift equivalent (distinct hosts only)";
    target->problem = "hosts: " + std::to_string(threshold) + ", within: " + timespan;
  } else {
    target->problem = "count: " + std::to_string(threshold) + ", within: " + timespan;
  }
  target->group_by = group_by;
  target->needed_alone = true;
  return {};
}

// How many of `rules` rule types the condition asks for; the refusal reason otherwise. Sigma:
// for temporal correlations the condition counts the different rules that matched; without one,
// all of them.
std::string required_parts(const YAML::Node& cond, std::size_t rules, std::size_t& required) {
  required = rules;
  if (!cond) return {};
  if (!cond.IsMap()) return "'condition' must be a mapping";
  for (const auto& kv : cond) {
    const std::string op = kv.first.Scalar();
    long long n = 0;
    try {
      n = std::stoll(kv.second.Scalar());
    } catch (...) {
      return "condition value '" + kv.second.Scalar() + "' is not a number";
    }
    if (op == "gte" || op == "eq") required = static_cast<std::size_t>(std::max(n, 0LL));
    else if (op == "gt") required = static_cast<std::size_t>(std::max(n + 1, 0LL));
    else return "condition '" + op + "' on a temporal correlation has no logsift equivalent (a session waits for parts, not for their absence)";
  }
  if (required != rules)
    return "condition asks for " + std::to_string(required) + " of the " + std::to_string(rules) +
           " rules; a logsift session waits for all of them";
  return {};
}

// temporal / temporal_ordered: a rule of its own whose session waits for every named rule.
std::string temporal_rule(const YAML::Node& doc, bool ordered, std::vector<Converted>& rules, const FieldMapping& mapping,
                          const std::vector<std::string>& correlation_names, Converted& out) {
  const YAML::Node corr = doc["correlation"];
  const auto referenced = string_list(corr["rules"]);
  if (referenced.size() < 2) return "a temporal correlation needs at least two rules";
  if (corr["aliases"]) return "'aliases' (group-by on differently named fields per rule) is not supported";
  const std::string timespan = scalar_or(corr["timespan"], "");
  if (timespan.empty()) return "no timespan";
  std::size_t required = 0;
  if (auto why = required_parts(corr["condition"], referenced.size(), required); !why.empty()) return why;
  std::vector<std::string> group_by;
  if (auto why = group_fields(corr, mapping, group_by); !why.empty()) return why;
  // A session is keyed by (rule, host, id): the host is always part of the group.
  if (std::find(group_by.begin(), group_by.end(), "host") == group_by.end())
    return "group-by without the host: logsift sessions never span hosts";
  std::string id = "host";
  for (const auto& f : group_by) {
    if (f == "host") continue;
    if (id != "host") return "group-by on two fields besides the host has no logsift equivalent (a session has one id)";
    id = f;
  }

  out.sigma_id = scalar_or(doc["id"], "");
  out.title = scalar_or(doc["title"], "");
  if (out.sigma_id.empty() || out.title.empty()) return "no id or title";
  out.sigma_name = scalar_or(doc["name"], "");
  out.description = scalar_or(doc["description"], "");
  out.level = scalar_or(doc["level"], "medium");
  if (!is_sigma_level(out.level)) return "level '" + out.level + "' is not a Sigma level";
  out.authors = string_list(doc["author"]);
  out.references = string_list(doc["references"]);
  out.tags = string_list(doc["tags"]);
  out.group_by = group_by;

  std::vector<Converted*> parts;
  std::string marks;
  for (std::size_t k = 0; k < referenced.size(); ++k) {
    std::string refusal;
    Converted* target = find_rule(referenced[k], rules, correlation_names, refusal);
    if (target == nullptr) return refusal;
    if (k == 0) out.when = target->when;
    else if (target->when != out.when)
      return "the rules it names differ in programs or exact field values (when), which one logsift rule cannot hold";
    if (!target->ignores.empty()) return "rule '" + referenced[k] + "' has a 'not' part, which one logsift rule cannot hold per pattern";
    const std::string mark = "part_" + std::to_string(k + 1);
    for (const auto& [field, regex] : target->patterns) out.patterns.emplace_back(field, "(?:" + regex + ")(?<" + mark + ">)");
    marks += (marks.empty() ? "" : ", ") + mark;
    parts.push_back(target);
  }
  out.session = "id: " + id + ", within: " + timespan + ", wait_for_all: [" + marks + "]";
  if (ordered) out.session += ", in_order: true";
  // Sigma `generate` (default false): the named rules are not alerts of their own.
  const bool generate = corr["generate"] ? corr["generate"].as<bool>(false) : doc["generate"] && doc["generate"].as<bool>(false);
  for (Converted* part : parts) {
    if (generate) part->needed_alone = true;
    else part->only_in_correlation = true;
  }
  return {};
}

}  // namespace

CorrelationResult apply_correlation(const YAML::Node& doc, std::vector<Converted>& rules, const FieldMapping& mapping,
                                    const std::vector<std::string>& correlation_names) {
  CorrelationResult result;
  const YAML::Node corr = doc["correlation"];
  if (!corr.IsMap()) {
    result.refusal = "'correlation' must be a mapping";
    return result;
  }
  const std::string type = scalar_or(corr["type"], "");
  if (type == "temporal" || type == "temporal_ordered") {
    result.refusal = temporal_rule(doc, type == "temporal_ordered", rules, mapping, correlation_names, result.rule);
    if (!result.refusal.empty()) result.rule = {};
  } else if (type == "event_count" || type == "value_count") {
    result.refusal = apply_count(corr, type, rules, mapping, correlation_names);
  } else {
    result.refusal = "correlation type '" + type + "' is not supported";
  }
  return result;
}

}  // namespace logsift::rules_import::sigma
