// PaddedLine: a line with kJsonPaddingBytes readable bytes after its end, so the JSON parser can
// read it in place (simdjson reads up to SIMDJSON_PADDING bytes past the document).
//
// The padding contract is a type rather than a flag: only the owner of such memory makes one,
// through the loudly named assume_padded() (ingest's RawBatch does it for every message it
// stores), and the parsers take a PaddedLine where they read past the end. The bytes of the
// padding need not be zero and are never part of the line. A PaddedLine is a view: it owns
// nothing and is valid as long as the memory it points into.
#pragma once

#include <cstddef>
#include <string_view>

namespace logsift::parsers {

// Readable bytes a PaddedLine guarantees after its end: simdjson::SIMDJSON_PADDING (checked in json.cc).
inline constexpr std::size_t kJsonPaddingBytes = 64;

class PaddedLine {
 public:
  // The caller promises kJsonPaddingBytes readable bytes after line.end().
  static constexpr PaddedLine assume_padded(std::string_view line) { return PaddedLine(line); }

  constexpr std::string_view view() const { return line_; }
  constexpr std::size_t size() const { return line_.size(); }
  // The same memory with a shorter end: the padding after it only grows.
  constexpr PaddedLine prefix(std::size_t n) const { return PaddedLine(line_.substr(0, n)); }

 private:
  constexpr explicit PaddedLine(std::string_view line) : line_(line) {}
  std::string_view line_;
};

}  // namespace logsift::parsers
