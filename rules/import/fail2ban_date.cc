// fail2ban `datepattern` -> one regex for the text fail2ban's date detector cuts out of a line.
//
// fail2ban 1.0.2 server/datedetector.py (DEFAULT_TEMPLATES), datetemplate.py ({^LN-BEG}, {UNB},
// {DATE}, {NONE}, EPOCH, TAI64N) and strptime.py (the directive table, %Ex* and %k/%l). Dates are
// matched case-insensitively as there. Back-references between separators ("2005-01-23" but not
// "2005-01/23") are relaxed to any separator of the set: a wider match, never a narrower one.
#include <array>
#include <cctype>
#include <map>

#include "rules/import/fail2ban_regex.h"

namespace logsift::rules_import {

namespace {

constexpr std::array<const char*, 19> kDefaultTemplates = {
    R"(%ExY(?P<_sep>[-/.])%m(?P=_sep)%d(?:T|  ?)%H:%M:%S(?:[.,]%f)?(?:\s*%z)?)",
    R"((?:%a )?%b %d %k:%M:%S(?:\.%f)?(?: %ExY)?)",
    R"((?:%a )?%b %d %ExY %k:%M:%S(?:\.%f)?)",
    R"(%d(?P<_sep>[-/])%m(?P=_sep)(?:%ExY|%Exy) %k:%M:%S)",
    R"(%d(?P<_sep>[-/])%b(?P=_sep)%ExY[ :]?%H:%M:%S(?:\.%f)?(?: %z)?)",
    R"(%m/%d/%ExY:%H:%M:%S)",
    R"(%m-%d-%ExY %k:%M:%S(?:\.%f)?)",
    R"(EPOCH)",
    R"({^LN-BEG}%H:%M:%S)",
    R"(^<%m/%d/%Exy@%H:%M:%S>)",
    R"(%Exy%Exm%Exd  ?%H:%M:%S)",
    R"(%b %d, %ExY %I:%M:%S %p)",
    R"(^%b-%d-%Exy %k:%M:%S)",
    R"(%ExY%Exm%Exd(?:T|  ?)%ExH%ExM%ExS(?:[.,]%f)?(?:\s*%z)?)",
    R"((?:%Z )?(?:%a )?%b %d %k:%M:%S(?:\.%f)?(?: %ExY)?)",
    R"((?:%z )?(?:%a )?%b %d %k:%M:%S(?:\.%f)?(?: %ExY)?)",
    R"(TAI64N)",
    R"(LEPOCH)",
    R"(ISO8601)",
};

const std::map<std::string, std::string>& directives() {
  static const std::map<std::string, std::string> table = {
      {"a", "(?:mon|tue|wed|thu|fri|sat|sun)"},
      {"A", "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"},
      {"b", "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"},
      {"B", "(?:january|february|march|april|may|june|july|august|september|october|november|december)"},
      {"d", R"((?:[1-2]\d|[0 ]?[1-9]|3[0-1]))"},
      {"m", "(?:0?[1-9]|1[0-2])"},
      {"Y", R"(\d{4})"},
      {"y", R"(\d\d)"},
      {"H", R"((?:[0-1]?\d|2[0-3]))"},
      {"I", R"((?:1[0-2]|0[1-9]|[1-9]))"},
      {"M", R"([0-5]?\d)"},
      {"S", R"((?:[0-5]?\d|6[0-1]))"},
      {"f", R"(\d{1,6})"},
      {"p", "(?:am|pm)"},
      {"j", R"(\d{1,3})"},
      {"U", R"(\d{1,2})"},
      {"W", R"(\d{1,2})"},
      {"w", "[0-6]"},
      {"k", R"( ?[0-2]?\d)"},
      {"l", R"( ?1?\d)"},
      {"Z", "(?:Z|[A-Z]{3,5})"},
      {"z", R"((?:Z|UTC|GMT|[+-][01]\d(?::?\d{2})?))"},
      {"ExY", R"(2\d{3})"},
      {"Exy", R"(\d{2})"},
      {"Exd", R"((?:[1-2]\d|0[1-9]|3[0-1]))"},
      {"Exm", "(?:0[1-9]|1[0-2])"},
      {"ExH", R"((?:[0-1]\d|2[0-3]))"},
      {"Exk", R"( ?(?:[0-1]?\d|2[0-3]))"},
      {"Exl", R"( ?(?:1[0-2]|\d))"},
      {"ExM", R"([0-5]\d)"},
      {"ExS", R"((?:[0-5]\d|6[0-1]))"},
      {"ExZ", "[A-Z](?:[A-Z]{2,4})?"},
      {"Exz", R"((?:(?:[A-Z](?:[A-Z]{2,4})?)?[+-][01]\d(?::?\d{2})?|[A-Z](?:[A-Z]{2,4})?))"},
  };
  return table;
}

// Named groups become plain groups; (?P=name) repeats the text of the nearest group of that
// name before it (a separator, above).
std::string without_named_groups(const std::string& s) {
  std::map<std::string, std::string> bodies;
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out += s.substr(i, 2);
      ++i;
    } else if (s.compare(i, 4, "(?P<") == 0) {
      const auto name_end = s.find('>', i);
      if (name_end == std::string::npos) return out + s.substr(i);
      const std::string name = s.substr(i + 4, name_end - i - 4);
      int depth = 1;
      std::size_t j = name_end + 1;
      for (; j < s.size() && depth > 0; ++j) {
        if (s[j] == '\\') ++j;
        else if (s[j] == '(') ++depth;
        else if (s[j] == ')') --depth;
      }
      bodies[name] = s.substr(name_end + 1, j - 1 - (name_end + 1));
      out += "(?:";
      i = name_end;
    } else if (s.compare(i, 4, "(?P=") == 0) {
      const auto close = s.find(')', i);
      if (close == std::string::npos) return out + s.substr(i);
      out += "(?:" + bodies[s.substr(i + 4, close - i - 4)] + ")";
      i = close;
    } else {
      out += s[i];
    }
  }
  return out;
}

