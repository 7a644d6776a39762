#include "daemon/detect/variable_mask.h"

namespace logsift::detect {
namespace {

constexpr std::string_view kWildcard = "<*>";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_open_punct(char c) { return c == '(' || c == '[' || c == '{' || c == '<' || c == '"' || c == '\''; }
bool is_close_punct(char c) {
  return c == ')' || c == ']' || c == '}' || c == '>' || c == '"' || c == '\'' || c == ',' ||
         c == ';' || c == ':' || c == '.';
}

std::string_view trim_punct(std::string_view t) {
  while (!t.empty() && is_open_punct(t.front())) t.remove_prefix(1);
  while (!t.empty() && is_close_punct(t.back())) t.remove_suffix(1);
  return t;
}

bool is_path_or_url(std::string_view t) {
  if (t.size() > 1 && t[0] == '/') return true;
  if (t.starts_with("~/") || t.starts_with("./") || t.starts_with("../")) return true;
  if (t.find("://") != std::string_view::npos) return true;
  if (t.size() > 2 && is_alpha(t[0]) && t[1] == ':' && t[2] == '\\') return true;  // C:\...
  return false;
}

}  // namespace

bool is_variable_token(std::string_view token) {
  for (char c : token) {
    if (is_digit(c)) return true;
  }
  std::string_view t = trim_punct(token);
  if (t.empty()) return false;
  if (t == kWildcard) return true;
  if (is_path_or_url(t)) return true;
  if (t.size() >= 8) {
    bool hex = true;
    for (char c : t) hex = hex && is_hex(c);
    if (hex) return true;
  }
  return false;
}

namespace {

// Tokens that are values rather than words: booleans, nulls, and the parts of dates.
bool is_value_word(std::string_view t) {
  if (t.size() < 3 || t.size() > 5) return false;  // cheap reject: most words are not values
  static constexpr std::string_view kWords[] = {
      "true", "false", "null", "TRUE", "FALSE", "NULL", "True", "False", "None",
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
      "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  for (std::string_view w : kWords) {
    if (t == w) return true;
  }
  return false;
}

// Brackets or quotes with nothing inside: an empty variable, e.g. "()" where a name can be.
bool is_empty_enclosure(std::string_view t) {
  std::string_view core = t;
  while (!core.empty() && (core.back() == ',' || core.back() == ';' || core.back() == '.')) {
    core.remove_suffix(1);
  }
  return core == "()" || core == "[]" || core == "{}" || core == "<>" || core == "\"\"" ||
         core == "''";
}

// Sub-tokens end after '=', ',' and ':' (a single ':' or the last of a run), so "a=1,b=2" and
// "key:value" compare part by part. The separator stays on the left part.
bool ends_subtoken(std::string_view token, std::size_t i) {
  const char c = token[i];
  if (c == '=' || c == ',') return i + 1 < token.size() && token[i + 1] != '=';
  if (c == ':') {
    // host:port and dotted names stay whole (and so become one variable).
    if (token.substr(0, i).find('.') != std::string_view::npos) return false;
    return i + 1 < token.size() && token[i + 1] != ':' && token[i + 1] != '/' &&
           token[i + 1] != '\\';
  }
  return false;
}

void push_subtoken(std::string_view part, MaskedTokens& out) {
  if (part == kWildcard || is_variable_token(part) || is_empty_enclosure(part)) {
    if (!out.last_is_wildcard()) out.push(kWildcard, true);
    return;
  }
  std::string_view core = trim_punct(part);
  if (!core.empty() && is_value_word(core)) {
    if (!out.last_is_wildcard()) out.push(kWildcard, true);
    return;
  }
  out.push(part, false);
}

bool is_dotted_name(std::string_view token) {
  std::string_view t = trim_punct(token);
  int dots = 0;
  for (char c : t) {
    if (c == '.') ++dots;
    else if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '-' && c != '$') return false;
  }
  return dots >= 3;
}

}  // namespace

void mask_tokens(std::string_view message, std::size_t max_tokens, MaskedTokens& out) {
  out.clear();
  std::size_t i = 0;
  const std::size_t n = message.size();
  while (i < n) {
    while (i < n && is_space(message[i])) ++i;
    if (i >= n) break;
    std::size_t j = i;
    while (j < n && !is_space(message[j])) ++j;
    std::string_view token = message.substr(i, j - i);
    i = j;
    if (out.size() >= max_tokens) {
      if (!out.last_is_wildcard()) out.push(kWildcard, true);
      break;
    }
    // A path or URL stays whole even when it holds separators, and so is a dotted name (three
    // dots or more: a host, bundle or package name, "com.apple.cache.daily:").
    if (is_path_or_url(trim_punct(token)) || is_dotted_name(token)) {
      if (!out.last_is_wildcard()) out.push(kWildcard, true);
      continue;
    }
    std::size_t start = 0;
    for (std::size_t k = 0; k < token.size(); ++k) {
      if (ends_subtoken(token, k)) {
        push_subtoken(token.substr(start, k + 1 - start), out);
        start = k + 1;
      }
    }
    if (start < token.size()) push_subtoken(token.substr(start), out);
  }
}

void split_template(std::string_view text, MaskedTokens& out) {
  out.clear();
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view token = text.substr(i, j - i);
    if (!token.empty()) out.push(token, token == kWildcard);
    i = j + 1;
  }
}

}  // namespace logsift::detect
