// BodyTemplate; see body_template.h.
#include "daemon/sinks/body_template.h"

#include <simdjson.h>

#include <cctype>

#include "daemon/emit/json_text.h"

namespace logsift::sinks {
namespace {

struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  void skip_space() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  }
  bool at_end() const { return pos >= text.size(); }
  std::string column() const { return "column " + std::to_string(pos + 1); }
};

// A double-quoted argument with \" and \\ escapes.
Expected<std::string, std::string> quoted(Cursor& c) {
  c.skip_space();
  if (c.at_end() || c.text[c.pos] != '"') return Unexpected{c.column() + ": expected a quoted argument"};
  ++c.pos;
  std::string out;
  while (!c.at_end() && c.text[c.pos] != '"') {
    if (c.text[c.pos] == '\\' && c.pos + 1 < c.text.size()) ++c.pos;
    out.push_back(c.text[c.pos++]);
  }
  if (c.at_end()) return Unexpected{c.column() + ": unterminated quoted argument"};
  ++c.pos;
  return out;
}

std::string word(Cursor& c) {
  c.skip_space();
  const std::size_t start = c.pos;
  while (!c.at_end() && (std::isalnum(static_cast<unsigned char>(c.text[c.pos])) || c.text[c.pos] == '_' ||
                         c.text[c.pos] == '.' || c.text[c.pos] == '@' || c.text[c.pos] == '-')) {
    ++c.pos;
  }
  return std::string(c.text.substr(start, c.pos - start));
}

Expected<BodyTemplate::Filter, std::string> filter(Cursor& c) {
  using Kind = BodyTemplate::Filter::Kind;
  const std::size_t at = c.pos;
  const std::string name = word(c);
  BodyTemplate::Filter f;
  if (name == "text") f.kind = Kind::kText;
  else if (name == "json") f.kind = Kind::kJson;
  else if (name == "upper") f.kind = Kind::kUpper;
  else if (name == "lower") f.kind = Kind::kLower;
  else if (name == "default") {
    f.kind = Kind::kDefault;
    auto arg = quoted(c);
    if (!arg) return Unexpected{arg.error()};
    f.argument = std::move(arg).value();
  } else if (name == "map") {
    f.kind = Kind::kMap;
    auto arg = quoted(c);
    if (!arg) return Unexpected{arg.error()};
    std::string_view list = arg.value();
    while (!list.empty()) {
      const auto comma = list.find(',');
      std::string_view item = list.substr(0, comma);
      const auto eq = item.find('=');
      if (eq == std::string_view::npos) {
        return Unexpected{"column " + std::to_string(at + 1) + ": map entries are from=to, got \"" +
                          std::string(item) + "\""};
      }
      f.map.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
  } else {
    return Unexpected{"column " + std::to_string(at + 1) + ": unknown filter \"" + name +
                      "\" (text, json, upper, lower, default, map)"};
  }
  return f;
}

// A value being filtered: a JSON value (its text) or a plain string.
struct Value {
  bool missing = true;
  bool is_string = false;
  std::string text;  // string content (unescaped) or the raw JSON of other values
};

Value lookup(simdjson::dom::element root, const BodyTemplate::Part& part) {
  Value v;
  simdjson::dom::element e = root;
  if (!part.whole_alert) {
    for (const auto& key : part.path) {
      simdjson::dom::object o;
      if (e.get_object().get(o) != simdjson::SUCCESS || o[key].get(e) != simdjson::SUCCESS) return v;
    }
  }
  v.missing = e.is_null();
  if (v.missing) return v;
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) {
    v.is_string = true;
    v.text = s;
  } else {
    v.text = simdjson::minify(e);
  }
  return v;
}

}  // namespace

Expected<BodyTemplate, std::string> BodyTemplate::compile(std::string_view text) {
  BodyTemplate t;
  Cursor c{text, 0};
  std::string literal;
  while (!c.at_end()) {
    if (text.compare(c.pos, 2, "{{") != 0) {
      literal.push_back(text[c.pos++]);
      continue;
    }
    if (!literal.empty()) {
      Part lit;
      lit.literal = std::move(literal);
      literal.clear();
      t.parts_.push_back(std::move(lit));
    }
    const std::size_t open = c.pos;
    c.pos += 2;
    Part part;
    const std::string path = word(c);
    if (path.empty()) return Unexpected{c.column() + ": expected a field path after {{"};
    if (path == "alert") {
      part.whole_alert = true;
    } else {
      std::size_t start = 0;
      while (start <= path.size()) {
        const auto dot = path.find('.', start);
        part.path.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      for (const auto& p : part.path) {
        if (p.empty()) return Unexpected{"column " + std::to_string(open + 1) + ": empty name in path \"" + path + "\""};
      }
    }
    for (;;) {
      c.skip_space();
      if (c.at_end()) return Unexpected{"column " + std::to_string(open + 1) + ": {{ is never closed"};
      if (text.compare(c.pos, 2, "}}") == 0) {
        c.pos += 2;
        break;
      }
      if (text[c.pos] != '|') return Unexpected{c.column() + ": expected | or }}"};
      ++c.pos;
      auto f = filter(c);
      if (!f) return Unexpected{f.error()};
      part.filters.push_back(std::move(f).value());
    }
    t.parts_.push_back(std::move(part));
  }
  if (!literal.empty()) {
    Part lit;
    lit.literal = std::move(literal);
    t.parts_.push_back(std::move(lit));
  }
  return t;
}

void BodyTemplate::render(std::string_view alert_json, std::string& out) const {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(alert_json);
  const bool parsed = parser.parse(padded).get(root) == simdjson::SUCCESS;
  for (const Part& part : parts_) {
    if (part.path.empty() && !part.whole_alert) {
      out += part.literal;
      continue;
    }
    Value v = parsed ? lookup(root, part) : Value{};
    bool as_text = false;
    for (const Filter& f : part.filters) {
      switch (f.kind) {
        case Filter::Kind::kText: as_text = true; break;
        case Filter::Kind::kJson: as_text = false; break;
        case Filter::Kind::kUpper:
        case Filter::Kind::kLower:
          if (v.is_string) {
            for (char& ch : v.text) {
              ch = static_cast<char>(f.kind == Filter::Kind::kUpper ? std::toupper(static_cast<unsigned char>(ch))
                                                                    : std::tolower(static_cast<unsigned char>(ch)));
            }
          }
          break;
        case Filter::Kind::kDefault:
          if (v.missing || (v.is_string && v.text.empty())) v = Value{false, true, f.argument};
          break;
        case Filter::Kind::kMap: {
          const std::string key = v.missing ? std::string() : v.text;
          for (const auto& [from, to] : f.map) {
            if (from == key || from == "*") {
              v = Value{false, true, to};
              break;
            }
          }
          break;
        }
      }
    }
    if (as_text) {
      // Inside a JSON string: escape, no quotes.
      std::string quoted;
      emit::append_json_string(v.missing ? std::string_view() : std::string_view(v.text), quoted);
      out.append(quoted, 1, quoted.size() - 2);
    } else if (v.missing) {
      out += "null";
    } else if (v.is_string) {
      emit::append_json_string(v.text, out);
    } else {
      out += v.text;
    }
  }
}

}  // namespace logsift::sinks
