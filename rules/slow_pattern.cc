#include "rules/slow_pattern.h"

#include <cctype>
#include <map>
#include <vector>

namespace logsift::rules {
namespace {

struct Group {
  int number = 0;          // capturing group number; 0 when not capturing
  bool atomic = false;     // (?>...): no backtracking into it
  bool unbounded = false;  // holds an unbounded quantifier (at any depth)
};

struct Parser {
  std::string_view re;
  std::size_t i = 0;
  std::vector<Group> open{Group{}};
  std::map<int, bool> unbounded_group;  // group number -> holds an unbounded quantifier
  std::map<std::string, int, std::less<>> named;
  std::vector<int> references;
  std::vector<std::string> named_references;
  int captures = 0;
  std::string reason;

  bool at(char c) const { return i < re.size() && re[i] == c; }

  std::string read_until(char end) {
    std::string out;
    while (i < re.size() && re[i] != end) out.push_back(re[i++]);
    if (i < re.size()) ++i;
    return out;
  }

  void escape() {
    ++i;  // the backslash
    if (i >= re.size()) return;
    const char c = re[i++];
    if (c >= '1' && c <= '9') {
      int n = c - '0';
      while (i < re.size() && std::isdigit(static_cast<unsigned char>(re[i])) && n < 100) n = n * 10 + (re[i++] - '0');
      references.push_back(n);
    } else if (c == 'k' && i < re.size() && (re[i] == '<' || re[i] == '{' || re[i] == '\'')) {
      const char close = re[i] == '<' ? '>' : (re[i] == '{' ? '}' : '\'');
      ++i;
      named_references.push_back(read_until(close));
    } else if (c == 'g' && i < re.size()) {
      std::string target;
      if (re[i] == '{') {
        ++i;
        target = read_until('}');
      } else {
        while (i < re.size() && (std::isdigit(static_cast<unsigned char>(re[i])) || re[i] == '-')) target.push_back(re[i++]);
      }
      if (!target.empty() && std::isdigit(static_cast<unsigned char>(target[0]))) references.push_back(std::stoi(target));
      else if (!target.empty() && target[0] != '-') named_references.push_back(target);
    } else if ((c == 'x' || c == 'p' || c == 'P' || c == 'o' || c == 'N') && at('{')) {
      read_until('}');
    }
  }

  void char_class() {
    ++i;  // '['
    if (at('^')) ++i;
    if (at(']')) ++i;  // a leading ']' is literal
    while (i < re.size() && re[i] != ']') {
      if (re[i] == '\\') {
        i += 2;
      } else if (re[i] == '[' && i + 1 < re.size() && re[i + 1] == ':') {
        i += 2;
        while (i + 1 < re.size() && !(re[i] == ':' && re[i + 1] == ']')) ++i;
        i += 2;
      } else {
        ++i;
      }
    }
    if (i < re.size()) ++i;
  }

  // After an atom: its quantifier, if any. `inner` is the group just closed, or null.
  void quantifier(const Group* inner) {
    if (i >= re.size()) return;
    bool unbounded = false;
    const std::size_t start = i;
    if (re[i] == '*' || re[i] == '+') {
      unbounded = true;
      ++i;
    } else if (re[i] == '?') {
      ++i;
    } else if (re[i] == '{') {
      std::size_t j = i + 1;
      std::string min, max;
      bool comma = false;
      while (j < re.size() && (std::isdigit(static_cast<unsigned char>(re[j])) || re[j] == ',')) {
        if (re[j] == ',') comma = true;
        else (comma ? max : min).push_back(re[j]);
        ++j;
      }
      if (j >= re.size() || re[j] != '}' || (min.empty() && !comma)) return;  // a literal '{'
      unbounded = comma && max.empty();
      i = j + 1;
    } else {
      return;
    }
    const bool possessive = at('+');
    if (possessive || at('?')) ++i;
    if (!unbounded || possessive) return;
    if (inner != nullptr && inner->unbounded && !inner->atomic && reason.empty()) {
      reason = "nested unbounded quantifiers at offset " + std::to_string(start) +
               " (a group holding '+', '*' or '{n,}' is itself repeated without bound)";
    }
    open.back().unbounded = true;
  }

  void group_open() {
    ++i;  // '('
    Group g;
    if (at('?')) {
      ++i;
      if (at('#')) {  // comment
        read_until(')');
        return;
      }
      if (at('>')) {
        g.atomic = true;
        ++i;
      } else if (at('<') && i + 1 < re.size() && re[i + 1] != '=' && re[i + 1] != '!') {
        ++i;
        g.number = ++captures;
        named[read_until('>')] = g.number;
      } else if (at('P') && i + 1 < re.size() && re[i + 1] == '<') {
        i += 2;
        g.number = ++captures;
        named[read_until('>')] = g.number;
      } else if (at('\'')) {
        ++i;
        g.number = ++captures;
        named[read_until('\'')] = g.number;
      } else {
        // (?:  (?=  (?!  (?<=  (?<!  (?|  or inline flags (?i) / (?i:
        std::size_t j = i;
        while (j < re.size() && (std::isalpha(static_cast<unsigned char>(re[j])) || re[j] == '-' || re[j] == '^')) ++j;
        if (j < re.size() && re[j] == ')' ) {  // flags only: not a group
          i = j + 1;
          return;
        }
      }
    } else {
      g.number = ++captures;
    }
    open.push_back(g);
  }

  void group_close() {
    ++i;  // ')'
    if (open.size() < 2) return;  // unbalanced: PCRE2 reports it
    const Group g = open.back();
    open.pop_back();
    if (g.number > 0) unbounded_group[g.number] = g.unbounded;
    quantifier(&g);
    if (g.unbounded) open.back().unbounded = true;
  }

  std::string run() {
    while (i < re.size() && reason.empty()) {
      const char c = re[i];
      if (c == '\\') {
        escape();
        quantifier(nullptr);
      } else if (c == '[') {
        char_class();
        quantifier(nullptr);
      } else if (c == '(') {
        group_open();
      } else if (c == ')') {
        group_close();
      } else {
        ++i;
        quantifier(nullptr);
      }
    }
    if (!reason.empty()) return reason;
    for (const auto& name : named_references) {
      if (auto it = named.find(name); it != named.end()) references.push_back(it->second);
    }
    for (int n : references) {
      if (auto it = unbounded_group.find(n); it != unbounded_group.end() && it->second) {
        return "back-reference to group " + std::to_string(n) + ", which holds an unbounded quantifier";
      }
    }
    return {};
  }
};

}  // namespace

std::string slow_pattern_reason(std::string_view regex) {
  Parser parser;
  parser.re = regex;
  return parser.run();
}

}  // namespace logsift::rules
