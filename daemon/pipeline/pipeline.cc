#include "daemon/pipeline/pipeline.h"

#include <chrono>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "daemon/ingest/ingest_server.h"
#include "parsers/base/clock.h"

namespace logsift::pipeline {

namespace {

constexpr auto kPopTimeout = std::chrono::milliseconds(100);

}  // namespace

struct Pipeline::Worker {
  std::thread thread;
  std::unique_ptr<RecordProcessor> processor;
  std::unique_ptr<IncidentRelay> relay;  // ingest role only
  std::uint64_t rules_version = 0;
  std::uint64_t cmdb_version = 0;

  // Published once per batch for stats(); the worker's live counters are its own.
  mutable std::mutex stats_mutex;
  ProcessCounters published;
  std::vector<rules::RuleCost> published_costs;  // by rule index of published_rules
  std::shared_ptr<const rules::RuleSet> published_rules;
  std::uint64_t batches = 0;
  std::uint64_t truncated = 0;
  std::uint64_t pcre_errors = 0;
  std::int64_t lag_us = 0;
  enrich::ContextCacheCounters contexts;
};

class Pipeline::Source final : public SourceContext {
 public:
  explicit Source(Pipeline& p) : p_(p) {}
  DetectShards& detect() override { return p_.detect_; }
  std::shared_ptr<const rules::RuleSet> rule_set() const override { return p_.rule_set(); }
  void submit(std::vector<detect::Alert>& alerts) override { p_.submit_alerts(alerts); }
  bool flush_alerts() override { return p_.flush_alerts(); }
  std::shared_ptr<const enrich::Cmdb> cmdb() const override { return p_.cmdb(); }
  std::int64_t now_us() const override { return p_.options_.clock(); }

