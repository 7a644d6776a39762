// CsvReader: rows of an RFC 4180 CSV text, with the line each row starts on.
//
// Fields are separated by commas; a field in double quotes may hold commas, line breaks and
// doubled quotes (""). Lines end in LF or CRLF. A row with an unterminated quote is the last
// row, and error() says so. Not thread-safe; reads a text the caller keeps alive.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace logsift::enrich {

class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  // Fills `row` with the next row's fields and returns the 1-based line it starts on; nullopt at
  // the end of the text.
  std::optional<int> next(std::vector<std::string>& row);

  // Why the last row is malformed; empty when it is not.
  const std::string& error() const { return error_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::string error_;
};

}  // namespace logsift::enrich
