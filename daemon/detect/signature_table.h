// SignatureTable: the per-signature detection state of one Detector, bounded, least recently seen
// evicted first.
//
// A SignatureState owns copies of everything it needs from the rule (rule sets are swapped on
// reload; no rules::Rule pointer is kept) and of the latest occurrence (for alerts emitted later
// by advance()). The table is a hash map from signature id to a slot in a vector, with an
// intrusive recency list through the slots (FlatIndex: open addressing); lookups, touches and evictions are O(1).
// Not thread-safe: owned by one Detector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "daemon/detect/alert.h"
#include "daemon/detect/flat_index.h"
#include "daemon/detect/recurrence_window.h"
#include "parsers/service_context.h"
#include "rules/rule.h"

namespace logsift::detect {

inline constexpr std::int64_t kNever = INT64_MIN;

struct HostSeen {
  std::uint64_t hash = 0;
  std::int64_t last_seen_us = 0;
  std::string name;
};

struct SignatureState {
  std::uint64_t signature_id = 0;

  // Copied from the rule (or synthesised for auto:<template id>).
  std::string rule_id;
  std::string rule_name;
  std::string ruleset;
  rules::Severity severity = rules::Severity::kMedium;
  std::vector<std::string> tags;
  std::vector<std::string> rule_authors;     // rule provenance, not snapshotted: copy_rule
  std::vector<std::string> rule_references;  // fills it again from the loaded rule on restore
  std::string rule_uuid;
  std::vector<std::string> techniques;
  std::uint32_t count = 0;            // thresholds after defaults
  std::int64_t within_ms = 0;
  std::int64_t resolve_after_ms = 0;
  std::uint32_t spread_hosts = 0;
  std::vector<std::pair<std::string, std::string>> signature_values;
  std::uint64_t template_id = 0;      // auto signatures only
  std::string template_text;

  // Occurrences.
  RecurrenceWindow window;
  std::uint64_t occurrences = 0;
  std::int64_t first_seen_us = 0;
  std::int64_t last_seen_us = 0;
  std::vector<HostSeen> hosts;        // bounded sample
  std::uint32_t hosts_affected = 0;

  // Latest occurrence, for alerts emitted after the call that saw it.
  std::string last_host;             // the record's host, else its sender
  std::string last_message;
  std::string last_original;
  std::vector<std::pair<std::string, std::string>> last_fields;
  std::int64_t last_event_us = 0;    // its own time when plausible, else when it was seen
  std::uint64_t last_original_bytes = 0;
  bool last_original_truncated = false;
  bool last_message_truncated = false;
  std::int8_t last_facility = -1;
  std::int8_t last_syslog_severity = -1;
  std::string last_app;
  std::string last_procid;
  std::string last_msgid;
  std::string last_syslog_host;
  std::string last_sender;
  parsers::ServiceContext last_context;  // the host's CMDB context (empty without an entry)

  // Incident suppression: the interval that started with the last incident alert (kNever while
  // incident alerts are off for the signature), and the occurrences not yet reported by any
  // alert while no problem is open; the next incident or problem.opened alert carries them.
  std::int64_t incident_interval_start_us = kNever;
  std::uint64_t incident_suppressed = 0;

  // Problem lifecycle (see detector.cc for the state machine).
  ProblemState problem = ProblemState::kNone;
  std::uint64_t problem_id = 0;
  std::int64_t opened_us = 0;
  std::int64_t resolved_us = 0;
  std::uint32_t reopen_count = 0;
  std::uint32_t update_seq = 0;
  std::int64_t last_problem_alert_us = kNever;
  std::uint64_t problem_suppressed = 0;
  // SLA clock of the open problem (0 when no response target applies).
  std::int64_t sla_deadline_us = 0;
  std::int64_t sla_response_ms = 0;
  bool sla_escalated = false;
  std::int64_t acknowledged_us = 0;
  std::string acknowledged_by;

  // The one valid deadline entry of this signature in the detector's heap (kNever when none).
  std::int64_t scheduled_at_us = kNever;

  bool live = false;
};

class SignatureTable {
 public:
  static constexpr std::uint32_t kNoSlot = 0xffffffffu;

  explicit SignatureTable(std::size_t capacity) : capacity_(capacity ? capacity : 1) {}

  SignatureState* find(std::uint64_t id) {
    const std::uint32_t slot = index_.find(id);
    return slot == FlatIndex::kMissing ? nullptr : &slots_[slot];
  }

  // Finds the state of `id`, or makes a fresh one, evicting the least recently seen signature if
  // the table is full (`*evicted` is then a copy-free move of its state for the caller to count).
  // Marks the returned state most recently seen.
  SignatureState& find_or_insert(std::uint64_t id, bool* inserted, SignatureState* evicted);

  void touch(SignatureState& s);
  void erase(std::uint64_t id);
  // Changes the key of a live state (auto templates whose id changed); false if `to` exists.
  bool rekey(std::uint64_t from, std::uint64_t to);

  // Least recently seen live state, or null.
  SignatureState* oldest() { return tail_ == kNoSlot ? nullptr : &slots_[tail_]; }
  SignatureState* newer(const SignatureState& s) {
    const std::uint32_t prev = links_[slot_of(s)].prev;
    return prev == kNoSlot ? nullptr : &slots_[prev];
  }
  const SignatureState* oldest() const { return tail_ == kNoSlot ? nullptr : &slots_[tail_]; }
  const SignatureState* newer(const SignatureState& s) const {
    const std::uint32_t prev = links_[slot_of(s)].prev;
    return prev == kNoSlot ? nullptr : &slots_[prev];
  }

  std::size_t size() const { return index_.size(); }
  std::size_t capacity() const { return capacity_; }
  void clear();

 private:
  std::uint32_t slot_of(const SignatureState& s) const {
    return static_cast<std::uint32_t>(&s - slots_.data());
  }
  void unlink(std::uint32_t slot);
  void push_front(std::uint32_t slot);

  std::size_t capacity_;
  // The recency list lives apart from the (large) states so that relinking touches small,
  // dense memory: links_[slot] belongs to slots_[slot].
  struct Link {
    std::uint32_t prev = kNoSlot;  // more recently seen
    std::uint32_t next = kNoSlot;  // less recently seen
  };
  std::vector<SignatureState> slots_;
  std::vector<Link> links_;
  std::vector<std::uint32_t> free_;
  FlatIndex index_;
  std::uint32_t head_ = kNoSlot;  // most recently seen
  std::uint32_t tail_ = kNoSlot;  // least recently seen
};

}  // namespace logsift::detect
