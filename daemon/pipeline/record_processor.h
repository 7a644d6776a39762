// RecordProcessor: one worker's parse -> match -> detect step, a raw batch at a time.
//
// The daemon's worker threads, `logsift replay` and `logsift test` all feed batches through
// process_batch(), so they produce the same records, matches and alerts for the same input and
// times. A batch goes through in three passes, so that per-message work stays in tight loops and
// locks and virtual calls happen per batch:
//   1. parse every message into a reused vector of records (views into the batch; JSON strings,
//      which the parser unescapes into a buffer its next parse reuses, are copied into a
//      per-worker arena reset per batch);
//   2. match the whole batch (Matcher::match_batch);
//   3. compute each incident's signature once, group the incidents by detection shard, and hand
//      each shard its span in one call (one lock per shard per batch); unmatched records that
//      look like trouble go to the miner's shard in one call too.
//
// Context: with a CMDB set, a record carries its host's business context (parsers::ServiceContext)
// from the first pass on, so `when`, patterns and group_by can use it.
//
// Origin: a record carries its sender's address (RawMessage::peer as text, formatted once per run
// of messages from one sender, kept in the arena; none for messages without a peer port, i.e.
// not received from the network) and whether ingest truncated it.
//
// Time: a message's detection time is its arrival_us; a message whose arrival_us is
// parsers::kNoTime (replay) is detected on event time: the record's own timestamp, or the latest
// event time seen when the record has none.
//
// Ownership and threads: owns its parsers (one per expected format), a Matcher and the batch
// buffers; one RecordProcessor per thread. The DetectShards it feeds is shared and thread-safe.
// Nothing is allocated per message once the buffers have grown to the largest batch.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "daemon/detect/alert.h"
#include "daemon/enrich/context_cache.h"
#include "daemon/ingest/raw_batch.h"
#include "daemon/pipeline/detect_shards.h"
#include "daemon/pipeline/incident_relay.h"
#include "daemon/pipeline/rate_tracking.h"
#include "daemon/pipeline/rule_breaker.h"
#include "daemon/trend/batch_counts.h"
#include "parsers/line_parser.h"
#include "parsers/string_arena.h"
#include "rules/rule_set.h"

namespace logsift::pipeline {

struct ProcessCounters {
  std::uint64_t records = 0;
  std::uint64_t matched_records = 0;  // records at least one rule matched
  std::uint64_t incidents = 0;        // rule matches
  // Captures placed at an ECS field whose type their value does not fit (an ip field holding no
  // address, a port that is no integer): the alert keeps them under logsift.invalid_fields.
  std::uint64_t capture_type_mismatches = 0;
  std::array<std::uint64_t, parsers::kParseIssueCount> parse_issues{};  // by parsers::ParseIssue
  std::vector<std::uint64_t> matches_per_rule;  // by rule index of the current rule set
};

class RecordProcessor {
 public:
  RecordProcessor(std::shared_ptr<const rules::RuleSet> rule_set, parsers::ParseOptions options,
                  DetectShards& detect);

  // Switches to another rule set between batches (reload). Per-rule counts restart.
  void set_rule_set(std::shared_ptr<const rules::RuleSet> rule_set);
  const std::shared_ptr<const rules::RuleSet>& rule_set() const { return matcher_->shared_rule_set(); }

  // Expected format of each listener, by RawMessage::listener_index; messages of listeners not
  // listed use ParseOptions::expected_format.
  void set_listener_formats(std::vector<parsers::ExpectedFormat> formats) { listener_formats_ = std::move(formats); }
  // Predictive monitoring: after each batch, its occurrences per signature, host and listener
  // (named by `listener_names`, by listener index) go to `rates` in one call. Null turns it off.
  void set_rate_tracking(RateTracking* rates, std::vector<std::string> listener_names) {
    rates_ = rates;
    listener_names_ = std::move(listener_names);
  }

  // CMDB context: each record's `context` is looked up by its host and sender (through a
  // per-processor cache) before matching, so rules can use it. Null turns it off.
  void set_cmdb(std::shared_ptr<const enrich::Cmdb> cmdb) { contexts_.set_table(std::move(cmdb)); }
  const enrich::ContextCacheCounters& context_counters() const { return contexts_.counters(); }

  // Rule suspension: after each batch, the PCRE2 limit hits and time of rules that hit a limit
  // since the last report go to `breaker`, and the rules it suspended stop running here before
  // the next batch. Null turns it off (replay, test).
  void set_rule_breaker(RuleBreaker* breaker) {
    breaker_ = breaker;
    breaker_version_ = 0;
  }

