// AlertRoute; see alert_route.h.
#include "daemon/emit/alert_route.h"

#include <fnmatch.h>

namespace logsift::emit {
namespace {

bool any_glob(const std::vector<std::string>& globs, std::string_view value) {
  if (globs.empty()) return true;
  const std::string text(value);
  for (const auto& g : globs) {
    if (::fnmatch(g.c_str(), text.c_str(), 0) == 0) return true;
  }
  return false;
}

}  // namespace

bool AlertRoute::accepts(const detect::Alert& alert) const {
  if (min_severity && static_cast<int>(alert.severity) < static_cast<int>(*min_severity)) return false;
  if (!during_change && alert.change && alert.change->during) return false;
  return any_glob(actions, detect::action_name(alert.action)) && any_glob(rulesets, alert.ruleset) &&
         any_glob(rules, alert.rule_id);
}

}  // namespace logsift::emit
