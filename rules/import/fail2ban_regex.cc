// fail2ban regex text -> PCRE2 on the whole line (see fail2ban_regex.h).
#include "rules/import/fail2ban_regex.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

namespace logsift::rules_import {

namespace {

std::string named(std::string_view name, std::string_view body) {
  return "(?P<" + std::string(name) + ">" + std::string(body) + ")";
}

// fail2ban 1.0.2 server/failregex.py R_HOST, with `(?<=:):` (always true there) written `:`.
std::string ip4() { return "(?:::f{4,6}:)?" + named(FailureGroups::kIp, R"((?:\d{1,3}\.){3}\d{1,3})"); }
std::string ip6() { return named(FailureGroups::kIp, R"((?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|:))"); }
std::string dns() { return named(FailureGroups::kDomain, R"([\w\-.^_]*\w)"); }
std::string addr() { return R"(\[?(?:)" + ip4() + "|" + ip6() + R"()\]?)"; }
std::string cidr() { return named(capture_name_for("cidr"), R"(\d+)"); }

std::optional<std::string> fixed_tag(std::string_view tag, const RegexContext& context) {
  if (tag == "HOST") return context.usedns == "no" ? addr() : "(?:" + addr() + "|" + dns() + ")";
  if (tag == "IP4" || tag == "F-IP4/") return ip4();
  if (tag == "IP6" || tag == "F-IP6/") return ip6();
  if (tag == "ADDR" || tag == "F-ADDR/") return addr();
  if (tag == "CIDR" || tag == "F-CIDR/") return cidr();
  if (tag == "SUBNET" || tag == "F-SUBNET/") return R"(\[?(?:)" + ip4() + "|" + ip6() + ")(?:/" + cidr() + R"()?\]?)";
  if (tag == "DNS" || tag == "F-DNS/") return dns();
  if (tag == "F-ID/") return named(FailureGroups::kFailureId, R"(\S+)");
  if (tag == "F-PORT/") return named(capture_name_for("fport"), R"(\w+)");
  return std::nullopt;
}

bool is_tag_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// Python's "{,n}" means "{0,n}"; PCRE2 10.42 reads it as literal text.
std::string rewrite_open_repeat(std::string s) {
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == '{' && s[i + 1] == ',' && std::isdigit(static_cast<unsigned char>(s[i + 2]))) {
      std::size_t j = i + 2;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      if (j < s.size() && s[j] == '}') s.insert(i + 1, "0");
    }
  }
  return s;
}

// fail2ban's R_GLOB2LOCFLAGS: "((?i)x)" and "(?:(?i)x)" become "(?i:x)".
std::string rewrite_scoped_flags(std::string s) {
  for (std::size_t i = 0; i + 3 < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] != '(') continue;
    std::size_t j = i + 1;
    if (s.compare(j, 2, "?:") == 0) j += 2;
    if (s.compare(j, 2, "(?") != 0) continue;
    std::size_t k = j + 2;
    while (k < s.size() && std::islower(static_cast<unsigned char>(s[k]))) ++k;
    if (k == j + 2 || k >= s.size() || s[k] != ')') continue;
    // "(" [ "?:" ] "(?flags)"  ->  "(?flags:"
    s.replace(i, k + 1 - i, s.substr(j, k - j) + ":");
  }
  return s;
}

// Walks `s` from `from` and calls on_syntax(i, depth) for each '(', ')' and '|' outside escapes
// and character classes (depth counts the groups open before s[i]); stops when it returns true.
// Returns the index it stopped at, or npos.
template <typename OnSyntax>
std::size_t walk_regex(std::string_view s, std::size_t from, OnSyntax on_syntax) {
  int depth = 0;
  bool in_class = false;
  for (std::size_t i = from; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < s.size() && s[i + 1] == ']') ++i;
    } else if (c == '(' || c == ')' || c == '|') {
      if (c == ')') --depth;
      if (on_syntax(i, depth)) return i;
      if (c == '(') ++depth;
    }
  }
  return std::string_view::npos;
}

// Index just past the group that opens at `open` (s[open] == '('), or npos.
std::size_t group_end(std::string_view s, std::size_t open) {
  const auto close = walk_regex(s, open, [&](std::size_t i, int depth) { return s[i] == ')' && depth == 0; });
  return close == std::string_view::npos ? close : close + 1;
}

