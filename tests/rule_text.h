// Test helper: a rule set compiled from YAML rule text written in the test (file name
// "test.yaml" in errors); the test fails at once if the text does not load or compile.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "rules/loader.h"
#include "rules/rule_set.h"

namespace logsift::testing {

inline std::shared_ptr<const rules::RuleSet> compile_rule_text(const std::string& yaml) {
  rules::LoadedRules loaded;
  rules::load_rule_text(yaml, "test.yaml", loaded);
  REQUIRE(loaded.ok());
  auto set = rules::RuleSet::compile(std::move(loaded.rules), {});
  REQUIRE(set);
  return std::move(set).value();
}

}  // namespace logsift::testing
