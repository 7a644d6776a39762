// Compiling a RuleSet: PCRE2 first (it owns syntax errors and captures), then one Hyperscan
// database per field, demoting patterns Hyperscan cannot take to prefilter or PCRE2-only.
#include <hs/hs.h>

#include <algorithm>
#include <cstring>

#include "rules/database_cache.h"
#include "rules/rule_set_internal.h"
#include "rules/slow_pattern.h"

namespace logsift::rules {

namespace {

unsigned hyperscan_flags(const Pattern& p) {
  unsigned flags = HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
  if (p.case_insensitive) flags |= HS_FLAG_CASELESS;
  return flags;
}

// Which engine a pattern needs, judged by Hyperscan's own parser.
PatternEngine choose_engine(const std::string& expression, unsigned flags) {
  for (auto [engine, extra] : {std::pair{PatternEngine::kHyperscan, 0u},
                               std::pair{PatternEngine::kPrefilter, unsigned{HS_FLAG_PREFILTER}}}) {
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* error = nullptr;
    hs_error_t rc = hs_expression_info(expression.c_str(), flags | extra, &info, &error);
    if (error != nullptr) hs_free_compile_error(error);
    if (info != nullptr) std::free(info);
    if (rc == HS_SUCCESS) return engine;
  }
  return PatternEngine::kPcreOnly;
}

std::string pcre_error_text(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof(buffer));
  return reinterpret_cast<const char*>(buffer);
}

std::vector<std::pair<std::uint32_t, std::string>> capture_names(const pcre2_code* code) {
  std::uint32_t count = 0, entry_size = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
  pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
  std::vector<std::pair<std::uint32_t, std::string>> names;
  for (std::uint32_t i = 0; i < count; ++i) {
    PCRE2_SPTR entry = table + i * entry_size;
    std::uint32_t group = (static_cast<std::uint32_t>(entry[0]) << 8) | entry[1];
    names.emplace_back(group, reinterpret_cast<const char*>(entry + 2));
  }
  return names;
}

// Hyperscan refuses two groups with one name, which PCRE2 allows (PCRE2_DUPNAMES) and importers
// produce (fail2ban's <ADDR> captures an IPv4 or an IPv6 address under one name). Hyperscan needs
// no names, so it gets plain groups when a name repeats.
std::string hyperscan_expression(const std::string& expression, const pcre2_code* code) {
  std::uint32_t count = 0, entry_size = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
  pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
  bool repeated = false;
  for (std::uint32_t i = 1; i < count && !repeated; ++i) {
    repeated = std::strcmp(reinterpret_cast<const char*>(table + (i - 1) * entry_size + 2),
                           reinterpret_cast<const char*>(table + i * entry_size + 2)) == 0;
  }
  if (!repeated) return expression;
  std::string out;
  for (std::size_t i = 0; i < expression.size(); ++i) {
    const char c = expression[i];
    if (c == '\\' && i + 1 < expression.size()) {
      out += expression.substr(i, 2);
      ++i;
      continue;
    }
    std::size_t name_at = std::string::npos;
    char close = '>';
    if (expression.compare(i, 4, "(?P<") == 0) name_at = i + 4;
    else if (expression.compare(i, 3, "(?<") == 0 && i + 3 < expression.size() && expression[i + 3] != '=' && expression[i + 3] != '!') name_at = i + 3;
    else if (expression.compare(i, 3, "(?'") == 0) name_at = i + 3, close = '\'';
    const auto end = name_at == std::string::npos ? std::string::npos : expression.find(close, name_at);
    if (end == std::string::npos) {
      out += c;
      continue;
    }
    out += '(';
    i = end;
  }
  return out;
}

std::string literal_to_regex(std::string_view literal) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(literal.size() * 2);
  for (unsigned char c : literal) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

}  // namespace

std::string pattern_expression(const Pattern& pattern) {
  return pattern.literal ? literal_to_regex(pattern.source) : pattern.source;
}

RuleSet::RuleSet() = default;

RuleSet::~RuleSet() = default;

PatternEngine RuleSet::engine(std::size_t rule_index, std::size_t pattern_index) const {
  return patterns_[first_pattern_[rule_index] + pattern_index].engine;
}

