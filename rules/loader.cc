#include "rules/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "rules/duration.h"
#include "rules/field.h"

namespace logsift::rules {

std::string LoadError::to_string() const {
  std::string s = file;
  if (line > 0) {
    s += ':';
    s += std::to_string(line);
  }
  s += ": ";
  if (!rule_id.empty()) s += "rule " + rule_id + ": ";
  s += message;
  return s;
}

namespace {

constexpr std::array kFileKeys = {"ruleset", "description", "defaults", "rules"};
constexpr std::array kRuleKeys = {"id", "name", "description", "when", "when_ignore_case",
                                  "match", "ignore", "field", "ignore_case", "severity", "tags",
                                  "group_by", "problem", "examples", "author", "references",
                                  "uuid", "allow_slow", "session"};
constexpr std::array kDefaultKeys = {"when", "when_ignore_case", "field", "ignore_case",
                                     "severity", "tags", "group_by", "problem", "author",
                                     "references"};
constexpr std::array kProblemKeys = {"count", "within", "resolve_after", "hosts"};
constexpr std::array kSessionKeys = {"id", "within", "wait_for", "wait_for_all", "in_order", "distinct"};
constexpr std::array kPatternKeys = {"regex", "literal", "field", "ignore_case"};
constexpr std::array kExampleKeys = {"line", "match", "fields"};

int line_of(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 200) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
           c == '-';
  });
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "attack.t1110.001" (Sigma's spelling) or "T1110.001" -> "T1110.001"; empty for other tags.
std::string attack_technique(std::string_view tag) {
  if (tag.size() > 7 && (tag.substr(0, 7) == "attack." || tag.substr(0, 7) == "ATTACK.")) tag.remove_prefix(7);
  if (tag.size() < 5 || (tag[0] != 't' && tag[0] != 'T')) return {};
  const bool base = std::all_of(tag.begin() + 1, tag.begin() + 5, is_digit);
  const bool sub = tag.size() == 9 && tag[5] == '.' && std::all_of(tag.begin() + 6, tag.end(), is_digit);
  if (!base || (tag.size() != 5 && !sub)) return {};
  std::string id(tag);
  id[0] = 'T';
  return id;
}

// Names of the named groups a regex defines: (?<name>...), (?'name'...), (?P<name>...).
// A syntactic scan, enough to validate group_by before PCRE2 sees the pattern.
std::vector<std::string> named_groups(std::string_view regex) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i + 3 < regex.size(); ++i) {
    if (regex[i] == '\\') {
      ++i;
      continue;
    }
    if (regex[i] != '(' || regex[i + 1] != '?') continue;
    std::size_t j = i + 2;
    if (regex[j] == 'P') ++j;
    if (j >= regex.size() || (regex[j] != '<' && regex[j] != '\'')) continue;
    const char close = regex[j] == '<' ? '>' : '\'';
    const auto end = regex.find(close, j + 1);
    if (end == std::string_view::npos || end == j + 1) continue;
    const std::string_view name = regex.substr(j + 1, end - j - 1);
    if (name[0] == '=' || name[0] == '!') continue;  // look-behind
    names.emplace_back(name);
  }
  return names;
}

// Reads one file; collects errors against the rule being read.
class FileReader {
 public:
  FileReader(std::string_view file, LoadedRules& out) : file_(file), out_(out) {}

  void read(const YAML::Node& root);

