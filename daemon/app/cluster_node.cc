// ClusterNode; see cluster_node.h.
#include "daemon/app/cluster_node.h"

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
  return Unexpected{std::string("cluster: role detect is not available in this build")};
}

void ClusterNode::configure(pipeline::PipelineOptions& options) {
  if (config_.role != config::ClusterRole::kIngest) return;
  cluster::RecordProducer* producer = producer_.get();
  rd_kafka_topic_s* topic = incidents_topic_;
  const std::uint32_t partitions = config_.partitions;
  const std::size_t max_tokens = miner_max_tokens_;
  options.incident_relay = [producer, topic, partitions, max_tokens]() -> std::unique_ptr<pipeline::IncidentRelay> {
    return std::make_unique<cluster::IncidentSender>(*producer, topic, partitions, max_tokens);
  };
}

bool ClusterNode::stop() {
  if (!producer_) return true;
  return producer_->flush(static_cast<int>(config_.timeout_ms));
}

void ClusterNode::export_metrics(ops::MetricsWriter& out) const {
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

}  // namespace logsift::app
