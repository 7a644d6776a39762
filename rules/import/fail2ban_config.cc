// fail2ban's INI dialect (Python ConfigParser plus fail2ban's includes, known/ values and tags).
#include "rules/import/fail2ban_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

namespace logsift::rules_import {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxInterpolationDepth = 10;  // Python ConfigParser's MAX_INTERPOLATION_DEPTH
constexpr int kMaxTagReplacements = 25;     // fail2ban's MAX_TAG_REPLACE_COUNT

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

using Section = std::vector<std::pair<std::string, RawOption>>;

RawOption* find_in(Section& section, const std::string& key) {
  for (auto& [k, v] : section) {
    if (k == key) return &v;
  }
  return nullptr;
}

// One file's sections, as ConfigParser reads them.
Expected<std::map<std::string, Section>, std::string> parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected{std::string(path + ": cannot open")};
  std::map<std::string, Section> out;
  std::string section_name;
  RawOption* current = nullptr;
  std::size_t indent_level = 0;
  int pending_blank = 0;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string stripped = trim(line);
    // Full-line comments; inline comments start with ';' after whitespace.
    if (stripped.starts_with('#') || stripped.starts_with(';')) continue;
    std::string value = line;
    for (std::size_t i = 1; i < value.size(); ++i) {
      if (value[i] == ';' && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
        value.resize(i);
        break;
      }
    }
    value = trim(value);
    if (value.empty()) {
      if (current != nullptr) ++pending_blank;
      continue;
    }
    const std::size_t indent = line.find_first_not_of(" \t");
    if (current != nullptr && indent > indent_level) {
      for (; pending_blank > 0; --pending_blank) current->value += '\n';
      current->value += '\n' + value;
      continue;
    }
    pending_blank = 0;
    indent_level = indent;
    if (value.front() == '[' && value.back() == ']') {
      section_name = value.substr(1, value.size() - 2);
      out[section_name];
      current = nullptr;
      continue;
    }
    if (section_name.empty()) return Unexpected{path + ":" + std::to_string(number) + ": option outside any section"};
    const auto delim = value.find_first_of("=:");
    if (delim == std::string::npos) return Unexpected{path + ":" + std::to_string(number) + ": not an option: " + value};
    const std::string key = lower(trim(value.substr(0, delim)));
    Section& section = out[section_name];
    RawOption option{trim(value.substr(delim + 1)), {path, number}};
    if (RawOption* existing = find_in(section, key)) {
      *existing = std::move(option);
      current = existing;
    } else {
      section.emplace_back(key, std::move(option));
      current = &section.back().second;
    }
  }
  return out;
}

// The files to read for `path`, includes expanded in order (before, the file, after).
void expand_includes(const std::string& path, std::vector<std::string>& seen,
                     std::vector<std::string>& order, std::string& error) {
  if (std::find(seen.begin(), seen.end(), path) != seen.end()) return;
  if (!fs::exists(path)) return;  // fail2ban skips missing includes (e.g. common.local)
  auto parsed = parse_file(path);
  if (!parsed) {
    error = parsed.error();
    return;
  }
  seen.push_back(path);
  std::vector<std::string> before, after;
  if (auto it = parsed->find("INCLUDES"); it != parsed->end()) {
    for (const auto& [key, option] : it->second) {
      auto& list = key == "before" ? before : key == "after" ? after : before;
      if (key != "before" && key != "after") continue;
      std::istringstream names(option.value);
      std::string name;
      while (std::getline(names, name)) {
        name = trim(name);
        if (name.empty()) continue;
        list.push_back(fs::path(name).is_absolute() ? name : (fs::path(path).parent_path() / name).string());
      }
    }
  }
  for (const auto& b : before) expand_includes(b, seen, order, error);
  order.push_back(path);
  for (const auto& a : after) expand_includes(a, seen, order, error);
  seen.pop_back();
}

// Interpolation and tag substitution over an IniConfig for one set of caller options.
class Resolver {
 public:
  Resolver(const IniConfig& config, const std::vector<std::pair<std::string, std::string>>& options)
      : config_(config), options_(options) {}

