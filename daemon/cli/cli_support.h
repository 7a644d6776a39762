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

}  // namespace logsift::cli
