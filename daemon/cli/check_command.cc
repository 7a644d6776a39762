// logsift check PATH...: load, compile and run the examples of rule files and folders.
#include <iostream>

#include "daemon/cli/cli_support.h"
#include "daemon/cli/commands.h"
#include "rules/examples.h"

namespace logsift::cli {

namespace {

constexpr const char* kUsage =
    "usage: logsift check [--cache DIR] PATH...\n"
    "  Loads rule files and folders, compiles them and runs every rule's examples.\n"
    "  --cache DIR   keep compiled Hyperscan databases in DIR\n"
    "  exit status: 0 all well, 1 a rule or example fails, 2 usage error\n";

}  // namespace

int run_check(int argc, char** argv, int first) {
  Args args(argc, argv, first, {"cache"});
  if (auto done = handle_help_or_error(args, "check", kUsage)) return *done;
  if (args.operands().empty()) return usage_error("check", "no rule file or folder given", kUsage);
  auto set = load_rule_set(args.operands(), args.option("cache").value_or(""), std::cerr);
  if (set == nullptr) return 1;

  auto report = rules::run_examples(set);
  for (const auto& f : report.failures) std::cout << f.to_string() << "\n";

  const auto& stats = set->stats();
  for (std::size_t r = 0; r < set->rules().size(); ++r) {
    const auto& rule = set->rules()[r];
    for (std::size_t p = 0; p < rule.patterns.size(); ++p) {
      auto engine = set->engine(r, p);
      if (engine == rules::PatternEngine::kHyperscan) continue;
      std::cout << rule.file << ":" << rule.line << ": rule " << rule.id << ": note: pattern " << p + 1
                << (engine == rules::PatternEngine::kPrefilter
                        ? " runs as a Hyperscan prefilter confirmed by PCRE2 (slower)"
                        : " runs in PCRE2 on every record (much slower)")
                << "\n";
    }
  }
  std::cout << stats.rules << " rules, " << stats.patterns << " patterns (" << stats.hyperscan_patterns
            << " Hyperscan, " << stats.prefilter_patterns << " prefiltered, " << stats.pcre_only_patterns
            << " PCRE2 only), " << report.examples << " examples: "
            << (report.failures.empty() ? "ok" : std::to_string(report.failures.size()) + " failed") << "\n";
  return report.failures.empty() ? 0 : 1;
}

}  // namespace logsift::cli
