// Pipeline: the daemon's threads between the ingest queue and the alert destinations.
//
//   ingest (Asio) --RawBatch--> BatchQueue --> worker threads --alerts--> emitter thread
//                                              parse, match,               per sink: route, batch,
//                                              detect (shards)             store (folder or spool)
//                                                                            │
//                                             one SinkRunner thread per spool └─> destination
//
// Workers pop raw batches, run every message through their RecordProcessor on arrival time, and
// hand the batch's alerts to the emitter thread (one lock per batch). The emitter thread owns one
// AlertEmitter per sink (its route, its batch sequence, its store), advances detection time
// (resolutions, folded counts) and snapshots detection state. Each sink with a spool has its own
// SinkRunner thread delivering from it, so a slow or dead destination holds only its own spool.
// A sink whose target tells back who took problems on (emit::ResponseSource: a jira sink with
// ack_poll) also has a ResponsePoller thread, which acknowledges those problems.
// Only this module creates threads below the application.
//
// Reload: set_rule_set() publishes a new compiled set; each worker switches between two batches,
// so a batch is matched by one rule set from start to end. Detection state is keyed by
// signature (rule id + group values): it survives reloads for rules whose content is unchanged
// and is dropped for rules that changed or went away, whose open problems are closed by a
// problem.resolved alert (resolution "rule_changed") handed to the emitter with the workers' alerts. A worker still finishing a batch with the
// old set may record a few incidents of a changed rule after the drop; they age out.
//
// Acknowledgements: a raw batch may carry an observer (a RELP connection). It is told the batch
// was processed once the batch went through parse, match and detection and every alert it
// produced is in every sink's store (a batch file written and synced, or a spool): a batch that
// produced no alert is reported by its worker right away; otherwise the report travels with its
// alerts to the emitter thread, which then closes its open alert batches at once (rather than at
// max_alerts / max_age) and reports when every store took them. A store that refuses holds the
// report back, so a full disk stops acknowledgements too. Detection state is not part of it: a
// kill -9 loses what changed since the last snapshot, never an alert or a message.
//
// Backpressure: a store that refuses batches (a full disk, a full spool under the `block`
// policy) holds closed batches in its AlertEmitter; past max_pending_batches for any sink the
// emitter stops taking alerts, past max_pending_alerts workers wait, and the bounded raw queue
// then stops ingest from reading TCP (UDP drops are counted by ingest). A destination that is
// merely down does not push back until its spool is full.
//
// Stop: the caller stops ingest first (so no new batches arrive), then calls stop(): workers
// drain the queue completely, the emitters flush their open batches into their stores, detection
// state is snapshotted, and the sink runners get stop_grace_ms to deliver what is spooled; the
// rest stays spooled for the next start. Nothing that entered the queue is lost unless a store
// refuses it to the end (counted in stats().sinks[i].emit.batches_pending).
//
// Acknowledgements: a raw batch may name a BatchObserver (RawBatch::set_observer) with the
// assurance it waits for. Once a worker has processed the batch and handed its alerts on:
//  - Assurance::kProcessed (RELP): the emitter closes every sink's open alert batch early and,
//    once all are stored, tells the observer; a batch without alerts is told by its worker.
//  - Assurance::kDurable (Kafka, before it commits offsets): the batch waits for the next
//    durability round on the emitter thread: every sink's open alert batch is closed and stored,
//    relayed incidents are acknowledged (relay_flush, ingest role), then detection state is
//    snapshotted (when state_dir is set). When both succeed the round's
//    observers are told; on failure they wait for the next round. Rounds run every
//    snapshot_interval_ms, when request_durability() asks for one (a partition revoked), and at
//    stop() after the final snapshot. So a durable batch's records are covered by a complete
//    snapshot generation and their alerts are in batch files or spools.
//
// Thread-safety: public methods are safe from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "daemon/detect/detect_options.h"
#include "daemon/emit/batch_writer.h"
#include "daemon/emit/sink.h"
#include "daemon/enrich/change_calendar.h"
#include "daemon/ingest/batch_queue.h"
#include "daemon/ingest/ingest_counters.h"
#include "daemon/pipeline/alert_emitter.h"
#include "daemon/pipeline/detect_shards.h"
#include "daemon/pipeline/incident_relay.h"
#include "daemon/pipeline/incident_source.h"
#include "daemon/pipeline/rate_tracking.h"
#include "daemon/trend/trend_options.h"
#include "daemon/pipeline/record_processor.h"
#include "daemon/pipeline/response_poller.h"
#include "daemon/pipeline/rule_breaker.h"
#include "daemon/pipeline/sink_runner.h"
#include "daemon/status/problem_board.h"
#include "daemon/status/status_view.h"
#include "parsers/line_parser.h"
#include "rules/rule_set.h"