 private:
  void error(const YAML::Node& at, std::string message) {
    out_.errors.push_back({std::string(file_), line_of(at), rule_id_, std::move(message)});
    ++rule_errors_;
  }
  template <std::size_t N>
  void check_keys(const YAML::Node& map, const std::array<const char*, N>& allowed) {
    for (const auto& kv : map) {
      auto key = kv.first.Scalar();
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* k) { return key == k; }))
        error(kv.first, "unknown key '" + key + "'");
    }
  }
  // The rule's own value for `key`, else the file defaults' value (may be undefined).
  YAML::Node get(const YAML::Node& rule, const char* key) const {
    if (rule[key]) return rule[key];
    if (defaults_.IsMap() && defaults_[key]) return defaults_[key];
    return YAML::Node(YAML::NodeType::Undefined);
  }
  std::optional<std::string> scalar(const YAML::Node& node, std::string_view what) {
    if (!node.IsScalar()) {
      error(node, std::string(what) + " must be a single value");
      return std::nullopt;
    }
    return node.Scalar();
  }
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what) {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      error(node, std::string(what) + " must be true or false");
      return std::nullopt;
    }
    return value;
  }
  std::vector<std::string> string_list(const YAML::Node& node, std::string_view what);
  std::optional<FieldRef> field(const YAML::Node& node);

  void read_rule(const YAML::Node& node);
  void read_when(const YAML::Node& node, bool ignore_case, Rule& rule);
  void read_match(const YAML::Node& node, const FieldRef& default_field, bool default_ci,
                  std::vector<Pattern>& into);
  void check_group_by(const YAML::Node& node, const Rule& rule);
  void read_session(const YAML::Node& rule_node, Rule& rule);
  void read_problem(const YAML::Node& rule_node, Rule& rule);
  void read_examples(const YAML::Node& node, Rule& rule);

  std::string_view file_;
  LoadedRules& out_;
  YAML::Node defaults_;
  std::string ruleset_;
  std::string rule_id_;
  int rule_errors_ = 0;
};

std::vector<std::string> FileReader::string_list(const YAML::Node& node, std::string_view what) {
  std::vector<std::string> values;
  if (node.IsScalar()) {
    values.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (auto s = scalar(item, what)) values.push_back(*s);
    }
  } else {
    error(node, std::string(what) + " must be a value or a list of values");
  }
  return values;
}

std::optional<FieldRef> FileReader::field(const YAML::Node& node) {
  auto name = scalar(node, "field");
  if (!name) return std::nullopt;
  auto ref = parse_field_ref(*name);
  if (!ref) error(node, "unknown field '" + *name + "' (message, host, app, procid, msgid, original, json.<path>, sd.<id>.<param>)");
  return ref;
}

void FileReader::read(const YAML::Node& root) {
  if (!root.IsMap()) {
    error(root, "a rule file must be a mapping with 'ruleset' and 'rules'");
    return;
  }
  check_keys(root, kFileKeys);
  if (!root["ruleset"]) error(root, "missing 'ruleset'");
  else if (auto s = scalar(root["ruleset"], "ruleset")) ruleset_ = *s;
  if (root["defaults"]) {
    defaults_ = root["defaults"];
    if (!defaults_.IsMap()) error(defaults_, "'defaults' must be a mapping");
    else check_keys(defaults_, kDefaultKeys);
  }
  const YAML::Node rules = root["rules"];
  if (!rules) {
    error(root, "missing 'rules'");
    return;
  }
  if (!rules.IsSequence()) {
    error(rules, "'rules' must be a list");
    return;
  }
  for (const auto& rule : rules) read_rule(rule);
}