Expected<std::shared_ptr<const RuleSet>, std::vector<LoadError>> RuleSet::compile(
    std::vector<Rule> rules, const CompileOptions& options) {
  std::shared_ptr<RuleSet> set(new RuleSet());
  std::vector<LoadError> errors;
  std::vector<std::string> expressions;  // pattern index -> expression given to both engines
  std::vector<unsigned> flags;           // pattern index -> Hyperscan flags
  set->rules_ = std::move(rules);

  auto json_slot = [&](const FieldRef& f, const Rule& rule) -> int {
    if (f.kind != FieldRef::Kind::kJson) return -1;
    auto& paths = set->json_paths_;
    auto it = std::find(paths.begin(), paths.end(), f.json_path);
    if (it != paths.end()) return static_cast<int>(it - paths.begin());
    if (paths.size() >= parsers::kMaxExtraFields) {
      errors.push_back({rule.file, rule.line, rule.id,
                        "too many distinct JSON paths in the rule set (at most " +
                            std::to_string(parsers::kMaxExtraFields) + ")"});
      return -1;
    }
    paths.push_back(f.json_path);
    return static_cast<int>(paths.size() - 1);
  };
  auto field_scan = [&](const FieldRef& f, const Rule& rule) -> std::uint32_t {
    auto& fields = set->fields_;
    auto it = std::find_if(fields.begin(), fields.end(), [&](const FieldScan& s) { return s.field == f; });
    if (it != fields.end()) return static_cast<std::uint32_t>(it - fields.begin());
    fields.push_back(FieldScan{f, json_slot(f, rule), {}, {}});
    return static_cast<std::uint32_t>(fields.size() - 1);
  };

  for (std::uint32_t r = 0; r < set->rules_.size(); ++r) {
    const Rule& rule = set->rules_[r];
    set->first_pattern_.push_back(static_cast<std::uint32_t>(set->patterns_.size()));
    RuleConditions conditions;
    for (const auto& c : rule.when) {
      conditions.all_of.push_back({&c.field, json_slot(c.field, rule), c.case_insensitive, &c.any_of});
    }
    set->conditions_.push_back(std::move(conditions));
    const std::size_t pattern_count = rule.patterns.size();
    for (std::size_t k = 0; k < pattern_count + rule.ignore.size(); ++k) {
      const bool ignore = k >= pattern_count;
      if (ignore && k == pattern_count) set->first_ignore_.push_back(static_cast<std::uint32_t>(set->patterns_.size()));
      const Pattern& p = ignore ? rule.ignore[k - pattern_count] : rule.patterns[k];
      std::string expression = pattern_expression(p);
      int error_code = 0;
      PCRE2_SIZE error_offset = 0;
      pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expression.data()), expression.size(),
                                       PCRE2_DUPNAMES | (p.case_insensitive ? PCRE2_CASELESS : 0u), &error_code,
                                       &error_offset, nullptr);
      if (code == nullptr) {
        errors.push_back({rule.file, rule.line, rule.id,
                          "regex does not compile: " + pcre_error_text(error_code) + " at offset " +
                              std::to_string(error_offset) + " in '" + p.source + "'"});
        continue;
      }
      pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if JIT is unavailable
      CompiledPattern cp;
      cp.rule_index = r;
      cp.ignore = ignore;
      cp.field_scan = field_scan(p.field, rule);
      cp.code.reset(code);
      cp.names = capture_names(code);
      std::uint32_t groups = 0;
      pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
      set->max_capture_groups_ = std::max(set->max_capture_groups_, groups);
      expression = hyperscan_expression(expression, code);
      set->patterns_.push_back(std::move(cp));
      expressions.push_back(std::move(expression));
      flags.push_back(hyperscan_flags(p));
    }
    if (rule.ignore.empty()) set->first_ignore_.push_back(static_cast<std::uint32_t>(set->patterns_.size()));
  }
  set->first_pattern_.push_back(static_cast<std::uint32_t>(set->patterns_.size()));
  if (!errors.empty()) return Unexpected{std::move(errors)};

  CompileStats& stats = set->stats_;
  for (std::uint32_t f = 0; f < set->fields_.size(); ++f) {
    FieldScan& scan = set->fields_[f];
    std::vector<std::uint32_t> field_patterns;  // pattern ids of this field, rule order
    std::vector<std::string> key_expressions;
    std::vector<unsigned> key_flags, key_ids;
    for (std::uint32_t p = 0; p < set->patterns_.size(); ++p) {
      if (set->patterns_[p].field_scan != f) continue;
      field_patterns.push_back(p);
      key_expressions.push_back(expressions[p]);
      key_flags.push_back(flags[p]);
      key_ids.push_back(p);
    }
    // A cache hit gives both the engines and the database: no pattern is parsed by Hyperscan.
    const std::string key = database_key(key_expressions, key_flags, key_ids);
    if (!options.cache_dir.empty()) {
      if (auto cached = load_cached_database(options.cache_dir, key);
          cached && cached->engines.size() == field_patterns.size()) {
        for (std::size_t i = 0; i < field_patterns.size(); ++i) {
          set->patterns_[field_patterns[i]].engine = static_cast<PatternEngine>(cached->engines[i]);
          if (set->patterns_[field_patterns[i]].engine == PatternEngine::kPcreOnly) scan.pcre_only.push_back(field_patterns[i]);
        }
        scan.database = std::move(cached->database);
        ++stats.cache_hits;
        continue;
      }
      ++stats.cache_misses;
    }

    std::vector<std::uint32_t> members;  // pattern ids that go to Hyperscan, key order
    std::vector<std::string> hs_expressions;
    std::vector<unsigned> hs_flags, hs_ids;
    for (std::uint32_t p : field_patterns) {
      CompiledPattern& cp = set->patterns_[p];
      cp.engine = choose_engine(expressions[p], flags[p]);
      if (cp.engine == PatternEngine::kPcreOnly) {
        scan.pcre_only.push_back(p);
        continue;
      }
      members.push_back(p);
      hs_expressions.push_back(expressions[p]);
      hs_flags.push_back(flags[p] | (cp.engine == PatternEngine::kPrefilter ? HS_FLAG_PREFILTER : 0u));
      hs_ids.push_back(p);
    }

    // Applies one demotion: exact -> prefilter -> PCRE2 only.
    auto demote = [&](std::uint32_t position) {
      CompiledPattern& cp = set->patterns_[members[position]];
      if (cp.engine == PatternEngine::kHyperscan) {
        cp.engine = PatternEngine::kPrefilter;
        hs_flags[position] |= HS_FLAG_PREFILTER;
      } else {
        cp.engine = PatternEngine::kPcreOnly;
      }
    };
    // Compile; when Hyperscan names one expression as the problem, demote it and try again.
    std::vector<std::uint32_t> active(members.size());
    for (std::uint32_t i = 0; i < active.size(); ++i) active[i] = i;
    while (!active.empty()) {
      std::vector<const char*> exprs;
      std::vector<unsigned> fl, ids;
      for (auto i : active) {
        exprs.push_back(hs_expressions[i].c_str());
        fl.push_back(hs_flags[i]);
        ids.push_back(hs_ids[i]);
      }
      hs_compile_error_t* error = nullptr;
      hs_database_t* database = nullptr;
      hs_error_t rc = hs_compile_ext_multi(exprs.data(), fl.data(), ids.data(), nullptr,
                                           static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                                           nullptr, &database, &error);
      if (rc == HS_SUCCESS) {
        scan.database.reset(database);
        break;
      }
      const int bad = error != nullptr ? error->expression : -1;
      std::string message = error != nullptr ? error->message : "unknown error";
      if (error != nullptr) hs_free_compile_error(error);
      if (bad < 0 || static_cast<std::size_t>(bad) >= active.size()) {
        errors.push_back({{}, 0, {}, "Hyperscan cannot build the database for field '" + scan.field.name() + "': " + message});
        return Unexpected{std::move(errors)};
      }
      const std::uint32_t position = active[static_cast<std::size_t>(bad)];
      demote(position);
      if (set->patterns_[members[position]].engine == PatternEngine::kPcreOnly) {
        scan.pcre_only.push_back(members[position]);
        active.erase(active.begin() + bad);
      }
    }
    if (!options.cache_dir.empty()) {
      std::vector<std::uint8_t> engines;
      for (std::uint32_t p : field_patterns) engines.push_back(static_cast<std::uint8_t>(set->patterns_[p].engine));
      std::string err = store_cached_database(options.cache_dir, key, scan.database.get(), engines);
      if (!err.empty()) stats.cache_errors.push_back(std::move(err));
    }
  }

  // PCRE2 decides the matches of prefiltered and PCRE2-only patterns: refuse the shapes that
  // make it backtrack without bound, unless the rule accepts the cost.
  for (std::uint32_t p = 0; p < set->patterns_.size(); ++p) {
    const CompiledPattern& cp = set->patterns_[p];
    if (cp.engine == PatternEngine::kHyperscan) continue;
    const Rule& rule = set->rules_[cp.rule_index];
    const std::uint32_t k = p - set->first_pattern_[cp.rule_index];
    if (rule.allow_slow || k >= rule.patterns.size()) continue;
    const std::string why = slow_pattern_reason(pattern_expression(rule.patterns[k]));
    if (why.empty()) continue;
    errors.push_back({rule.file, rule.line, rule.id,
                      "pattern '" + rule.patterns[k].source + "' must run in PCRE2 and may backtrack without bound: " +
                          why + "; rewrite it (possessive quantifiers, atomic groups, bounded repeats) or set "
                                "'allow_slow: true' on the rule"});
  }
  if (!errors.empty()) return Unexpected{std::move(errors)};

  stats.rules = set->rules_.size();
  stats.patterns = set->patterns_.size();
  for (const auto& p : set->patterns_) {
    if (p.engine == PatternEngine::kHyperscan) ++stats.hyperscan_patterns;
    else if (p.engine == PatternEngine::kPrefilter) ++stats.prefilter_patterns;
    else ++stats.pcre_only_patterns;
  }
  for (auto& f : set->fields_) {
    std::sort(f.pcre_only.begin(), f.pcre_only.end());
    if (f.database == nullptr) continue;
    ++stats.databases;
    // One scratch fits every database: hs_alloc_scratch grows an existing scratch as needed.
    hs_scratch_t* scratch = set->scratch_prototype_.release();
    if (hs_alloc_scratch(f.database.get(), &scratch) != HS_SUCCESS) {
      errors.push_back({{}, 0, {}, "Hyperscan cannot allocate scratch space for field '" + f.field.name() + "'"});
      return Unexpected{std::move(errors)};
    }
    set->scratch_prototype_.reset(scratch);
  }
  return std::shared_ptr<const RuleSet>(std::move(set));
}

}  // namespace logsift::rules