 private:
  Pipeline& p_;
};

Pipeline::Pipeline(PipelineOptions options, std::shared_ptr<const rules::RuleSet> rule_set,
                   ingest::BatchQueue& queue, ingest::BatchPool& pool, std::vector<SinkChannel> sinks)
    : options_(std::move(options)),
      queue_(queue),
      pool_(pool),
      detect_(options_.detect_shards, options_.detect),
      rule_set_(std::move(rule_set)),
      cmdb_(options_.cmdb),
      breaker_(options_.suspend) {
  breaker_.reset(rule_set_);
  if (!options_.clock) options_.clock = base::system_clock_us;
  if (options_.workers == 0) options_.workers = 1;
  for (auto& channel : sinks) {
    SinkPath path;
    path.channel = std::move(channel);
    path.channel.emitter.spool = path.channel.spool;
    path.emitter = std::make_unique<AlertEmitter>(options_.batch, path.channel.first_sequence,
                                                  *path.channel.store, path.channel.emitter);
    if (path.channel.target != nullptr && path.channel.spool != nullptr) {
      SinkRunnerOptions runner = path.channel.runner;
      if (runner.name.empty()) runner.name = path.channel.name;
      if (!runner.clock) runner.clock = options_.clock;
      path.runner = std::make_unique<SinkRunner>(std::move(runner), *path.channel.spool, *path.channel.target);
      if (emit::ResponseSource* source = path.channel.target->responses()) {
        path.responder = std::make_unique<ResponsePoller>(
            *source, [this] { return problems_awaiting_response(); },
            [this](std::uint64_t id, const std::string& by) { return acknowledge(id, by); }, options_.clock);
      }
    }
    sinks_.push_back(std::move(path));
  }
}

Pipeline::~Pipeline() { stop(); }

std::vector<std::string> Pipeline::start() {
  std::vector<std::string> errors;
  if (started_) return errors;
  started_ = true;
  if (!options_.state_dir.empty()) {
    restore_report_ = detect_.restore(options_.state_dir);
    signatures_restored_ = restore_report_.signatures;
    errors = restore_report_.problems;
  }
  if (options_.trend_enabled) {
    rates_ = std::make_unique<RateTracking>(options_.trend);
    if (!options_.state_dir.empty()) {
      if (std::string e = rates_->restore(options_.state_dir); !e.empty()) errors.push_back(std::move(e));
    }
  }
  for (std::size_t i = 0; i < options_.workers; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->processor = std::make_unique<RecordProcessor>(rule_set(), options_.parse, detect_);
    worker->processor->set_listener_formats(options_.listener_formats);
    worker->processor->set_rule_breaker(&breaker_);
    if (rates_) worker->processor->set_rate_tracking(rates_.get(), options_.listener_names);
    if (options_.incident_relay) {
      worker->relay = options_.incident_relay();
      worker->processor->set_incident_relay(worker->relay.get());
    }
    worker->rules_version = rules_version_.load();
    worker->cmdb_version = cmdb_version_.load();
    worker->processor->set_cmdb(cmdb());
    workers_.push_back(std::move(worker));
  }
  workers_running_ = workers_.size();
  // Problems restored from the snapshot are on the status page before any alert mentions them.
  {
    std::vector<detect::Alert> open;
    detect_.describe_open_problems(options_.clock(), open);
    board_.restore(open);
    publish_status(options_.clock());
  }
  for (auto& sink : sinks_) {
    if (sink.runner) sink.runner->start();
    if (sink.responder) sink.responder->start();
  }
  for (auto& w : workers_) w->thread = std::thread([this, &w] { run_worker(*w); });
  emitter_thread_ = std::thread([this] { run_emitter(); });
  if (options_.incident_source != nullptr) {
    source_context_ = std::make_unique<Source>(*this);
    source_thread_ = std::thread([this] { run_source(); });
  }
  return errors;
}

std::size_t Pipeline::set_rule_set(std::shared_ptr<const rules::RuleSet> rule_set) {
  std::unordered_map<std::string_view, std::size_t> kept;  // rule id -> fingerprint, new set
  for (const auto& rule : rule_set->rules()) kept.emplace(rule.id, rule.content_fingerprint);
  std::unordered_set<std::string> changed;
  std::shared_ptr<const rules::RuleSet> old;
  {
    std::lock_guard lock(rules_mutex_);
    old = rule_set_;
    rule_set_ = rule_set;
    breaker_.reset(rule_set);  // suspensions end with the set they were made in
    rules_version_.fetch_add(1);
  }
  for (const auto& rule : old->rules()) {
    auto it = kept.find(rule.id);
    if (it == kept.end() || it->second != rule.content_fingerprint) changed.insert(rule.id);
  }
  if (changed.empty()) return 0;
  // The alerts that close the dropped signatures reach the emitter like the workers' alerts.
  std::vector<detect::Alert> closing;
  const std::size_t dropped = detect_.forget_rules(
      [&](std::string_view id) { return changed.count(std::string(id)) != 0; }, options_.clock(), closing);
  if (!closing.empty()) {
    std::lock_guard lock(alerts_mutex_);
    pending_alerts_.insert(pending_alerts_.end(), std::make_move_iterator(closing.begin()),
                           std::make_move_iterator(closing.end()));
    alerts_ready_.notify_one();
  }
  return dropped;
}

std::shared_ptr<const rules::RuleSet> Pipeline::rule_set() const {
  std::lock_guard lock(rules_mutex_);
  return rule_set_;
}

void Pipeline::set_cmdb(std::shared_ptr<const enrich::Cmdb> cmdb) {
  std::lock_guard lock(rules_mutex_);
  cmdb_ = std::move(cmdb);
  cmdb_version_.fetch_add(1);
}

bool Pipeline::acknowledge(std::uint64_t problem_id, const std::string& by) {
  const std::int64_t now_us = options_.clock();
  if (!detect_.acknowledge(problem_id, by, now_us)) return false;
  std::lock_guard lock(board_acks_mutex_);
  board_acks_.push_back({problem_id, by, now_us});
  return true;
}

std::vector<std::uint64_t> Pipeline::problems_awaiting_response() {
  std::vector<detect::Alert> open;
  detect_.describe_open_problems(options_.clock(), open);
  std::vector<std::uint64_t> out;
  for (const auto& a : open) {
    if (a.acknowledged_us == 0) out.push_back(a.problem_id);
  }
  return out;
}

std::shared_ptr<const enrich::Cmdb> Pipeline::cmdb() const {
  std::lock_guard lock(rules_mutex_);
  return cmdb_;
}

void Pipeline::run_worker(Worker& worker) {
  std::vector<detect::Alert> alerts;
  std::unique_ptr<ingest::RawBatch> batch;
  RecordProcessor& processor = *worker.processor;
  for (;;) {
    const auto status = queue_.pop(batch, kPopTimeout);
    if (status == ingest::QueueStatus::kClosed) break;
    if (status != ingest::QueueStatus::kOk || !batch) continue;

    if (const auto version = rules_version_.load(); version != worker.rules_version) {
      processor.set_rule_set(rule_set());
      worker.rules_version = version;
    }
    if (const auto version = cmdb_version_.load(); version != worker.cmdb_version) {
      processor.set_cmdb(cmdb());
      worker.cmdb_version = version;
    }
    const std::int64_t now_us = options_.clock();
    processor.set_reference_time_us(now_us);
    std::uint64_t truncated = 0;
    // Parse failures are reported to ingest per run of messages from one peer: one call, and
    // one lock, per run rather than per message.
    const ingest::RawMessage* run_start = nullptr;
    std::uint64_t run_failures = 0;
    auto report_failures = [&] {
      if (run_failures > 0 && options_.ingest_counters != nullptr) {
        options_.ingest_counters->add_parse_failures(run_start->listener_index, run_start->peer, run_failures);
      }
      run_failures = 0;
    };
    processor.process_batch(*batch, alerts);
    Acknowledgement ack{batch->observer(), batch->ticket()};
    const bool durable = batch->assurance() == ingest::Assurance::kDurable;
    const auto records = processor.records();
    for (std::size_t i = 0; i < records.size(); ++i) {
      const ingest::RawMessage& m = batch->messages()[i];
      const parsers::Quality quality = records[i].quality;
      truncated += (m.flags & ingest::kMessageTruncated) != 0 ? 1 : 0;
      if (run_start == nullptr || run_start->listener_index != m.listener_index || !(run_start->peer == m.peer)) {
        report_failures();
        run_start = &m;
      }
      run_failures += quality == parsers::Quality::kRaw ? 1 : 0;
    }
    report_failures();
    const std::int64_t lag_us = batch->empty() ? 0 : now_us - batch->messages().front().arrival_us;
    batch->reset();
    pool_.release(std::move(batch));
    {
      std::lock_guard lock(worker.stats_mutex);
      const auto& live = processor.counters();
      worker.published.records = live.records;
      worker.published.matched_records = live.matched_records;
      worker.published.incidents = live.incidents;
      worker.published.capture_type_mismatches = live.capture_type_mismatches;
      worker.published.parse_issues = live.parse_issues;
      worker.published.matches_per_rule.assign(live.matches_per_rule.begin(), live.matches_per_rule.end());
      worker.published_costs.assign(processor.rule_costs().begin(), processor.rule_costs().end());
      worker.published_rules = processor.rule_set();
      worker.batches += 1;
      worker.truncated += truncated;
      worker.pcre_errors = processor.match_counters().pcre_errors;
      worker.lag_us = lag_us;
      worker.contexts = processor.context_counters();
    }
    if (!alerts.empty() || (durable && !ack.observer.expired())) {
      std::unique_lock lock(alerts_mutex_);
      if (!alerts.empty()) {
        // Wait while the emitter is behind; at stop, drain regardless so stop() stays bounded.
        alerts_space_.wait(lock, [&] { return pending_alerts_.size() < options_.max_pending_alerts || draining_; });
        pending_alerts_.insert(pending_alerts_.end(), std::make_move_iterator(alerts.begin()),
                               std::make_move_iterator(alerts.end()));
        alerts.clear();
      }
      // With its alerts, under the same lock: the emitter takes both together.
      if (!ack.observer.expired()) (durable ? completed_durable_ : pending_acks_).push_back(std::move(ack));
      alerts_ready_.notify_one();
    } else if (auto observer = ack.observer.lock()) {
      observer->on_batch_processed(ack.ticket);  // nothing to store: processed
    }
  }
  workers_running_.fetch_sub(1);
}

void Pipeline::run_source() {
  while (!source_stop_.load()) options_.incident_source->poll(*source_context_);
  options_.incident_source->close(*source_context_);
}

void Pipeline::submit_alerts(std::vector<detect::Alert>& alerts) {
  if (alerts.empty()) return;
  std::unique_lock lock(alerts_mutex_);
  alerts_space_.wait(lock, [&] { return pending_alerts_.size() < options_.max_pending_alerts || draining_; });
  pending_alerts_.insert(pending_alerts_.end(), std::make_move_iterator(alerts.begin()),
                         std::make_move_iterator(alerts.end()));
  alerts.clear();
  alerts_ready_.notify_one();
}

bool Pipeline::flush_alerts() {
  std::unique_lock lock(alerts_mutex_);
  const std::uint64_t ticket = ++flush_requested_;
  alerts_ready_.notify_one();
  flush_answered_.wait(lock, [&] { return flush_done_ >= ticket || emitter_done_; });
  return flush_done_ >= ticket && flush_ok_;
}

void Pipeline::run_emitter() {
  std::vector<detect::Alert> alerts;
  std::vector<Acknowledgement> acks, held_acks;
  std::int64_t next_status_us = 0;
  std::int64_t next_snapshot_us = options_.snapshot_interval_ms > 0
                                      ? options_.clock() + options_.snapshot_interval_ms * 1000
                                      : INT64_MAX;
  std::uint64_t flushed = 0;  // the last flush request answered
  for (;;) {
    bool last_round = false;
    bool round_requested = false;
    bool sink_backlogged = false;
    std::uint64_t flush_ticket = 0;
    for (const auto& sink : sinks_) {
      if (sink.emitter->pending() >= options_.max_pending_batches) sink_backlogged = true;
    }
    {
      std::unique_lock lock(alerts_mutex_);
      if (sink_backlogged && !stopping_) {
        // Leave the alerts with the workers (who then stop taking batches); only retry the sink.
        alerts_ready_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms),
                               [&] { return stopping_ || durability_requested_; });
      } else {
        alerts_ready_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms), [&] {
          return !pending_alerts_.empty() || stopping_ || flush_requested_ > flushed || durability_requested_;
        });
        alerts.swap(pending_alerts_);
        flush_ticket = flush_requested_;  // every alert submitted before it is in `alerts` now
        acks.swap(pending_acks_);
        alerts_space_.notify_all();
        // Tickets travel with their batches' alerts: taken only when those alerts are.
        awaiting_durable_.insert(awaiting_durable_.end(), completed_durable_.begin(), completed_durable_.end());
        completed_durable_.clear();
      }
      round_requested = durability_requested_;
      durability_requested_ = false;
      last_round = stopping_ && pending_alerts_.empty();
    }
    const std::int64_t now_us = options_.clock();
    detect_.advance(now_us, alerts);
    if (rates_) rates_->advance(now_us, alerts);
    if (options_.changes != nullptr && !alerts.empty()) options_.changes->annotate(alerts, now_us);
    alerts_emitted_.fetch_add(alerts.size(), std::memory_order_relaxed);
    board_.apply(alerts);
    // Store I/O (fsync of batch files) happens here, with no lock held.
    for (auto& sink : sinks_) {
      sink.emitter->add(alerts, now_us);
      sink.emitter->poll(now_us);
    }
    alerts.clear();
    if (flush_ticket > flushed) {
      bool ok = true;
      for (auto& sink : sinks_) ok = sink.emitter->flush() && ok;
      flushed = flush_ticket;
      std::lock_guard lock(alerts_mutex_);
      flush_done_ = flush_ticket;
      flush_ok_ = ok;
      flush_answered_.notify_all();
    }
    if (!acks.empty()) {
      held_acks.insert(held_acks.end(), acks.begin(), acks.end());
      acks.clear();
    }
    if (!held_acks.empty()) release_acknowledgements(held_acks);
    if (now_us >= next_status_us || last_round) {
      publish_status(now_us);
      next_status_us = now_us + options_.status_interval_ms * 1000;
    }
    if (now_us >= next_snapshot_us || round_requested) {
      (void)make_durable();
      if (now_us >= next_snapshot_us) next_snapshot_us = now_us + options_.snapshot_interval_ms * 1000;
    }
    if (last_round) break;
  }
  for (auto& sink : sinks_) sink.emitter->flush();
  release_acknowledgements(held_acks);
  std::lock_guard lock(alerts_mutex_);
  emitter_done_ = true;
  flush_answered_.notify_all();
}

