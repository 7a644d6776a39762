// Alert: what detection hands to emission. One alert is one line of an alert batch.
//
// Alerts own their strings: they outlive the batch of records that caused them. They are produced
// far less often than messages arrive (suppression and problem folding see to that), so owning
// strings here costs no per-message allocation. daemon/emit turns an Alert into ECS-shaped JSON;
// docs/alerts.md documents every field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/service_context.h"
#include "rules/rule.h"

namespace logsift::detect {

enum class AlertAction : std::uint8_t {
  kIncident,         // a rule matched (first of its signature, or after the suppression interval)
  kProblemOpened,    // a signature recurred `count` times within its window, or spread to K hosts
  kProblemUpdated,   // an open problem kept recurring
  kProblemResolved,  // an open problem was quiet for `resolve_after`, or its rule changed
  kProblemReopened,  // a resolved problem's signature came back
  kProblemEscalated, // an open problem nobody acknowledged by its SLA response deadline
  // Predictive monitoring (daemon/trend), about a rate series rather than one occurrence:
  kAnomaly,           // a rate far from its seasonal baseline: opens a problem of kind anomaly
  kAnomalyResolved,   // ... that came back to normal
  kTrendRising,       // daily totals grow week by week
  kForecastThreshold, // the trend crosses a configured daily threshold within the horizon
  // Rule health (daemon/pipeline), about a rule rather than an occurrence:
  kRuleSuspended,     // PCRE2 kept hitting its limits on the rule: it no longer runs until a reload
};

std::string_view action_name(AlertAction a);  // "incident", "problem.opened", ..., "anomaly"

enum class ProblemState : std::uint8_t { kNone, kOpen, kResolved };
std::string_view problem_state_name(ProblemState s);  // "", "open", "resolved"

// What a predictive-monitoring alert says about its rate series (daemon/trend fills it in).
// Names are static strings; counts are occurrences.
struct RatePrediction {
  std::string_view kind;         // "above", "below", "new_series", "rising", "threshold"
  std::string_view series_kind;  // "signature", "host", "listener"
  std::string series_key;        // 16-hex signature id, host name or listener name
  std::string_view baseline;     // "hour_of_week", "hour_of_day", or "" without a baseline
  std::int64_t window_ms = 0;    // span that `observed` and `expected` cover
  double observed = 0;
  double expected = 0;
  double score = 0;              // robust z-score of observed against expected (anomalies)
  // Trend of daily totals (rising, threshold; trend_days == 0 otherwise).
  int trend_days = 0;
  double slope_per_day = 0;      // occurrences/day gained per day, and its confidence band
  double slope_low_per_day = 0;
  double slope_high_per_day = 0;
  double level_per_day = 0;      // the trend's daily total on the last complete day
  // Forecast (threshold only): the daily threshold and when the trend crosses it (0 = never).
  double threshold_per_day = 0;
  std::int64_t crossing_us = 0;
  std::int64_t crossing_earliest_us = 0;
  std::int64_t crossing_latest_us = 0;
};

// Why a rule was suspended (rule.suspended alerts; daemon/pipeline's RuleBreaker fills it in).
struct RuleSuspension {
  std::uint64_t limit_hits = 0;  // PCRE2 calls abandoned at a limit within the window
  std::uint64_t pcre_ns = 0;     // PCRE2 time the rule took since its rule set was loaded
  std::int64_t within_ms = 0;    // the window (rules.suspend_after.within)
};

// A declared change window the alert falls into or follows (daemon/enrich's ChangeCalendar
// fills it in after detection). Times are UTC microseconds.
struct ChangeMark {
  std::string id;                // the change's id, e.g. "CHG0012345"
  bool during = false;           // the occurrence happened in the window, on a host it covers
  bool suspected = false;        // after the window: a signature first seen since the change
                                 // began recurs on a host it covered
  std::string summary;
  std::string requested_by;
  std::string rollback_contact;
  std::int64_t from_us = 0;
  std::int64_t to_us = 0;        // the window's end (an early end applied)
};

struct Alert {
  AlertAction action = AlertAction::kIncident;
  // Deterministic, 16 hex digits: XXH3 of (signature, action, interval start) for incidents, of
  // (signature, action, problem id, reopen count[, update number]) for problem alerts.
  std::string id;
  // @timestamp: when the occurrence happened (its own timestamp when plausible, else when it was
  // seen); for problem.resolved, when the problem became resolved.
  std::int64_t time_us = 0;
  // event.created: when logsift made the alert (the occurrence's arrival for alerts an occurrence
  // caused; the detection clock for alerts the passing of time caused).
  std::int64_t created_us = 0;

