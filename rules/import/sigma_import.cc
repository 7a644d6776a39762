#include "rules/import/sigma_import.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/import/rule_text.h"
#include "rules/import/sigma_condition.h"
#include "rules/import/sigma_correlation.h"

namespace logsift::rules_import {

namespace {

namespace fs = std::filesystem;
using sigma::Converted;
using sigma::Formula;
using sigma::string_list;
using sigma::Literal;
using sigma::Term;

constexpr std::size_t kMaxTerms = 64;

// Sigma Linux services (sigma-appendix-taxonomy) -> the program names syslog carries for them;
// an empty list: any program (auth.log and syslog mix many).
const std::map<std::string, std::vector<std::string>>& service_programs() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"auth", {}},
      {"syslog", {}},
      {"sshd", {"sshd", "sshd-session"}},
      {"sudo", {"sudo"}},
      {"su", {"su"}},
      {"cron", {"cron", "crond", "CRON"}},
      {"vsftpd", {"vsftpd"}},
      {"clamav", {"clamd", "freshclam", "clamav-milter", "clamscan"}},
      {"guacamole", {"guacd", "guacamole"}},
  };
  return table;
}

// One conjunction on a single field -> one regex (look-aheads when it has several literals).
std::string conjunction_regex(const Term& term) {
  if (term.size() == 1 && !term[0].negated) return term[0].test.regex;
  std::string out = "^";
  for (const auto& l : term) out += std::string(l.negated ? "(?!" : "(?=") + "[\\s\\S]*?(?:" + l.test.regex + "))";
  return out;
}

Expected<bool, std::string> add_terms(const std::vector<Term>& terms, bool allow_when, Converted& c,
                                      std::vector<std::pair<std::string, std::string>>& into) {
  for (const Term& term : terms) {
    std::map<std::string, Term> by_field;
    for (const auto& l : term) by_field[l.test.field].push_back(l);
    if (by_field.size() > 1 && allow_when && terms.size() == 1) {
      // Exact values on the other fields become `when` conditions; one field keeps the pattern.
      const std::string keep = by_field.count("message") ? std::string("message") : by_field.begin()->first;
      for (auto it = by_field.begin(); it != by_field.end();) {
        const bool exact = it->second.size() == 1 && !it->second[0].negated && !it->second[0].test.exact.empty();
        if (exact && it->first != keep) {
          c.when.emplace_back(it->first, it->second[0].test.exact);
          it = by_field.erase(it);
        } else {
          ++it;
        }
      }
    }
    if (by_field.size() > 1)
      return Unexpected{std::string("a condition joins tests on several fields in a way one logsift rule cannot express")};
    into.emplace_back(by_field.begin()->first, conjunction_regex(by_field.begin()->second));
  }
  return true;
}

