// Spool: one sink's durable queue of closed batches that its destination has not confirmed yet.
//
//   emitter thread ── write(batch) ──> <dir>/alerts-<seq>.ndjson.zst   (atomic, fsynced)
//   delivery thread ── oldest() / read(seq) ── deliver ── remove(seq)    (after confirmation)
//
// Each batch is one file named and written like FileSink's (temp file, fsync, rename, fsync of
// the folder), so a batch that reached the spool survives kill -9 and power loss, and a torn
// write leaves only a temp file, removed at the next open. Files are verified when read: one that
// fails (a corrupt disk, a hand edit) is renamed "corrupt-<name>" and counted, never delivered,
// never fatal. Batches leave in sequence order.
//
// Sequences continue across restarts: the spool records the highest sequence it ever held in
// "<dir>/last-sequence" when it drains, so a writer resumes after it even when the folder is empty
// (that marker is not fsynced: it survives kill -9; after a power loss it may lag, and sequences
// then continue from the batch files present).
//
// Capacity: write() refuses (kNoSpace) a batch that would take the spool past max_bytes, and
// passes on the disk's own ENOSPC; the caller then applies the sink's policy: keep the batch and
// stop taking alerts (block), or drop_oldest() to make room (counted, reported in band).
//
// Thread-safety: all methods are safe from any thread. The index is guarded by a mutex that is
// never held during file I/O. Errors are values; nothing is logged.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "daemon/emit/sink.h"

namespace logsift::emit {

struct SpoolOptions {
  // Refuse batches beyond this many bytes of spooled files (0 = no limit but the disk's).
  std::uint64_t max_bytes = 1024ull * 1024 * 1024;
  // Microseconds since the epoch, for the age of the oldest batch. Injected for tests.
  std::function<std::int64_t()> clock;
};

struct SpoolStats {
  std::uint64_t batches = 0;          // batches waiting for confirmation
  std::uint64_t bytes = 0;            // their file sizes
  std::int64_t oldest_spooled_us = 0;  // when the oldest waiting batch was spooled; 0 = none
  std::uint64_t corrupt_files = 0;    // files set aside as corrupt since open
  std::uint64_t dropped_batches = 0;  // removed by drop_oldest() since open
  std::uint64_t dropped_alerts = 0;   // alerts in those batches
};

class Spool final : public Sink {
 public:
  // Creates `dir` if needed, removes temp files left by a crash and indexes the batch files.
  [[nodiscard]] static Expected<std::unique_ptr<Spool>, SinkError> open(std::string dir, SpoolOptions options);

  // Appends a batch (durable when this returns). kNoSpace when over max_bytes or the disk is full.
  [[nodiscard]] Expected<SinkReceipt, SinkError> write(const EncodedBatch& batch) override;

  // The oldest waiting batch, if any.
  std::optional<std::uint64_t> oldest() const;
  // Waits up to timeout_ms for a batch to be waiting; returns the oldest, if any.
  std::optional<std::uint64_t> wait_oldest(std::int64_t timeout_ms);
  // Wakes wait_oldest() callers (stop).
  void wake();

  // The file bytes of a waiting batch. Missing or unreadable files are errors; verification of the
  // content is the reader's (load_delivery_batch), who calls set_aside() when it fails.
  [[nodiscard]] Expected<std::string, SinkError> read(std::uint64_t sequence) const;
  // When the batch was spooled (its file time after a restart), 0 if not waiting.
  std::int64_t spooled_at_us(std::uint64_t sequence) const;

  // The destination confirmed the batch: delete it.
  void remove(std::uint64_t sequence);
  // The batch failed verification: rename it "corrupt-<name>" and count it.
  void set_aside(std::uint64_t sequence);
  // Deletes the oldest waiting batch to make room; returns how many alerts it held (decoded from
  // the file; 0 when it cannot be read), or nullopt when the spool is empty.
  std::optional<std::uint64_t> drop_oldest();

  // The sequence a new writer should continue from: one past the highest ever spooled here.
  std::uint64_t next_sequence() const;
  SpoolStats stats() const;
  const std::string& dir() const { return dir_; }

 private:
  Spool(std::string dir, SpoolOptions options);
  Expected<bool, SinkError> load();
  void record_last_sequence(std::uint64_t sequence);

  struct Entry {
    std::uint64_t bytes = 0;
    std::int64_t spooled_us = 0;
  };

  const std::string dir_;
  const SpoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable waiting_;
  std::map<std::uint64_t, Entry> entries_;
  std::uint64_t bytes_ = 0;
  std::uint64_t reserved_bytes_ = 0;  // being written outside the lock
  std::uint64_t highest_sequence_ = 0;
  std::uint64_t recorded_sequence_ = 0;  // what last-sequence holds
  std::uint64_t corrupt_files_ = 0;
  std::uint64_t dropped_batches_ = 0;
  std::uint64_t dropped_alerts_ = 0;
  std::uint64_t wake_generation_ = 0;
};

}  // namespace logsift::emit
