// Alert -> one ECS-shaped NDJSON line. docs/alerts.md documents every field this writes.
//
// append_alert_json() appends to a caller-owned buffer and allocates nothing else, so a reused
// buffer costs no allocation per alert once it has grown. The output is always one valid JSON
// object followed by '\n', whatever bytes the alert's strings hold (see json_text.h).
// Stateless; safe to call from any thread on distinct buffers.
#pragma once

#include <string>
#include <string_view>

#include "daemon/detect/alert.h"
#include "rules/rule.h"

namespace logsift::emit {

// Appends the alert as one JSON object and a newline.
void append_alert_json(const detect::Alert& alert, std::string& out);

// The `event.action` value: "incident", "problem.opened", "problem.updated", "problem.resolved",
// "problem.reopened".
std::string_view action_label(detect::AlertAction action);

// The `logsift.severity` (and `logsift.base_severity`) value: "informational", "low", "medium",
// "high", "critical".
std::string_view severity_label(rules::Severity severity);

// The `event.severity` number, as Elastic detection rules use it: 1, 21, 47, 73, 99.
int ecs_severity(rules::Severity severity);

}  // namespace logsift::emit
