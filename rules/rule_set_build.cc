#include "rules/rule_set_build.h"

#include "rules/examples.h"

namespace logsift::rules {

RuleSetBuild build_rule_set(std::span<const std::string> paths, const CompileOptions& options,
                            bool run_rule_examples) {
  RuleSetBuild build;
  auto loaded = load_rule_paths(paths);
  build.files = loaded.files.size();
  build.errors = std::move(loaded.errors);
  if (!build.errors.empty()) return build;
  if (loaded.rules.empty()) {
    build.errors.push_back({paths.empty() ? std::string("(no paths)") : paths.front(), 0, {}, "no rules found"});
    return build;
  }
  auto compiled = RuleSet::compile(std::move(loaded.rules), options);
  if (!compiled) {
    build.errors = std::move(compiled).error();
    return build;
  }
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
