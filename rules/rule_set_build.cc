#include "rules/rule_set_build.h"

#include "rules/examples.h"

namespace logsift::rules {

RuleSetBuild build_rule_set(std::span<const std::string> paths, const CompileOptions& options,
                            bool run_rule_examples) {
  RuleSetBuild build;
  auto loaded = load_rule_paths(paths);
  build.files = loaded.files.size();
  build.errors = std::move(loaded.errors);
  if (loaded.rules.empty()) {
    if (build.errors.empty()) {
      build.errors.push_back({paths.empty() ? std::string("(no paths)") : paths.front(), 0, {}, "no rules found"});
    }
    return build;
  }
  // The rules that did load are compiled even when others did not, so one run reports regex
  // errors next to structural ones. Such a partial set is not kept (nor cached).
  const bool partial = !build.errors.empty();
  auto compiled = RuleSet::compile(std::move(loaded.rules), partial ? CompileOptions{} : options);
  if (!compiled) {
    for (auto& e : std::move(compiled).error()) build.errors.push_back(std::move(e));
    return build;
  }
  if (partial) return build;
  build.warnings = compiled.value()->stats().cache_errors;
  if (run_rule_examples) {
    auto report = run_examples(compiled.value());
    build.examples = report.examples;
    if (!report.failures.empty()) {
      build.errors = std::move(report.failures);
      return build;
    }
  }
  build.rule_set = std::move(compiled).value();
  return build;
}

}  // namespace logsift::rules