void Pipeline::release_acknowledgements(std::vector<Acknowledgement>& acks) {
  // Someone waits for these alerts: close the open batches now instead of at their age.
  bool stored = true;
  for (auto& sink : sinks_) stored = sink.emitter->flush() && stored;
  if (!stored) return;  // the store refuses: keep the acknowledgements until it takes them
  for (auto& ack : acks) {
    if (auto observer = ack.observer.lock()) observer->on_batch_processed(ack.ticket);
  }
  acks.clear();
}

void Pipeline::request_durability() {
  std::lock_guard lock(alerts_mutex_);
  durability_requested_ = true;
  alerts_ready_.notify_one();
}

bool Pipeline::make_durable() {
  bool ok = true;
  if (!awaiting_durable_.empty()) {
    for (auto& sink : sinks_) ok = sink.emitter->flush() && ok;
    if (options_.relay_flush) ok = options_.relay_flush() && ok;
  }
  if (!options_.state_dir.empty()) ok = snapshot() && ok;
  if (!ok || awaiting_durable_.empty()) return false;
  for (auto& ack : awaiting_durable_) {
    if (auto observer = ack.observer.lock()) observer->on_batch_processed(ack.ticket);
  }
  awaiting_durable_.clear();
  return true;
}

bool Pipeline::snapshot() {
  auto errors = detect_.save(options_.state_dir);  // no lock of ours is held during its I/O
  if (rates_) {
    if (std::string e = rates_->save(options_.state_dir); !e.empty()) errors.push_back(std::move(e));
  }
  std::lock_guard lock(emit_mutex_);
  if (errors.empty()) {
    ++snapshots_written_;
    snapshot_failing_ = false;
  } else {
    snapshot_errors_ += errors.size();
    last_snapshot_error_ = errors.front();
    snapshot_failing_ = true;
  }
  return errors.empty();
}

