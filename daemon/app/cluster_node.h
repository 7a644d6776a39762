// ClusterNode: the daemon's part in a Kafka cluster (docs/scale-out.md), built from `cluster:`.
//
//   role all     no ClusterNode: today's single process
//   role ingest  a RecordProducer for the incidents topic (partition count checked against
//                cluster.partitions at start); every pipeline worker gets an IncidentSender
//   role detect  a PartitionDetection (consumer group member, state store) as the pipeline's
//                incident source; one detection shard per partition, no local snapshots (the
//                state topic holds them), no listeners
//
// Lifecycle: create() before the pipeline (a topic with the wrong partition count fails the
// start with a clear error), configure() fills the pipeline options, stop() after the pipeline
// stopped flushes what the producer still holds within cluster.timeout. Metrics are exported by
// export_metrics() from the metrics thread.
#pragma once

#include <memory>
#include <string>

#include "daemon/cluster/partition_detection.h"
#include "daemon/cluster/record_producer.h"
#include "daemon/config/config.h"
#include "daemon/ops/metrics.h"
#include "daemon/pipeline/pipeline.h"
#include "parsers/base/expected.h"

namespace logsift::app {

class ClusterNode {
 public:
  // Null for role all.
  [[nodiscard]] static Expected<std::unique_ptr<ClusterNode>, std::string> create(const config::DaemonConfig& config);

  // Sets what the role changes in the pipeline: the incident relay of an ingest node, the
  // incident source and shard count of a detect node.
  void configure(pipeline::PipelineOptions& options);
  // After the pipeline stopped: delivers what is still queued; false when some did not make it
  // within cluster.timeout (counted in the failed metric).
  bool stop();

  void export_metrics(ops::MetricsWriter& out) const;
  config::ClusterRole role() const { return config_.role; }

 private:
  void export_detect_metrics(ops::MetricsWriter& out) const;
  ClusterNode(config::ClusterConfig config, std::size_t miner_max_tokens)
      : config_(std::move(config)), miner_max_tokens_(miner_max_tokens) {}

  config::ClusterConfig config_;
  std::size_t miner_max_tokens_;
  std::unique_ptr<cluster::RecordProducer> producer_;
  rd_kafka_topic_s* incidents_topic_ = nullptr;
  std::unique_ptr<cluster::PartitionDetection> detection_;
};

}  // namespace logsift::app
