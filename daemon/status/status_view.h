// StatusView: what the status page and /api/status show, as one immutable value.
//
// The pipeline's emitter thread assembles a view about once a second from what it already holds
// (the problem board it feeds with every alert, the rate tracker's reports, the sinks' counters)
// and publishes it with StatusPublisher. The HTTP thread only takes the latest published view
// (a shared_ptr copy under a short lock of its own) and renders it: it never walks detection
// shards or waits on the locks that detection or snapshots hold.
//
// Plain data: strings are owned (copied out of alerts), times are UTC microseconds (0 = none).
// Thread-safety: a published view is never modified; StatusPublisher is safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace logsift::status {

// One problem as the board last saw it (open, or resolved not long ago).
struct ProblemEntry {
  std::uint64_t problem_id = 0;
  std::uint64_t signature_id = 0;
  std::string kind;                 // "recurrence", "spread", "anomaly"
  std::string rule_id;
  std::string rule_name;
  std::string severity;             // after escalation
  bool open = true;
  std::int64_t opened_us = 0;       // when it (last) opened or reopened
  std::int64_t updated_us = 0;      // the latest alert about it
  std::int64_t resolved_us = 0;     // 0 while open
  std::int64_t first_seen_us = 0;   // the signature's first occurrence
  std::int64_t last_seen_us = 0;
  std::uint64_t occurrences = 0;    // of the signature, as the latest alert counted them
  std::uint32_t hosts_affected = 0;
  std::uint32_t reopen_count = 0;
  std::uint32_t updates = 0;        // problem.updated alerts seen since it opened
  std::string resolution;           // "quiet", "rule_changed", "" while open
  std::vector<std::string> hosts;   // a bounded sample
  std::vector<std::string> samples; // latest distinct message lines, newest first (bounded)
  std::string detail;               // anomalies: observed against expected
  // CMDB context of the host of its latest alert; empty when the CMDB does not know it.
  std::string service;
  std::string owner;
  std::string environment;
  // SLA clock (sla.response): 0 when the problem has no response target.
  std::int64_t sla_deadline_us = 0;
  std::int64_t sla_response_ms = 0;
  bool escalated = false;           // the deadline passed unacknowledged (problem.escalated)
  std::int64_t acknowledged_us = 0; // 0 until somebody acknowledged it (API or ticket)
  std::string acknowledged_by;
};

// A change window in force (daemon/enrich's ChangeCalendar) when the view was made.
struct ChangeEntry {
  std::string id;
  std::string summary;
  std::string by;
  std::vector<std::string> hosts;     // names, globs, address ranges
  std::vector<std::string> services;  // CMDB business services
  std::int64_t from_us = 0;
  std::int64_t until_us = 0;          // its end (an early end when it was ended early)
  std::string rollback_contact;
};

// Plots of one rate series (daemon/trend); counts are occurrences, -1 = unknown.
struct SeriesPlot {
  std::string kind;                    // "signature", "host", "listener"
  std::string key;                     // signature id (16 hex), host or listener name
  std::string label;                   // signature: its rule id ("auto:..." for mined templates)
  std::vector<std::int64_t> minutes;   // the last 60 minutes, oldest first, the open one last
  std::vector<std::int64_t> hours;     // the last 24 complete hours, oldest first
  std::vector<double> expected_hours;  // their seasonal baseline, -1 before it is trusted
  std::vector<std::int64_t> days;      // the last complete days (up to the trend window)
  std::vector<double> trend_days;      // the fitted trend on those days, empty without a fit
  std::uint64_t last_hour = 0;
  double expected_last_hour = -1;      // -1 during warm-up
  std::uint64_t last_day = 0;
  std::string anomaly;                 // open anomaly kind, "" when none
  double slope_per_day = 0;            // trend of daily totals, 0 without a fit
  double threshold_per_day = 0;        // 0 when no threshold applies
  std::int64_t crossing_us = 0;        // forecast crossing of the threshold, 0 when none
};

// One alert destination and its spool.
struct SinkEntry {
  std::string name;
  std::string type;
  std::string state;                  // "ok", "failing", "backlogged"
  bool spooled = false;
  std::uint64_t spool_batches = 0;
  std::uint64_t spool_bytes = 0;
  std::int64_t oldest_spooled_us = 0;
  std::uint64_t batches_written = 0;
  std::uint64_t alerts_delivered = 0;
  std::uint64_t attempts_failed = 0;
  std::uint64_t alerts_dead_lettered = 0;
  std::uint64_t alerts_dropped = 0;
  std::uint64_t batches_pending = 0;  // closed, not yet taken by the store
  std::int64_t failing_since_us = 0;
  std::string last_error;
};

struct StatusView {
  std::int64_t generated_us = 0;
  bool rates_enabled = false;
  std::vector<ProblemEntry> open;       // newest update first
  std::vector<ProblemEntry> resolved;   // recently resolved, newest first
  std::uint64_t problems_open_total = 0;  // may exceed open.size() when the board is at its cap
  std::vector<SeriesPlot> signatures;   // busiest first
  std::vector<SeriesPlot> listeners;
  std::vector<SeriesPlot> services;     // business services (enrich.cmdb), busiest first
  std::vector<SinkEntry> sinks;
  std::vector<ChangeEntry> changes;     // windows in force, earliest end first
  std::uint64_t records = 0;
  std::uint64_t incidents = 0;
  std::uint64_t alerts = 0;
};

// Ticket links of one jira sink: problem id -> issue key, linked as <base_url>/browse/<key>.
struct TicketLinks {
  std::string sink;
  std::string base_url;
  std::vector<std::pair<std::uint64_t, std::string>> issues;  // sorted by problem id
  const std::string* find(std::uint64_t problem_id) const;
};

// Hands the latest view from the thread that builds it to the threads that render it.
class StatusPublisher {
 public:
  void publish(std::shared_ptr<const StatusView> view) {
    std::lock_guard lock(mutex_);
    view_ = std::move(view);
  }
  // The latest view; never null (an empty view before the first publish).
  std::shared_ptr<const StatusView> current() const {
    std::lock_guard lock(mutex_);
    return view_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const StatusView> view_ = std::make_shared<const StatusView>();
};

}  // namespace logsift::status