namespace logsift::pipeline {

// One destination of alerts, as the application assembled it. The pointed-to objects must
// outlive the pipeline.
struct SinkChannel {
  std::string name;                         // the `sink` label on metrics
  std::string type;                         // "file", "kafka", ...
  emit::Sink* store = nullptr;              // where batches become durable: a folder or a spool
  emit::Spool* spool = nullptr;             // the store, when it is a spool
  emit::DeliveryTarget* target = nullptr;   // delivers from the spool; null when the store is the
                                            // destination itself (file sinks)
  std::uint64_t first_sequence = 1;         // this sink's next batch sequence
  AlertEmitterOptions emitter;              // route and full-spool policy
  SinkRunnerOptions runner;                 // retries and dead letters
};

struct PipelineOptions {
  // Parse+match+detect threads. More helps until Hyperscan saturates the cores.
  std::size_t workers = 1;
  // Detection shards; keep it stable across restarts, snapshots are per shard. Default 4.
  std::size_t detect_shards = 4;
  detect::DetectOptions detect;
  parsers::ParseOptions parse;  // json_fields.extra is set from the rule set
  // Expected format of each listener, by the listener index carried in each RawMessage.
  std::vector<parsers::ExpectedFormat> listener_formats;
  emit::BatchOptions batch;
  std::uint64_t first_sequence = 1;  // continue after the highest batch already written
  // Predictive monitoring (daemon/trend): rates per signature, host and listener, their
  // anomalies, trends and forecasts, saved beside the detection snapshots. Off by default.
  bool trend_enabled = false;
  trend::TrendOptions trend;
  std::vector<std::string> listener_names;  // names of the rate series per listener index
  // Declared change windows (daemon/enrich); the emitter thread marks each alert with the window
  // it falls into or follows before routing. Null: none. Must outlive the pipeline.
  enrich::ChangeCalendar* changes = nullptr;
  // CMDB context of hosts (daemon/enrich); null: records carry none. set_cmdb() replaces it.
  std::shared_ptr<const enrich::Cmdb> cmdb;
  // Folder for detection snapshots; empty disables them.
  std::string state_dir;
  // Snapshot period; 0 = only at stop.
  std::int64_t snapshot_interval_ms = 60'000;
  // How often the emitter thread advances detection time and checks batch age.
  std::int64_t tick_ms = 200;
  // Bounds that turn a slow or dead sink into backpressure: when this many closed batches wait
  // for the sink, the emitter stops taking alerts; when this many alerts wait for the emitter,
  // workers stop taking raw batches, the queue fills, and TCP senders are no longer read.
  std::size_t max_pending_batches = 64;
  std::size_t max_pending_alerts = 100'000;
  // At stop, how long sink runners keep delivering spooled batches before they are left for the
  // next start.
  std::int64_t stop_grace_ms = 5'000;
  // Ingest role of a cluster: makes each worker's relay (called once per worker at start);
  // incidents then leave through it instead of being detected here. Empty: detect locally.
  std::function<std::unique_ptr<IncidentRelay>()> incident_relay;
  // With incident_relay: run in every durability round before its batches count as durable;
  // true once everything the relays handed on so far is safely elsewhere (the brokers
  // acknowledged it). False fails the round, which is tried again at the next one.
  std::function<bool()> relay_flush;
  // Detect role of a cluster: incidents come from this source, polled on a thread of the
  // pipeline's (incident_source.h). Must outlive the pipeline. Null: none.
  IncidentSource* incident_source = nullptr;
  // Microseconds since the epoch. Injected so tests control time.
  std::function<std::int64_t()> clock;
  // How often the emitter thread publishes the status page's view (problems, rates, sinks), and
  // how many signature and listener series it carries with plots.
  std::int64_t status_interval_ms = 1'000;
  std::size_t status_series = 20;
  // Where parse failures (records no structure was recognised in) are counted per listener and
  // peer; may be null.
  ingest::IngestCounters* ingest_counters = nullptr;
  // When a rule that keeps hitting PCRE2 limits is suspended until the next rule set
  // (rule_breaker.h). limit_hits 0: never.
  SuspendPolicy suspend;
};

// Counters summed over workers, readable while running.
struct PipelineStats {
  std::uint64_t batches = 0;
  std::uint64_t records = 0;
  std::uint64_t alerts = 0;  // alerts detection produced (before routing to sinks)
  std::uint64_t matched_records = 0;
  std::uint64_t incidents = 0;
  std::uint64_t truncated = 0;  // messages ingest flagged as truncated
  std::uint64_t capture_type_mismatches = 0;  // captures whose value their ECS field cannot hold
  std::array<std::uint64_t, parsers::kParseIssueCount> parse_issues{};
  std::vector<std::pair<std::string, std::uint64_t>> matches_per_rule;  // rule id -> matches
  std::uint64_t pcre_errors = 0;
  // PCRE2 time and limit hits per rule id since the rule set was loaded, only rules with either.
  struct RulePcre {
    std::string rule_id;
    double seconds = 0;
    std::uint64_t limit_hits = 0;
  };
  std::vector<RulePcre> pcre_per_rule;
  std::vector<SuspendedRule> suspended_rules;  // of the active rule set, in suspension order
  std::int64_t lag_us = 0;  // arrival-to-processing delay of the latest batch
  std::uint64_t reloads = 0;
  // CMDB lookups (through the workers' caches), those the table answered, and those no entry
  // matched.
  std::uint64_t context_lookups = 0;
  std::uint64_t context_misses = 0;
  std::uint64_t context_unmatched = 0;
  struct Sink {
    std::string name;
    std::string type;
    EmitCounters emit;
    bool spooled = false;                 // has a spool and a delivery thread
    emit::SpoolStats spool;
    SinkDeliveryStats delivery;
    bool polled = false;                  // its destination is asked who took problems on
    ResponsePollStats responses;
  };
  std::vector<Sink> sinks;
  detect::DetectCounters detect;
  detect::SessionCounters sessions;
  std::uint64_t snapshots_written = 0;
  std::uint64_t snapshot_errors = 0;
  std::string last_snapshot_error;
  bool snapshot_failing = false;          // the latest snapshot attempt failed
  std::uint64_t snapshot_generation = 0;  // last written or restored generation
};

class Pipeline {
 public:
  Pipeline(PipelineOptions options, std::shared_ptr<const rules::RuleSet> rule_set,
           ingest::BatchQueue& queue, ingest::BatchPool& pool, std::vector<SinkChannel> sinks);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Restores detection snapshots (returns one message per failure), then starts the threads.
  std::vector<std::string> start();
  // Publishes a new rule set and drops the detection state of rules whose content changed or
  // that are gone (unchanged rules keep theirs). Returns how many signatures were dropped.
  std::size_t set_rule_set(std::shared_ptr<const rules::RuleSet> rule_set);
  std::shared_ptr<const rules::RuleSet> rule_set() const;
  // Publishes a new CMDB table (null: none); each worker switches between two batches.
  void set_cmdb(std::shared_ptr<const enrich::Cmdb> cmdb);
  std::shared_ptr<const enrich::Cmdb> cmdb() const;
  // Asks the emitter thread for a durability round as soon as it can (see above).
  void request_durability();
  // Acknowledges an open problem (its SLA clock stops); false when no shard holds it open.
  // The ops API and the sinks' response pollers (a Jira issue taken on) come this way.
  bool acknowledge(std::uint64_t problem_id, const std::string& by);
  // The open problems nobody acknowledged yet (walks every detection shard).
  std::vector<std::uint64_t> problems_awaiting_response();
  // Drains the queue, flushes batches into the stores, snapshots, gives the sink runners their
  // grace period. Returns false when some batch could not be stored (it was kept until the end
  // and is reported in stats().sinks[i].emit.batches_pending).
  bool stop();

