#include "rules/import/rule_text.h"

#include <cstdio>

namespace logsift::rules_import {

std::string yaml_quote(std::string_view text) {
  bool plain = true;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) plain = false;
  }
  std::string out;
  if (plain) {
    out.reserve(text.size() + 2);
    out += '\'';
    for (char c : text) {
      out += c;
      if (c == '\'') out += '\'';
    }
    out += '\'';
    return out;
  }
  out += '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\x%02x", c);
      out += buffer;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::string yaml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += yaml_quote(items[i]);
  }
  return out + "]";
}

std::string rule_id_from(std::string_view text) {
  std::string id;
  for (unsigned char c : text) {
    if (c >= 'A' && c <= 'Z') id += static_cast<char>(c + 32);
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-') id += static_cast<char>(c);
    else id += '_';
  }
  return id.empty() ? std::string("rule") : id.substr(0, 200);
}

std::string duration_text(long long seconds) {
  if (seconds > 0 && seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds > 0 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds > 0 && seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

}  // namespace logsift::rules_import
