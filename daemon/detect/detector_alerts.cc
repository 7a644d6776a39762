// Alert construction: every field of alert.h filled from a signature's state, with deterministic
// ids.
#include <xxhash.h>

#include <algorithm>
#include <array>

#include "daemon/detect/alert.h"
#include "daemon/detect/detector_impl.h"
#include "parsers/base/coding.h"
#include "parsers/base/hex.h"

namespace logsift::detect {
namespace {

// XXH3 of fixed-width little-endian words; the same on every machine.
std::uint64_t hash_words(std::initializer_list<std::uint64_t> words) {
  std::array<unsigned char, 8 * 6> buf{};
  std::size_t n = 0;
  for (std::uint64_t w : words) {
    base::encode_fixed64(buf.data() + n, w);
    n += 8;
  }
  return XXH3_64bits(buf.data(), n);
}

rules::Severity escalate(rules::Severity base, std::uint32_t levels) {
  const auto top = static_cast<std::uint32_t>(rules::Severity::kCritical);
  return static_cast<rules::Severity>(std::min(top, static_cast<std::uint32_t>(base) + levels));
}

}  // namespace

std::string_view action_name(AlertAction a) {
  switch (a) {
    case AlertAction::kIncident: return "incident";
    case AlertAction::kProblemOpened: return "problem.opened";
    case AlertAction::kProblemUpdated: return "problem.updated";
    case AlertAction::kProblemResolved: return "problem.resolved";
    case AlertAction::kProblemReopened: return "problem.reopened";
    case AlertAction::kProblemEscalated: return "problem.escalated";
    case AlertAction::kAnomaly: return "anomaly";
    case AlertAction::kAnomalyResolved: return "anomaly.resolved";
    case AlertAction::kTrendRising: return "trend.rising";
    case AlertAction::kForecastThreshold: return "forecast.threshold";
    case AlertAction::kRuleSuspended: return "rule.suspended";
  }
  return "unknown";
}

std::string_view problem_state_name(ProblemState s) {
  switch (s) {
    case ProblemState::kNone: return "";
    case ProblemState::kOpen: return "open";
    case ProblemState::kResolved: return "resolved";
  }
  return "";
}

Alert Detector::Impl::make_alert(const SignatureState& s, AlertAction action, std::int64_t at_us,
                                 std::int64_t now_us, std::uint64_t suppressed) const {
  Alert a;
  a.action = action;
  // A resolution happens on the detection clock; every other alert shows an occurrence.
  a.time_us = action == AlertAction::kProblemResolved || action == AlertAction::kProblemEscalated ? at_us : s.last_event_us;
  a.created_us = now_us;
  a.rule_id = s.rule_id;
  a.rule_name = s.rule_name;
  a.ruleset = s.ruleset;
  a.base_severity = s.severity;
  a.escalation = options_.escalation_step ? s.reopen_count / options_.escalation_step : 0;
  if (action != AlertAction::kIncident && !s.last_context.sla_tier.empty()) {
    for (const auto& [tier, levels] : options_.tier_severity_raise) {
      if (tier == s.last_context.sla_tier) a.tier_raise = levels;
    }
  }
  a.severity = escalate(s.severity, a.escalation + a.tier_raise);
  a.context = s.last_context;
  if (s.problem != ProblemState::kNone && action != AlertAction::kIncident) {
    a.sla_deadline_us = s.sla_deadline_us;
    a.sla_response_ms = s.sla_response_ms;
    a.acknowledged_us = s.acknowledged_us;
    a.acknowledged_by = s.acknowledged_by;
  }
  a.tags = s.tags;
  a.rule_authors = s.rule_authors;
  a.rule_references = s.rule_references;
  a.rule_uuid = s.rule_uuid;
  a.techniques = s.techniques;
  a.host = s.last_host;
  a.message = s.last_message;
  a.original = s.last_original;
  a.fields = s.last_fields;
  a.original_truncated = s.last_original_truncated;
  a.message_truncated = s.last_message_truncated;
  a.original_bytes = s.last_original_bytes;
  a.syslog_facility = s.last_facility;
  a.syslog_severity = s.last_syslog_severity;
  a.app = s.last_app;
  a.procid = s.last_procid;
  a.msgid = s.last_msgid;
  a.syslog_host = s.last_syslog_host;
  a.sender = s.last_sender;
  a.signature_id = s.signature_id;
  a.signature_values = s.signature_values;
  a.problem_id = s.problem_id;
  a.problem_state = s.problem;
  a.reopen_count = s.reopen_count;
  a.occurrences = s.occurrences;
  a.window_count = s.window.count(std::max(at_us, s.last_seen_us));
  a.suppressed_count = suppressed;
  a.first_seen_us = s.first_seen_us;
  a.last_seen_us = s.last_seen_us;
  a.window_ms = s.within_ms;
  a.hosts_affected = s.hosts_affected;
  a.hosts.reserve(s.hosts.size());
  for (const HostSeen& h : s.hosts) a.hosts.push_back(h.name);
  std::sort(a.hosts.begin(), a.hosts.end());
  a.problem_opened_us = s.problem == ProblemState::kNone ? 0 : s.opened_us;
  a.resolve_after_ms = s.resolve_after_ms;
  a.threshold_count = s.count;
  a.spread_hosts = s.spread_hosts;
  if (s.template_id != 0) {
    a.template_id = base::hex_u64(s.template_id);
    a.template_text = s.template_text;
  }
  return a;
}

void Detector::Impl::emit_incident(SignatureState& s, std::int64_t at_us, std::int64_t now_us,
                                   std::int64_t interval_start_us, std::uint64_t suppressed,
                                   std::vector<Alert>& out) {
  Alert a = make_alert(s, AlertAction::kIncident, at_us, now_us, suppressed);
  a.id = base::hex_u64(hash_words({s.signature_id, static_cast<std::uint64_t>(AlertAction::kIncident),
                            static_cast<std::uint64_t>(interval_start_us)}));
  ++counters_.alerts;
  out.push_back(std::move(a));
}

void Detector::Impl::emit_problem(SignatureState& s, AlertAction action, std::int64_t at_us,
                                  std::int64_t now_us, std::uint64_t suppressed,
                                  std::string_view reason, std::vector<Alert>& out) {
  Alert a = make_alert(s, action, at_us, now_us, suppressed);
  const std::uint64_t seq = action == AlertAction::kProblemUpdated ? s.update_seq : 0;
  a.id = base::hex_u64(hash_words({s.signature_id, static_cast<std::uint64_t>(action), s.problem_id,
                            s.reopen_count, seq}));
  (action == AlertAction::kProblemResolved ? a.resolution : a.open_reason) = reason;
  ++counters_.alerts;
  out.push_back(std::move(a));
}

void Detector::Impl::describe_open_problems(std::int64_t now_us, std::vector<Alert>& out) const {
  for (const SignatureState* s = table_.oldest(); s != nullptr; s = table_.newer(*s)) {
    if (s->problem != ProblemState::kOpen) continue;
    Alert a = make_alert(*s, s->sla_escalated ? AlertAction::kProblemEscalated : AlertAction::kProblemOpened,
                         now_us, now_us, 0);
    a.id = base::hex_u64(hash_words({s->signature_id, static_cast<std::uint64_t>(a.action),
                                     s->problem_id, s->reopen_count, 0}));
    out.push_back(std::move(a));
  }
}

}  // namespace logsift::detect
