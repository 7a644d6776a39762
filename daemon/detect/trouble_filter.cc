#include "daemon/detect/trouble_filter.h"

#include <algorithm>

namespace logsift::detect {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr std::array<bool, 256> kWordChar = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  return t;
}();

bool is_word_char(char c) { return kWordChar[static_cast<unsigned char>(c)]; }

}  // namespace

TroubleFilter::TroubleFilter(const DetectOptions& options)
    : max_severity_(options.trouble_max_severity) {
  for (const std::string& w : options.trouble_words) {
    if (w.empty()) continue;
    std::string l;
    for (char c : w) l += lower(c);
    words_.push_back(std::move(l));
  }
  std::sort(words_.begin(), words_.end());
  words_.erase(std::unique(words_.begin(), words_.end()), words_.end());
  words_.resize(std::min<std::size_t>(words_.size(), UINT16_MAX));
  for (std::size_t i = 0; i < words_.size(); ++i) {
    auto& range = by_first_byte_[static_cast<unsigned char>(words_[i][0])];
    if (range.first == range.second) range.first = static_cast<std::uint16_t>(i);
    range.second = static_cast<std::uint16_t>(i + 1);
  }
}

bool TroubleFilter::looks_like_trouble(const parsers::Record& record) const {
  if (max_severity_ >= 0 && record.severity >= 0 && record.severity <= max_severity_) return true;
  const std::string_view m = record.message;
  bool after_word_char = false;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const bool at_word_start = !after_word_char;  // only at the start of a word
    after_word_char = is_word_char(m[i]);
    if (!at_word_start) continue;
    const auto [first, last] = by_first_byte_[static_cast<unsigned char>(lower(m[i]))];
    for (std::size_t w = first; w < last; ++w) {
      const std::string& word = words_[w];
      if (word.size() > m.size() - i) continue;
      std::size_t k = 1;
      while (k < word.size() && lower(m[i + k]) == word[k]) ++k;
      if (k == word.size()) return true;
    }
  }
  return false;
}

}  // namespace logsift::detect
