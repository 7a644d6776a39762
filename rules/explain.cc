#include "rules/explain.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <memory>

#include "rules/field.h"

namespace logsift::rules {
namespace {

constexpr std::size_t kMinLiteralBytes = 3;
constexpr std::uint32_t kPcreMatchLimit = 1'000'000;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Walks a regex once, collecting the literal runs every match must contain. A frame per open
// group gathers the runs found inside it; when the group closes they go to the enclosing frame,
// unless the group has alternatives, is optional, or is a look-around.
class LiteralWalker {
 public:
  explicit LiteralWalker(std::string_view s) : s_(s) {}

  std::vector<std::vector<std::string>> run() {
    frames_.push_back(Frame{});
    while (i_ < s_.size()) step();
    flush();
    while (frames_.size() > 1) close_group();  // unbalanced: keep what was found
    branches_.push_back(std::move(frames_.back().runs));
    return std::move(branches_);
  }

 private:
  struct Frame {
    std::vector<std::string> runs;
    bool alternatives = false;
    bool discard = false;  // look-around, comment
  };

  void flush() {
    if (run_.size() >= kMinLiteralBytes) frames_.back().runs.push_back(run_);
    run_.clear();
  }

  enum class Quantifier { kNone, kRepeat, kOptional };

  // After an atom: skips a quantifier and says whether it allows zero repetitions.
  Quantifier skip_quantifier() {
    if (i_ >= s_.size()) return Quantifier::kNone;
    Quantifier q = Quantifier::kRepeat;
    const char c = s_[i_];
    if (c == '?' || c == '*') {
      q = Quantifier::kOptional;
      ++i_;
    } else if (c == '+') {
      ++i_;
    } else if (c == '{' && i_ + 1 < s_.size() && is_digit(s_[i_ + 1])) {
      const std::size_t close = s_.find('}', i_);
      if (close == std::string_view::npos) return Quantifier::kNone;
      if (s_[i_ + 1] == '0' && (i_ + 2 >= s_.size() || !is_digit(s_[i_ + 2]))) q = Quantifier::kOptional;
      i_ = close + 1;
    } else {
      return Quantifier::kNone;
    }
    if (i_ < s_.size() && (s_[i_] == '?' || s_[i_] == '+')) ++i_;  // lazy or possessive
    return q;
  }

  // A literal character: kept unless a quantifier makes it optional; a repeat ends the run.
  void literal(char c) {
    const Quantifier q = skip_quantifier();
    if (q != Quantifier::kOptional) run_ += c;
    if (q != Quantifier::kNone) flush();
  }

  void open_group() {
    flush();
    Frame frame;
    if (i_ < s_.size() && s_[i_] == '?') {
      ++i_;
      const char k = i_ < s_.size() ? s_[i_] : ')';
      if (k == ':' || k == '>' || k == '|') {
        ++i_;
      } else if (k == '=' || k == '!') {
        frame.discard = true;
        ++i_;
      } else if (k == '<' && i_ + 1 < s_.size() && (s_[i_ + 1] == '=' || s_[i_ + 1] == '!')) {
        frame.discard = true;
        i_ += 2;
      } else if (k == '<' || k == '\'' || (k == 'P' && i_ + 1 < s_.size() && s_[i_ + 1] == '<')) {
        const std::size_t close = s_.find(k == '\'' ? '\'' : '>', i_ + 1);
        i_ = close == std::string_view::npos ? s_.size() : close + 1;
      } else if (k == '#') {
        frame.discard = true;
      } else {
        // Inline flags "(?i)" set for the rest of the group, "(?i:...)" open a group.
        std::size_t p = i_;
        while (p < s_.size() && s_[p] != ')' && s_[p] != ':') ++p;
        if (p < s_.size() && s_[p] == ')') {
          i_ = p + 1;
          return;
        }
        i_ = p < s_.size() ? p + 1 : p;
      }
    }
    frames_.push_back(std::move(frame));
  }

