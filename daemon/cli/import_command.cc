// logsift import fail2ban|sigma ...: existing rule estates into logsift rule files. Writes one rule
// file per imported filter or rule into --out, and lists on standard error everything that was
// left out or changed, with the file and line it came from.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "daemon/cli/cli_support.h"
#include "daemon/cli/commands.h"
#include "rules/import/fail2ban_import.h"
#include "rules/import/sigma_import.h"

namespace logsift::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kFail2banUsage =
    "usage: logsift import fail2ban [--mode MODE] [--option NAME=VALUE]... [--jail JAIL.conf]"
    " FILTER.conf|filter.d/ --out DIR\n";

bool write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

int import_fail2ban(int argc, char** argv, int first) {
  Args args(argc, argv, first, {"mode", "option", "jail", "out"});
  const auto out_dir = args.option("out");
  if (args.help()) {
    std::cout << kFail2banUsage;
    return 0;
  }
  if (!args.error().empty() || !out_dir || args.operands().size() != 1) {
    std::cerr << (args.error().empty() ? "" : args.error() + "\n") << kFail2banUsage;
    return 2;
  }
  rules_import::Fail2banImportOptions options;
  options.jail_file = args.option("jail").value_or("");
  for (const auto& o : args.options("option")) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "logsift import fail2ban: --option wants NAME=VALUE, got '" << o << "'\n" << kFail2banUsage;
      return 2;
    }
    options.filter_options.emplace_back(o.substr(0, eq), o.substr(eq + 1));
  }
  if (auto mode = args.option("mode")) options.filter_options.emplace_back("mode", *mode);

  std::vector<std::string> filters;
  const std::string input = args.operands()[0];
  std::error_code ec;
  if (fs::is_directory(input, ec)) {
    for (const auto& entry : fs::directory_iterator(input, ec)) {
      if (entry.path().extension() == ".conf") filters.push_back(entry.path().string());
    }
    std::sort(filters.begin(), filters.end());
  } else {
    filters.push_back(input);
  }
  fs::create_directories(*out_dir, ec);
  if (ec) {
    std::cerr << "logsift import fail2ban: cannot create " << *out_dir << ": " << ec.message() << "\n";
    return 1;
  }
  std::size_t written = 0, patterns = 0, ignores = 0, notes = 0, failed = 0, include_only = 0;
  for (const auto& filter : filters) {
    auto imported = rules_import::import_fail2ban_filter(filter, options);
    if (!imported) {
      std::cerr << imported.error() << "\n";
      ++failed;
      continue;
    }
    for (const auto& note : imported->notes) std::cerr << note << "\n";
    notes += imported->notes.size();
    if (imported->include_only) {
      ++include_only;
      continue;
    }
    if (imported->rule_text.empty()) {
      std::cerr << filter << ": no failregex could be imported; no rule file written\n";
      ++failed;
      continue;
    }
    const fs::path target = fs::path(*out_dir) / (imported->filter + ".yaml");
    if (!write_text(target, imported->rule_text)) {
      std::cerr << "logsift import fail2ban: cannot write " << target.string() << "\n";
      return 1;
    }
    ++written;
    patterns += imported->patterns;
    ignores += imported->ignores;
  }
  std::cout << written << " rule files written to " << *out_dir << " (" << patterns << " failregexes, " << ignores
            << " ignoreregexes); " << include_only << " include-only files skipped; " << notes
            << " notes; " << failed << " filters not imported\n";
  return failed == 0 ? 0 : 1;
}

constexpr const char* kSigmaUsage = "usage: logsift import sigma [--mapping FILE] RULE.yml|DIR... --out DIR\n";

int import_sigma(int argc, char** argv, int first) {
  Args args(argc, argv, first, {"mapping", "out"});
  const auto out_dir = args.option("out");
  if (args.help()) {
    std::cout << kSigmaUsage;
    return 0;
  }
  if (!args.error().empty() || !out_dir || args.operands().empty()) {
    std::cerr << (args.error().empty() ? "" : args.error() + "\n") << kSigmaUsage;
    return 2;
  }
  auto mapping = rules_import::FieldMapping::syslog_default();
  if (auto file = args.option("mapping")) {
    auto read = rules_import::read_field_mapping(*file);
    if (!read) {
      std::cerr << read.error() << "\n";
      return 2;
    }
    mapping = std::move(*read);
  }
  std::error_code ec;
  fs::create_directories(*out_dir, ec);
  if (ec) {
    std::cerr << "logsift import sigma: cannot create " << *out_dir << ": " << ec.message() << "\n";
    return 1;
  }
  const auto results = rules_import::convert_sigma(args.operands(), mapping);
  std::size_t written = 0, refused = 0, correlations = 0, folded = 0;
  for (const auto& r : results) {
    if (r.correlation) {
      if (r.refusal.empty()) ++correlations;
      else {
        ++refused;
        std::cerr << r.source << ": correlation '" << r.title << "' not converted: " << r.refusal << "\n";
      }
      if (r.rule_text.empty()) continue;  // applied to the rule it refers to, or refused
    } else if (r.only_in_correlation) {
      ++folded;  // Sigma `generate: false`: only part of a temporal correlation's rule
      continue;
    }
    if (r.rule_text.empty()) {
      ++refused;
      std::cerr << r.source << ": '" << r.title << "' not converted: " << r.refusal << "\n";
      continue;
    }
    const fs::path target = fs::path(*out_dir) / (r.rule_id + ".yaml");
    if (!write_text(target, r.rule_text)) {
      std::cerr << "logsift import sigma: cannot write " << target.string() << "\n";
      return 1;
    }
    ++written;
  }
  std::cout << written << " rule files written to " << *out_dir << "; " << correlations
            << " correlations applied; " << folded << " rules only inside a correlation; " << refused
            << " rules not converted\n";
  return 0;
}

}  // namespace

int run_import(int argc, char** argv, int first) {
  const std::string kind = first < argc ? argv[first] : "";
  if (kind == "fail2ban") return import_fail2ban(argc, argv, first + 1);
  if (kind == "sigma") return import_sigma(argc, argv, first + 1);
  if (kind == "--help" || kind == "-h") {
    std::cout << "usage: logsift import fail2ban|sigma ...\n" << kFail2banUsage << kSigmaUsage;
    return 0;
  }
  std::cerr << "usage: logsift import fail2ban|sigma ...\n" << kFail2banUsage << kSigmaUsage;
  return 2;
}

}  // namespace logsift::cli