void FileReader::read_rule(const YAML::Node& node) {
  rule_id_.clear();
  rule_errors_ = 0;
  if (!node.IsMap()) {
    error(node, "a rule must be a mapping");
    return;
  }
  Rule rule;
  rule.file = std::string(file_);
  rule.line = line_of(node);
  rule.ruleset = ruleset_;
  if (!node["id"]) {
    error(node, "missing 'id'");
  } else if (auto id = scalar(node["id"], "id")) {
    rule.id = *id;
    rule_id_ = *id;
    if (!is_valid_id(*id)) error(node["id"], "id must use only a-z 0-9 _ . : -");
  }
  check_keys(node, kRuleKeys);
  if (!node["name"]) error(node, "missing 'name'");
  else if (auto s = scalar(node["name"], "name")) rule.name = *s;
  if (node["description"]) {
    if (auto s = scalar(node["description"], "description")) rule.description = *s;
  }
  if (auto sev = get(node, "severity")) {
    static constexpr std::array<std::pair<const char*, Severity>, 5> kNames = {{
        {"informational", Severity::kInformational}, {"low", Severity::kLow},
        {"medium", Severity::kMedium}, {"high", Severity::kHigh}, {"critical", Severity::kCritical}}};
    if (auto s = scalar(sev, "severity")) {
      auto it = std::find_if(kNames.begin(), kNames.end(), [&](auto& p) { return *s == p.first; });
      if (it == kNames.end()) error(sev, "unknown severity '" + *s + "' (informational, low, medium, high, critical)");
      else rule.severity = it->second;
    }
  }
  if (auto tags = get(node, "tags")) rule.tags = string_list(tags, "tags");
  for (const auto& tag : rule.tags) {
    auto technique = attack_technique(tag);
    if (!technique.empty() && std::find(rule.techniques.begin(), rule.techniques.end(), technique) == rule.techniques.end())
      rule.techniques.push_back(std::move(technique));
  }
  if (auto authors = get(node, "author")) rule.authors = string_list(authors, "author");
  if (auto refs = get(node, "references")) rule.references = string_list(refs, "references");
  if (node["uuid"]) {
    if (auto s = scalar(node["uuid"], "uuid")) rule.uuid = *s;
  }
  const YAML::Node group_node = get(node, "group_by");
  if (group_node) rule.group_by = string_list(group_node, "group_by");

  bool when_ci = false;
  if (auto n = get(node, "when_ignore_case")) when_ci = boolean(n, "when_ignore_case").value_or(false);
  if (auto when = get(node, "when")) read_when(when, when_ci, rule);

  FieldRef default_field;
  if (auto n = get(node, "field")) default_field = field(n).value_or(FieldRef{});
  bool default_ci = false;
  if (auto n = get(node, "ignore_case")) default_ci = boolean(n, "ignore_case").value_or(false);
  if (!node["match"]) error(node, "missing 'match'");
  else read_match(node["match"], default_field, default_ci, rule.patterns);
  if (node["ignore"]) read_match(node["ignore"], default_field, default_ci, rule.ignore);
  if (group_node) check_group_by(group_node, rule);
  read_session(node, rule);

  read_problem(node, rule);
  if (auto n = get(node, "allow_slow")) rule.allow_slow = boolean(n, "allow_slow").value_or(false);
  if (node["examples"]) read_examples(node["examples"], rule);
  // The rule as written plus the defaults it inherits: what a reload compares.
  rule.content_fingerprint = std::hash<std::string>{}(ruleset_ + "\n" + YAML::Dump(node) + "\n" +
                                                      (defaults_.IsMap() ? YAML::Dump(defaults_) : std::string()));

  if (!rule.id.empty()) {
    std::string here = std::string(file_) + ":" + std::to_string(rule.line);
    auto [it, inserted] = out_.defined_at.emplace(rule.id, here);
    if (!inserted) error(node, "duplicate id (first defined at " + it->second + ")");
  }
  if (rule_errors_ == 0) out_.rules.push_back(std::move(rule));
}

void FileReader::read_when(const YAML::Node& node, bool ignore_case, Rule& rule) {
  if (!node.IsMap()) {
    error(node, "'when' must be a mapping of field: value(s)");
    return;
  }
  for (const auto& kv : node) {
    auto ref = field(kv.first);
    if (!ref) continue;
    Condition c{*ref, string_list(kv.second, "a 'when' value"), ignore_case};
    if (c.any_of.empty()) error(kv.second, "'when' on " + ref->name() + " lists no values");
    rule.when.push_back(std::move(c));
  }
}

// Named groups of a rule's `match` patterns.
std::vector<std::string> rule_captures(const Rule& rule) {
  std::vector<std::string> captures;
  for (const auto& p : rule.patterns) {
    if (p.literal) continue;
    auto names = named_groups(p.source);
    captures.insert(captures.end(), names.begin(), names.end());
  }
  return captures;
}

