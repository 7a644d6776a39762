// Shared pieces of the `logsift` subcommands: argument scanning, loading and compiling rules with
// messages an operator can act on, and reading log lines from a file or standard input.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/ingest/raw_batch.h"
#include "parsers/line_parser.h"
#include "rules/rule_set.h"

namespace logsift::cli {

// Command-line arguments after the subcommand name: `--name value` options, `--flag` switches
// and positional operands, in order.
class Args {
 public:
  Args(int argc, char** argv, int first, const std::vector<std::string>& value_options);
  std::optional<std::string> option(const std::string& name) const;
  std::vector<std::string> options(const std::string& name) const;  // every occurrence
  bool flag(const std::string& name) const;
  const std::vector<std::string>& operands() const { return operands_; }
  const std::string& error() const { return error_; }  // non-empty on a malformed command line

 private:
  std::vector<std::pair<std::string, std::string>> options_;
  std::vector<std::string> flags_;
  std::vector<std::string> operands_;
  std::string error_;
};

// Loads and compiles rule files/folders; prints every error to `err`. nullptr on failure.
std::shared_ptr<const rules::RuleSet> load_rule_set(const std::vector<std::string>& paths,
                                                    const std::string& cache_dir, std::ostream& err);

// "auto", "rfc5424", "rfc3164", "json" -> ExpectedFormat.
std::optional<parsers::ExpectedFormat> parse_format_name(const std::string& name);

// Calls `on_line(line_number, line)` for each line of `path` ("-" = standard input); false when
// the file cannot be opened (a message goes to `err`).
bool for_each_line(const std::string& path, std::ostream& err,
                   const std::function<void(std::uint64_t, std::string_view)>& on_line);

// Collects lines into raw batches, as ingest does with network input, so the tools feed the batch
// step the daemon runs. Every line is stored with arrival time parsers::kNoTime (detection on
// event time) and listener 0. `on_batch` sees each batch when it is full and the last at flush().
class LineBatcher {
 public:
  LineBatcher(std::size_t lines_per_batch, std::function<void(const ingest::RawBatch&)> on_batch);
  void add(std::string_view line);
  void flush();

 private:
  std::function<void(const ingest::RawBatch&)> on_batch_;
  ingest::RawBatch batch_;
};

}  // namespace logsift::cli
