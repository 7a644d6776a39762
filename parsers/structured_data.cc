#include "parsers/structured_data.h"

namespace logsift::parsers {
namespace {

// SD-NAME characters: PRINTUSASCII except '=', SP, ']' and '"'.
bool is_sd_name_char(char c) {
  return c > 32 && c < 127 && c != '=' && c != ']' && c != '"';
}

// Length of the SD-NAME at text[pos], 0 if none or longer than the RFC allows.
std::size_t scan_sd_name(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && is_sd_name_char(text[end])) ++end;
  const std::size_t length = end - pos;
  return length > kMaxSdNameBytes ? 0 : length;
}

// Position just past the closing quote of the PARAM-VALUE whose opening quote is text[pos - 1],
// or npos when the value is not terminated.
std::size_t scan_param_value(std::string_view text, std::size_t pos) {
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"') return pos + 1;
    if (c == '\\' && pos + 1 < text.size() &&
        (text[pos + 1] == '"' || text[pos + 1] == '\\' || text[pos + 1] == ']')) {
      pos += 2;
    } else {
      ++pos;
    }
  }
  return std::string_view::npos;
}

// Reads `SP name="value"` at text[pos]. On success fills *param and returns the position after
// the closing quote; returns npos on malformed input.
std::size_t read_param(std::string_view text, std::size_t pos, SdParam* param) {
  if (pos >= text.size() || text[pos] != ' ') return std::string_view::npos;
  ++pos;
  const std::size_t name_length = scan_sd_name(text, pos);
  if (name_length == 0) return std::string_view::npos;
  const std::size_t eq = pos + name_length;
  if (eq + 1 >= text.size() || text[eq] != '=' || text[eq + 1] != '"') {
    return std::string_view::npos;
  }
  const std::size_t value_end = scan_param_value(text, eq + 2);
  if (value_end == std::string_view::npos) return value_end;
  param->name = text.substr(pos, name_length);
  param->raw_value = text.substr(eq + 2, value_end - 1 - (eq + 2));
  return value_end;
}

}  // namespace

std::size_t scan_sd_element(std::string_view text) {
  if (text.empty() || text[0] != '[') return 0;
  const std::size_t id_length = scan_sd_name(text, 1);
  if (id_length == 0) return 0;
  std::size_t pos = 1 + id_length;
  SdParam param;
  while (pos < text.size() && text[pos] == ' ') {
    pos = read_param(text, pos, &param);
    if (pos == std::string_view::npos) return 0;
  }
  if (pos >= text.size() || text[pos] != ']') return 0;
  return pos + 1;
}

bool StructuredDataReader::next_element(std::string_view* sd_id) {
  if (failed_) return false;
  if (in_element_) {
    SdParam skipped;
    while (next_param(&skipped)) {
    }
    if (failed_) return false;
  }
  if (pos_ >= text_.size()) return false;
  if (text_[pos_] != '[') {
    failed_ = true;
    return false;
  }
  const std::size_t id_length = scan_sd_name(text_, pos_ + 1);
  if (id_length == 0) {
    failed_ = true;
    return false;
  }
  *sd_id = text_.substr(pos_ + 1, id_length);
  pos_ += 1 + id_length;
  in_element_ = true;
  return true;
}

bool StructuredDataReader::next_param(SdParam* param) {
  if (!in_element_ || failed_) return false;
  if (pos_ < text_.size() && text_[pos_] == ']') {
    ++pos_;
    in_element_ = false;
    return false;
  }
  const std::size_t next = read_param(text_, pos_, param);
  if (next == std::string_view::npos) {
    failed_ = true;
    in_element_ = false;
    return false;
  }
  pos_ = next;
  return true;
}

std::string_view unescape_sd_value(std::string_view raw_value, std::span<char> out) {
  std::size_t written = 0;
  for (std::size_t i = 0; i < raw_value.size() && written < out.size(); ++i) {
    char c = raw_value[i];
    if (c == '\\' && i + 1 < raw_value.size() &&
        (raw_value[i + 1] == '"' || raw_value[i + 1] == '\\' || raw_value[i + 1] == ']')) {
      c = raw_value[++i];
    }
    out[written++] = c;
  }
  return std::string_view(out.data(), written);
}

}  // namespace logsift::parsers
