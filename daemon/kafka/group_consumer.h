// GroupConsumer: one member of a Kafka consumer group (librdkafka's high-level consumer) whose
// owner decides when offsets are committed: only after the records they cover are durable.
//
//   create(settings, listener) ─> subscribe(topics) ─> poll(buffer) ... ─> commit(offsets) ─> close()
//
// - Assignment is cooperative-sticky (client_properties.h); a rebalance moves only the partitions
//   that must move. Static membership when settings.instance_id is set. Eager protocols set
//   through `properties` work too: then every rebalance revokes and assigns everything.
// - Callbacks (RebalanceListener) run on the owner's thread, inside poll() or close():
//   on_assigned may choose each partition's start offset (a restored snapshot's offset); else the
//   group's committed offset is used, or the topic's start for a new group. on_revoked runs
//   before partitions are given up: the owner makes what it read durable and commits it there
//   (commit() works inside the callback), unless `lost` (the group already gave them to someone
//   else, a commit would be refused).
// - Every assigned partition has a slot: a small number, stable while it stays assigned and
//   reused after, that records carry so the owner can keep per-partition state in a vector.
// - poll() fills a caller-owned RecordBuffer: records are views into librdkafka's messages, kept
//   until the buffer is cleared, so nothing is copied or allocated per record by this class.
// - pause_all() / resume_all(): backpressure. librdkafka drops what it prefetched for paused
//   partitions and fetches again from the next record the owner has not been given, so nothing
//   is skipped. Partitions assigned while paused are paused at once.
// - Nothing is committed automatically (enable.auto.commit=false, enable.auto.offset.store=false).
//
// Thread-safety: create, subscribe, poll, commit, pause/resume, lag, assignment and close from one
// owner thread. counters() and log() from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/kafka/client_log.h"
#include "daemon/kafka/client_properties.h"
#include "parsers/base/expected.h"

struct rd_kafka_s;
struct rd_kafka_message_s;
struct rd_kafka_topic_partition_list_s;

namespace logsift::kafka {

inline constexpr std::int64_t kCommittedOffset = -1001;  // "start where the group committed"

// One assigned partition, as the rebalance callbacks see it.
struct AssignedPartition {
  std::string topic;
  std::int32_t partition = -1;
  std::uint32_t slot = 0;
  // on_assigned: the offset to start reading at; leave kCommittedOffset for the group's.
  std::int64_t start_offset = kCommittedOffset;
};

// An offset to commit: the next record to read (the last durable record's offset + 1).
struct PartitionOffset {
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
};

class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void on_assigned(std::span<AssignedPartition> partitions) = 0;
  virtual void on_revoked(std::span<const AssignedPartition> partitions, bool lost) = 0;
};
// The callbacks run inside librdkafka's C code: an exception a callback throws is held there
// and rethrown by the poll() that ran it, after librdkafka finished the (un)assignment.

// One consumed record. The views stay valid until its RecordBuffer is cleared.
struct Record {
  std::string_view topic;
  std::string_view key;
  std::string_view value;
  std::int64_t offset = -1;
  std::int64_t timestamp_ms = -1;  // the record's timestamp (create or log-append time); -1 none
  std::int32_t partition = -1;
  std::uint32_t slot = 0;
};

// Records of one or more poll() calls, owned by the caller and reused: its capacity is reserved
// once, and clear() hands the messages back to librdkafka.
class RecordBuffer {
 public:
  explicit RecordBuffer(std::size_t capacity);
  ~RecordBuffer();
  RecordBuffer(const RecordBuffer&) = delete;
  RecordBuffer& operator=(const RecordBuffer&) = delete;

  std::span<const Record> records() const { return records_; }
  std::size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  std::size_t capacity() const { return capacity_; }
  void clear();
  // Removes the records of the given slots (partitions revoked before their records were used).
  // `position` (how many records the owner has used so far) moves back by the used ones removed.
  void drop_slots(std::span<const AssignedPartition> partitions, std::size_t& position);

 private:
  friend class GroupConsumer;
  std::size_t capacity_;
  std::vector<rd_kafka_message_s*> messages_;
  std::vector<Record> records_;
};

