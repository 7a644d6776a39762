// Alerts shared by the emit tests: the documented examples of docs/alerts.md and helpers.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "daemon/detect/alert.h"

namespace logsift::emit::testing {

// 2026-03-09T07:12:44.123456Z
inline constexpr std::int64_t kExampleTimeUs = 1773040364123456;

inline detect::Alert incident_example() {
  detect::Alert a;
  a.action = detect::AlertAction::kIncident;
  a.id = "6f1c0b9e2d4a7785";
  a.time_us = kExampleTimeUs;
  a.created_us = kExampleTimeUs + 2'104;  // received 2 ms after the sender stamped it
  a.rule_id = "sshd.failed_password";
  a.rule_name = "SSH password authentication failed";
  a.ruleset = "linux.sshd";
  a.severity = rules::Severity::kMedium;
  a.tags = {"authentication"};
  a.host = "edge3";
  a.message = "Failed password for invalid user oracle from 203.0.113.45 port 51122 ssh2";
  a.original =
      "<38>Mar  9 07:12:44 edge3 sshd[2211]: Failed password for invalid user oracle from "
      "203.0.113.45 port 51122 ssh2";
  a.fields = {{"user_name", "oracle"},
              {"source_ip", "203.0.113.45"},
              {"source_port", "51122"},
              {"pid", "2211"},
              {"auth_method", "password"}};
  a.original_bytes = a.original.size();
  a.syslog_facility = 4;  // <38>: auth, informational
  a.syslog_severity = 6;
  a.app = "sshd";
  a.procid = "2211";
  a.syslog_host = "edge3";
  a.sender = "192.0.2.10";
  a.signature_id = 0x9a3e5f0c12d47b61;
  a.signature_values = {{"source_ip", "203.0.113.45"}};
  a.occurrences = 1;
  a.window_count = 1;
  a.first_seen_us = kExampleTimeUs;
  a.last_seen_us = kExampleTimeUs;
  a.window_ms = 600000;
  a.hosts_affected = 1;
  a.hosts = {"edge3"};
  a.base_severity = rules::Severity::kMedium;
  a.threshold_count = 5;
  a.spread_hosts = 3;
  a.resolve_after_ms = 3'600'000;  // set by detect, written as null: no problem yet
  return a;
}

inline detect::Alert problem_opened_example() {
  detect::Alert a = incident_example();
  a.action = detect::AlertAction::kProblemOpened;
  a.id = "c24d80a5513fe907";
  a.time_us = kExampleTimeUs + 41'000'000;  // the fifth failure, 41 s later
  a.created_us = a.time_us + 1'877;
  a.message = "Failed password for invalid user admin from 203.0.113.45 port 51190 ssh2";
  a.original =
      "<38>Mar  9 07:13:25 edge3 sshd[2240]: Failed password for invalid user admin from "
      "203.0.113.45 port 51190 ssh2";
  a.fields = {{"user_name", "admin"},
              {"source_ip", "203.0.113.45"},
              {"source_port", "51190"},
              {"pid", "2240"},
              {"auth_method", "password"}};
  a.original_bytes = a.original.size();
  a.procid = "2240";
  a.problem_id = 0x51e7a2c90b36d4f8;
  a.problem_state = detect::ProblemState::kOpen;
  a.occurrences = 5;
  a.window_count = 5;
  a.suppressed_count = 3;
  a.last_seen_us = a.time_us;
  a.hosts_affected = 2;
  a.hosts = {"edge3", "edge4"};
  a.problem_opened_us = a.time_us;
  a.open_reason = "recurrence";
  return a;
}

// An unknown message that recurs: the auto:<template id> problem of a mined template, back for the
// second time after resolving, so escalated one level (escalation_step 2).
inline detect::Alert auto_problem_reopened_example() {
  detect::Alert a;
  a.action = detect::AlertAction::kProblemReopened;
  a.id = "3b9f61d07ce2a845";
  a.time_us = 1773049202000000;  // 2026-03-09T09:40:02Z
  a.rule_id = "auto:82d269d2245dcbd8";
  a.rule_name = "Recurring unknown message: nfs: server <*> not responding, timed out";
  a.ruleset = "auto";
  a.base_severity = rules::Severity::kMedium;
  a.escalation = 1;
  a.severity = rules::Severity::kHigh;
  a.tags = {"auto", "template"};
  a.host = "app7";
  a.message = "nfs: server filer2 not responding, timed out";
  a.original = "<3>Mar  9 09:40:02 app7 kernel: nfs: server filer2 not responding, timed out";
  a.original_bytes = a.original.size();
  a.created_us = a.time_us + 3'311;
  a.syslog_facility = 0;  // <3>: kern, error
  a.syslog_severity = 3;
  a.app = "kernel";
  a.syslog_host = "app7";
  a.sender = "2001:db8:0:7::17";
  a.signature_id = 0xe0c4a3915d7b2f16;
  a.problem_id = 0x7d15c0e94a2b6f83;
  a.problem_state = detect::ProblemState::kOpen;
  a.problem_opened_us = a.time_us;
  a.open_reason = "recurrence";
  a.reopen_count = 2;
  a.occurrences = 23;
  a.window_count = 1;
  a.first_seen_us = 1773022491000000;  // 2026-03-09T02:14:51Z
  a.last_seen_us = a.time_us;
  a.window_ms = 600000;
  a.threshold_count = 5;
  a.spread_hosts = 3;
  a.resolve_after_ms = 3'600'000;
  a.hosts_affected = 1;
  a.hosts = {"app7"};
  a.template_id = "82d269d2245dcbd8";
  a.template_text = "nfs: server <*> not responding, timed out";
  return a;
}

// The problem of problem_opened_example(), closed by a reload that changed its rule: two more
// failures had been folded since its last alert.
inline detect::Alert problem_resolved_example() {
  detect::Alert a = problem_opened_example();
  a.action = detect::AlertAction::kProblemResolved;
  a.id = "e87a0d3c5b19f264";
  a.time_us = 1773041100000000;  // 2026-03-09T07:25:00Z: the reload
  a.created_us = a.time_us;
  a.problem_state = detect::ProblemState::kResolved;
  a.open_reason = {};
  a.resolution = "rule_changed";
  a.message = "Failed password for invalid user test from 203.0.113.45 port 51302 ssh2";
  a.original =
      "<38>Mar  9 07:14:22 edge3 sshd[2262]: Failed password for invalid user test from "
      "203.0.113.45 port 51302 ssh2";
  a.original_bytes = a.original.size();
  a.procid = "2262";
  a.fields = {{"user_name", "test"},
              {"source_ip", "203.0.113.45"},
              {"source_port", "51302"},
              {"pid", "2262"},
              {"auth_method", "password"}};
  a.occurrences = 7;
  a.window_count = 7;
  a.suppressed_count = 2;
  a.last_seen_us = kExampleTimeUs + 98'000'000;
  return a;
}

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = std::filesystem::temp_directory_path() / "logsift-emit-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Predictive monitoring (daemon/trend): a host's volume far above its hour-of-week baseline.
inline detect::Alert anomaly_example() {
  detect::Alert a;
  a.action = detect::AlertAction::kAnomaly;
  a.id = "5c0e7a91d2b4f368";
  a.time_us = 1773049320000000;  // 2026-03-09T09:42:00Z
  a.rule_id = "rate.host";
  a.rule_name = "Rate far above its seasonal baseline";
  a.ruleset = "trend";
  a.severity = a.base_severity = rules::Severity::kMedium;
  a.tags = {"trend", "above"};
  a.host = "web1";
  a.message = "host web1: 1843 in 10 min, expected 402.5 (score 21.7, hour_of_week baseline)";
  a.signature_id = 0x4be1d0a2c7f35e19;
  a.problem_id = 0xa07c55e1b3d9824f;
  a.problem_state = detect::ProblemState::kOpen;
  a.problem_opened_us = a.time_us;
  a.first_seen_us = 1762178400000000;  // 2025-11-03T14:00:00Z
  a.last_seen_us = a.time_us;
  auto& p = a.prediction.emplace();
  p.kind = "above";
  p.series_kind = "host";
  p.series_key = "web1";
  p.baseline = "hour_of_week";
  p.window_ms = 600000;
  p.observed = 1843;
  p.expected = 402.5;
  p.score = 21.7;
  return a;
}

// Predictive monitoring: a database host's daily volume will reach its capacity figure.
inline detect::Alert forecast_example() {
  detect::Alert a;
  a.action = detect::AlertAction::kForecastThreshold;
  a.id = "e93b0f6a15c27d84";
  a.time_us = 1773100800000000;  // 2026-03-10T00:00:00Z, the day close
  a.rule_id = "rate.host";
  a.rule_name = "Daily volume forecast to cross its threshold";
  a.ruleset = "trend";
  a.severity = a.base_severity = rules::Severity::kMedium;
  a.tags = {"trend", "threshold"};
  a.host = "db2";
  a.message = "host db2: daily total 41250 forecast to reach 60000 in 63 days (42..104 days)";
  a.signature_id = 0x91f2c3b4a5d6e7f8;
  a.first_seen_us = 1762178400000000;
  a.last_seen_us = a.time_us;
  auto& p = a.prediction.emplace();
  p.kind = "threshold";
  p.series_kind = "host";
  p.series_key = "db2";
  p.window_ms = 86400000;
  p.observed = 40980;
  p.expected = 41250;
  p.trend_days = 42;
  p.slope_per_day = 298.4;
  p.slope_low_per_day = 181.2;
  p.slope_high_per_day = 455;
  p.level_per_day = 41250;
  p.threshold_per_day = 60000;
  p.crossing_us = 1778544000000000;          // 2026-05-12
  p.crossing_earliest_us = 1776729600000000; // 2026-04-21
  p.crossing_latest_us = 1782086400000000;   // 2026-06-22
  return a;
}

// Rule health: PCRE2 kept giving up on a rule's pattern, which is suspended until the next reload.
inline detect::Alert rule_suspended_example() {
  detect::Alert a;
  a.action = detect::AlertAction::kRuleSuspended;
  a.id = "5c0e7a9d31b2f468";
  a.time_us = a.created_us = 1773041112000000;  // 2026-03-09T07:25:12Z
  a.rule_id = "app.repeated_token";
  a.rule_name = "A token repeated before a bang";
  a.ruleset = "local.app";
  a.severity = a.base_severity = rules::Severity::kHigh;
  a.tags = {"rule_health"};
  a.window_ms = 60000;
  a.window_count = 100;
  a.message = "rule suspended until the next reload: 100 PCRE2 limit hits within 60000 ms, 1.874 s in PCRE2";
  a.suspension = detect::RuleSuspension{100, 1'874'310'552, 60000};
  return a;
}

}  // namespace logsift::emit::testing
