// YamlReader: typed, located reads of config values out of yaml-cpp nodes (internal to config).
//
// Each read leaves the target untouched when the key is absent (so struct defaults stand) and
// appends "file:line: key.path: message" to the error list when the value is wrong. It also
// records the line of every key it sees, so later semantic checks can point at the file.
// Not thread-safe; one reader per parse.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logsift::config {

// "listeners[0].port" -> 1-based line in the file.
using KeyLines = std::map<std::string, int, std::less<>>;

class YamlReader {
 public:
  YamlReader(std::string_view file_name, std::vector<std::string>& errors, KeyLines& lines)
      : file_(file_name), errors_(errors), lines_(lines) {}

  // A mapping whose keys must all be in `allowed`; unknown and duplicate keys are reported.
  // A null node (an empty section) counts as an empty mapping. Returns false when `node` is not
  // a mapping (already reported).
  bool expect_map(const YAML::Node& node, std::string_view path,
                  std::initializer_list<std::string_view> allowed);

  // The value under `key`, or an undefined node. Records the key's line.
  YAML::Node child(const YAML::Node& map, std::string_view path, std::string_view key);

  void read_string(const YAML::Node& map, std::string_view path, std::string_view key,
                   std::string& out);
  void read_bool(const YAML::Node& map, std::string_view path, std::string_view key, bool& out);
  void read_u16(const YAML::Node& map, std::string_view path, std::string_view key,
                std::uint16_t& out);
  void read_u32(const YAML::Node& map, std::string_view path, std::string_view key,
                std::uint32_t& out);
  void read_u64(const YAML::Node& map, std::string_view path, std::string_view key,
                std::uint64_t& out);
  void read_i32(const YAML::Node& map, std::string_view path, std::string_view key,
                std::int32_t& out);
  void read_duration_ms(const YAML::Node& map, std::string_view path, std::string_view key,
                        std::int64_t& out);
  void read_size_bytes(const YAML::Node& map, std::string_view path, std::string_view key,
                       std::uint64_t& out);
  void read_utc_offset_s(const YAML::Node& map, std::string_view path, std::string_view key,
                         std::int32_t& out);
  // A list of strings; a single scalar is accepted as a one-element list.
  void read_string_list(const YAML::Node& map, std::string_view path, std::string_view key,
                        std::vector<std::string>& out);

  template <typename E>
  void read_enum(const YAML::Node& map, std::string_view path, std::string_view key, E& out,
                 std::initializer_list<std::pair<std::string_view, E>> choices) {
    std::string text;
    if (!scalar(map, path, key, text)) return;
    for (const auto& [name, value] : choices) {
      if (text == name) {
        out = value;
        return;
      }
    }
    std::string expected;
    for (const auto& [name, value] : choices) {
      expected += expected.empty() ? "" : ", ";
      expected += name;
    }
    error(key_node(map, key), join(path, key) + ": unknown value \"" + text +
                                     "\"; expected one of: " + expected);
  }

  // Records where `path` starts (list items have no key of their own).
  void note_line(const std::string& path, const YAML::Node& node) {
    if (node.IsDefined()) lines_[path] = node.Mark().line + 1;
  }

  // The key node of `key` in `map` (its mark is where the key is written), or undefined.
  static YAML::Node key_node(const YAML::Node& map, std::string_view key);

  // Appends "file:line: message" (line of `at`; no line if `at` is undefined).
  void error(const YAML::Node& at, const std::string& message);

  static std::string join(std::string_view path, std::string_view key);

 private:
  // The scalar text under `key`; false when absent or wrong shape (the latter reported).
  bool scalar(const YAML::Node& map, std::string_view path, std::string_view key,
              std::string& out);
  template <typename T>
  void read_unsigned(const YAML::Node& map, std::string_view path, std::string_view key, T& out);

  std::string file_;
  std::vector<std::string>& errors_;
  KeyLines& lines_;
};

}  // namespace logsift::config