  // ConfigParser get(section, option, vars=options): vars, then section, then DEFAULT.
  std::optional<std::string> get(const std::string& section, const std::string& option, int depth = 0) {
    if (depth > kMaxInterpolationDepth) return std::nullopt;
    if (auto slash = option.find('/'); slash != std::string::npos) {
      const std::string sec = option.substr(0, slash), opt = option.substr(slash + 1);
      const std::string sec_lower = lower(sec);
      std::vector<std::string> candidates;
      // known/<opt>: the value an earlier file gave, else the [DEFAULT] one (fail2ban's fallback).
      if (sec_lower == "known") candidates = {"KNOWN/" + section, "KNOWN/DEFAULT", "DEFAULT"};
      else candidates = {sec_lower == "default" ? std::string("DEFAULT") : sec};
      for (const auto& c : candidates) {
        if (const RawOption* raw = config_.find(c, opt)) return interpolate(sec_lower == "known" ? section : c, raw->value, depth + 1);
        if (sec_lower != "known" && c != "DEFAULT") {
          if (const RawOption* raw = config_.find("DEFAULT", opt)) return interpolate(c, raw->value, depth + 1);
        }
      }
      return std::nullopt;
    }
    for (const auto& [k, v] : options_) {
      if (k == option) return interpolate(section, v, depth + 1);
    }
    if (const RawOption* raw = config_.find(section, option)) return interpolate(section, raw->value, depth + 1);
    if (const RawOption* raw = config_.find("DEFAULT", option)) return interpolate(section, raw->value, depth + 1);
    return std::nullopt;
  }

  // Replaces %(name)s and %% in `value`, read in `section`.
  std::optional<std::string> interpolate(const std::string& section, const std::string& value, int depth) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i] != '%') {
        out += value[i];
        continue;
      }
      if (i + 1 < value.size() && value[i + 1] == '%') {
        out += '%';
        ++i;
        continue;
      }
      if (i + 1 < value.size() && value[i + 1] == '(') {
        const auto close = value.find(")s", i + 2);
        if (close == std::string::npos) return std::nullopt;
        const std::string name = lower(value.substr(i + 2, close - i - 2));
        auto v = get(section, name, depth);
        if (!v) {
          missing_ = name;
          return std::nullopt;
        }
        out += *v;
        i = close + 1;
        continue;
      }
      out += '%';  // a lone '%' (Python would reject it; keep it rather than fail)
    }
    return out;
  }

  // fail2ban substituteRecursiveTags for one value: `lookup` gives a tag's value or nullopt.
  std::string substitute_tags(std::string value, const std::function<std::optional<std::string>(const std::string&)>& lookup,
                              int depth = 0) {
    std::map<std::string, int> counts;
    std::size_t from = 0;
    while (true) {
      const auto open = value.find('<', from);
      if (open == std::string::npos) break;
      const auto close = value.find_first_of("<> ", open + 1);
      if (close == std::string::npos) break;
      if (value[close] != '>' || close == open + 1) {
        from = value[close] == '<' ? close : close + 1;
        continue;
      }
      const std::string tag = value.substr(open + 1, close - open - 1);
      std::optional<std::string> repl;
      if (depth < kMaxTagReplacements && counts[tag] < kMaxTagReplacements) repl = lookup(tag);
      if (!repl) {
        from = close + 1;
        continue;
      }
      ++counts[tag];
      std::string resolved = substitute_tags(*repl, lookup, depth + 1);
      const std::string needle = "<" + tag + ">";
      for (std::size_t at = value.find(needle); at != std::string::npos; at = value.find(needle, at + resolved.size())) {
        value.replace(at, needle.size(), resolved);
      }
      from = 0;  // a replacement can complete an enclosing tag (<mdre-<mode>>): look again
    }
    return value;
  }

  const std::string& missing() const { return missing_; }

 private:
  const IniConfig& config_;
  const std::vector<std::pair<std::string, std::string>>& options_;
  std::string missing_;
};

