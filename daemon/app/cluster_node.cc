// ClusterNode; see cluster_node.h.
#include "daemon/app/cluster_node.h"

#include <array>

#include "daemon/app/settings.h"
#include "daemon/cluster/incident_sender.h"

namespace logsift::app {

Expected<std::unique_ptr<ClusterNode>, std::string> ClusterNode::create(const config::DaemonConfig& config) {
  const config::ClusterConfig& c = config.cluster;
  if (c.role == config::ClusterRole::kAll) return std::unique_ptr<ClusterNode>();
  std::unique_ptr<ClusterNode> node(new ClusterNode(c, detect_options(config).miner.max_tokens));
  if (c.role == config::ClusterRole::kIngest) {
    auto producer = cluster::RecordProducer::create(c, "ingest");
    if (!producer) return Unexpected{producer.error()};
    node->producer_ = std::move(producer).value();
    node->incidents_topic_ = node->producer_->topic(c.incidents_topic);
    if (node->incidents_topic_ == nullptr) return Unexpected{"cluster: " + node->producer_->counters().last_error};
    auto checked = node->producer_->check_partitions(c.incidents_topic, c.partitions, static_cast<int>(c.timeout_ms));
    if (!checked) return Unexpected{checked.error()};
    return node;
  }
  auto detection = cluster::PartitionDetection::create(c, config.detect.snapshot_interval_ms);
  if (!detection) return Unexpected{detection.error()};
  node->detection_ = std::move(detection).value();
  return node;
}

void ClusterNode::configure(pipeline::PipelineOptions& options) {
  if (config_.role == config::ClusterRole::kDetect) {
    options.incident_source = detection_.get();
    options.detect_shards = config_.partitions;  // shard p = partition p
    options.state_dir.clear();                   // snapshots live in the state topic
    options.workers = 1;                         // no listeners feed the workers
    return;
  }
  if (config_.role != config::ClusterRole::kIngest) return;
  cluster::RecordProducer* producer = producer_.get();
  rd_kafka_topic_s* topic = incidents_topic_;
  const std::uint32_t partitions = config_.partitions;
  const std::size_t max_tokens = miner_max_tokens_;
  options.incident_relay = [producer, topic, partitions, max_tokens]() -> std::unique_ptr<pipeline::IncidentRelay> {
    return std::make_unique<cluster::IncidentSender>(*producer, topic, partitions, max_tokens);
  };
  // A Kafka listener on this node commits its input only once the incidents made of it are
  // acknowledged. After a delivery failed for good, nothing more is committed: the input since
  // the last commit is read again at the next start (at-least-once), and the failure is counted.
  const int timeout_ms = static_cast<int>(config_.timeout_ms);
  options.relay_flush = [producer, timeout_ms] {
    return producer->flush(timeout_ms) && producer->counters().failed == 0;
  };
}

bool ClusterNode::stop() {
  if (!producer_) return true;
  return producer_->flush(static_cast<int>(config_.timeout_ms));
}

void ClusterNode::export_metrics(ops::MetricsWriter& out) const {
  if (detection_) export_detect_metrics(out);
  if (!producer_) return;
  producer_->poll(0);  // an idle node's last delivery reports are served here
  const cluster::ProducerCounters c = producer_->counters();
  out.counter("logsift_cluster_incidents_produced_total",
              "Incidents and unmatched trouble lines handed to the incidents topic (ingest role).", c.produced);
  out.counter("logsift_cluster_incidents_delivered_total", "... of which the brokers acknowledged.", c.delivered);
  out.counter("logsift_cluster_produce_errors_total",
              "Records to the cluster's topics whose delivery failed (lost; see the log).", c.failed);
  out.counter("logsift_cluster_produce_waits_total",
              "Times a worker waited for room in the producer's queue (backpressure towards ingest).",
              c.queue_full_waits);
}

void ClusterNode::export_detect_metrics(ops::MetricsWriter& out) const {
  const cluster::DetectionCounters c = detection_->counters();
  out.gauge("logsift_cluster_partitions_owned", "Partitions of the incidents topic this detect node owns.", c.partitions);
  out.counter("logsift_cluster_rebalances_total", "Consumer group rebalances (assignments and revocations).", c.rebalances);
  out.counter("logsift_cluster_incidents_consumed_total", "Incidents topic records read (replays included).", c.records);
  out.counter("logsift_cluster_decode_errors_total", "Incidents topic records that did not decode (dropped).", c.decode_errors);
  out.counter("logsift_cluster_unknown_rules_total",
              "Incidents of rules this node does not have (dropped; ingest and detect rule sets differ).", c.unknown_rules);
  out.counter("logsift_cluster_snapshots_total", "Partition snapshots stored in the state topic and committed.", c.snapshots);
  out.counter("logsift_cluster_snapshot_errors_total", "Snapshot rounds that failed (retried at the next interval).",
              c.snapshot_errors);
  out.counter("logsift_cluster_commit_failures_total", "Offset commits the group refused.", c.commit_failures);
  out.counter("logsift_cluster_state_restores_total", "Partitions restored from the state topic on assignment.", c.restores);
  out.counter("logsift_cluster_state_restore_errors_total",
              "Partitions whose snapshot could not be read or decoded (started empty).", c.restore_errors);
  out.counter("logsift_cluster_state_restore_seconds_total", "Time spent reading and restoring partition snapshots.",
              static_cast<double>(c.restore_ms_total) / 1000.0);
  out.gauge("logsift_cluster_state_restore_last_seconds", "The last partition restore's duration.",
            static_cast<double>(c.last_restore_ms) / 1000.0);
  for (const auto& lag : detection_->lag()) {
    if (lag.lag < 0) continue;
    const std::string partition = std::to_string(lag.partition);
    const std::array<ops::MetricLabel, 1> labels{{{"partition", partition}}};
    out.sample("logsift_cluster_consumer_lag_records", "Incidents not yet read, per owned partition.",
               ops::MetricType::kGauge, labels, lag.lag);
  }
}

}  // namespace logsift::app
