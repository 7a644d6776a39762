// StateStore: each partition's detection snapshot in the state topic, so a partition's problems
// move with it when the consumer group gives the partition to another detect node.
//
// The state topic has as many partitions as the incidents topic; partition p's snapshots live
// in state partition p. A snapshot is written as chunks (at most kChunkBytes each, below the
// brokers' default 1 MB record limit), one record per chunk, keyed "<partition>/<chunk index>"
// so a compacted topic keeps the newest of each. Every chunk carries a header:
//   u8 magic 0xC2 | u8 version 1 | u32 partition | u64 generation | u32 chunk | u32 chunks
//   | i64 input offset (the incidents record to read next) | u64 snapshot bytes | chunk bytes
// write() returns only once the brokers acknowledged every chunk; read_latest() reads the state
// partition from its start to its end and returns the newest generation whose chunks are all
// there (an older generation, half-overwritten by compaction, or a write cut short, is skipped).
//
// Threads: write() and read_latest() from one thread at a time (the detect node's source thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "daemon/cluster/record_producer.h"
#include "daemon/config/config.h"
#include "parsers/base/expected.h"

namespace logsift::cluster {

inline constexpr std::size_t kChunkBytes = 900 * 1024;

struct PartitionSnapshot {
  std::uint64_t generation = 0;   // 0: none found
  std::int64_t input_offset = 0;  // the next incidents record the snapshot does not cover
  std::string bytes;              // the detector's snapshot (detect/snapshot format)
  std::uint64_t records_read = 0; // state records read to find it
};

class StateStore {
 public:
  // `producer` writes the chunks (shared with nothing else on a detect node).
  [[nodiscard]] static Expected<std::unique_ptr<StateStore>, std::string> create(const config::ClusterConfig& cluster,
                                                                                RecordProducer& producer);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Writes one generation of `partition`'s snapshot and waits for every chunk's acknowledgement,
  // each within `timeout_ms`.
  [[nodiscard]] Expected<bool, std::string> write(std::uint32_t partition, std::uint64_t generation,
                                                  std::int64_t input_offset, std::string_view snapshot, int timeout_ms);
  // The newest complete snapshot of `partition`, or generation 0 when there is none.
  [[nodiscard]] Expected<PartitionSnapshot, std::string> read_latest(std::uint32_t partition);

 private:
  StateStore(const config::ClusterConfig& cluster, RecordProducer& producer);

  const config::ClusterConfig cluster_;
  RecordProducer& producer_;
  rd_kafka_topic_s* write_topic_ = nullptr;
  rd_kafka_s* reader_ = nullptr;  // a plain consumer, no group: reads partitions by offset
  std::string chunk_;             // one chunk record, capacity reused
};

}  // namespace logsift::cluster