std::vector<std::pair<std::string, SourceLocation>> split_lines(const std::string& value, const SourceLocation& at) {
  std::vector<std::pair<std::string, SourceLocation>> out;
  std::istringstream lines(value);
  std::string line;
  while (std::getline(lines, line)) {
    line = trim(line);
    if (!line.empty()) out.emplace_back(line, at);
  }
  return out;
}

}  // namespace

const RawOption* IniConfig::find(const std::string& section, const std::string& option) const {
  auto it = sections.find(section);
  if (it == sections.end()) return nullptr;
  for (const auto& [k, v] : it->second) {
    if (k == option) return &v;
  }
  return nullptr;
}

Expected<IniConfig, std::string> read_fail2ban_ini(const std::string& path) {
  std::vector<std::string> roots{path};
  if (path.size() > 5 && path.ends_with(".conf")) roots.push_back(path.substr(0, path.size() - 5) + ".local");
  if (!fs::exists(path)) return Unexpected{path + ": no such file"};
  std::vector<std::string> order, seen;
  std::string error;
  for (const auto& root : roots) expand_includes(root, seen, order, error);
  if (!error.empty()) return Unexpected{error};
  IniConfig config;
  for (const auto& file : order) {
    auto parsed = parse_file(file);
    if (!parsed) return Unexpected{parsed.error()};
    config.files.push_back(file);
    for (auto& [name, section] : *parsed) {
      Section& merged = config.sections[name];
      Section& known = config.sections["KNOWN/" + name];
      for (auto& [key, option] : section) {
        if (RawOption* existing = find_in(merged, key)) {
          if (RawOption* k = find_in(known, key)) *k = *existing;
          else known.emplace_back(key, *existing);
          *existing = option;
        } else {
          merged.emplace_back(key, option);
        }
      }
    }
  }
  return config;
}

Expected<ResolvedFilter, std::string> resolve_fail2ban_filter(
    const IniConfig& config, const std::string& name,
    const std::vector<std::pair<std::string, std::string>>& options) {
  // Caller options first, then [Init] (also visible as known/<opt>), as fail2ban's FilterReader.
  std::vector<std::pair<std::string, std::string>> vars = options;
  if (auto it = config.sections.find("Init"); it != config.sections.end()) {
    for (const auto& [k, v] : it->second) {
      if (std::none_of(vars.begin(), vars.end(), [&](auto& p) { return p.first == k; })) vars.emplace_back(k, v.value);
    }
  }
  Resolver resolver(config, vars);
  // A tag names an option (names are lower case, so <HOST> and <F-USER> never resolve here).
  auto lookup = [&](const std::string& tag) { return resolver.get("Definition", tag); };
  auto option = [&](const std::string& key, std::string* out, SourceLocation* at) -> Expected<bool, std::string> {
    const RawOption* raw = config.find("Definition", key);
    if (raw == nullptr) raw = config.find("DEFAULT", key);
    bool from_vars = std::any_of(vars.begin(), vars.end(), [&](auto& p) { return p.first == key; });
    if (raw == nullptr && !from_vars) return false;
    auto v = resolver.get("Definition", key);
    if (!v) {
      return Unexpected{(raw ? raw->at.to_string() : config.files.back()) + ": option '" + key +
                        "': cannot interpolate %(" + resolver.missing() + ")s"};
    }
    *out = resolver.substitute_tags(*v, lookup);
    if (at != nullptr && raw != nullptr) *at = raw->at;
    return true;
  };

  ResolvedFilter f;
  f.name = name;
  std::string text;
  SourceLocation at;
  for (const char* key : {"failregex", "ignoreregex"}) {
    text.clear();
    auto got = option(key, &text, &at);
    if (!got) return Unexpected{got.error()};
    (std::string(key) == "failregex" ? f.failregex : f.ignoreregex) = split_lines(text, at);
  }
  auto got = option("prefregex", &f.prefregex, &f.prefregex_at);
  if (!got) return Unexpected{got.error()};
  f.prefregex = trim(f.prefregex);
  got = option("datepattern", &f.datepattern, &f.datepattern_at);
  if (!got) return Unexpected{got.error()};
  f.datepattern = trim(f.datepattern);
  text.clear();
  if (auto m = option("maxlines", &text, nullptr); m && !trim(text).empty()) {
    try {
      f.maxlines = std::stoi(trim(text));
    } catch (...) {
      f.maxlines = 1;
    }
  }
  got = option("journalmatch", &f.journalmatch, nullptr);
  text.clear();
  if (auto u = option("usedns", &text, nullptr); u && !trim(text).empty()) f.usedns = trim(text);
  text.clear();
  if (auto m = option("mode", &text, nullptr); m && !text.empty()) f.mode = trim(text);
  return f;
}

