#include "rules/rule.h"

namespace logsift::rules {

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::kInformational: return "informational";
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "medium";
}

int severity_score(Severity s) {
  switch (s) {
    case Severity::kInformational: return 1;
    case Severity::kLow: return 21;
    case Severity::kMedium: return 47;
    case Severity::kHigh: return 73;
    case Severity::kCritical: return 99;
  }
  return 47;
}

std::string FieldRef::name() const {
  switch (kind) {
    case Kind::kMessage: return "message";
    case Kind::kHost: return "host";
    case Kind::kApp: return "app";
    case Kind::kProcId: return "procid";
    case Kind::kMsgId: return "msgid";
    case Kind::kOriginal: return "original";
    case Kind::kJson: return "json." + json_path;
    case Kind::kSd: return "sd." + sd_id + "." + sd_param;
    case Kind::kServiceName: return "service.name";
    case Kind::kServiceEnvironment: return "service.environment";
    case Kind::kServiceOwner: return "service.owner";
    case Kind::kServiceTier: return "service.sla_tier";
    case Kind::kLabel: return "labels." + label;
  }
  return "message";
}

}  // namespace logsift::rules
