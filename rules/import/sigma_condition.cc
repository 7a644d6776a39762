// Sigma search identifiers and conditions (sigma-rules-specification 2.1.0, "Detection").
#include "rules/import/sigma_condition.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace logsift::rules_import::sigma {

namespace {

std::string regex_escape(char c) {
  static const std::string kSpecial = R"(\^$.|?*+()[]{}/#-)";
  if (kSpecial.find(c) != std::string::npos) return std::string("\\") + c;
  if (static_cast<unsigned char>(c) < 0x20) {
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("\\x") + kHex[(c >> 4) & 0xf] + kHex[c & 0xf];
  }
  return std::string(1, c);
}

// Sigma string value -> regex body: '*' any run, '?' one character, '\' escapes '*', '?' and '\'.
std::string wildcard_regex(const std::string& value, bool* has_wildcard) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' && i + 1 < value.size() && (value[i + 1] == '*' || value[i + 1] == '?' || value[i + 1] == '\\')) {
      out += regex_escape(value[++i]);
    } else if (c == '*') {
      out += ".*";
      *has_wildcard = true;
    } else if (c == '?') {
      out += '.';
      *has_wildcard = true;
    } else {
      out += regex_escape(c);
    }
  }
  return out;
}

// Decimal numbers lo..hi (0..255) as an alternation.
std::string octet_range(int lo, int hi) {
  if (lo == 0 && hi == 255) return R"(\d{1,3})";
  std::string out = "(?:";
  for (int v = lo; v <= hi; ++v) out += (v == lo ? "" : "|") + std::to_string(v);
  return out + ")";
}

Expected<std::string, std::string> ipv4_cidr_regex(const std::string& cidr) {
  unsigned a = 0, b = 0, c = 0, d = 0, bits = 32;
  char tail = 0;
  const int n = std::sscanf(cidr.c_str(), "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &bits, &tail);
  if ((n != 5 && n != 4) || a > 255 || b > 255 || c > 255 || d > 255 || bits > 32)
    return Unexpected{"cidr value '" + cidr + "' is not an IPv4 network (IPv6 networks are not supported)"};
  const std::uint32_t address = (a << 24) | (b << 16) | (c << 8) | d;
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  const std::uint32_t low = address & mask, high = low | ~mask;
  std::string out = "^";
  for (int octet = 3; octet >= 0; --octet) {
    const int lo = static_cast<int>((low >> (8 * octet)) & 0xff), hi = static_cast<int>((high >> (8 * octet)) & 0xff);
    out += octet_range(lo, hi);
    if (octet > 0) out += "\\.";
  }
  return out + "$";
}

std::string scalar_text(const YAML::Node& n) { return n.IsNull() ? std::string() : n.Scalar(); }

// One "field|modifier|..." key with its value(s).
Expected<Formula, std::string> field_test(const std::string& key, const YAML::Node& value, const FieldLookup& fields) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto bar = key.find('|', start);
    parts.push_back(key.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  const std::string sigma_field = parts[0];
  bool contains = sigma_field.empty(), starts = false, ends = false, all = false, re = false, cidr = false, cased = false;
  std::string re_flags;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string& m = parts[i];
    if (m == "contains") contains = true;
    else if (m == "startswith") starts = true;
    else if (m == "endswith") ends = true;
    else if (m == "all") all = true;
    else if (m == "re") re = true;
    else if (m == "cidr") cidr = true;
    else if (m == "cased") cased = true;
    else if (re && (m == "i" || m == "m" || m == "s")) re_flags += m;
    else return Unexpected{"modifier '" + m + "' is not supported"};
  }
  std::string field = "message";
  if (!sigma_field.empty()) {
    auto it = fields.find(sigma_field);
    if (it == fields.end() || it->second.empty())
      return Unexpected{"field '" + sigma_field + "' has no logsift mapping (give one with --mapping)"};
    field = it->second;
  }
  std::vector<YAML::Node> values;
  if (value.IsSequence()) {
    for (const auto& v : value) values.push_back(v);
  } else {
    values.push_back(value);
  }
  if (values.empty()) return Unexpected{"'" + key + "' lists no values"};
  std::vector<Formula> tests;
  for (const auto& v : values) {
    if (!v.IsScalar() && !v.IsNull()) return Unexpected{"'" + key + "' has a value that is not a string or number"};
    const std::string text = scalar_text(v);
    Formula f;
    f.test.field = field;
    if (re) {
      std::string flags = re_flags;
      f.test.regex = (flags.empty() ? "" : "(?" + flags + ")") + text;
    } else if (cidr) {
      auto r = ipv4_cidr_regex(text);
      if (!r) return Unexpected{r.error()};
      f.test.regex = *r;
    } else {
      bool wildcard = false;
      std::string body = wildcard_regex(text, &wildcard);
      if (v.IsNull()) body.clear();
      const bool whole = !contains && !starts && !ends;
      if (whole && !wildcard && !cased) f.test.exact.push_back(text);
      body = (starts || whole ? "^" : "") + body + (ends || whole ? "$" : "");
      f.test.regex = cased ? body : "(?i:" + body + ")";
    }
    tests.push_back(std::move(f));
  }
  if (tests.size() == 1) return tests[0];
  if (!all && std::all_of(tests.begin(), tests.end(), [](const Formula& t) { return !t.test.exact.empty(); })) {
    // One test for "field is one of these values": stays one literal, may become a `when`.
    Formula one;
    one.test.field = field;
    std::string alternatives;
    for (const auto& t : tests) {
      alternatives += (alternatives.empty() ? "" : "|") + t.test.regex;
      one.test.exact.push_back(t.test.exact[0]);
    }
    one.test.regex = "(?:" + alternatives + ")";
    return one;
  }
  Formula group;
  group.kind = all ? Formula::Kind::kAnd : Formula::Kind::kOr;
  group.operands = std::move(tests);
  return group;
}