bool Pipeline::stop() {
  if (!started_ || stopped_) return true;
  stopped_ = true;
  for (auto& sink : sinks_) {
    if (sink.responder) sink.responder->stop();
  }
  // The incident source first: its close() still needs the emitter to make its alerts durable.
  source_stop_.store(true);
  if (source_thread_.joinable()) source_thread_.join();
  {
    std::lock_guard lock(alerts_mutex_);
    draining_ = true;
    alerts_space_.notify_all();
  }
  queue_.close();
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  {
    std::lock_guard lock(alerts_mutex_);
    stopping_ = true;
    alerts_ready_.notify_one();
  }
  if (emitter_thread_.joinable()) emitter_thread_.join();
  {
    std::lock_guard lock(alerts_mutex_);
    awaiting_durable_.insert(awaiting_durable_.end(), completed_durable_.begin(), completed_durable_.end());
    completed_durable_.clear();
  }
  const bool snapshotted = options_.state_dir.empty() || snapshot();
  bool all_stored = true;
  for (auto& sink : sinks_) {
    // A store that still refuses gets a last try; what it will not take is reported, not hidden.
    if (!sink.emitter->flush()) all_stored = false;
  }
  const bool relayed = awaiting_durable_.empty() || !options_.relay_flush || options_.relay_flush();
  if (snapshotted && all_stored && relayed) {
    for (auto& ack : awaiting_durable_) {
      if (auto observer = ack.observer.lock()) observer->on_batch_processed(ack.ticket);
    }
    awaiting_durable_.clear();
  }
  // The runners share one grace period: they deliver in parallel.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.stop_grace_ms);
  for (auto& sink : sinks_) {
    if (!sink.runner) continue;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    sink.runner->stop(std::max<std::int64_t>(0, left.count()));
  }
  return all_stored;
}