  PipelineStats stats() const;
  std::uint64_t signatures_restored() const { return signatures_restored_; }
  // What start() restored: the generation, or problems and an empty start.
  const DetectShards::RestoreReport& restore_report() const { return restore_report_; }
  // The rate tracking, when trend_enabled (set by start(), before any thread runs); else null.
  const RateTracking* rates() const { return rates_.get(); }
  // The status page's view as the emitter thread last published it (never null). Taking it costs
  // one short lock of its own: it never waits on detection, rate tracking or snapshots.
  std::shared_ptr<const status::StatusView> status_view() const { return status_.current(); }
  // Rules suspended since the last call, each once (the application logs them).
  std::vector<SuspendedRule> take_rule_suspensions() { return breaker_.take_new(); }

 private:
  struct Worker;
  class Source;  // the SourceContext the incident source sees
  void run_worker(Worker& worker);
  void run_source();
  void submit_alerts(std::vector<detect::Alert>& alerts);
  bool flush_alerts();
  void run_emitter();
  bool snapshot();  // true when every file of the generation was written
  struct Acknowledgement;
  void release_acknowledgements(std::vector<Acknowledgement>& acks);
  bool make_durable();  // a durability round; true when its batches' observers were told
  struct SinkPath;
  PipelineStats::Sink sink_stats(const SinkPath& sink) const;
  void publish_status(std::int64_t now_us);  // emitter thread (status_feed.cc)
  void worker_totals(std::uint64_t& records, std::uint64_t& incidents) const;  // as published per batch

