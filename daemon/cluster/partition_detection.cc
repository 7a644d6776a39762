// PartitionDetection; see partition_detection.h.
#include "daemon/cluster/partition_detection.h"

#include <algorithm>
#include <chrono>

namespace logsift::cluster {

namespace {

constexpr std::size_t kBufferRecords = 4096;
constexpr int kPollMs = 100;
constexpr std::int64_t kLagEveryUs = 1'000'000;

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Expected<std::unique_ptr<PartitionDetection>, std::string> PartitionDetection::create(const config::ClusterConfig& cluster,
                                                                                      std::int64_t snapshot_interval_ms) {
  std::unique_ptr<PartitionDetection> d(new PartitionDetection(cluster, snapshot_interval_ms));
  auto producer = RecordProducer::create(cluster, "detect");
  if (!producer) return Unexpected{producer.error()};
  d->producer_ = std::move(producer).value();
  const int timeout_ms = static_cast<int>(cluster.timeout_ms);
  for (const std::string* topic : {&cluster.incidents_topic, &cluster.state_topic}) {
    auto checked = d->producer_->check_partitions(*topic, cluster.partitions, timeout_ms);
    if (!checked) return Unexpected{checked.error()};
  }
  auto state = StateStore::create(cluster, *d->producer_);
  if (!state) return Unexpected{state.error()};
  d->state_ = std::move(state).value();

  kafka::ConsumerSettings settings;
  settings.where = "cluster";
  settings.brokers = cluster.brokers;
  settings.group = cluster.group;
  settings.instance_id = cluster.instance_id;
  settings.properties = cluster.properties;
  auto consumer = kafka::GroupConsumer::create(settings, *d);
  if (!consumer) return Unexpected{consumer.error()};
  d->consumer_ = std::move(consumer).value();
  if (auto subscribed = d->consumer_->subscribe({cluster.incidents_topic}); !subscribed) {
    return Unexpected{subscribed.error()};
  }
  return d;
}

PartitionDetection::PartitionDetection(config::ClusterConfig cluster, std::int64_t snapshot_interval_ms)
    : cluster_(std::move(cluster)),
      snapshot_interval_ms_(snapshot_interval_ms),
      buffer_(std::make_unique<kafka::RecordBuffer>(kBufferRecords)),
      partitions_(cluster_.partitions) {
  wires_.resize(kBufferRecords);
}

PartitionDetection::~PartitionDetection() {
  // The records' memory belongs to the consumer: give it back before the consumer goes.
  if (buffer_) buffer_->clear();
  consumer_.reset();
}

kafka::ClientLog& PartitionDetection::client_log() { return consumer_->log(); }

void PartitionDetection::refresh_rules() {
  if (auto cmdb = context_->cmdb(); cmdb != contexts_.table()) contexts_.set_table(std::move(cmdb));
  auto current = context_->rule_set();
  if (current == rules_) return;
  rules_ = std::move(current);
  rule_by_id_.clear();
  for (const rules::Rule& r : rules_->rules()) rule_by_id_.emplace(r.id, &r);
}

void PartitionDetection::poll(pipeline::SourceContext& context) {
  context_ = &context;
  refresh_rules();
  if (next_snapshot_us_ == 0) {
    next_snapshot_us_ = snapshot_interval_ms_ > 0 ? context.now_us() + snapshot_interval_ms_ * 1000 : INT64_MAX;
  }
  consumer_->poll(*buffer_, kPollMs);  // rebalance callbacks run in here
  detect_buffer();
  buffer_->clear();
  context.submit(alerts_);

  const std::int64_t now_us = context.now_us();
  if (now_us >= next_snapshot_us_) {
    owned_scratch_.clear();
    for (std::uint32_t p = 0; p < partitions_.size(); ++p) {
      if (partitions_[p].owned) owned_scratch_.push_back(p);
    }
    (void)snapshot(owned_scratch_, static_cast<int>(cluster_.timeout_ms));
    next_snapshot_us_ = now_us + snapshot_interval_ms_ * 1000;
  }
  if (now_us >= next_lag_us_) {
    auto lag = consumer_->lag();
    std::lock_guard lock(mutex_);
    lag_ = std::move(lag);
    next_lag_us_ = now_us + kLagEveryUs;
  }
  context_ = nullptr;
}

void PartitionDetection::detect_buffer() {
  const auto records = buffer_->records();
  records_.fetch_add(records.size(), std::memory_order_relaxed);
  // Records come in runs of one partition; each run goes to its shard in one call.
  std::size_t begin = 0;
  for (std::size_t i = 1; i <= records.size(); ++i) {
    if (i == records.size() || records[i].partition != records[begin].partition) {
      const auto partition = static_cast<std::uint32_t>(records[begin].partition);
      if (partition < partitions_.size()) detect_run(partition, begin, i);
      begin = i;
    }
  }
}

void PartitionDetection::detect_run(std::uint32_t partition, std::size_t begin, std::size_t end) {
  const auto records = buffer_->records();
  if (wires_.size() < end - begin) wires_.resize(end - begin);
  incidents_.clear();
  unmatched_.clear();
  for (std::size_t i = begin; i < end; ++i) {
    WireIncident& wire = wires_[i - begin];
    if (!decode_incident(records[i].value, wire)) {
      decode_errors_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (contexts_.table()) wire.record.context = contexts_.lookup(wire.record.host, wire.record.sender);
    if (wire.kind == IncidentKind::kUnmatched) {
      unmatched_.push_back({&wire.record, wire.time_us});
      continue;
    }
    const auto rule = rule_by_id_.find(wire.rule_id);
    if (rule == rule_by_id_.end()) {
      unknown_rules_.fetch_add(1, std::memory_order_relaxed);  // the ingest nodes run other rules
      continue;
    }
    incidents_.push_back(detect::Incident{rule->second, &wire.record, wire.fields, wire.time_us, wire.key_hash, true});
  }
  pipeline::DetectShards& shards = context_->detect();
  shards.observe_in(partition, incidents_, alerts_);
  shards.observe_unmatched_in(partition, unmatched_, alerts_);
  partitions_[partition].next_offset = records[end - 1].offset + 1;
}

bool PartitionDetection::snapshot(std::span<const std::uint32_t> which, int timeout_ms) {
  bool any = false;
  for (std::uint32_t p : which) {
    const Partition& part = partitions_[p];
    any = any || (part.owned && part.next_offset >= 0 && part.next_offset != part.snapshot_offset);
  }
  if (!any) return true;
  context_->submit(alerts_);
  if (!context_->flush_alerts()) {
    snapshot_errors_.fetch_add(1, std::memory_order_relaxed);
    note_error("alerts could not be stored in every sink; snapshots and commits wait");
    return false;
  }
  bool ok = true;
  std::vector<kafka::PartitionOffset> commits;
  for (std::uint32_t p : which) {
    Partition& part = partitions_[p];
    if (!part.owned || part.next_offset < 0 || part.next_offset == part.snapshot_offset) continue;
    context_->detect().encode_shard(p, snapshot_bytes_);
    auto stored = state_->write(p, part.generation + 1, part.next_offset, snapshot_bytes_, timeout_ms);
    if (!stored) {
      ok = false;
      snapshot_errors_.fetch_add(1, std::memory_order_relaxed);
      note_error(stored.error());
      continue;
    }
    ++part.generation;
    part.snapshot_offset = part.next_offset;
    snapshots_.fetch_add(1, std::memory_order_relaxed);
    commits.push_back({cluster_.incidents_topic, static_cast<std::int32_t>(p), part.next_offset});
  }
  if (!commits.empty()) {
    if (auto committed = consumer_->commit(commits); !committed) {
      ok = false;
      commit_failures_.fetch_add(1, std::memory_order_relaxed);
      note_error(committed.error());
    }
  }
  return ok;
}

void PartitionDetection::on_assigned(std::span<kafka::AssignedPartition> assigned) {
  for (kafka::AssignedPartition& a : assigned) {
    if (a.partition < 0 || static_cast<std::size_t>(a.partition) >= partitions_.size()) continue;
    const auto p = static_cast<std::uint32_t>(a.partition);
    Partition& part = partitions_[p];
    part = Partition{};
    part.owned = true;
    const std::int64_t started = steady_ms();
    auto latest = state_->read_latest(p);
    std::string failure;
    if (!latest) {
      failure = latest.error();
    } else if (latest->generation > 0) {
      auto restored = context_->detect().restore_shard(p, latest->bytes, "partition " + std::to_string(p) + " snapshot");
      if (restored) {
        part.generation = latest->generation;
        part.snapshot_offset = latest->input_offset;
        part.next_offset = latest->input_offset;
        a.start_offset = latest->input_offset;  // replay what came after the snapshot
        restores_.fetch_add(1, std::memory_order_relaxed);
      } else {
        failure = restored.error().message;
      }
    } else {
      context_->detect().clear_shard(p);  // a new partition: the group's offset (or the start)
    }
    if (!failure.empty()) {
      // Start empty from the group's offset rather than not at all; counted and reported.
      context_->detect().clear_shard(p);
      restore_errors_.fetch_add(1, std::memory_order_relaxed);
      note_error(failure);
    }
    const auto took = static_cast<std::uint64_t>(steady_ms() - started);
    restore_ms_total_.fetch_add(took, std::memory_order_relaxed);
    last_restore_ms_.store(took, std::memory_order_relaxed);
  }
}

void PartitionDetection::on_revoked(std::span<const kafka::AssignedPartition> revoked, bool lost) {
  std::size_t position = 0;
  buffer_->drop_slots(revoked, position);  // read in this poll, never detected: the next owner will
  owned_scratch_.clear();
  for (const auto& r : revoked) {
    if (r.partition >= 0 && static_cast<std::size_t>(r.partition) < partitions_.size()) {
      owned_scratch_.push_back(static_cast<std::uint32_t>(r.partition));
    }
  }
  if (!lost) (void)snapshot(owned_scratch_, static_cast<int>(cluster_.revoke_timeout_ms));
  for (std::uint32_t p : owned_scratch_) {
    context_->detect().clear_shard(p);
    partitions_[p] = Partition{};
  }
}

void PartitionDetection::close(pipeline::SourceContext& context) {
  context_ = &context;
  detect_buffer();  // nothing is left normally: poll() detects what it reads
  buffer_->clear();
  consumer_->close();  // on_revoked for every partition: snapshot, commit
  context.submit(alerts_);
  (void)producer_->flush(static_cast<int>(cluster_.timeout_ms));
  context_ = nullptr;
}

DetectionCounters PartitionDetection::counters() const {
  DetectionCounters c;
  c.records = records_.load(std::memory_order_relaxed);
  c.decode_errors = decode_errors_.load(std::memory_order_relaxed);
  c.unknown_rules = unknown_rules_.load(std::memory_order_relaxed);
  c.snapshots = snapshots_.load(std::memory_order_relaxed);
  c.snapshot_errors = snapshot_errors_.load(std::memory_order_relaxed);
  c.restores = restores_.load(std::memory_order_relaxed);
  c.restore_errors = restore_errors_.load(std::memory_order_relaxed);
  c.restore_ms_total = restore_ms_total_.load(std::memory_order_relaxed);
  c.last_restore_ms = last_restore_ms_.load(std::memory_order_relaxed);
  c.commit_failures = commit_failures_.load(std::memory_order_relaxed);
  if (consumer_) {
    c.rebalances = consumer_->counters().rebalances.load(std::memory_order_relaxed);
    c.partitions = consumer_->counters().partitions.load(std::memory_order_relaxed);
  }
  std::lock_guard lock(mutex_);
  c.last_error = last_error_;
  return c;
}

std::vector<kafka::PartitionLag> PartitionDetection::lag() const {
  std::lock_guard lock(mutex_);
  return lag_;
}

void PartitionDetection::note_error(std::string text) {
  std::lock_guard lock(mutex_);
  last_error_ = std::move(text);
}

}  // namespace logsift::cluster
