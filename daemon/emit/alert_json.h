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

// Labels and numbers come from their owners: detect::action_name() for `event.action`,
// rules::severity_name() for `logsift.severity`, rules::severity_score() for `event.severity`.

}  // namespace logsift::emit