Expected<Formula, std::string> map_search(const YAML::Node& node, const FieldLookup& fields) {
  Formula conj;
  conj.kind = Formula::Kind::kAnd;
  for (const auto& kv : node) {
    auto t = field_test(kv.first.Scalar(), kv.second, fields);
    if (!t) return t;
    conj.operands.push_back(std::move(*t));
  }
  if (conj.operands.empty()) return Unexpected{std::string("an empty selection")};
  if (conj.operands.size() == 1) return conj.operands[0];
  return conj;
}

// Condition tokenizer and recursive-descent parser (precedence: or < and < not < x of < ()).
class ConditionParser {
 public:
  ConditionParser(const std::string& text, const std::map<std::string, Formula>& searches) : searches_(searches) {
    std::size_t i = 0;
    while (i < text.size()) {
      if (std::isspace(static_cast<unsigned char>(text[i]))) {
        ++i;
      } else if (text[i] == '(' || text[i] == ')') {
        tokens_.emplace_back(1, text[i++]);
      } else {
        std::size_t j = i;
        while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) && text[j] != '(' && text[j] != ')') ++j;
        tokens_.push_back(text.substr(i, j - i));
        i = j;
      }
    }
  }

  Expected<Formula, std::string> parse() {
    auto f = parse_or();
    if (f && pos_ != tokens_.size()) {
      if (tokens_[pos_] == "|") return Unexpected{std::string("aggregation ('| count() ...', Sigma 1) is not supported; use a correlation rule")};
      return Unexpected{"unexpected '" + tokens_[pos_] + "' in condition"};
    }
    return f;
  }

 private:
  bool accept(const std::string& word) {
    if (pos_ < tokens_.size() && tokens_[pos_] == word) {
      ++pos_;
      return true;
    }
    return false;
  }
  Expected<Formula, std::string> parse_or() {
    auto left = parse_and();
    if (!left) return left;
    Formula f;
    f.kind = Formula::Kind::kOr;
    f.operands.push_back(std::move(*left));
    while (accept("or")) {
      auto right = parse_and();
      if (!right) return right;
      f.operands.push_back(std::move(*right));
    }
    if (f.operands.size() == 1) return std::move(f.operands[0]);
    return f;
  }
  Expected<Formula, std::string> parse_and() {
    auto left = parse_not();
    if (!left) return left;
    Formula f;
    f.kind = Formula::Kind::kAnd;
    f.operands.push_back(std::move(*left));
    while (accept("and")) {
      auto right = parse_not();
      if (!right) return right;
      f.operands.push_back(std::move(*right));
    }
    if (f.operands.size() == 1) return std::move(f.operands[0]);
    return f;
  }
  Expected<Formula, std::string> parse_not() {
    if (accept("not")) {
      auto inner = parse_not();
      if (!inner) return inner;
      Formula f;
      f.kind = Formula::Kind::kNot;
      f.operands.push_back(std::move(*inner));
      return f;
    }
    return parse_primary();
  }
  Expected<Formula, std::string> parse_primary() {
    if (pos_ >= tokens_.size()) return Unexpected{std::string("condition ends early")};
    if (accept("(")) {
      auto f = parse_or();
      if (!f) return f;
      if (!accept(")")) return Unexpected{std::string("missing ')' in condition")};
      return f;
    }
    const std::string word = tokens_[pos_++];
    if ((word == "1" || word == "all" || word == "any") && accept("of")) {
      if (pos_ >= tokens_.size()) return Unexpected{std::string("'of' without a name pattern")};
      const std::string pattern = tokens_[pos_++];
      Formula f;
      f.kind = word == "all" ? Formula::Kind::kAnd : Formula::Kind::kOr;
      for (const auto& [name, search] : searches_) {
        const bool hit = pattern == "them" ? !name.starts_with('_') : glob(pattern, name);
        if (hit) f.operands.push_back(search);
      }
      if (f.operands.empty()) return Unexpected{"'" + word + " of " + pattern + "' names no search"};
      if (f.operands.size() == 1) return std::move(f.operands[0]);
      return f;
    }
    if (word == "of" || word == "and" || word == "or" || word == ")")
      return Unexpected{"unexpected '" + word + "' in condition"};
    if (word.find('|') != std::string::npos) return Unexpected{"aggregation '" + word + "' (Sigma 1 '|' conditions) is not supported"};
    auto it = searches_.find(word);
    if (it == searches_.end()) return Unexpected{"condition names unknown search '" + word + "'"};
    return it->second;
  }
  static bool glob(const std::string& pattern, const std::string& name) {
    if (pattern.ends_with('*')) return name.starts_with(pattern.substr(0, pattern.size() - 1));
    return pattern == name;
  }

  const std::map<std::string, Formula>& searches_;
  std::vector<std::string> tokens_;
  std::size_t pos_ = 0;
};

