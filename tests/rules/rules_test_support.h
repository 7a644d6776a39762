// Helpers shared by the rules tests: building records and rule sets from text.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "parsers/record.h"
#include "rules/loader.h"
#include "rules/rule_set.h"

namespace logsift::rules::testing {

inline parsers::Record message_record(std::string_view message, std::string_view host = "web1",
                                      std::string_view app = "sshd") {
  parsers::Record r;
  r.original = message;
  r.message = message;
  r.host = host;
  r.app = app;
  r.format = parsers::Format::kRfc3164;
  r.quality = parsers::Quality::kClean;
  return r;
}

// Loads one rule file from text and compiles it; fails the test on any error.
inline std::shared_ptr<const RuleSet> compile_text(const std::string& yaml,
                                                   const CompileOptions& options = {}) {
  LoadedRules loaded;
  load_rule_text(yaml, "test.yaml", loaded);
  for (const auto& e : loaded.errors) FAIL(e.to_string());
  auto set = RuleSet::compile(std::move(loaded.rules), options);
  if (!set) {
    for (const auto& e : set.error()) FAIL(e.to_string());
  }
  return std::move(set).value();
}

}  // namespace logsift::rules::testing
