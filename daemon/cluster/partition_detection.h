// PartitionDetection: a detect node's incident source. One member of the detect nodes' consumer
// group on the incidents topic; each partition it is assigned is one detection shard.
//
//   assigned p:  read p's newest snapshot from the state topic, restore shard p, start reading p
//                at the snapshot's input offset (the group's committed offset, or the topic's
//                start, when there is none): what came after the snapshot is replayed, and
//                replays re-emit the same event.ids
//   records:     decoded (incident_codec.h), rule looked up in the node's rule set, detected in
//                the partition's shard at the incident's own time; alerts go to the sinks
//   every snapshot_interval, and when p is revoked or the node stops:
//                alerts flushed into every sink's store -> shard p encoded -> written to the
//                state topic and acknowledged -> p's offset committed -> (revoked) shard emptied
//   lost p:      (the group gave it away already) shard emptied, nothing committed
//
// So an offset is committed only when the snapshot covering it and every alert it caused are
// durable: at-least-once. A node killed with -9 loses what it did since its last snapshot; the
// next owner replays it from the snapshot's offset, and identical ids let the SIEM drop repeats.
//
// Threads: poll(), close() and the rebalance callbacks run on the pipeline's source thread;
// counters() and lag() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/cluster/incident_codec.h"
#include "daemon/cluster/record_producer.h"
#include "daemon/cluster/state_store.h"
#include "daemon/config/config.h"
#include "daemon/enrich/context_cache.h"
#include "daemon/kafka/group_consumer.h"
#include "daemon/pipeline/incident_source.h"

namespace logsift::cluster {

struct DetectionCounters {
  std::uint64_t records = 0;          // incidents topic records consumed
  std::uint64_t decode_errors = 0;    // records that did not decode (dropped, counted)
  std::uint64_t unknown_rules = 0;    // incidents of a rule this node does not have (dropped)
  std::uint64_t snapshots = 0;        // partition snapshots stored and committed
  std::uint64_t snapshot_errors = 0;  // snapshot rounds that failed (retried next interval)
  std::uint64_t restores = 0;         // partitions restored from a snapshot
  std::uint64_t restore_errors = 0;   // partitions whose state could not be read or decoded
  std::uint64_t restore_ms_total = 0; // time spent reading and restoring snapshots
  std::uint64_t last_restore_ms = 0;
  std::uint64_t rebalances = 0;
  std::uint64_t partitions = 0;       // owned now
  std::uint64_t commit_failures = 0;
  std::string last_error;
};

class PartitionDetection final : public pipeline::IncidentSource, public kafka::RebalanceListener {
 public:
  // Creates the consumer, the state store and its producer, and checks that both topics have
  // cluster.partitions partitions. `snapshot_interval_ms` 0 snapshots only at revocation and stop.
  [[nodiscard]] static Expected<std::unique_ptr<PartitionDetection>, std::string> create(
      const config::ClusterConfig& cluster, std::int64_t snapshot_interval_ms);
  ~PartitionDetection() override;

  void poll(pipeline::SourceContext& context) override;
  void close(pipeline::SourceContext& context) override;
  void on_assigned(std::span<kafka::AssignedPartition> partitions) override;
  void on_revoked(std::span<const kafka::AssignedPartition> partitions, bool lost) override;

  DetectionCounters counters() const;
  std::vector<kafka::PartitionLag> lag() const;  // as of the last poll round (about once a second)
  // librdkafka's lines for the daemon to log (consumer), drained by the caller.
  kafka::ClientLog& client_log();

 private:
  struct Partition {
    bool owned = false;
    std::int64_t next_offset = -1;      // the next record to read (after the last processed)
    std::int64_t snapshot_offset = -1;  // the offset the last stored snapshot covers
    std::uint64_t generation = 0;
  };

  PartitionDetection(config::ClusterConfig cluster, std::int64_t snapshot_interval_ms);
  void detect_buffer();
  void detect_run(std::uint32_t partition, std::size_t begin, std::size_t end);
  void refresh_rules();
  // Flushes alerts and stores every owned partition in `which` that read something since its last
  // snapshot; commits what was stored. Returns false when something failed (counted).
  bool snapshot(std::span<const std::uint32_t> which, int timeout_ms);
  void note_error(std::string text);

  const config::ClusterConfig cluster_;
  const std::int64_t snapshot_interval_ms_;
  std::unique_ptr<RecordProducer> producer_;
  std::unique_ptr<StateStore> state_;
  std::unique_ptr<kafka::GroupConsumer> consumer_;
  std::unique_ptr<kafka::RecordBuffer> buffer_;
  pipeline::SourceContext* context_ = nullptr;  // during poll() and close()
  std::vector<Partition> partitions_;
  std::int64_t next_snapshot_us_ = 0;
  std::int64_t next_lag_us_ = 0;

  // Per round, reused.
  std::shared_ptr<const rules::RuleSet> rules_;
  std::unordered_map<std::string_view, const rules::Rule*> rule_by_id_;
  enrich::ContextCache contexts_;  // CMDB context of decoded records, as ingest looks it up
  std::vector<WireIncident> wires_;
  std::vector<detect::Incident> incidents_;
  std::vector<pipeline::DetectShards::Unmatched> unmatched_;
  std::vector<detect::Alert> alerts_;
  std::string snapshot_bytes_;
  std::vector<std::uint32_t> owned_scratch_;

  std::atomic<std::uint64_t> records_{0}, decode_errors_{0}, unknown_rules_{0}, snapshots_{0}, snapshot_errors_{0},
      restores_{0}, restore_errors_{0}, restore_ms_total_{0}, last_restore_ms_{0}, commit_failures_{0};
  mutable std::mutex mutex_;  // guards last_error_ and lag_
  std::string last_error_;
  std::vector<kafka::PartitionLag> lag_;
};

}  // namespace logsift::cluster