struct PartitionLag {
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t position = -1;        // the next offset the owner will be given; -1 unknown
  std::int64_t high_watermark = -1;  // the partition's end as last seen from the broker; -1 unknown
  std::int64_t lag = -1;             // high_watermark - position when both are known (0 for an
                                     // empty partition), else -1
};

struct ConsumerCounters {
  std::atomic<std::uint64_t> records{0};          // records handed to the owner
  std::atomic<std::uint64_t> consume_errors{0};   // error events from the fetcher (counted, logged)
  // Offsets a partition's records jumped over while read in order: compacted records,
  // transaction markers, or records a broker's answer left out. Never handed to the owner.
  std::atomic<std::uint64_t> offsets_skipped{0};
  std::atomic<std::uint64_t> rebalances{0};       // assignment changes (assign or revoke events)
  std::atomic<std::uint64_t> partitions{0};       // assigned now
  std::atomic<std::uint64_t> commits{0};          // successful commit() calls
  std::atomic<std::uint64_t> commit_failures{0};
};

class GroupConsumer {
 public:
  // Creates the consumer (no network I/O yet). `listener` must outlive it.
  [[nodiscard]] static Expected<std::unique_ptr<GroupConsumer>, std::string> create(const ConsumerSettings& settings,
                                                                                   RebalanceListener& listener);
  ~GroupConsumer();  // close()s if the owner did not
  GroupConsumer(const GroupConsumer&) = delete;
  GroupConsumer& operator=(const GroupConsumer&) = delete;

  [[nodiscard]] Expected<bool, std::string> subscribe(const std::vector<std::string>& topics);

  // Waits up to timeout_ms for records, then appends those ready, up to the buffer's free
  // capacity, and serves rebalance callbacks. Returns how many were appended. A full buffer still
  // serves callbacks; a record that arrives then (only unpaused partitions deliver) is appended
  // beyond the capacity rather than lost.
  std::size_t poll(RecordBuffer& buffer, int timeout_ms);

  // Commits synchronously; the error names the first partition the group refused.
  [[nodiscard]] Expected<bool, std::string> commit(std::span<const PartitionOffset> offsets);
  // The group's committed offsets for the current assignment (-1 where none), asked of the broker.
  [[nodiscard]] Expected<std::vector<PartitionOffset>, std::string> committed(int timeout_ms);

  void pause_all();
  void resume_all();
  bool paused() const { return paused_; }

  std::vector<AssignedPartition> assignment() const;
  std::vector<PartitionLag> lag() const;

  // Leaves the group: on_revoked runs for what is still assigned, then the client is destroyed.
  void close();

  const ConsumerCounters& counters() const { return counters_; }
  ClientLog& log() { return log_; }

 private:
  struct Slot {
    bool used = false;
    std::string topic;
    std::int32_t partition = -1;
    std::int64_t next_offset = -1;  // after the last record handed out; -1 none yet
  };

  GroupConsumer(std::string where, RebalanceListener& listener);
  std::uint32_t slot_of(std::string_view topic, std::int32_t partition);
  std::uint32_t claim_slot(std::string_view topic, std::int32_t partition);
  void on_rebalance(int error, rd_kafka_topic_partition_list_s* partitions);
  void assign(rd_kafka_topic_partition_list_s* partitions, bool cooperative);
  void revoke(rd_kafka_topic_partition_list_s* partitions, bool cooperative);
  bool take(rd_kafka_message_s* message, RecordBuffer& buffer);

  struct Callbacks;  // librdkafka's C callbacks, in the .cc
  friend struct Callbacks;

  const std::string where_;
  RebalanceListener& listener_;
  rd_kafka_s* consumer_ = nullptr;
  std::vector<Slot> slots_;
  std::uint32_t last_slot_ = 0;  // records come in runs of one partition
  std::vector<AssignedPartition> scratch_;
  bool paused_ = false;
  bool closed_ = false;
  std::exception_ptr listener_error_;  // thrown by a callback inside librdkafka; poll() rethrows
  ConsumerCounters counters_;
  ClientLog log_;
};

}  // namespace logsift::kafka