  // Ingest role: each batch's incidents and trouble go to `relay` instead of the DetectShards
  // (which then only serve the stateless looks_like_trouble filter). Null: detect locally.
  void set_incident_relay(IncidentRelay* relay) { relay_ = relay; }

  // Reference time for year-less timestamps; set once per batch.
  void set_reference_time_us(std::int64_t reference_time_us);

  // Parses, matches and detects every message of `batch`; appends the alerts it causes.
  void process_batch(const ingest::RawBatch& batch, std::vector<detect::Alert>& alerts);

  // What the last batch became, for callers that report per message (parse failures per peer,
  // `logsift test`). Valid until the next process_batch() and while the batch is unchanged.
  std::span<const parsers::Record> records() const { return records_; }  // message order
  std::span<const rules::RuleMatch> matches() const { return matches_; }  // record, then rule order
  std::span<const rules::Capture> fields(const rules::RuleMatch& m) const { return matcher_->fields(m); }
  // The incidents the matches became, in match order: a match of a rule with `session:` carries
  // the fields merged with earlier lines of its session, or is held (held()) instead.
  std::span<const detect::Incident> incidents() const { return incidents_; }
  struct HeldMatch {
    std::uint32_t record_index = 0;
    std::uint32_t rule_index = 0;
    detect::SessionStep step = detect::SessionStep::kNoted;  // kNoted or kWaiting
    std::span<const rules::Capture> fields;                  // merged
  };
  // Matches of session rules that became no incident (yet), in match order.
  std::span<const HeldMatch> held() const { return held_; }
  std::uint32_t record_index(const detect::Incident& incident) const {
    return static_cast<std::uint32_t>(incident.record - records_.data());
  }

  // Latest event time seen (kNoTime before any).
  std::int64_t latest_event_us() const { return latest_event_us_; }
  const ProcessCounters& counters() const { return counters_; }
  const rules::MatchCounters& match_counters() const { return matcher_->counters(); }
  // PCRE2 time and limit hits per rule of the current rule set (by rule index).
  std::span<const rules::RuleCost> rule_costs() const { return matcher_->rule_costs(); }

 private:
  void build_parsers();
  void parse_batch(const ingest::RawBatch& batch);
  void detect_batch(std::vector<detect::Alert>& alerts);
  void count_rates(const ingest::RawBatch& batch, std::vector<detect::Alert>& alerts);
  void apply_suspensions();
  void report_costs(std::vector<detect::Alert>& alerts);

  parsers::ParseOptions options_;
  std::array<std::unique_ptr<parsers::LineParser>, 4> parsers_;  // by ExpectedFormat
  std::vector<parsers::ExpectedFormat> listener_formats_;
  std::unique_ptr<rules::Matcher> matcher_;
  DetectShards& detect_;
  std::int64_t latest_event_us_ = parsers::kNoTime;
  ProcessCounters counters_;

  // Per-batch buffers, reused.
  parsers::StringArena arena_;
  ingest::PeerAddress sender_peer_;  // whose address sender_ holds (valid while sender_ is set)
  std::string_view sender_;          // in arena_
  std::vector<parsers::Record> records_;
  std::vector<std::int64_t> times_us_;         // detection time per record
  std::span<const rules::RuleMatch> matches_;  // into the matcher
  std::vector<detect::Incident> incidents_;    // match order
  std::vector<detect::SessionMatch> session_matches_;  // matches of session rules, match order
  std::vector<rules::Capture> session_fields_;         // their merged fields (views into arena_)
  std::vector<HeldMatch> held_;
  std::vector<detect::Incident> by_shard_;     // the same, grouped by shard
  std::vector<std::size_t> shard_begin_;       // shard s: by_shard_[shard_begin_[s], shard_begin_[s + 1])
  std::vector<std::size_t> shard_fill_;        // next free slot per shard while grouping
  std::vector<DetectShards::Unmatched> trouble_;
  std::vector<detect::MinedOccurrence> mined_;  // mined signatures of the batch (rate tracking only)
  RateTracking* rates_ = nullptr;
  RuleBreaker* breaker_ = nullptr;
  std::uint64_t breaker_version_ = 0;      // the breaker's version last applied to matcher_
  std::uint64_t reported_limit_hits_ = 0;  // the matcher's total when costs were last reported
  std::vector<rules::RuleCost> reported_;  // rule index -> its costs as last reported
  std::vector<std::uint32_t> suspended_;   // reused list of the breaker's suspended rules
  IncidentRelay* relay_ = nullptr;
  std::vector<std::string> listener_names_;
  trend::BatchCounts rate_counts_;
  enrich::ContextCache contexts_;
};

}  // namespace logsift::pipeline
