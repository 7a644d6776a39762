// BatchWriter: alerts -> batches, each one zstd frame of NDJSON led by a header record.
//
//   {"logsift_batch":{"schema_version":1,"sequence":N,"alerts":N,
//                     "time_range":{"start":"...","end":"..."},"producer":"...",
//                     "dropped_alerts":N,"dropped_alerts_total":N}}
//   {"@timestamp":...}      one line per alert (alert_json.h)
//
// A batch closes when it holds max_alerts alerts, when one more alert would take its NDJSON past
// max_bytes, when it has been open max_age_ms (checked on add() and poll()), or on flush().
// Time is passed in, never read. Sequence numbers increase by one per closed batch from the value
// given at construction (FileSink's next_sequence_in() continues a directory after a restart).
//
// The writer owns a reused ZSTD_CCtx and NDJSON buffer: in steady state the only allocation is the
// closed batch's own byte string. Not thread-safe: one writer per emitting thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/detect/alert.h"

struct ZSTD_CCtx_s;

namespace logsift::emit {

inline constexpr int kBatchSchemaVersion = 1;

struct BatchOptions {
  // Close a batch once it holds this many alerts. Larger batches compress better and cost the
  // consumer fewer files; smaller ones reach it sooner.
  std::size_t max_alerts = 1000;
  // Close a batch before its uncompressed NDJSON (alert lines, without the header) would exceed
  // this. An alert larger than the limit on its own travels alone in a batch.
  std::size_t max_bytes = 1024 * 1024;
  // Close a batch this long after its first alert arrived (arrival `now_us`, not alert time).
  std::int64_t max_age_ms = 1000;
  // Written to every header as "producer": which daemon made the batch (e.g. host name).
  std::string producer_id{};
  // zstd level; clamped to the range the library supports. 3 is zstd's default: fast and good.
  int compression_level = 3;
};

// One closed batch: a complete zstd frame (content checksum on, content size recorded).
struct EncodedBatch {
  std::uint64_t sequence = 0;
  std::uint32_t alert_count = 0;
  std::int64_t first_us = 0;  // earliest alert @timestamp in the batch
  std::int64_t last_us = 0;   // latest alert @timestamp in the batch
  std::uint64_t dropped_alerts = 0;  // alerts dropped by policy since the previous batch
  std::string bytes;
};

class BatchWriter {
 public:
  BatchWriter(BatchOptions options, std::uint64_t first_sequence);
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Adds an alert to the open batch. Batches this closes (at most two: the open one if it was too
  // old or the alert does not fit, then the new one if it reached max_alerts) are appended to
  // `closed` in sequence order.
  void add(const detect::Alert& alert, std::int64_t now_us, std::vector<EncodedBatch>& closed);

  // Closes the open batch if it is older than max_age_ms at `now_us`.
  void poll(std::int64_t now_us, std::vector<EncodedBatch>& closed);

  // Closes the open batch, if it holds any alert (orderly stop).
  void flush(std::vector<EncodedBatch>& closed);

  // Alerts that never reach a batch of this writer's stream (a full spool's drop_oldest, a sink
  // that lost batches): the next batch header reports them as dropped_alerts (since the previous
  // batch) and dropped_alerts_total (since construction, or the total given here at start).
  void note_dropped(std::uint64_t alerts) {
    dropped_since_last_ += alerts;
    dropped_total_ += alerts;
  }
  std::uint64_t dropped_total() const { return dropped_total_; }

  // Alerts in the open batch, and the sequence number the next closed batch will carry.
  std::size_t open_alerts() const { return open_count_; }
  std::uint64_t next_sequence() const { return next_sequence_; }
  // Time at which poll() would close the open batch, or INT64_MAX when none is open: a timer for
  // the caller's event loop.
  std::int64_t deadline_us() const;

 private:
  void close_batch(std::size_t body_bytes, std::vector<EncodedBatch>& closed);

  BatchOptions options_;
  std::uint64_t next_sequence_;
  ZSTD_CCtx_s* cctx_;
  std::string body_;    // NDJSON alert lines of the open batch
  std::string header_;  // header line, rebuilt per batch
  std::size_t open_count_ = 0;
  std::uint64_t dropped_since_last_ = 0;
  std::uint64_t dropped_total_ = 0;
  std::int64_t opened_at_us_ = 0;
  std::int64_t first_us_ = 0;
  std::int64_t last_us_ = 0;
};

}  // namespace logsift::emit