  void close_group() {
    flush();
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    const bool optional = skip_quantifier() == Quantifier::kOptional;
    const bool keep = !frame.alternatives && !frame.discard && !optional;
    if (keep) {
      auto& parent = frames_.back().runs;
      parent.insert(parent.end(), frame.runs.begin(), frame.runs.end());
    }
  }

  void skip_class() {
    flush();
    std::size_t p = i_;  // after '['
    if (p < s_.size() && s_[p] == '^') ++p;
    if (p < s_.size() && s_[p] == ']') ++p;
    while (p < s_.size() && s_[p] != ']') {
      if (s_[p] == '\\') ++p;
      else if (s_[p] == '[' && p + 1 < s_.size() && s_[p + 1] == ':') {
        const std::size_t close = s_.find(":]", p + 2);
        if (close != std::string_view::npos) p = close + 1;
      }
      ++p;
    }
    i_ = p < s_.size() ? p + 1 : p;
    skip_quantifier();
  }

  void escape() {
    if (i_ >= s_.size()) return;
    const char c = s_[i_++];
    switch (c) {
      case 'n': literal('\n'); return;
      case 't': literal('\t'); return;
      case 'r': literal('\r'); return;
      case 'f': literal('\f'); return;
      case 'e': literal('\x1b'); return;
      case 'a': literal('\a'); return;
      case 'x': {
        if (i_ + 1 < s_.size() && hex_value(s_[i_]) >= 0 && hex_value(s_[i_ + 1]) >= 0) {
          const char value = static_cast<char>(hex_value(s_[i_]) * 16 + hex_value(s_[i_ + 1]));
          i_ += 2;
          literal(value);
          return;
        }
        break;
      }
      case 'Q': {
        const std::size_t end = s_.find("\\E", i_);
        const std::size_t stop = end == std::string_view::npos ? s_.size() : end;
        run_.append(s_.substr(i_, stop - i_));
        i_ = end == std::string_view::npos ? s_.size() : end + 2;
        return;
      }
      default:
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) break;
        literal(c);  // escaped punctuation
        return;
    }
    // A class, anchor, back-reference or property: no fixed text.
    flush();
    if ((c == 'p' || c == 'P' || c == 'k' || c == 'g' || c == 'x') && i_ < s_.size() &&
        (s_[i_] == '{' || s_[i_] == '<')) {
      const std::size_t close = s_.find(s_[i_] == '{' ? '}' : '>', i_);
      i_ = close == std::string_view::npos ? s_.size() : close + 1;
    }
    skip_quantifier();
  }

