// Detector: turns incidents (rule matches) and unmatched trouble messages into alerts, tracking
// per-signature recurrence and the problem lifecycle (drawn in detector.cc).
//
// Time is passed in: `now_us` is event time in replay and arrival time live, UTC microseconds.
// The detector never reads the clock, never logs, and never keeps a pointer from its arguments:
// incidents, records and rules are views valid only during the call, and whatever a signature
// needs later (rule id, name, ruleset, severity, tags, thresholds, latest occurrence) is copied.
// Rule metadata is copied when a signature is first seen and refreshed when its problem opens or
// reopens, so a reloaded rule set takes effect at those points.
//
// Alerts are appended to the caller's vector (never cleared). Memory is bounded by
// DetectOptions::max_signatures and miner.max_templates.
//
// Thread-safety: none. One Detector per shard (the pipeline shards by signature id); no locks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/detect/alert.h"
#include "daemon/detect/detect_options.h"
#include "daemon/detect/incident.h"
#include "parsers/base/expected.h"
#include "parsers/record.h"

namespace logsift::detect {

struct DetectCounters {
  std::uint64_t incidents = 0;              // incidents observed
  std::uint64_t incidents_suppressed = 0;   // incidents folded into a later alert's count
  std::uint64_t unmatched = 0;              // records passed to observe_unmatched
  std::uint64_t unmatched_trouble = 0;      // ... that looked like trouble and were mined
  std::uint64_t signatures_live = 0;        // signatures held now
  std::uint64_t signatures_created = 0;
  std::uint64_t signature_evictions = 0;    // dropped for the max_signatures cap
  std::uint64_t open_problem_evictions = 0; // ... of which had an open problem
  std::uint64_t signatures_forgotten = 0;   // dropped after forget_after_ms of quiet
  std::uint64_t signatures_dropped_by_reload = 0;  // their rule changed or went away
  std::uint64_t problems_closed_by_reload = 0;     // ... of which had an open problem
  std::uint64_t event_time_fallbacks = 0;   // occurrences whose own time was implausible or absent
  std::uint64_t problems_open = 0;          // open now
  std::uint64_t problems_opened = 0;
  std::uint64_t problems_reopened = 0;
  std::uint64_t problems_resolved = 0;
  std::uint64_t problems_escalated = 0;     // open and unacknowledged at their SLA deadline
  std::uint64_t problems_acknowledged = 0;
  std::uint64_t alerts = 0;                 // alerts emitted, all actions
  std::uint64_t templates_live = 0;         // template miner clusters held now
  std::uint64_t templates_created = 0;
  std::uint64_t template_evictions = 0;     // dropped for the miner.max_templates cap
};

// What a snapshot held or holds.
struct SnapshotInfo {
  std::uint64_t signatures = 0;
  std::uint64_t templates = 0;
  std::uint64_t bytes = 0;
};

// A snapshot that cannot be written or read.
struct SnapshotError {
  enum class Kind : std::uint8_t { kIo, kBadMagic, kUnsupportedVersion, kTruncated, kCorrupt };
  Kind kind = Kind::kIo;
  std::string message;  // names the path and, for reads, the byte offset
};

// What observe_unmatched() did with a record: the mined template's signature (0 when the record
// was not mined) and the template id, whose synthetic rule is "auto:<template id>".
struct MinedOccurrence {
  std::uint64_t signature_id = 0;
  std::uint64_t template_id = 0;
};

class Detector {
 public:
  explicit Detector(DetectOptions options = {});
  ~Detector();
  Detector(Detector&&) noexcept;
  Detector& operator=(Detector&&) noexcept;
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;

  // Records each incident against its signature, at the incident's own time_us when it has one;
  // appends incident and problem alerts.
  void observe(std::span<const Incident> incidents, std::int64_t now_us, std::vector<Alert>& out);

  // A record no rule matched: if it looks like trouble, mines its message and treats the template
  // as the signature of a synthetic rule "auto:<template id>". Other records only count.
  // Returns the mined signature, so callers can count it like a rule's (rate series).
  MinedOccurrence observe_unmatched(const parsers::Record& record, std::int64_t now_us,
                                    std::vector<Alert>& out);

  // Resolves problems quiet for their resolve_after, emits incident and problem alerts whose
  // folded counts are due, forgets long-quiet signatures. Call once per batch (or on a timer with
  // arrival time when no traffic comes); cost is proportional to the work due, not to the number
  // of signatures.
  void advance(std::int64_t now_us, std::vector<Alert>& out);

  // Drops every signature of the rules `changed` says yes to (counted in
  // `signatures_dropped_by_reload`); a reload calls it for rules whose content changed or that
  // are gone, so their old windows and thresholds do not carry over. Nothing vanishes unsaid:
  // an open problem is closed with a problem.resolved alert (resolution "rule_changed") and
  // folded incidents still owed an alert get it, both appended to `out` at `now_us`. Returns how
  // many signatures were dropped.
  std::size_t forget_rules(const std::function<bool(std::string_view rule_id)>& changed,
                           std::int64_t now_us, std::vector<Alert>& out);

  // Emits now every alert that folded counts are owed to, without waiting for their interval to
  // end: the end of a replayed input, after which no advance() would report them.
  void report_folded(std::int64_t now_us, std::vector<Alert>& out);

  // Acknowledges the open problem `problem_id` (someone responds to it: its SLA clock stops and
  // it will not escalate); `by` names who, for alerts. False when this detector holds no such
  // open problem. A second acknowledgement keeps the first.
  bool acknowledge(std::uint64_t problem_id, const std::string& by, std::int64_t now_us);

  // Describes every open problem as the problem.opened alert it would carry now (counts, hosts,
  // latest line, CMDB context, SLA clock and acknowledgement as they stand; problem.escalated
  // when its deadline passed unacknowledged), appended to `out`, without
  // emitting or counting anything: for displays (the status page after a restart) and for asking
  // who took a problem on. Cost is proportional to the number of signatures.
  void describe_open_problems(std::int64_t now_us, std::vector<Alert>& out) const;

  // True when the record passes the "looks like trouble" filter (severity or trouble words).
  bool looks_like_trouble(const parsers::Record& record) const;

  DetectCounters counters() const;
  const DetectOptions& options() const;
  // The miner, for tools that want templates without detection (e.g. `logsift mine`).
  TemplateMiner& miner();

  // Serialises the whole state (signatures, windows, problems, pending counts, templates) into
  // `out` in the snapshot file format. `out` is cleared first and its capacity reused, so a caller
  // that holds a lock around this call does no I/O and, in steady state, no large allocation.
  SnapshotInfo encode_snapshot(std::string& out) const;
  // Replaces the whole state with an encoded snapshot; `name` labels error messages. On any
  // error the current state is kept. Truncated or corrupt bytes are an error value, never a crash.
  Expected<SnapshotInfo, SnapshotError> decode_snapshot(std::string_view bytes, const std::string& name);

  // encode_snapshot() written to `path` atomically: a temp file beside it, fsync, rename, fsync
  // of the directory.
  Expected<SnapshotInfo, SnapshotError> save_snapshot(const std::string& path) const;
  // Replaces the whole state with the snapshot at `path`. On any error the current state is kept.
  // A missing, truncated or corrupt file is an error value, never a crash.
  Expected<SnapshotInfo, SnapshotError> restore_snapshot(const std::string& path);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace logsift::detect