Expected<JailSettings, std::string> resolve_fail2ban_jail(const IniConfig& jails, const std::string& filter_name) {
  auto try_section = [&](const std::string& section) -> std::optional<JailSettings> {
    const std::vector<std::pair<std::string, std::string>> vars = {{"__name__", section}};
    Resolver resolver(jails, vars);
    auto filter = resolver.get(section, "filter");
    if (!filter) return std::nullopt;
    std::string value = trim(*filter);
    JailSettings settings;
    const auto bracket = value.find('[');
    std::string base = trim(value.substr(0, bracket));
    if (base != filter_name) return std::nullopt;
    if (bracket != std::string::npos && value.back() == ']') {
      // name[key=value, key="value"]
      std::string inner = value.substr(bracket + 1, value.size() - bracket - 2);
      std::size_t start = 0;
      while (start < inner.size()) {
        auto comma = inner.find(',', start);
        if (comma == std::string::npos) comma = inner.size();
        const std::string item = inner.substr(start, comma - start);
        start = comma + 1;
        const auto eq = item.find('=');
        if (eq == std::string::npos) continue;
        std::string v = trim(item.substr(eq + 1));
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
        settings.filter_options.emplace_back(lower(trim(item.substr(0, eq))), v);
      }
    }
    settings.jail = section;
    settings.maxretry = trim(resolver.get(section, "maxretry").value_or(""));
    settings.findtime = trim(resolver.get(section, "findtime").value_or(""));
    settings.bantime = trim(resolver.get(section, "bantime").value_or(""));
    const RawOption* raw = jails.find(section, "filter");
    if (raw == nullptr) raw = jails.find("DEFAULT", "filter");
    if (raw != nullptr) settings.at = raw->at;
    return settings;
  };
  if (jails.sections.count(filter_name) != 0) {
    if (auto s = try_section(filter_name)) return *s;
  }
  for (const auto& [name, section] : jails.sections) {
    if (name == "DEFAULT" || name == "INCLUDES" || name.starts_with("KNOWN/")) continue;
    if (auto s = try_section(name)) return *s;
  }
  return Unexpected{"no jail in " + (jails.files.empty() ? std::string("the jail file") : jails.files.front()) +
                    " uses filter '" + filter_name + "'"};
}

std::optional<long long> fail2ban_seconds(std::string_view text) {
  static const std::array<std::pair<const char*, long long>, 18> kUnits = {{
      {"seconds", 1}, {"second", 1}, {"sec", 1}, {"s", 1},
      {"minutes", 60}, {"minute", 60}, {"min", 60}, {"mo", 2629800}, {"m", 60},
      {"hours", 3600}, {"hour", 3600}, {"h", 3600},
      {"days", 86400}, {"day", 86400}, {"d", 86400},
      {"weeks", 604800}, {"w", 604800}, {"y", 31557600},
  }};
  long long total = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    long long n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) n = n * 10 + (text[i++] - '0');
    std::size_t unit_end = i;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) ++unit_end;
    const std::string unit = lower(std::string(text.substr(i, unit_end - i)));
    long long factor = unit.empty() ? 1 : 0;
    for (const auto& [name, f] : kUnits) {
      if (unit == name) factor = f;
    }
    if (factor == 0) return std::nullopt;
    total += n * factor;
    i = unit_end;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

}  // namespace logsift::rules_import