  PipelineOptions options_;
  ingest::BatchQueue& queue_;
  ingest::BatchPool& pool_;
  DetectShards detect_;
  std::unique_ptr<RateTracking> rates_;

  mutable std::mutex rules_mutex_;
  std::shared_ptr<const rules::RuleSet> rule_set_;
  std::atomic<std::uint64_t> rules_version_{0};
  std::shared_ptr<const enrich::Cmdb> cmdb_;  // guarded by rules_mutex_
  std::atomic<std::uint64_t> cmdb_version_{0};
  RuleBreaker breaker_;  // follows rule_set_

  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<std::size_t> workers_running_{0};

  // Alerts handed from workers to the emitter thread.
  std::mutex alerts_mutex_;
  std::condition_variable alerts_ready_;
  std::condition_variable alerts_space_;
  std::vector<detect::Alert> pending_alerts_;
  struct Acknowledgement {
    std::weak_ptr<ingest::BatchObserver> observer;
    std::uint64_t ticket = 0;
  };
  std::vector<Acknowledgement> pending_acks_;  // with pending_alerts_: due once those are stored
  std::vector<Acknowledgement> completed_durable_;  // Assurance::kDurable batches; guarded as above
  bool durability_requested_ = false;
  bool stopping_ = false;  // workers are done: the emitter's last rounds
  bool draining_ = false;  // stop() began: workers no longer wait for the emitter
  // Flush requests of the incident source, answered by the emitter thread (flush_done_).
  std::condition_variable flush_answered_;
  std::uint64_t flush_requested_ = 0;
  std::uint64_t flush_done_ = 0;
  bool flush_ok_ = false;
  bool emitter_done_ = false;

  std::thread source_thread_;
  std::atomic<bool> source_stop_{false};
  std::unique_ptr<Source> source_context_;

  std::thread emitter_thread_;
  struct SinkPath {
    SinkChannel channel;
    std::unique_ptr<AlertEmitter> emitter;  // used by the emitter thread only
    std::unique_ptr<SinkRunner> runner;     // null for file sinks
    std::unique_ptr<ResponsePoller> responder;  // null unless the target has a ResponseSource
  };
  std::vector<SinkPath> sinks_;
  std::atomic<std::uint64_t> alerts_emitted_{0};
  std::vector<Acknowledgement> awaiting_durable_;  // emitter thread (stop() after joining it)
  status::ProblemBoard board_;         // emitter thread only (and start(), before it runs)
  // Acknowledgements (they make no alert) on their way to the board, taken by publish_status.
  struct BoardAcknowledgement {
    std::uint64_t problem_id = 0;
    std::string by;
    std::int64_t at_us = 0;
  };
  std::mutex board_acks_mutex_;
  std::vector<BoardAcknowledgement> board_acks_;
  status::StatusPublisher status_;
  mutable std::mutex emit_mutex_;  // guards the snapshot stats below; never held during I/O
  std::uint64_t snapshots_written_ = 0;
  std::uint64_t snapshot_errors_ = 0;
  std::string last_snapshot_error_;
  bool snapshot_failing_ = false;
  std::uint64_t signatures_restored_ = 0;
  DetectShards::RestoreReport restore_report_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace logsift::pipeline