// With a group of its own, fail2ban cuts out only what the first group matched.
std::string cut_region(std::string out) {
  out = without_named_groups(out);
  // With a group of its own, fail2ban cuts out only what the first group matched.
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\\') {
      ++i;
      continue;
    }
    if (out[i] == '[') {  // skip a character class
      for (++i; i < out.size() && out[i] != ']'; ++i) {
        if (out[i] == '\\') ++i;
      }
      continue;
    }
    if (out[i] == '(' && (i + 1 >= out.size() || out[i + 1] != '?')) {
      int depth = 0;
      for (std::size_t j = i; j < out.size(); ++j) {
        if (out[j] == '\\') {
          ++j;
        } else if (out[j] == '(') {
          ++depth;
        } else if (out[j] == ')' && --depth == 0) {
          return out.substr(i + 1, j - i - 1);
        }
      }
      break;
    }
  }
  return out;
}

Expected<std::string, std::string> one_pattern(std::string p) {
  for (const char* mark : {"{UNB}", "{^LN-BEG}", "**"}) {
    for (auto at = p.find(mark); at != std::string::npos; at = p.find(mark)) p.erase(at, std::string(mark).size());
  }
  std::string upper;
  for (char c : p) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "EPOCH" || upper == "{EPOCH}") return std::string(R"(\d{10,11}(?:\.\d{3,6})?)");
  if (upper == "LEPOCH" || upper == "{LEPOCH}") return std::string(R"(\d{10,11}(?:\d{3}(?:\.\d{1,3}|\d{3})?)?)");
  if (upper == "TAI64N") return std::string("@[0-9a-f]{24}");
  if (upper == "ISO8601") p = R"(%ExY-%Exm-%Exd[T ]%ExH:%ExM(?::%ExS(?:[.,]%f)?)?(?:\s*%Exz)?)";
  if (p.empty()) return std::string();
  std::string out;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '%') {
      out += p[i];
      continue;
    }
    if (i + 1 < p.size() && p[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    std::string key = p.substr(i + 1, p.compare(i + 1, 2, "Ex") == 0 ? 3 : 1);
    auto it = directives().find(key);
    if (it == directives().end()) return Unexpected{"unknown date directive %" + key};
    out += it->second;
    i += key.size();
  }
  if (out.starts_with('^')) out.erase(0, 1);
  return out;
}

}  // namespace

Expected<std::string, std::string> date_regex_for(std::string_view datepattern) {
  std::string defaults;
  for (const char* t : kDefaultTemplates) {
    auto r = one_pattern(t);
    if (!r) return r;
    if (!defaults.empty()) defaults += '|';
    defaults += *r;
  }
  std::string text(datepattern);
  if (text.find("{NONE}") != std::string::npos) return std::string();
  std::string alternatives;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.erase(0, 1);
    if (line.empty() && !text.empty()) continue;
    std::string piece;
    if (line.empty() || line == "{^LN-BEG}") {
      piece = defaults;
    } else {
      const auto date = line.find("{DATE}");
      if (date != std::string::npos) {
        auto before = one_pattern(line.substr(0, date));
        auto after = one_pattern(line.substr(date + 6));
        if (!before) return before;
        if (!after) return after;
        piece = *before + "(?:" + defaults + ")" + *after;
      } else {
        auto r = one_pattern(line);
        if (!r) return r;
        piece = *r;
      }
    }
    if (!alternatives.empty()) alternatives += '|';
    alternatives += cut_region(piece);
    if (text.empty()) break;
  }
  return "(?i:" + alternatives + ")";
}

}  // namespace logsift::rules_import
