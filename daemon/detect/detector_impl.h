// Detector::Impl: the detector's state, shared by detector.cc (lifecycle), detector_alerts.cc
// (alert construction) and snapshot.cc (persistence). Internal to logsift::detect.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/detect/detector.h"
#include "daemon/detect/signature_table.h"
#include "daemon/detect/template_miner.h"
#include "daemon/detect/trouble_filter.h"

namespace logsift::detect {

class Detector::Impl {
 public:
  explicit Impl(DetectOptions options);

  void observe_one(const Incident& incident, std::int64_t now_us, std::vector<Alert>& out);
  MinedOccurrence observe_unmatched(const parsers::Record& record, std::int64_t now_us,
                         std::vector<Alert>& out);
  void advance(std::int64_t now_us, std::vector<Alert>& out);
  std::size_t forget_rules(const std::function<bool(std::string_view)>& changed, std::int64_t now_us,
                           std::vector<Alert>& out);
  void report_folded(std::int64_t now_us, std::vector<Alert>& out);
  bool looks_like_trouble(const parsers::Record& record) const;
  DetectCounters counters() const;

  // Lifecycle steps (detector.cc).
  void copy_rule(SignatureState& s, const rules::Rule& rule) const;
  void record_occurrence(SignatureState& s, const parsers::Record& record,
                         std::span<const rules::Capture> fields, std::int64_t now_us);
  // `rule` (null for mined templates) refreshes the copied metadata when a problem (re)opens.
  void after_occurrence(SignatureState& s, const rules::Rule* rule, std::int64_t now_us,
                        bool incident_alerts, std::vector<Alert>& out);
  void process_due(SignatureState& s, std::int64_t now_us, std::vector<Alert>& out);
  // Incident alerts are on for the signature and occurrences wait for the next one.
  static bool incident_owed(const SignatureState& s) {
    return s.incident_suppressed > 0 && s.incident_interval_start_us != kNever;
  }
  // The folded incidents as one alert, opening the next suppression interval.
  void emit_folded_incident(SignatureState& s, std::int64_t now_us, std::vector<Alert>& out);
  void resolve(SignatureState& s, std::int64_t at_us, std::int64_t now_us, std::string_view resolution,
               std::vector<Alert>& out);
  // The open problem's quiet period ended before `now_us` (its resolution is owed).
  bool resolution_due(const SignatureState& s, std::int64_t now_us) const;
  std::int64_t next_deadline_us(const SignatureState& s) const;
  // Starts the SLA clock of a problem that just opened or reopened.
  void start_sla_clock(SignatureState& s, std::int64_t now_us);
  bool sla_due(const SignatureState& s, std::int64_t now_us) const {
    return s.problem == ProblemState::kOpen && s.sla_deadline_us != 0 && !s.sla_escalated &&
           s.acknowledged_us == 0 && s.sla_deadline_us <= now_us;
  }
  bool acknowledge(std::uint64_t problem_id, const std::string& by, std::int64_t now_us);
  void describe_open_problems(std::int64_t now_us, std::vector<Alert>& out) const;
  void schedule(SignatureState& s);
  SignatureState& insert(std::uint64_t signature_id, bool* inserted);
  std::uint32_t hosts_in_window(const SignatureState& s, std::int64_t now_us) const;

  // Alerts (detector_alerts.cc). `at_us` is the alert's time on the detection clock (the
  // occurrence's, or a deadline's), `now_us` when it is made (event.created).
  Alert make_alert(const SignatureState& s, AlertAction action, std::int64_t at_us,
                   std::int64_t now_us, std::uint64_t suppressed) const;
  void emit_incident(SignatureState& s, std::int64_t at_us, std::int64_t now_us,
                     std::int64_t interval_start_us, std::uint64_t suppressed, std::vector<Alert>& out);
  // `reason`: open_reason for problem.opened/reopened, resolution for problem.resolved.
  void emit_problem(SignatureState& s, AlertAction action, std::int64_t at_us, std::int64_t now_us,
                    std::uint64_t suppressed, std::string_view reason, std::vector<Alert>& out);

  struct Deadline {
    std::int64_t at_us;
    std::uint64_t signature_id;
    bool operator>(const Deadline& o) const { return at_us > o.at_us; }
  };

  DetectOptions options_;
  SignatureTable table_;
  TemplateMiner miner_;
  DetectCounters counters_;
  std::vector<Deadline> deadlines_;  // min-heap; an entry is valid iff it equals the state's
  TroubleFilter trouble_;
};

// Lowercase hex of a template id prefixed with "auto:", the synthetic rule id of mined templates.
std::string auto_rule_id(std::uint64_t template_id);
std::uint64_t auto_signature_id(std::uint64_t template_id);
std::string auto_rule_name(std::string_view template_text);

}  // namespace logsift::detect
