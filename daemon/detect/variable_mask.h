// Variable masking for the template miner: splits a message into tokens and replaces the parts
// that vary between occurrences of one template (numbers, addresses, hex, UUIDs, paths, URLs,
// values of key=value) with "<*>".
//
// The rules are generic (no per-source regexes): a token is a variable when it holds a digit, is
// a path or URL, or is a long hex run. `key=value` keeps its key ("uid=<*>") so that messages
// differing only in which keys they carry stay apart. Runs of variables collapse to one "<*>",
// so a variable that spans several words (a date, "1.2 KB") does not change the token count.
//
// MaskedTokens owns a reused buffer: refilling it allocates nothing once it has grown to fit.
// Not thread-safe; one per miner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logsift::detect {

class MaskedTokens {
 public:
  std::size_t size() const { return spans_.size(); }
  bool is_wildcard(std::size_t i) const { return spans_[i].wildcard; }
  std::string_view text(std::size_t i) const {
    return std::string_view(buffer_).substr(spans_[i].offset, spans_[i].length);
  }

  void clear() {
    buffer_.clear();
    spans_.clear();
  }
  void push(std::string_view text, bool wildcard) {
    spans_.push_back({static_cast<std::uint32_t>(buffer_.size()),
                      static_cast<std::uint32_t>(text.size()), wildcard});
    buffer_.append(text);
  }
  // Appends to the last token (used to build "key=<*>").
  void append_to_last(std::string_view text) {
    buffer_.append(text);
    spans_.back().length += static_cast<std::uint32_t>(text.size());
  }
  bool last_is_wildcard() const { return !spans_.empty() && spans_.back().wildcard; }

 private:
  struct Span {
    std::uint32_t offset;
    std::uint32_t length;
    bool wildcard;
  };
  std::string buffer_;
  std::vector<Span> spans_;
};

// True when a single whitespace-free token is a variable by the rules above.
bool is_variable_token(std::string_view token);

// Splits and masks `message` into `out` (cleared first). At most `max_tokens` tokens are kept;
// the rest of the message becomes one trailing "<*>".
void mask_tokens(std::string_view message, std::size_t max_tokens, MaskedTokens& out);

// Splits an already-masked template text on single spaces, "<*>" tokens as wildcards; no
// further masking or collapsing (a template is re-created exactly as it was).
void split_template(std::string_view text, MaskedTokens& out);

}  // namespace logsift::detect