// Splits at top-level '|'.
std::vector<std::string> top_level_branches(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  walk_regex(s, 0, [&](std::size_t i, int depth) {
    if (s[i] == '|' && depth == 0) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
    return false;
  });
  out.emplace_back(s.substr(start));
  return out;
}

// Puts the date back where fail2ban cut it out: after a leading '^' and inside "[]".
std::string with_date(std::string regex, const std::string& date) {
  if (date.empty()) return regex;
  const std::string optional_date = "(?:" + date + ")?";
  // "[]" outside character classes marks where a bracketed date was cut out; fail2ban's EPOCH
  // template also cuts the time out of SELinux's "audit(<epoch>:<serial>)".
  bool in_class = false;
  for (std::size_t i = 0; i < regex.size(); ++i) {
    const char c = regex[i];
    if (c == '\\') {
      if (!in_class && regex.compare(i, 4, R"(\[\])") == 0) {
        regex.replace(i, 4, R"(\[)" + optional_date + R"(\])");
        i += optional_date.size() + 3;
      } else {
        ++i;
      }
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < regex.size() && regex[i + 1] == '^') ++i;
      if (i + 1 < regex.size() && regex[i + 1] == ']') ++i;
    } else if (regex.compare(i, 8, R"(audit\(:)") == 0) {
      regex.insert(i + 7, optional_date);
      i += 7 + optional_date.size();
    }
  }
  std::size_t start = 0;
  while (regex.compare(start, 2, "(?") == 0 && start + 2 < regex.size() && std::islower(static_cast<unsigned char>(regex[start + 2]))) {
    const auto close = regex.find(')', start);
    if (close == std::string::npos || regex.find(':', start) < close) break;
    start = close + 1;  // a global flag group such as "(?i)"
  }
  if (regex.compare(start, 1, "^") == 0) {
    while (regex.compare(start + 1, 1, "^") == 0) ++start;  // "^^" (a prefix of a prefix)
    regex.insert(start + 1, optional_date);
  }
  return regex;
}

bool contains_group(std::string_view regex, std::string_view name) {
  return regex.find("(?P<" + std::string(name) + ">") != std::string_view::npos;
}

// The capture name of a fail2ban group in a filter that uses sessions (see RegexContext).
std::string group_capture_name(std::string_view group, const RegexContext& context) {
  if (context.sessions) {
    if (group == "mlfid") return "session_id";
    if (group == "nofail") return "session_note";
    if (group == "mlfforget") return "session_end";
    if (group == "mlfgained") return "session_success";
  }
  return capture_name_for(group);
}

ConvertedRegex finish(std::string regex) {
  ConvertedRegex out;
  out.has_failure_id = contains_group(regex, FailureGroups::kIp) || contains_group(regex, FailureGroups::kDomain) ||
                       contains_group(regex, FailureGroups::kFailureId);
  // Without sessions, a match that sets <F-NOFAIL> (or <F-MLFGAINED>, a success) is no failure.
  // Python takes the first match in backtracking order, so does PCRE2; (*COMMIT)(*FAIL) refuses
  // exactly that match without trying others. (With sessions the groups are named session_*.)
  for (const char* group : {"nofail", "mlfgained"}) {
    if (contains_group(regex, group)) regex += std::string("(?(<") + group + ">)(*COMMIT)(*FAIL))";
  }
  out.pcre = std::move(regex);
  return out;
}

}  // namespace

std::string capture_name_for(std::string_view group) {
  if (group == "ip4" || group == "ip6") return std::string(FailureGroups::kIp);
  if (group == "dns") return std::string(FailureGroups::kDomain);
  if (group == "fid" || group == "id") return std::string(FailureGroups::kFailureId);
  if (group == "fport" || group == "port") return "source_port";
  if (group == "user") return std::string(FailureGroups::kUser);
  if (group.starts_with("alt_user")) return std::string(FailureGroups::kAltUser);
  if (group == "error") return "error_message";
  if (group == "mlfid") return "session_id";
  if (group == "cidr") return "source_cidr";
  return std::string(group);
}

