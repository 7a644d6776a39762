// Typed, located reads of config values (see yaml_reader.h).
#include "daemon/config/yaml_reader.h"

#include <charconv>
#include <limits>
#include <set>

#include "daemon/config/units.h"

namespace logsift::config {

std::string YamlReader::join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

void YamlReader::error(const YAML::Node& at, const std::string& message) {
  std::string line = file_;
  if (at.IsDefined()) {
    line += ':';
    line += std::to_string(at.Mark().line + 1);
  }
  line += ": ";
  line += message;
  errors_.push_back(std::move(line));
}

bool YamlReader::expect_map(const YAML::Node& node, std::string_view path,
                            std::initializer_list<std::string_view> allowed) {
  if (!node.IsDefined() || node.IsNull()) return true;
  if (!node.IsMap()) {
    error(node, (path.empty() ? std::string("the configuration") : std::string(path)) +
                    ": expected a mapping of keys to values");
    return false;
  }
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    if (!key_node.IsScalar()) {
      error(key_node, std::string(path) + ": keys must be plain names");
      continue;
    }
    const std::string& key = key_node.Scalar();
    bool known = false;
    for (std::string_view a : allowed) known = known || a == key;
    if (!known) {
      std::string expected;
      for (std::string_view a : allowed) {
        expected += expected.empty() ? "" : ", ";
        expected += a;
      }
      error(key_node, "unknown key \"" + join(path, key) + "\"; expected one of: " + expected);
    } else if (!seen.insert(key).second) {
      error(key_node, "duplicate key \"" + join(path, key) + "\"");
    }
  }
  return true;
}

YAML::Node YamlReader::key_node(const YAML::Node& map, std::string_view key) {
  if (map.IsDefined() && map.IsMap()) {
    for (const auto& entry : map) {
      if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.first;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node YamlReader::child(const YAML::Node& map, std::string_view path, std::string_view key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  YAML::Node value = map[std::string(key)];
  if (value.IsDefined()) lines_[join(path, key)] = key_node(map, key).Mark().line + 1;
  return value;
}

bool YamlReader::scalar(const YAML::Node& map, std::string_view path, std::string_view key,
                        std::string& out) {
  YAML::Node value = child(map, path, key);
  if (!value.IsDefined()) return false;
  if (value.IsNull()) {
    error(key_node(map, key), join(path, key) + ": a value is required");
    return false;
  }
  if (!value.IsScalar()) {
    error(value, join(path, key) + ": expected a single value, not a list or mapping");
    return false;
  }
  out = value.Scalar();
  return true;
}

void YamlReader::read_string(const YAML::Node& map, std::string_view path, std::string_view key,
                             std::string& out) {
  std::string text;
  if (scalar(map, path, key, text)) out = std::move(text);
}

void YamlReader::read_bool(const YAML::Node& map, std::string_view path, std::string_view key,
                           bool& out) {
  std::string text;
  if (!scalar(map, path, key, text)) return;
  if (text == "true" || text == "yes" || text == "on") {
    out = true;
  } else if (text == "false" || text == "no" || text == "off") {
    out = false;
  } else {
    error(key_node(map, key), join(path, key) + ": expected true or false, got \"" + text + "\"");
  }
}

template <typename T>
void YamlReader::read_unsigned(const YAML::Node& map, std::string_view path,
                               std::string_view key, T& out) {
  std::string text;
  if (!scalar(map, path, key, text)) return;
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    error(key_node(map, key), join(path, key) + ": " + text + " is larger than " +
                                     std::to_string(std::numeric_limits<T>::max()));
  } else if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty()) {
    error(key_node(map, key),
          join(path, key) + ": expected a whole number 0.." +
              std::to_string(std::numeric_limits<T>::max()) + ", got \"" + text + "\"");
  } else {
    out = value;
  }
}

void YamlReader::read_u16(const YAML::Node& map, std::string_view path, std::string_view key,
                          std::uint16_t& out) {
  read_unsigned(map, path, key, out);
}
void YamlReader::read_u32(const YAML::Node& map, std::string_view path, std::string_view key,
                          std::uint32_t& out) {
  read_unsigned(map, path, key, out);
}
void YamlReader::read_u64(const YAML::Node& map, std::string_view path, std::string_view key,
                          std::uint64_t& out) {
  read_unsigned(map, path, key, out);
}

void YamlReader::read_i32(const YAML::Node& map, std::string_view path, std::string_view key,
                          std::int32_t& out) {
  std::string text;
  if (!scalar(map, path, key, text)) return;
  std::int32_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty()) {
    error(key_node(map, key), join(path, key) + ": expected a whole number, got \"" + text + "\"");
  } else {
    out = value;
  }
}

void YamlReader::read_duration_ms(const YAML::Node& map, std::string_view path,
                                  std::string_view key, std::int64_t& out) {
  std::string text;
  if (!scalar(map, path, key, text)) return;
  auto parsed = parse_duration_ms(text);
  if (!parsed) {
    error(key_node(map, key), join(path, key) + ": " + parsed.error());
  } else {
    out = *parsed;
  }
}

void YamlReader::read_size_bytes(const YAML::Node& map, std::string_view path,
                                 std::string_view key, std::uint64_t& out) {
  std::string text;
  if (!scalar(map, path, key, text)) return;
  auto parsed = parse_size_bytes(text);
  if (!parsed) {
    error(key_node(map, key), join(path, key) + ": " + parsed.error());
  } else {
    out = *parsed;
  }
}

void YamlReader::read_utc_offset_s(const YAML::Node& map, std::string_view path,
                                   std::string_view key, std::int32_t& out) {
  std::string text;
  if (!scalar(map, path, key, text)) return;
  auto parsed = parse_utc_offset_s(text);
  if (!parsed) {
    error(key_node(map, key), join(path, key) + ": " + parsed.error());
  } else {
    out = *parsed;
  }
}

void YamlReader::read_string_list(const YAML::Node& map, std::string_view path,
                                  std::string_view key, std::vector<std::string>& out) {
  YAML::Node value = child(map, path, key);
  if (!value.IsDefined()) return;
  std::string where = join(path, key);
  if (value.IsNull()) {
    out.clear();
    return;
  }
  if (value.IsScalar()) {
    out = {value.Scalar()};
    return;
  }
  if (!value.IsSequence()) {
    error(value, where + ": expected a list of strings");
    return;
  }
  std::vector<std::string> items;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const YAML::Node item = value[i];
    if (!item.IsScalar()) {
      error(item, where + "[" + std::to_string(i) + "]: expected a string");
      continue;
    }
    items.push_back(item.Scalar());
  }
  out = std::move(items);
}

}  // namespace logsift::config
