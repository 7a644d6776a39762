// RFC 5424 STRUCTURED-DATA: the grammar check the RFC 5424 parser uses, and an allocation-free
// reader over the SD elements and parameters of Record::structured_data.
//
// Everything here works on views of caller-owned text and allocates nothing. A reader is a small
// value object used by one thread at a time; the free functions are thread-safe.
//
//   StructuredDataReader reader(record.structured_data);
//   std::string_view sd_id;
//   while (reader.next_element(&sd_id)) {
//     SdParam param;
//     while (reader.next_param(&param)) { ... param.name, param.raw_value ... }
//   }
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace logsift::parsers {

// SD-NAME (SD-ID and PARAM-NAME) length limit, RFC 5424 section 6.3.
inline constexpr std::size_t kMaxSdNameBytes = 32;

// Length of the well-formed SD-ELEMENT starting at text[0] ("[" ... "]"), or 0 when text does not
// start with one. Escapes \" \\ \] are honoured inside PARAM-VALUE; any other backslash is literal.
std::size_t scan_sd_element(std::string_view text);

// One SD-PARAM. raw_value is the text between the quotes with escapes still in place; use
// unescape_sd_value() to resolve them.
struct SdParam {
  std::string_view name;
  std::string_view raw_value;
};

class StructuredDataReader {
 public:
  // `structured_data` is usually Record::structured_data (already validated by the parser); any
  // text is safe, the reader stops at the first malformed element and sets failed().
  explicit StructuredDataReader(std::string_view structured_data) : text_(structured_data) {}

  // Advances to the next SD-ELEMENT (skipping unread params of the current one). False at the end.
  bool next_element(std::string_view* sd_id);
  // Next SD-PARAM of the current element. False at the element's end.
  bool next_param(SdParam* param);
  // True when the reader met malformed text and stopped early.
  bool failed() const { return failed_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  bool in_element_ = false;
  bool failed_ = false;
};

// Writes raw_value with \" \\ \] resolved into `out` and returns the written prefix of `out`. The
// result is never longer than raw_value, so a buffer of raw_value.size() bytes always suffices; a
// smaller buffer truncates.
std::string_view unescape_sd_value(std::string_view raw_value, std::span<char> out);

}  // namespace logsift::parsers