// Negation normal form (negation on tests only), then DNF.
Formula push_not(const Formula& f, bool negate) {
  if (f.kind == Formula::Kind::kNot) return push_not(f.operands[0], !negate);
  if (f.kind == Formula::Kind::kTest) {
    if (!negate) return f;
    Formula n;
    n.kind = Formula::Kind::kNot;
    n.operands.push_back(f);
    return n;
  }
  Formula out;
  out.kind = (f.kind == Formula::Kind::kAnd) != negate ? Formula::Kind::kAnd : Formula::Kind::kOr;
  for (const auto& o : f.operands) out.operands.push_back(push_not(o, negate));
  return out;
}

Expected<std::vector<Term>, std::string> dnf_of(const Formula& f, std::size_t max_terms) {
  if (f.kind == Formula::Kind::kTest) return std::vector<Term>{Term{Literal{f.test, false}}};
  if (f.kind == Formula::Kind::kNot) return std::vector<Term>{Term{Literal{f.operands[0].test, true}}};
  std::vector<Term> out;
  if (f.kind == Formula::Kind::kOr) {
    for (const auto& o : f.operands) {
      auto d = dnf_of(o, max_terms);
      if (!d) return d;
      out.insert(out.end(), d->begin(), d->end());
      if (out.size() > max_terms) return Unexpected{"condition expands to more than " + std::to_string(max_terms) + " alternatives"};
    }
    return out;
  }
  out.push_back(Term{});
  for (const auto& o : f.operands) {
    auto d = dnf_of(o, max_terms);
    if (!d) return d;
    std::vector<Term> next;
    for (const auto& a : out) {
      for (const auto& b : *d) {
        Term t = a;
        t.insert(t.end(), b.begin(), b.end());
        next.push_back(std::move(t));
      }
    }
    if (next.size() > max_terms) return Unexpected{"condition expands to more than " + std::to_string(max_terms) + " alternatives"};
    out = std::move(next);
  }
  return out;
}

}  // namespace

Expected<Formula, std::string> parse_search(const YAML::Node& node, const FieldLookup& fields) {
  if (node.IsMap()) return map_search(node, fields);
  if (!node.IsSequence()) return Unexpected{std::string("a search must be a list or a mapping")};
  Formula any;
  any.kind = Formula::Kind::kOr;
  for (const auto& item : node) {
    if (item.IsMap()) {
      auto f = map_search(item, fields);
      if (!f) return f;
      any.operands.push_back(std::move(*f));
    } else if (item.IsScalar()) {
      auto f = field_test("|contains", item, fields);  // a keyword: substring of the message
      if (!f) return f;
      any.operands.push_back(std::move(*f));
    } else {
      return Unexpected{std::string("a search list item must be a keyword or a mapping")};
    }
  }
  if (any.operands.empty()) return Unexpected{std::string("an empty search list")};
  if (any.operands.size() == 1) return std::move(any.operands[0]);
  return any;
}

Expected<Formula, std::string> parse_condition(const std::string& condition,
                                               const std::map<std::string, Formula>& searches) {
  return ConditionParser(condition, searches).parse();
}

Expected<std::vector<Term>, std::string> to_dnf(const Formula& formula, std::size_t max_terms) {
  return dnf_of(push_not(formula, false), max_terms);
}

}  // namespace logsift::rules_import::sigma