// True when the regex has a "\n" escape (a line break) outside a character class, not a literal
// backslash followed by n (`[^\n]+`, "not a line break", stays on one line).
bool has_newline_escape(std::string_view regex) {
  bool in_class = false;
  for (std::size_t i = 0; i + 1 < regex.size(); ++i) {
    if (regex[i] == '[' && !in_class) {
      in_class = true;
      if (regex[i + 1] == '^') ++i;
      if (i + 1 < regex.size() && regex[i + 1] == ']') ++i;
      continue;
    }
    if (regex[i] == ']' && in_class) {
      in_class = false;
      continue;
    }
    if (regex[i] != '\\') continue;
    if (regex[i + 1] == 'n' && !in_class) return true;
    ++i;
  }
  return false;
}

bool uses_sessions(std::string_view regex) { return regex.find("<F-MLFID>") != std::string_view::npos; }

Expected<std::string, std::string> expand_fail2ban_regex(std::string_view regex, const RegexContext& context) {
  // "^.*\n" only asks for some earlier line: the line after it is matched on its own.
  std::string without_first_line;
  if (regex.starts_with("^.*\\n")) {
    without_first_line = "^" + std::string(regex.substr(5));
    regex = without_first_line;
  }
  if (regex.find("<SKIPLINES>") != std::string_view::npos || has_newline_escape(regex))
    return Unexpected{std::string("spans several lines (<SKIPLINES> or \\n, needs maxlines > 1)")};
  std::string out;
  std::vector<std::string> open;
  for (std::size_t i = 0; i < regex.size(); ++i) {
    if (regex[i] == '\\' && i + 1 < regex.size()) {
      out += regex.substr(i, 2);
      ++i;
      continue;
    }
    if (regex[i] != '<') {
      out += regex[i];
      continue;
    }
    // fail2ban FTAG_CRE: </?[\w\-]+/?>
    std::size_t j = i + 1;
    const bool closing = j < regex.size() && regex[j] == '/';
    if (closing) ++j;
    const std::size_t name_start = j;
    while (j < regex.size() && is_tag_char(regex[j])) ++j;
    const bool self_closing = j < regex.size() && regex[j] == '/';
    if (self_closing) ++j;
    if (j == name_start || j >= regex.size() || regex[j] != '>') {
      out += regex[i];
      continue;
    }
    const std::string tag(regex.substr(i + 1, j - i - 1));
    const std::string name(regex.substr(name_start, j - name_start - (self_closing ? 1 : 0)));
    std::string replacement = std::string(regex.substr(i, j + 1 - i));
    if (auto fixed = fixed_tag(tag, context)) {
      replacement = *fixed;
    } else if (name.starts_with("F-") && name.size() > 2 && !self_closing &&
               std::all_of(name.begin() + 2, name.end(), [](char c) {
                 return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-';
               })) {
      std::string group = name.substr(2);
      std::transform(group.begin(), group.end(), group.begin(), [](unsigned char c) { return std::tolower(c); });
      if (closing) {
        if (std::find(open.begin(), open.end(), group) != open.end()) replacement = ")";
      } else {
        open.push_back(group);
        replacement = "(?P<" + group_capture_name(group, context) + ">";
      }
    }
    out += replacement;
    i = j;
  }
  out = rewrite_scoped_flags(rewrite_open_repeat(std::move(out)));
  // Back-references follow the renamed groups: (?P=user) -> (?P=user_name).
  for (std::size_t at = out.find("(?P="); at != std::string::npos; at = out.find("(?P=", at + 4)) {
    const auto close = out.find(')', at);
    if (close == std::string::npos) break;
    const std::string name = out.substr(at + 4, close - at - 4);
    out.replace(at + 4, name.size(), capture_name_for(name));
  }
  for (const char* python_only : {"\\u", "\\U", "\\N{", "(?L", "(?a"}) {
    if (out.find(python_only) != std::string::npos)
      return Unexpected{"uses Python-only syntax '" + std::string(python_only) + "'"};
  }
  return out;
}

