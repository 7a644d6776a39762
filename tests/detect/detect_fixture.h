// Helpers shared by the detect tests: hand-built rules and records, and fake time in microseconds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/detect/detector.h"

namespace logsift::detect::testing {

inline constexpr std::int64_t kSecond = 1'000'000;
inline constexpr std::int64_t kMinute = 60 * kSecond;
// Fake time starts at a realistic epoch so nothing depends on small numbers.
inline constexpr std::int64_t kT0 = 1'700'000'000LL * kSecond;

inline rules::Rule make_rule(std::string id = "sshd.failed_password") {
  rules::Rule r;
  r.id = std::move(id);
  r.name = "SSH password authentication failed";
  r.ruleset = "linux.sshd";
  r.severity = rules::Severity::kMedium;
  r.tags = {"authentication"};
  return r;
}

inline DetectOptions test_options() {
  DetectOptions o;
  o.default_count = 3;
  o.default_within_ms = 10 * 60 * 1000;
  o.default_resolve_after_ms = 30 * 60 * 1000;
  o.default_spread_hosts = 3;
  o.suppression_ms = 5 * 60 * 1000;
  o.update_interval_ms = 5 * 60 * 1000;
  o.escalation_step = 1;
  return o;
}

// Feeds one incident of `rule` from `host` at `t` with optional captures.
inline void feed(Detector& d, const rules::Rule& rule, std::string_view host, std::int64_t t,
                 std::vector<Alert>& out, std::vector<rules::Capture> captures = {}) {
  parsers::Record rec;
  rec.host = host;
  rec.message = "Failed password for root from 203.0.113.45 port 51122 ssh2";
  rec.original = "<38>Mar  9 07:12:44 edge3 sshd[2211]: Failed password for root";
  rec.app = "sshd";
  Incident inc{&rule, &rec, captures};
  d.observe({&inc, 1}, t, out);
}

inline std::vector<Alert> of_action(const std::vector<Alert>& alerts, AlertAction a) {
  std::vector<Alert> out;
  std::copy_if(alerts.begin(), alerts.end(), std::back_inserter(out),
               [a](const Alert& x) { return x.action == a; });
  return out;
}

}  // namespace logsift::detect::testing