PipelineStats::Sink Pipeline::sink_stats(const SinkPath& sink) const {
  PipelineStats::Sink out;
  out.name = sink.channel.name;
  out.type = sink.channel.type;
  out.emit = sink.emitter->counters();
  if (sink.channel.spool != nullptr) out.spool = sink.channel.spool->stats();
  if (sink.runner) {
    out.spooled = true;
    out.delivery = sink.runner->stats();
  }
  if (sink.responder) {
    out.polled = true;
    out.responses = sink.responder->stats();
  }
  return out;
}

void Pipeline::worker_totals(std::uint64_t& records, std::uint64_t& incidents) const {
  for (const auto& w : workers_) {
    std::lock_guard lock(w->stats_mutex);
    records += w->published.records;
    incidents += w->published.incidents;
  }
}

PipelineStats Pipeline::stats() const {
  PipelineStats s;
  std::map<std::string, std::uint64_t> per_rule;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> pcre_per_rule;  // rule id -> ns, limit hits
  for (const auto& w : workers_) {
    std::lock_guard lock(w->stats_mutex);
    s.batches += w->batches;
    s.records += w->published.records;
    s.matched_records += w->published.matched_records;
    s.incidents += w->published.incidents;
    s.capture_type_mismatches += w->published.capture_type_mismatches;
    for (std::size_t i = 0; i < s.parse_issues.size(); ++i) s.parse_issues[i] += w->published.parse_issues[i];
    s.truncated += w->truncated;
    s.pcre_errors += w->pcre_errors;
    s.lag_us = std::max(s.lag_us, w->lag_us);
    s.context_lookups += w->contexts.lookups;
    s.context_misses += w->contexts.misses;
    s.context_unmatched += w->contexts.unmatched;
    if (w->published_rules) {
      const auto& rules = w->published_rules->rules();
      for (std::size_t r = 0; r < rules.size() && r < w->published.matches_per_rule.size(); ++r) {
        per_rule[rules[r].id] += w->published.matches_per_rule[r];
      }
      for (std::size_t r = 0; r < rules.size() && r < w->published_costs.size(); ++r) {
        const rules::RuleCost& c = w->published_costs[r];
        if (c.pcre_ns == 0 && c.limit_hits == 0) continue;
        auto& [ns, hits] = pcre_per_rule[rules[r].id];
        ns += c.pcre_ns;
        hits += c.limit_hits;
      }
    }
  }
  s.matches_per_rule.assign(per_rule.begin(), per_rule.end());
  for (const auto& [id, cost] : pcre_per_rule) {
    s.pcre_per_rule.push_back({id, static_cast<double>(cost.first) / 1e9, cost.second});
  }
  s.suspended_rules = breaker_.suspended();
  s.reloads = rules_version_.load();
  s.detect = detect_.counters();
  s.sessions = detect_.sessions().counters();
  s.alerts = alerts_emitted_.load(std::memory_order_relaxed);
  for (const auto& sink : sinks_) s.sinks.push_back(sink_stats(sink));
  std::lock_guard lock(emit_mutex_);
  s.snapshots_written = snapshots_written_;
  s.snapshot_errors = snapshot_errors_;
  s.last_snapshot_error = last_snapshot_error_;
  s.snapshot_failing = snapshot_failing_;
  s.snapshot_generation = detect_.last_saved_generation();
  return s;
}

}  // namespace logsift::pipeline
