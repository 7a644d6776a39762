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

#include "daemon/config/config.h"
#include "daemon/ingest/raw_batch.h"
#include "parsers/base/expected.h"
#include "parsers/line_parser.h"
#include "rules/rule_set.h"

namespace logsift::cli {

// Command-line arguments after the subcommand name: `--name value` (or `--name=value`) options,
// `--flag` switches and positional operands, in order. Only the names listed are accepted: any other
// `--name` or `-x` is an error naming it ("-" alone is an operand, standard input; "--" ends the
// options). `--help` and `-h` set help() instead.
class Args {
 public:
  Args(int argc, char** argv, int first, const std::vector<std::string>& value_options,
       const std::vector<std::string>& flag_options = {});
  bool help() const { return help_; }
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
  bool help_ = false;
};

// The usual start of a command: with --help, prints `usage` to standard output and returns 0; on a
// malformed command line, prints the error and `usage` to standard error and returns 2; otherwise
// returns nullopt and the command goes on.
std::optional<int> handle_help_or_error(const Args& args, const char* command, const char* usage);

// Prints "logsift COMMAND: message" and `usage` to standard error; returns 2 (a usage error).
int usage_error(const char* command, const std::string& message, const char* usage);

// Loads and compiles rule files/folders; prints every error to `err`. nullptr on failure.
std::shared_ptr<const rules::RuleSet> load_rule_set(const std::vector<std::string>& paths,
                                                    const std::string& cache_dir, std::ostream& err);

// "auto", "rfc5424", "rfc3164", "json" -> ExpectedFormat.
std::optional<parsers::ExpectedFormat> parse_format_name(const std::string& name);
inline constexpr const char* kFormatNames = "auto, rfc5424, rfc3164 or json";

// The daemon configuration whose parse (and detect, emit) settings a command uses: `file`, else the
// embedded default, so the tools read lines exactly as logsiftd would. Errors name the file.
Expected<config::DaemonConfig, std::vector<std::string>> load_daemon_config(
    const std::optional<std::string>& file);

// The parse options of `config` for records matched against `rule_set` (its JSON paths as extra
// fields, year-less times placed near now).
parsers::ParseOptions tool_parse_options(const config::DaemonConfig& config,
                                         const rules::RuleSet* rule_set);

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