void FileReader::read_session(const YAML::Node& rule_node, Rule& rule) {
  const YAML::Node node = rule_node["session"];
  const auto captures = rule_captures(rule);
  auto is_capture = [&](std::string_view name) {
    return std::find(captures.begin(), captures.end(), name) != captures.end();
  };
  if (!node) {
    for (std::string_view flag : {kSessionNote, kSessionEnd, kSessionSuccess}) {
      if (is_capture(flag))
        error(rule_node, "a pattern captures '" + std::string(flag) +
                                                         "', which only means something with 'session:'");
    }
    return;
  }
  if (!node.IsMap()) return error(node, "'session' must be a mapping (id, within, wait_for, wait_for_all, in_order, distinct)");
  check_keys(node, kSessionKeys);
  if (!node["id"]) {
    error(node, "'session' needs 'id': the capture or field that names a session");
  } else if (auto id = scalar(node["id"], "session id")) {
    const auto ref = parse_field_ref(*id);
    if (!is_capture(*id) && !(ref && ref->kind != FieldRef::Kind::kJson))
      error(node["id"], "session id '" + *id + "' is neither a named group of this rule's patterns nor a field "
                        "(host, app, procid, msgid, sd.<id>.<param>, service.*, labels.*)");
    rule.session.id = *id;
  }
  if (const YAML::Node n = node["within"]) {
    auto ms = parse_duration_ms(n.IsScalar() ? n.Scalar() : std::string());
    if (!ms) error(n, "session 'within': " + ms.error());
    else if (ms.value() <= 0) error(n, "session 'within' must be longer than 0");
    else rule.session.within_ms = ms.value();
  }
  auto capture_list = [&](const char* key, std::vector<std::string>& names) {
    const YAML::Node n = node[key];
    if (!n) return;
    names = string_list(n, std::string("session ") + key);
    for (const auto& name : names) {
      if (!is_capture(name)) error(n, std::string("session ") + key + " '" + name + "' is not a named group of this rule's patterns");
    }
  };
  capture_list("wait_for", rule.session.wait_for);
  capture_list("wait_for_all", rule.session.wait_for_all);
  capture_list("distinct", rule.session.distinct);
  if (const YAML::Node n = node["in_order"]) {
    rule.session.in_order = boolean(n, "session in_order").value_or(false);
    if (rule.session.in_order && rule.session.wait_for_all.size() < 2)
      error(n, "session 'in_order' orders the parts of 'wait_for_all', which needs at least two");
  }
}

void FileReader::check_group_by(const YAML::Node& node, const Rule& rule) {
  const std::vector<std::string> captures = rule_captures(rule);
  for (const auto& name : rule.group_by) {
    if (std::find(captures.begin(), captures.end(), name) != captures.end()) continue;
    auto ref = parse_field_ref(name);
    if (ref && ref->kind != FieldRef::Kind::kJson) continue;
    if (ref) {
      error(node, "group_by '" + name + "': JSON paths cannot be grouped on; capture the value with a named group instead");
    } else {
      error(node, "group_by '" + name + "' is neither a named group of this rule's patterns nor a field "
                  "(host, app, procid, msgid, message, original, sd.<id>.<param>, service.name, "
                  "service.environment, service.owner, service.sla_tier, labels.<name>)");
    }
  }
}

void FileReader::read_match(const YAML::Node& node, const FieldRef& default_field,
                            bool default_ci, std::vector<Pattern>& into) {
  auto add_regex = [&](const YAML::Node& n) {
    if (auto s = scalar(n, "a pattern")) {
      if (s->empty()) error(n, "empty pattern");
      into.push_back(Pattern{default_field, *s, false, default_ci});
    }
  };
  auto add_entry = [&](const YAML::Node& n) {
    if (n.IsScalar()) return add_regex(n);
    if (!n.IsMap()) return error(n, "a 'match' entry must be a regex or a mapping");
    check_keys(n, kPatternKeys);
    Pattern p{default_field, {}, false, default_ci};
    if (n["regex"] && n["literal"]) return error(n, "a 'match' entry has either 'regex' or 'literal'");
    const YAML::Node text = n["regex"] ? n["regex"] : n["literal"];
    if (!text) return error(n, "a 'match' entry needs 'regex' or 'literal'");
    auto s = scalar(text, "a pattern");
    if (!s) return;
    if (s->empty()) return error(text, "empty pattern");
    p.source = *s;
    p.literal = static_cast<bool>(n["literal"]);
    if (n["field"]) {
      if (auto f = field(n["field"])) p.field = *f;
    }
    if (n["ignore_case"]) p.case_insensitive = boolean(n["ignore_case"], "ignore_case").value_or(false);
    into.push_back(std::move(p));
  };
  if (node.IsSequence()) {
    if (node.size() == 0) error(node, "'match' or 'ignore' lists no patterns");
    for (const auto& entry : node) add_entry(entry);
  } else {
    add_entry(node);
  }
}

