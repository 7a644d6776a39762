// SessionTable: what earlier lines of a session left, for rules with `session:` (rules/rule.h).
//
// fail2ban ties the lines of one sshd connection together by the process id in their prefix
// (<F-MLFID>): "Connection from 192.0.2.7" names the address, a later "Disconnecting: Too many
// authentication failures for root" of the same process is the failure, and the ban needs both.
// A rule with `session: { id: NAME }` does the same: each match is keyed by (rule id, the
// record's host, the value of NAME: a capture or a record field, resolved by the caller), its
// captures are merged over what the session remembered (later values win), and the step decides
// what the match becomes:
//
//   kIncident  an incident carrying the merged fields
//   kNoted     no incident; the captures are remembered (session_note, session_success)
//   kWaiting   no incident yet: none of `wait_for` is known (the session is marked, and its next
//              matching line becomes an incident even if it is only a note: fail2ban's "pending"),
//              or not every part of `wait_for_all` has been seen within `within`
//
// The rules, as fail2ban 1.0.2's Filter._mergeFailure applies them:
//   - session_end forgets the session after this line (the line still merges and may be an
//     incident); a session_end match with no session does not start one.
//   - session_success drops the waiting mark; with session_note it makes the line no incident.
//   - A waiting mark, or a second value of `distinct` (several user names tried on one
//     connection), turns a note or success into an incident.
//   - wait_for_all (a Sigma temporal correlation): the session keeps, per part, the last time it
//     was seen; a match is an incident when every part was seen no longer than `within` before
//     it, and the incident uses the parts up (the session is forgotten, counted as ended).
//     With in_order, part k keeps instead the latest start time of an in-order run of parts
//     1..k: a part seen before the ones listed ahead of it is ignored, and the incident comes
//     when the last part completes a run that started no longer than `within` before it.
//   - A session with no line for `within` is forgotten (expired). Time is the caller's `now_us`
//     (event time in replay, arrival time live); a line older than the session does not expire it.
//
// Memory is bounded: at most `max_sessions` sessions; when full, the least recently seen one is
// dropped (counted: `expired` when it had expired anyway, else `evicted`). Each session keeps its
// key and fields in strings that are reused when the slot is, so a full table in steady state
// allocates nothing per message.
//
// Thread-safety: apply() locks an internal mutex once per call (workers hand over a batch's
// session matches in one call); counters() may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/detect/flat_index.h"
#include "parsers/string_arena.h"
#include "rules/rule.h"

namespace logsift::detect {

enum class SessionStep : std::uint8_t { kIncident, kNoted, kWaiting };

std::string_view session_step_name(SessionStep step);  // "incident", "noted", "waiting"

struct SessionCounters {
  std::uint64_t open = 0;      // sessions held now
  std::uint64_t started = 0;
  std::uint64_t ended = 0;     // by session_end, or by an incident that used up wait_for_all
  std::uint64_t expired = 0;   // no line for `within`
  std::uint64_t evicted = 0;   // dropped unexpired at the max_sessions cap
  std::uint64_t merged = 0;    // incidents that took fields from earlier lines
};

// One match of a rule with a session, in record order. apply() fills the outputs.
struct SessionMatch {
  const rules::Rule* rule = nullptr;
  std::string_view host;                    // the record's host (or sender)
  std::span<const rules::Capture> captures; // the match's own captures
  std::int64_t now_us = 0;
  std::string_view id;                      // the value of the rule's session id (empty: none)
  // Outputs: the step, and the merged fields in apply()'s `fields` [fields_begin, fields_end)
  // (session flag captures left out).
  SessionStep step = SessionStep::kIncident;
  std::uint32_t fields_begin = 0;
  std::uint32_t fields_end = 0;
};

class SessionTable {
 public:
    explicit SessionTable(std::size_t max_sessions);
  SessionTable(const SessionTable&) = delete;
  SessionTable& operator=(const SessionTable&) = delete;

  // Applies each match in order. Merged field names and values are copied into `arena` (valid
  // until its reset) and appended to `fields`.
  void apply(std::span<SessionMatch> matches, parsers::StringArena& arena, std::vector<rules::Capture>& fields);

  SessionCounters counters() const;

 private:
  struct Slot {
    std::string key;     // rule id '\0' host '\0' session id
    std::string fields;  // encoded name/value pairs (see session_table.cc)
    std::string distinct_first;  // first value of the rule's `distinct` capture
    // Per part of `wait_for_all`: when it was last seen (in_order: the start of the latest
    // in-order run through it); kNever when not seen.
    std::vector<std::int64_t> part_us;
    std::uint64_t hash = 0;
    std::int64_t last_us = 0;
    std::int64_t within_us = 0;
    std::uint32_t newer = FlatIndex::kMissing;  // LRU list: towards the most recently seen
    std::uint32_t older = FlatIndex::kMissing;
    bool in_use = false;
    bool several = false;  // `distinct` has had two values
    bool waiting = false;  // a failure waits for an identity
  };

  SessionStep step(SessionMatch& match, parsers::StringArena& arena, std::vector<rules::Capture>& fields);
  static bool advance_parts(Slot& s, const rules::SessionSpec& spec, const SessionMatch& m);
  std::uint32_t find(std::uint64_t hash, std::string_view key);
  std::uint32_t open_slot(std::uint64_t hash, std::string_view key, std::int64_t now_us);
  void drop(std::uint32_t slot);
  void unlink(std::uint32_t slot);
  void link_newest(std::uint32_t slot);
  bool expired(const Slot& s, std::int64_t now_us) const {
    return now_us > s.last_us && now_us - s.last_us > s.within_us;
  }

  mutable std::mutex mutex_;
  std::size_t max_sessions_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  FlatIndex index_;
  std::uint32_t newest_ = FlatIndex::kMissing;
  std::uint32_t oldest_ = FlatIndex::kMissing;
  SessionCounters counters_;
  // Reused per match.
  std::string key_;
  std::string encoded_;
  std::vector<std::pair<std::string_view, std::string_view>> merged_;
};

}  // namespace logsift::detect