  void step() {
    const char c = s_[i_++];
    switch (c) {
      case '\\': escape(); return;
      case '[': skip_class(); return;
      case '(': open_group(); return;
      case ')':
        if (frames_.size() > 1) close_group();
        return;
      case '|':
        flush();
        if (frames_.size() > 1) {
          frames_.back().alternatives = true;
        } else {
          branches_.push_back(std::move(frames_.back().runs));
          frames_.back() = Frame{};
        }
        return;
      case '.':
      case '^':
      case '$':
        flush();
        skip_quantifier();
        return;
      default: literal(c); return;
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string run_;
  std::vector<Frame> frames_;
  std::vector<std::vector<std::string>> branches_;
};

bool equal_at(std::string_view hay, std::size_t pos, std::string_view needle, bool ignore_case) {
  for (std::size_t k = 0; k < needle.size(); ++k) {
    char a = hay[pos + k], b = needle[k];
    if (ignore_case) {
      if (a >= 'A' && a <= 'Z') a = static_cast<char>(a + 32);
      if (b >= 'A' && b <= 'Z') b = static_cast<char>(b + 32);
    }
    if (a != b) return false;
  }
  return true;
}

std::size_t find_text(std::string_view hay, std::string_view needle, std::size_t from, bool ignore_case) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (std::size_t p = from; p + needle.size() <= hay.size(); ++p) {
    if (equal_at(hay, p, needle, ignore_case)) return p;
  }
  return std::string_view::npos;
}

// The words of literal runs (split at spaces, two bytes or more): a near miss usually differs in a
// word ("Failed publickey for" against "Failed password for"), and words show where.
std::vector<std::string> words_of(const std::vector<std::string>& runs) {
  std::vector<std::string> words;
  for (const std::string& run : runs) {
    std::size_t start = 0;
    while (start < run.size()) {
      std::size_t end = run.find(' ', start);
      if (end == std::string::npos) end = run.size();
      if (end - start >= 2) words.push_back(run.substr(start, end - start));
      start = end + 1;
    }
  }
  return words;
}

// The literal verdicts of the branch of `pattern` that the value covers best.
void judge_literals(const Pattern& pattern, std::string_view value, PatternVerdict& verdict) {
  std::vector<std::vector<std::string>> branches;
  if (pattern.literal) branches.push_back({pattern.source});
  else branches = regex_literal_branches(pattern.source);
  double best = -1;
  for (const auto& branch : branches) {
    std::vector<LiteralVerdict> literals;
    std::size_t cursor = 0, found = 0, total = 0;
    for (const auto& text : words_of(branch)) {
      const std::size_t at = find_text(value, text, cursor, pattern.case_insensitive);
      literals.push_back({text, at != std::string_view::npos});
      total += text.size();
      if (at != std::string_view::npos) {
        found += text.size();
        cursor = at + text.size();
      }
    }
    const double coverage = total == 0 ? 0.0 : static_cast<double>(found) / static_cast<double>(total);
    if (coverage > best) {
      best = coverage;
      verdict.literals = std::move(literals);
      verdict.coverage = coverage;
    }
  }
}

struct CodeDeleter {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
struct MatchDataDeleter {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};
struct ContextDeleter {
  void operator()(pcre2_match_context* context) const { pcre2_match_context_free(context); }
};

// Runs one pattern on its field's value with PCRE2, as the rule set compiles it.
PatternVerdict judge_pattern(const Pattern& pattern, std::size_t index, std::string_view value,
                             pcre2_match_context* context) {
  PatternVerdict verdict;
  verdict.index = index;
  verdict.field = pattern.field.name();
  verdict.source = pattern.source;
  verdict.literal = pattern.literal;
  const std::string expression = pattern_expression(pattern);
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  std::unique_ptr<pcre2_code, CodeDeleter> code(
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expression.data()), expression.size(),
                    pattern.case_insensitive ? PCRE2_CASELESS : 0u, &error_code, &error_offset, nullptr));
  if (code == nullptr) {
    verdict.error = true;  // the rule set compiled it, so this cannot happen for a loaded rule
    return verdict;
  }
  std::unique_ptr<pcre2_match_data, MatchDataDeleter> data(
      pcre2_match_data_create_from_pattern(code.get(), nullptr));
  const int rc = pcre2_match(code.get(), reinterpret_cast<PCRE2_SPTR>(value.data()), value.size(), 0, 0,
                             data.get(), context);
  if (rc >= 0) {
    verdict.matched = true;
    verdict.coverage = 1;
    std::uint32_t count = 0, entry_size = 0;
    PCRE2_SPTR table = nullptr;
    pcre2_pattern_info(code.get(), PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(code.get(), PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
    pcre2_pattern_info(code.get(), PCRE2_INFO_NAMETABLE, &table);
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
    const std::uint32_t pairs = pcre2_get_ovector_count(data.get());
    // PCRE2's name table is sorted by name; show captures in the order the pattern has them.
    std::vector<std::pair<std::uint32_t, const char*>> groups;
    for (std::uint32_t n = 0; n < count; ++n) {
      PCRE2_SPTR entry = table + n * entry_size;
      groups.emplace_back((static_cast<std::uint32_t>(entry[0]) << 8) | entry[1],
                          reinterpret_cast<const char*>(entry + 2));
    }
    std::sort(groups.begin(), groups.end());
    for (const auto& [group, name] : groups) {
      if (group >= pairs || ovector[2 * group] == PCRE2_UNSET) continue;
      verdict.captures.emplace_back(
          name, std::string(value.substr(ovector[2 * group], ovector[2 * group + 1] - ovector[2 * group])));
    }
    return verdict;
  }
  verdict.error = rc != PCRE2_ERROR_NOMATCH;
  judge_literals(pattern, value, verdict);
  return verdict;
}

int json_slot(const RuleSet& set, const FieldRef& field) {
  if (field.kind != FieldRef::Kind::kJson) return -1;
  const auto& paths = set.json_paths();
  const auto it = std::find(paths.begin(), paths.end(), field.json_path);
  return it == paths.end() ? -1 : static_cast<int>(it - paths.begin());
}

bool equal_ignore_ascii_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && equal_at(a, 0, b, true);
}

}  // namespace

std::vector<std::vector<std::string>> regex_literal_branches(std::string_view source) {
  return LiteralWalker(source).run();
}

std::vector<RuleExplanation> explain_record(const std::shared_ptr<const RuleSet>& rule_set,
                                            const parsers::Record& record,
                                            const ExplainOptions& options) {
  const RuleSet& set = *rule_set;
  Matcher matcher(rule_set);
  std::vector<bool> matched(set.rules().size(), false);
  for (const RuleMatch& m : matcher.match(record)) matched[m.rule_index] = true;

  std::unique_ptr<pcre2_match_context, ContextDeleter> context(pcre2_match_context_create(nullptr));
  pcre2_set_match_limit(context.get(), kPcreMatchLimit);

  std::vector<RuleExplanation> out;
  for (std::size_t r = 0; r < set.rules().size(); ++r) {
    const Rule& rule = set.rules()[r];
    RuleExplanation e;
    e.rule_index = r;
    e.matched = matched[r];
    e.conditions_hold = true;
    for (const Condition& c : rule.when) {
      ConditionVerdict v;
      v.field = c.field.name();
      v.value = std::string(field_value(record, c.field, json_slot(set, c.field)));
      v.any_of = c.any_of;
      v.case_insensitive = c.case_insensitive;
      v.holds = std::any_of(c.any_of.begin(), c.any_of.end(), [&](const std::string& want) {
        return c.case_insensitive ? equal_ignore_ascii_case(v.value, want) : v.value == want;
      });
      e.conditions_hold = e.conditions_hold && v.holds;
      e.conditions.push_back(std::move(v));
    }
    double best = 0;
    bool any_pattern = false;
    for (std::size_t p = 0; p < rule.patterns.size(); ++p) {
      const Pattern& pattern = rule.patterns[p];
      const std::string_view value = field_value(record, pattern.field, json_slot(set, pattern.field));
      e.patterns.push_back(judge_pattern(pattern, p, value, context.get()));
      any_pattern = any_pattern || e.patterns.back().matched;
      best = std::max(best, e.patterns.back().coverage);
    }
    for (std::size_t p = 0; p < rule.ignore.size(); ++p) {
      const Pattern& pattern = rule.ignore[p];
      const std::string_view value = field_value(record, pattern.field, json_slot(set, pattern.field));
      PatternVerdict verdict = judge_pattern(pattern, p, value, context.get());
      if (!verdict.matched) verdict.literals.clear();  // what an ignore lacks explains nothing
      e.ignores.push_back(std::move(verdict));
    }
    if (e.matched || any_pattern) {
      e.closeness = 1;
    } else {
      e.closeness = e.conditions_hold ? best : best / 2;
    }
    if (e.matched || e.closeness >= options.min_closeness) out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), [](const RuleExplanation& a, const RuleExplanation& b) {
    if (a.matched != b.matched) return a.matched;
    return a.closeness > b.closeness;
  });
  return out;
}

}  // namespace logsift::rules