void FileReader::read_problem(const YAML::Node& rule_node, Rule& rule) {
  // Each key comes from the rule's own `problem`, else from the defaults' `problem`.
  const YAML::Node own = rule_node["problem"];
  const YAML::Node& defaults = defaults_;  // const: operator[] must not insert keys
  const YAML::Node fallback = defaults.IsMap() ? defaults["problem"] : YAML::Node(YAML::NodeType::Undefined);
  for (const auto* n : {&own, &fallback}) {
    if (*n && !n->IsMap()) error(*n, "'problem' must be a mapping (count, within, resolve_after, hosts)");
    else if (*n) check_keys(*n, kProblemKeys);
  }
  auto pick = [&](const char* key) -> YAML::Node {
    if (own && own.IsMap() && own[key]) return own[key];
    if (fallback && fallback.IsMap() && fallback[key]) return fallback[key];
    return YAML::Node(YAML::NodeType::Undefined);
  };
  auto count = [&](const char* key, std::uint32_t& into) {
    YAML::Node n = pick(key);
    if (!n) return;
    std::uint32_t v = 0;
    if (!n.IsScalar() || !YAML::convert<std::uint32_t>::decode(n, v) || v == 0)
      error(n, std::string("'") + key + "' must be a positive whole number");
    else into = v;
  };
  auto duration = [&](const char* key, std::int64_t& into) {
    YAML::Node n = pick(key);
    if (!n) return;
    if (!n.IsScalar()) return error(n, std::string("'") + key + "' must be a duration such as 10m");
    auto ms = parse_duration_ms(n.Scalar());
    if (!ms) error(n, std::string("'") + key + "': " + ms.error());
    else if (ms.value() <= 0) error(n, std::string("'") + key + "' must be longer than 0");
    else into = ms.value();
  };
  count("count", rule.recurrence.count);
  count("hosts", rule.recurrence.spread_hosts);
  duration("within", rule.recurrence.within_ms);
  duration("resolve_after", rule.recurrence.resolve_after_ms);
}

void FileReader::read_examples(const YAML::Node& node, Rule& rule) {
  if (!node.IsSequence()) {
    error(node, "'examples' must be a list");
    return;
  }
  for (const auto& n : node) {
    if (!n.IsMap()) {
      error(n, "an example must be a mapping with 'line'");
      continue;
    }
    check_keys(n, kExampleKeys);
    Example ex;
    ex.source_line = line_of(n);
    if (!n["line"]) {
      error(n, "an example needs 'line'");
      continue;
    }
    if (auto s = scalar(n["line"], "line")) ex.line = *s;
    if (n["match"]) ex.should_match = boolean(n["match"], "match").value_or(true);
    if (n["fields"]) {
      if (!n["fields"].IsMap()) {
        error(n["fields"], "'fields' must be a mapping of name: value");
      } else {
        for (const auto& kv : n["fields"]) {
          if (auto v = scalar(kv.second, "a field value")) ex.fields.emplace_back(kv.first.Scalar(), *v);
        }
      }
      if (!ex.should_match && !ex.fields.empty()) error(n, "an example with 'match: false' cannot list 'fields'");
    }
    rule.examples.push_back(std::move(ex));
  }
}

}  // namespace

void load_rule_text(std::string_view text, std::string_view file_name, LoadedRules& into) {
  into.files.emplace_back(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    into.errors.push_back({std::string(file_name), e.mark.line >= 0 ? e.mark.line + 1 : 0, {},
                           "YAML syntax: " + e.msg});
    return;
  }
  try {
    FileReader(file_name, into).read(root);
  } catch (const YAML::Exception& e) {
    into.errors.push_back({std::string(file_name), e.mark.line >= 0 ? e.mark.line + 1 : 0, {},
                           "unexpected structure: " + e.msg});
  }
}

std::vector<std::string> rule_files(std::span<const std::string> paths, std::vector<LoadError>& errors) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
           it.increment(ec)) {
        // Hidden entries are not rules: editor backups, and the "..data" / "..<timestamp>"
        // folders through which a Kubernetes ConfigMap volume publishes the same files again.
        if (it->path().filename().native().starts_with(".")) {
          if (it->is_directory(ec)) it.disable_recursion_pending();
          continue;
        }
        auto ext = it->path().extension();
        if (it->is_regular_file(ec) && (ext == ".yaml" || ext == ".yml")) found.push_back(it->path().string());
      }
      if (ec) errors.push_back({path, 0, {}, "cannot read folder: " + ec.message()});
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  return files;
}

LoadedRules load_rule_paths(std::span<const std::string> paths) {
  LoadedRules out;
  const std::vector<std::string> files = rule_files(paths, out.errors);
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      out.errors.push_back({file, 0, {}, "cannot open rule file"});
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    load_rule_text(text.str(), file, out);
  }
  return out;
}

}  // namespace logsift::rules