Expected<Converted, std::string> convert_detection(const YAML::Node& doc, const FieldMapping& mapping) {
  Converted c;
  c.sigma_id = doc["id"] ? doc["id"].Scalar() : "";
  c.sigma_name = doc["name"] ? doc["name"].Scalar() : "";
  c.title = doc["title"] ? doc["title"].Scalar() : "";
  if (c.title.empty()) return Unexpected{std::string("no title")};
  if (c.sigma_id.empty()) return Unexpected{std::string("no id")};
  c.description = doc["description"] && doc["description"].IsScalar() ? doc["description"].Scalar() : "";
  c.level = doc["level"] ? doc["level"].Scalar() : "medium";
  if (!sigma::is_sigma_level(c.level)) return Unexpected{"level '" + c.level + "' is not a Sigma level"};
  c.authors = string_list(doc["author"]);
  c.references = string_list(doc["references"]);
  c.tags = string_list(doc["tags"]);

  const YAML::Node source = doc["logsource"];
  if (!source || !source.IsMap()) return Unexpected{std::string("no logsource")};
  const std::string product = source["product"] ? source["product"].Scalar() : "";
  const std::string service = source["service"] ? source["service"].Scalar() : "";
  if (source["category"])
    return Unexpected{"log source category '" + source["category"].Scalar() + "' needs endpoint (EDR/auditd) fields, not syslog text"};
  if (product != "linux" && !(product.empty() && service_programs().count(service)))
    return Unexpected{"log source product '" + product + "' is not a syslog-style stream"};
  if (!service.empty()) {
    auto it = service_programs().find(service);
    if (it == service_programs().end()) return Unexpected{"log source service '" + service + "' is not a syslog service logsift knows"};
    if (!it->second.empty()) c.when.emplace_back("app", it->second);
  }

  const YAML::Node detection = doc["detection"];
  if (!detection || !detection.IsMap()) return Unexpected{std::string("no detection")};
  if (detection["timeframe"]) return Unexpected{std::string("'timeframe' (Sigma 1 aggregation) is not supported; use a correlation rule")};
  std::map<std::string, Formula> searches;
  for (const auto& kv : detection) {
    const std::string name = kv.first.Scalar();
    if (name == "condition") continue;
    auto f = sigma::parse_search(kv.second, mapping.fields);
    if (!f) return Unexpected{"search '" + name + "': " + f.error()};
    searches.emplace(name, std::move(*f));
  }
  std::vector<std::string> conditions = string_list(detection["condition"]);
  if (conditions.empty()) return Unexpected{std::string("no condition")};
  Formula whole;
  whole.kind = Formula::Kind::kOr;
  for (const auto& text : conditions) {
    auto f = sigma::parse_condition(text, searches);
    if (!f) return Unexpected{f.error()};
    whole.operands.push_back(std::move(*f));
  }
  const Formula& condition = whole.operands.size() == 1 ? whole.operands[0] : whole;

  // Top-level "not X" parts veto the rule: they become its ignore patterns.
  Formula positive;
  positive.kind = Formula::Kind::kAnd;
  std::vector<const Formula*> vetoes;
  const std::vector<Formula> single{condition};
  const auto& parts = condition.kind == Formula::Kind::kAnd ? condition.operands : single;
  for (const auto& part : parts) {
    if (part.kind == Formula::Kind::kNot) vetoes.push_back(&part.operands[0]);
    else positive.operands.push_back(part);
  }
  if (positive.operands.empty()) return Unexpected{std::string("the condition only excludes; a rule needs something to match")};
  auto terms = sigma::to_dnf(positive.operands.size() == 1 ? positive.operands[0] : positive, kMaxTerms);
  if (!terms) return Unexpected{terms.error()};
  auto added = add_terms(*terms, true, c, c.patterns);
  if (!added) return Unexpected{added.error()};
  for (const Formula* veto : vetoes) {
    auto veto_terms = sigma::to_dnf(*veto, kMaxTerms);
    if (!veto_terms) return Unexpected{veto_terms.error()};
    auto ok = add_terms(*veto_terms, false, c, c.ignores);
    if (!ok) return Unexpected{"in an excluded part: " + ok.error()};
  }
  return c;
}

std::string render(const Converted& c) {
  std::string y;
  y += "# Imported by `logsift import sigma` from " + c.file + ".\n";
  y += "# Sigma rule " + c.sigma_id + " (Detection Rule License: alerts name the author as rule.author).\n";
  y += "ruleset: 'sigma.linux'\n";
  y += "rules:\n";
  y += "  - id: " + yaml_quote("sigma." + rule_id_from(c.sigma_id)) + "\n";
  y += "    name: " + yaml_quote(c.title) + "\n";
  if (!c.description.empty()) y += "    description: " + yaml_quote(c.description) + "\n";
  y += "    uuid: " + yaml_quote(c.sigma_id) + "\n";
  if (!c.authors.empty()) y += "    author: " + yaml_list(c.authors) + "\n";
  if (!c.references.empty()) y += "    references: " + yaml_list(c.references) + "\n";
  y += "    severity: " + c.level + "\n";
  std::vector<std::string> tags = c.tags;
  tags.insert(tags.begin(), "sigma");
  y += "    tags: " + yaml_list(tags) + "\n";
  if (!c.when.empty()) {
    y += "    when:\n";
    for (const auto& [field, values] : c.when) y += "      " + field + ": " + yaml_list(values) + "\n";
    y += "    when_ignore_case: true\n";
  }
  if (!c.group_by.empty()) {
    y += "    group_by: [";
    for (std::size_t i = 0; i < c.group_by.size(); ++i) y += (i ? ", " : "") + c.group_by[i];
    y += "]\n";
  }
  if (!c.problem.empty()) y += "    problem: { " + c.problem + " }\n";
  if (!c.session.empty()) y += "    session: { " + c.session + " }\n";
  auto patterns = [&](const char* key, const std::vector<std::pair<std::string, std::string>>& list) {
    if (list.empty()) return;
    y += std::string("    ") + key + ":\n";
    for (const auto& [field, regex] : list) y += "      - { regex: " + yaml_quote(regex) + ", field: " + field + " }\n";
  };
  patterns("match", c.patterns);
  patterns("ignore", c.ignores);
  return y;
}

std::vector<std::string> sigma_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it); it.increment(ec)) {
        const auto ext = it->path().extension();
        if (it->is_regular_file(ec) && (ext == ".yml" || ext == ".yaml")) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  return files;
}

}  // namespace

