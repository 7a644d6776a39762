// DetectOptions: every knob of a Detector, with its meaning, default and trade-off.
//
// Plain data, copied into the Detector at construction. Durations are milliseconds of event time
// (the `now_us` the caller passes), never wall-clock time read by detect.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "daemon/detect/template_miner.h"
#include "rules/rule.h"

namespace logsift::detect {

// Each default written once: DetectOptions below and the daemon's configuration
// (daemon/config/config.h) take their values from here, and a config test checks that the
// embedded default configuration states the same.
namespace defaults {
inline constexpr std::uint32_t kCount = 5;
inline constexpr std::int64_t kWithinMs = 10 * 60 * 1000;
inline constexpr std::int64_t kResolveAfterMs = 30 * 60 * 1000;
inline constexpr std::uint32_t kSpreadHosts = 3;
inline constexpr std::int64_t kSuppressionMs = 60 * 1000;
inline constexpr std::int64_t kUpdateIntervalMs = 60 * 1000;
inline constexpr std::uint32_t kEscalationStep = 2;
inline constexpr std::int64_t kForgetAfterMs = 7LL * 24 * 60 * 60 * 1000;
inline constexpr std::size_t kMaxSignatures = 100000;
inline constexpr std::size_t kMaxSessions = 65536;
inline constexpr int kTroubleMaxSeverity = 4;
}  // namespace defaults

// One row of the SLA response table: a problem of `severity` on a host of SLA tier `tier` ("" =
// any tier without a row of its own) must be acknowledged within `response_ms` of opening.
struct SlaTarget {
  rules::Severity severity = rules::Severity::kMedium;
  std::string tier;
  std::int64_t response_ms = 0;
};

struct DetectOptions {
  // --- Problem thresholds, used for every field a rule's `problem:` leaves at 0. ---

  // Occurrences within `default_within_ms` that open a problem. Lower opens problems sooner (and
  // more of them). Default 5.
  std::uint32_t default_count = defaults::kCount;
  // Sliding window length. The window is kept as 16 buckets, so it is exact to within_ms / 16:
  // an occurrence counts for between 15/16 and 16/16 of the window after it. Default 10 min.
  std::int64_t default_within_ms = defaults::kWithinMs;
  // Quiet time after which an open problem resolves. Shorter resolves (and then reopens) more
  // eagerly; longer keeps a flapping problem open as one. Default 30 min.
  std::int64_t default_resolve_after_ms = defaults::kResolveAfterMs;
  // Distinct hosts within the window that open a problem even below `count` (spread). Only
  // meaningful for signatures that do not include the host (group_by without `host`, and mined
  // templates). Clamped to `host_sample_size`. 0 turns spread off. Default 3.
  std::uint32_t default_spread_hosts = defaults::kSpreadHosts;

  // --- Alert volume. ---

  // After an incident alert for a signature, further incidents within this interval are folded
  // into `suppressed_count` of the next alert (emitted by advance() when the interval ends, or by
  // the next incident after it). Longer means fewer alerts and later detail. Default 1 min.
  std::int64_t suppression_ms = defaults::kSuppressionMs;
  // Emit incident alerts at all. Off, the SIEM only sees problem alerts. Default on.
  bool incident_alerts = true;
  // Minimum time between problem.updated alerts of one problem; occurrences in between are
  // folded into the next update's `suppressed_count`. Default 1 min.
  std::int64_t update_interval_ms = defaults::kUpdateIntervalMs;
  // Each `escalation_step` reopenings raise the problem's severity one level (up to critical):
  // with 2, the 2nd and 4th reopening escalate. 0 never escalates. Default 2.
  std::uint32_t escalation_step = defaults::kEscalationStep;
  // Problem alerts about a host whose CMDB SLA tier is listed here are raised that many severity
  // levels (up to critical), on top of `escalation_step`: a problem on a gold-tier service
  // matters more than the same problem on a lab box. Empty (the default): no raise.
  std::vector<std::pair<std::string, std::uint32_t>> tier_severity_raise;
  // SLA clocks: a problem that opens (or reopens) gets a response deadline from this table by its
  // severity (after escalation) and its host's CMDB tier; still open and unacknowledged at the
  // deadline, it is escalated once (problem.escalated). Empty (the default): no SLA clocks.
  std::vector<SlaTarget> sla_response;
  // A resolved problem whose signature stays quiet this long is forgotten (its signature state is
  // dropped); it would then open as a new problem rather than reopen. Default 7 days.
  std::int64_t forget_after_ms = defaults::kForgetAfterMs;

  // --- Event time. ---

  // An occurrence's own timestamp is its @timestamp when it lies at most `max_event_ahead_ms`
  // after and at most `max_event_behind_ms` before the time it was seen (`now_us`); otherwise
  // the time it was seen is, and the fallback is counted. A small lead absorbs clock drift (a
  // log from the future is a wrong clock or time zone); a long lag lets queued logs (a sender's
  // disk queue replayed after an outage) keep their own time. Defaults 5 min and 24 h.
  std::int64_t max_event_ahead_ms = 5 * 60 * 1000;
  std::int64_t max_event_behind_ms = 24LL * 60 * 60 * 1000;

  // --- Memory bounds. ---

  // Live signatures per Detector; the least recently seen is evicted beyond it (counted in
  // `signature_evictions`, and in `open_problem_evictions` when it had an open problem). One
  // signature costs roughly 0.5-1 KiB (copied rule metadata, host sample, latest occurrence).
  // Default 100000.
  std::size_t max_signatures = defaults::kMaxSignatures;
  // Open sessions of rules with `session:` (daemon total); the least recently seen is dropped
  // beyond it, counted as evicted. One costs roughly 200 bytes plus its fields. Default 65536.
  std::size_t max_sessions = defaults::kMaxSessions;
  // Distinct hosts remembered per signature (the `hosts` sample of alerts and the spread test).
  // Beyond it the least recently seen host is replaced and `hosts_affected` becomes a lower
  // bound that may double-count a host that returns. Default 16.
  std::size_t host_sample_size = 16;
  // Longest message/original kept per signature for alerts; longer text is cut. Default 4096.
  std::size_t max_kept_text_bytes = 4096;

  // --- Unknown recurring messages (observe_unmatched). ---

  // Mine unmatched messages at all. Default on.
  bool mine_unmatched = true;
  // Records whose syslog severity is at or below this (0 emergency .. 4 warning) count as
  // trouble; -1 disables the severity test. Default 4 (warning or worse).
  int trouble_max_severity = defaults::kTroubleMaxSeverity;
  // Words that make a message trouble whatever its severity, matched case-insensitively as a
  // prefix of a word ("fail" matches "failed", "Failure"). Default: the list below.
  std::vector<std::string> trouble_words = {"error", "err", "fail", "fatal", "panic", "timeout",
                                            "timed out", "refused", "denied", "exception",
                                            "critical", "abort", "segfault", "unreachable"};
  // Template miner settings; `miner.max_templates` caps the templates (see template_miner.h).
  MinerOptions miner;
  // Severity of auto:<template id> problems, and their thresholds (0 = the defaults above).
  rules::Severity auto_severity = rules::Severity::kMedium;
  rules::Recurrence auto_recurrence;
  // Emit incident alerts for unknown messages too (one per template per suppression interval).
  // Off by default: an unknown message matters when it recurs, and every first sight of every
  // template would flood the SIEM.
  bool auto_incident_alerts = false;
};

}  // namespace logsift::detect
