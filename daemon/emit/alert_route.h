// AlertRoute: which alerts one sink takes.
//
// Each list that is not empty must match (globs as fnmatch(3): "problem.*", "sshd.*",
// "auto:*"); an alert below min_severity is not taken. A default-constructed route takes every
// alert. Immutable after construction; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/detect/alert.h"
#include "rules/rule.h"

namespace logsift::emit {

struct AlertRoute {
  std::vector<std::string> actions;   // event.action globs
  std::optional<rules::Severity> min_severity;
  std::vector<std::string> rulesets;  // ruleset globs
  std::vector<std::string> rules;     // rule id globs
  bool during_change = true;          // takes alerts marked during a declared change window

  bool takes_all() const {
    return actions.empty() && !min_severity && rulesets.empty() && rules.empty() && during_change;
  }
  bool accepts(const detect::Alert& alert) const;
};

}  // namespace logsift::emit