  // The rule, or for unknown recurring messages a synthetic "auto:<template id>" rule.
  std::string rule_id;
  std::string rule_name;
  std::string ruleset;
  rules::Severity severity = rules::Severity::kMedium;  // after escalation
  std::vector<std::string> tags;
  // Rule provenance (empty when the rule does not say): authors, reference URLs, the rule's id in
  // its home estate (a Sigma UUID), MITRE ATT&CK technique ids from its tags.
  std::vector<std::string> rule_authors;
  std::vector<std::string> rule_references;
  std::string rule_uuid;
  std::vector<std::string> techniques;

  // The occurrence that caused the alert (the latest one for problem alerts).
  std::string host;              // the message's host, else the sender's address
  std::string message;
  std::string original;
  std::vector<std::pair<std::string, std::string>> fields;  // extracted captures, by name
  // Text cuts: original and message are prefixes when these are set (ingest cut the line at
  // max_message_bytes, or detection kept at most max_kept_text_bytes). original_bytes is the
  // length of the line as logsift received it.
  bool original_truncated = false;
  bool message_truncated = false;
  std::uint64_t original_bytes = 0;
  // The occurrence's syslog header (empty / -1 when absent) and the address it came from.
  std::int8_t syslog_facility = -1;
  std::int8_t syslog_severity = -1;
  std::string app;
  std::string procid;
  std::string msgid;
  std::string syslog_host;       // the host the message itself named ("" when none)
  std::string sender;            // sender's IP address ("" in replay)
  // What the CMDB says about the occurrence's host (service, environment, owner, SLA tier,
  // labels); empty when no entry applies or no CMDB is configured.
  parsers::ServiceContext context;

  // Detection state.
  std::uint64_t signature_id = 0;
  std::vector<std::pair<std::string, std::string>> signature_values;  // group_by name -> value
  std::uint64_t problem_id = 0;   // 0 when no problem is involved
  ProblemState problem_state = ProblemState::kNone;
  std::uint32_t reopen_count = 0;       // times this problem came back after resolving
  // Every occurrence is reported by exactly one alert of its signature: as the occurrence that
  // caused it, or folded into its suppressed_count. Alerts an occurrence caused (incident at the
  // start of an interval, problem.opened, problem.reopened, problem.updated on arrival) count the
  // folded ones before it; alerts the passing of time caused (folded incident, later update,
  // resolution) count every occurrence since the previous alert, the one they show included.
  std::uint64_t occurrences = 0;        // total occurrences of the signature seen
  std::uint64_t window_count = 0;       // occurrences inside the current window
  std::uint64_t suppressed_count = 0;   // occurrences folded into this alert since the last one
  std::int64_t first_seen_us = 0;
  std::int64_t last_seen_us = 0;
  std::int64_t window_ms = 0;
  std::uint32_t hosts_affected = 0;
  std::vector<std::string> hosts;       // a bounded sample of affected hosts

  // Added by detect (all optional for consumers; zero/empty when they do not apply).
  rules::Severity base_severity = rules::Severity::kMedium;  // the rule's own, before escalation
  std::uint32_t escalation = 0;         // levels added to base_severity by reopening
  std::uint32_t tier_raise = 0;         // levels added by the host's SLA tier (problem alerts)
  std::int64_t problem_opened_us = 0;   // when the problem last opened or reopened
  std::int64_t resolve_after_ms = 0;    // quiet period that resolves the problem
  std::uint32_t threshold_count = 0;    // `count` that opens a problem (after defaults)
  std::uint32_t spread_hosts = 0;       // distinct hosts that open a problem; 0 = spread off
  std::string_view open_reason;         // "recurrence" or "spread" on problem.opened/reopened
  std::string_view resolution;          // "quiet" or "rule_changed" on problem.resolved
  std::string template_id;              // auto:* rules: the mined template's 16-hex id
  std::string template_text;            // auto:* rules: the template, variables as "<*>"
  std::optional<RatePrediction> prediction;  // anomaly, trend.rising, forecast.threshold only
  std::optional<ChangeMark> change;          // during a declared change, or suspected after one
  std::optional<RuleSuspension> suspension;  // rule.suspended only
  // SLA clock of the problem (problem alerts; 0/empty when no response target applies): when a
  // response is due (opened + the target for its severity and SLA tier), the target, and who
  // acknowledged it when.
  std::int64_t sla_deadline_us = 0;
  std::int64_t sla_response_ms = 0;
  std::int64_t acknowledged_us = 0;
  std::string acknowledged_by;
};

}  // namespace logsift::detect