FieldMapping FieldMapping::syslog_default() {
  FieldMapping m;
  for (const char* name : {"message", "Message", "msg", "MESSAGE", "keywords"}) m.fields[name] = "message";
  for (const char* name : {"host", "Host", "hostname", "Hostname", "HostName", "ComputerName", "dvc_host"}) m.fields[name] = "host";
  for (const char* name : {"app", "Application", "application", "program", "Program", "ProcessName", "SYSLOG_IDENTIFIER", "service"}) m.fields[name] = "app";
  for (const char* name : {"pid", "ProcessId", "procid", "PID"}) m.fields[name] = "procid";
  for (const char* name : {"msgid", "MsgId", "MSGID"}) m.fields[name] = "msgid";
  return m;
}

Expected<FieldMapping, std::string> read_field_mapping(const std::string& path) {
  FieldMapping m = FieldMapping::syslog_default();
  try {
    const YAML::Node root = YAML::LoadFile(path);
    const YAML::Node fields = root["fields"];
    if (!fields || !fields.IsMap()) return Unexpected{path + ": a mapping file needs 'fields: { SigmaName: logsift_field }'"};
    for (const auto& kv : fields) {
      if (!kv.second.IsScalar()) return Unexpected{path + ":" + std::to_string(kv.second.Mark().line + 1) + ": field '" + kv.first.Scalar() + "' must map to one logsift field"};
      m.fields[kv.first.Scalar()] = kv.second.Scalar();
    }
  } catch (const YAML::Exception& e) {
    return Unexpected{path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg};
  }
  return m;
}

std::vector<SigmaConversion> convert_sigma(const std::vector<std::string>& paths, const FieldMapping& mapping) {
  std::vector<SigmaConversion> out;
  std::vector<Converted> converted;
  std::vector<std::size_t> converted_at;  // index into `out` of each converted rule
  std::vector<std::pair<YAML::Node, std::size_t>> correlations;
  for (const auto& file : sigma_files(paths)) {
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAllFromFile(file);
    } catch (const YAML::Exception& e) {
      out.push_back({file, "", "", "", "YAML: " + e.msg, false});
      continue;
    }
    for (std::size_t d = 0; d < docs.size(); ++d) {
      const YAML::Node& doc = docs[d];
      if (!doc.IsMap()) continue;
      SigmaConversion result;
      result.source = docs.size() > 1 ? file + " (document " + std::to_string(d + 1) + ")" : file;
      result.title = doc["title"] && doc["title"].IsScalar() ? doc["title"].Scalar() : "";
      try {
        if (doc["correlation"]) {
          result.correlation = true;
          correlations.emplace_back(doc, out.size());
        } else {
          auto c = convert_detection(doc, mapping);
          if (!c) {
            result.refusal = c.error();
          } else {
            c->file = file;
            result.rule_id = "sigma." + rule_id_from(c->sigma_id);
            converted.push_back(std::move(*c));
            converted_at.push_back(out.size());
          }
        }
      } catch (const YAML::Exception& e) {
        result.refusal = "unexpected structure: " + e.msg;
      }
      out.push_back(std::move(result));
    }
  }
  std::vector<std::string> correlation_names;
  for (const auto& [doc, index] : correlations) {
    for (const char* key : {"id", "name"}) {
      if (doc[key] && doc[key].IsScalar()) correlation_names.push_back(doc[key].Scalar());
    }
  }
  for (auto& [doc, index] : correlations) {
    sigma::CorrelationResult applied;
    try {
      applied = sigma::apply_correlation(doc, converted, mapping, correlation_names);
    } catch (const YAML::Exception& e) {
      applied.refusal = "unexpected structure: " + e.msg;
    }
    out[index].refusal = applied.refusal;
    if (applied.refusal.empty() && !applied.rule.sigma_id.empty()) {
      applied.rule.file = out[index].source;
      out[index].rule_id = "sigma." + rule_id_from(applied.rule.sigma_id);
      out[index].rule_text = render(applied.rule);
    }
  }
  for (std::size_t i = 0; i < converted.size(); ++i) {
    SigmaConversion& result = out[converted_at[i]];
    if (converted[i].only_in_correlation && !converted[i].needed_alone) {
      // Sigma's default: a rule named by a correlation that does not `generate` it is no alert
      // of its own; its patterns live on in the correlation's rule.
      result.only_in_correlation = true;
      continue;
    }
    result.rule_text = render(converted[i]);
  }
  return out;
}

}  // namespace logsift::rules_import