Expected<ConvertedRegex, std::string> convert_failregex(std::string_view prefregex, std::string_view failregex,
                                                        const RegexContext& context) {
  auto fail = expand_fail2ban_regex(failregex, context);
  if (!fail) return Unexpected{fail.error()};
  std::string combined = *fail;
  if (!prefregex.empty()) {
    auto pref = expand_fail2ban_regex(prefregex, context);
    if (!pref) return Unexpected{"prefregex " + pref.error()};
    const std::string marker = "(?P<content>";
    const auto open = pref->find(marker);
    if (open == std::string::npos) {
      // Without <F-CONTENT> the prefregex only gates: it and the failregex must both match.
      return Unexpected{std::string("prefregex without <F-CONTENT> is not supported")};
    }
    const auto close = group_end(*pref, open);
    if (close == std::string::npos) return Unexpected{std::string("prefregex: unbalanced <F-CONTENT> group")};
    // The failregex searches the content: '^' is the content's start, otherwise it may start later.
    std::string inner;
    for (const auto& branch : top_level_branches(*fail)) {
      if (!inner.empty()) inner += '|';
      inner += branch.starts_with('^') ? branch.substr(1) : ".*?(?:" + branch + ")";
    }
    combined = pref->substr(0, open) + "(?:" + inner + ").*?" + pref->substr(close);
  }
  return finish(with_date(std::move(combined), context.date_regex));
}

Expected<MultilineRegex, std::string> convert_multiline_failregex(std::string_view prefregex, std::string_view failregex,
                                                                  const RegexContext& context) {
  static constexpr std::string_view kSkip = "<SKIPLINES>";
  const auto skip = failregex.find(kSkip);
  if (skip == std::string_view::npos || failregex.find(kSkip, skip + kSkip.size()) != std::string_view::npos)
    return Unexpected{std::string("spans lines other than FIRST<SKIPLINES>LAST")};
  if (!prefregex.empty()) return Unexpected{std::string("spans lines under a prefregex")};
  auto first = expand_fail2ban_regex(failregex.substr(0, skip), context);
  if (!first) return Unexpected{first.error()};
  auto last = expand_fail2ban_regex(failregex.substr(skip + kSkip.size()), context);
  if (!last) return Unexpected{last.error()};
  // The groups LAST refers back to; the last one named is the session id (the most specific:
  // slapd's connection number after its process prefix), the others only constrain the text.
  std::vector<std::string> names;
  for (std::size_t at = last->find("(?P="); at != std::string::npos; at = last->find("(?P=", at + 4)) {
    const auto close = last->find(')', at);
    if (close == std::string::npos) break;
    names.push_back(last->substr(at + 4, close - at - 4));
  }
  if (names.empty()) return Unexpected{std::string("spans lines that share no back-referenced group (nothing ties them to one session)")};
  for (const auto& name : names) {
    const std::string open = "(?P<" + name + ">";
    const auto at = first->find(open);
    if (at == std::string::npos) return Unexpected{"refers back to group '" + name + "', which the first line does not define"};
    const auto end = group_end(*first, at);
    if (end == std::string::npos) return Unexpected{"group '" + name + "' is not closed"};
    const std::string body = first->substr(at + open.size(), end - 1 - at - open.size());
    const bool is_id = name == names.back();
    first->replace(at, open.size(), is_id ? "(?P<session_id>" : "(?:");
    const std::string reference = "(?P=" + name + ")";
    for (auto r = last->find(reference); r != std::string::npos; r = last->find(reference)) {
      last->replace(r, reference.size(), (is_id ? "(?P<session_id>" : "(?:") + body + ")");
      if (is_id) break;  // a group name may be defined once; later references stay back-references
    }
    if (is_id) {
      for (auto r = last->find(reference); r != std::string::npos; r = last->find(reference, r + 1))
        last->replace(r, reference.size(), "(?P=session_id)");
    }
  }
  MultilineRegex out;
  out.first = finish(with_date(std::move(*first), context.date_regex));
  out.first.pcre += "(?P<session_note>)(?P<" + std::string(kFirstLineCapture) + ">)";
  out.last = finish(with_date(std::move(*last), context.date_regex));
  out.last.pcre += "(?P<session_end>)";
  return out;
}

Expected<ConvertedRegex, std::string> convert_ignoreregex(std::string_view ignoreregex, const RegexContext& context) {
  auto expanded = expand_fail2ban_regex(ignoreregex, context);
  if (!expanded) return Unexpected{expanded.error()};
  return finish(with_date(std::move(*expanded), context.date_regex));
}

}  // namespace logsift::rules_import
