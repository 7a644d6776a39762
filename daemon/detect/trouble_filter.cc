#include "daemon/detect/trouble_filter.h"

namespace logsift::detect {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

TroubleFilter::TroubleFilter(const DetectOptions& options)
    : max_severity_(options.trouble_max_severity) {
  for (const std::string& w : options.trouble_words) {
    if (w.empty()) continue;
    std::string l;
    for (char c : w) l += lower(c);
    first_byte_[static_cast<unsigned char>(l[0])] = true;
    first_byte_[static_cast<unsigned char>(upper(l[0]))] = true;
    words_.push_back(std::move(l));
  }
}

bool TroubleFilter::looks_like_trouble(const parsers::Record& record) const {
  if (max_severity_ >= 0 && record.severity >= 0 && record.severity <= max_severity_) return true;
  const std::string_view m = record.message;
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (!first_byte_[static_cast<unsigned char>(m[i])]) continue;
    if (i > 0 && is_word_char(m[i - 1])) continue;  // only at the start of a word
    for (const std::string& w : words_) {
      if (w.size() > m.size() - i) continue;
      std::size_t k = 0;
      while (k < w.size() && lower(m[i + k]) == w[k]) ++k;
      if (k == w.size()) return true;
    }
  }
  return false;
}

}  // namespace logsift::detect
