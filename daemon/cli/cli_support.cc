#include "daemon/cli/cli_support.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemon/app/settings.h"
#include "daemon/config/load.h"
#include "parsers/base/clock.h"
#include "rules/rule_set_build.h"

namespace logsift::cli {

Args::Args(int argc, char** argv, int first, const std::vector<std::string>& value_options,
           const std::vector<std::string>& flag_options) {
  auto listed = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  bool options_end = false;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (options_end || a == "-" || a.empty() || a[0] != '-') {
      operands_.push_back(a);
      continue;
    }
    if (a == "--") {
      options_end = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      help_ = true;
      continue;
    }
    if (!a.starts_with("--")) {
      if (error_.empty()) error_ = "unknown option " + a;
      continue;
    }
    std::string name = a.substr(2), value;
    const auto eq = name.find('=');
    const bool has_inline_value = eq != std::string::npos;
    if (has_inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (listed(value_options, name)) {
      if (!has_inline_value) {
        if (i + 1 >= argc) {
          if (error_.empty()) error_ = "option --" + name + " needs a value";
          continue;
        }
        value = argv[++i];
      }
      options_.emplace_back(name, value);
    } else if (listed(flag_options, name)) {
      if (has_inline_value && error_.empty()) error_ = "option --" + name + " takes no value";
      flags_.push_back(name);
    } else if (error_.empty()) {
      error_ = "unknown option --" + name;
    }
  }
}

std::optional<int> handle_help_or_error(const Args& args, const char* command, const char* usage) {
  if (args.help()) {
    std::cout << usage;
    return 0;
  }
  if (!args.error().empty()) return usage_error(command, args.error(), usage);
  return std::nullopt;
}

int usage_error(const char* command, const std::string& message, const char* usage) {
  std::cerr << "logsift " << command << ": " << message << "\n" << usage;
  return 2;
}

std::optional<std::string> Args::option(const std::string& name) const {
  std::optional<std::string> last;
  for (const auto& [k, v] : options_) {
    if (k == name) last = v;
  }
  return last;
}

std::vector<std::string> Args::options(const std::string& name) const {
  std::vector<std::string> all;
  for (const auto& [k, v] : options_) {
    if (k == name) all.push_back(v);
  }
  return all;
}

bool Args::flag(const std::string& name) const {
  return std::find(flags_.begin(), flags_.end(), name) != flags_.end();
}

std::shared_ptr<const rules::RuleSet> load_rule_set(const std::vector<std::string>& paths,
                                                    const std::string& cache_dir, std::ostream& err) {
  auto build = rules::build_rule_set(paths, rules::CompileOptions{cache_dir}, false);
  for (const auto& e : build.errors) err << e.to_string() << "\n";
  for (const auto& w : build.warnings) err << "warning: rule cache: " << w << "\n";
  return build.rule_set;
}

std::optional<parsers::ExpectedFormat> parse_format_name(const std::string& name) {
  if (name == "auto") return parsers::ExpectedFormat::kAuto;
  if (name == "rfc5424") return parsers::ExpectedFormat::kRfc5424;
  if (name == "rfc3164") return parsers::ExpectedFormat::kRfc3164;
  if (name == "json") return parsers::ExpectedFormat::kJson;
  return std::nullopt;
}

Expected<config::DaemonConfig, std::vector<std::string>> load_daemon_config(
    const std::optional<std::string>& file) {
  if (!file) return config::default_config();
  std::ifstream in(*file, std::ios::binary);
  if (!in) return Unexpected{std::vector<std::string>{*file + ": cannot open"}};
  std::ostringstream text;
  text << in.rdbuf();
  return config::load_config(text.str(), *file);
}

parsers::ParseOptions tool_parse_options(const config::DaemonConfig& config,
                                         const rules::RuleSet* rule_set) {
  parsers::ParseOptions options = app::parse_options(config);
  options.reference_time_us = base::system_clock_us();
  if (rule_set != nullptr) options.json_fields.extra = rule_set->json_paths();
  return options;
}

bool for_each_line(const std::string& path, std::ostream& err,
                   const std::function<void(std::uint64_t, std::string_view)>& on_line) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      err << "cannot open " << path << "\n";
      return false;
    }
    in = &file;
  }
  std::string line;
  std::uint64_t number = 0;
  while (std::getline(*in, line)) on_line(++number, line);
  return true;
}

LineBatcher::LineBatcher(std::size_t lines_per_batch, std::function<void(const ingest::RawBatch&)> on_batch)
    : on_batch_(std::move(on_batch)), batch_(ingest::BatchLimits{1u << 20, lines_per_batch}) {}

void LineBatcher::add(std::string_view line) {
  if (!batch_.fits(line.size())) flush();
  if (batch_.fits(line.size())) {
    batch_.append(line, parsers::kNoTime, {}, 0, 0);
    return;
  }
  // Longer than a whole batch: a batch of its own.
  ingest::RawBatch alone(ingest::BatchLimits{line.size() + ingest::kPadding, 1});
  alone.append(line, parsers::kNoTime, {}, 0, 0);
  on_batch_(alone);
}

void LineBatcher::flush() {
  if (batch_.empty()) return;
  on_batch_(batch_);
  batch_.reset();
}

}  // namespace logsift::cli
