#include "daemon/enrich/csv_reader.h"

namespace logsift::enrich {

std::optional<int> CsvReader::next(std::vector<std::string>& row) {
  row.clear();
  if (pos_ >= text_.size() || !error_.empty()) return std::nullopt;
  const int start_line = line_;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  while (pos_ < text_.size()) {
    const char c = text_[pos_++];
    if (quoted) {
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field += '"';
          ++pos_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n') {
      ++line_;
      break;
    } else if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') {
      // CRLF: the LF ends the row
    } else {
      field += c;
    }
  }
  if (quoted) error_ = "unterminated quoted field";
  row.push_back(std::move(field));
  return start_line;
}

}  // namespace logsift::enrich
