// Alert: what detection hands to emission. One alert is one line of an alert batch.
//
// Alerts own their strings: they outlive the batch of records that caused them. They are produced
// far less often than messages arrive (suppression and problem folding see to that), so owning
// strings here costs no per-message allocation. daemon/emit turns an Alert into ECS-shaped JSON;
// docs/alerts.md documents every field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/rule.h"

namespace logsift::detect {

enum class AlertAction : std::uint8_t {
  kIncident,         // a rule matched (first of its signature, or after the suppression interval)
  kProblemOpened,    // a signature recurred `count` times within its window, or spread to K hosts
  kProblemUpdated,   // an open problem kept recurring
  kProblemResolved,  // an open problem was quiet for `resolve_after`
  kProblemReopened,  // a resolved problem's signature came back
};

std::string_view action_name(AlertAction a);  // "incident", "problem.opened", ...

enum class ProblemState : std::uint8_t { kNone, kOpen, kResolved };
std::string_view problem_state_name(ProblemState s);  // "", "open", "resolved"

struct Alert {
  AlertAction action = AlertAction::kIncident;
  std::string id;               // deterministic: hash of (signature, action, window start)
  std::int64_t time_us = 0;     // @timestamp: event time of the occurrence (or of resolution)

  // The rule, or for unknown recurring messages a synthetic "auto:<template id>" rule.
  std::string rule_id;
  std::string rule_name;
  std::string ruleset;
  rules::Severity severity = rules::Severity::kMedium;  // after escalation
  std::vector<std::string> tags;

  // The occurrence that caused the alert (the latest one for problem alerts).
  std::string host;
  std::string message;
  std::string original;
  std::vector<std::pair<std::string, std::string>> fields;  // extracted captures, by name

  // Detection state.
  std::uint64_t signature_id = 0;
  std::vector<std::pair<std::string, std::string>> signature_values;  // group_by name -> value
  std::uint64_t problem_id = 0;   // 0 when no problem is involved
  ProblemState problem_state = ProblemState::kNone;
  std::uint32_t reopen_count = 0;       // times this problem came back after resolving
  std::uint64_t occurrences = 0;        // total occurrences of the signature seen
  std::uint64_t window_count = 0;       // occurrences inside the current window
  std::uint64_t suppressed_count = 0;   // occurrences folded into this alert since the last one
  std::int64_t first_seen_us = 0;
  std::int64_t last_seen_us = 0;
  std::int64_t window_ms = 0;
  std::uint32_t hosts_affected = 0;
  std::vector<std::string> hosts;       // a bounded sample of affected hosts
};

}  // namespace logsift::detect
