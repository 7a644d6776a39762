// AlertEmitter: one sink's share of the alert stream, from alerts to durably stored batches.
//
//   alerts ── route? ──> BatchWriter (this sink's own sequence) ── closed ──> store.write()
//                                                                  refused │
//                                            block: kept in order, retried ┤ (backpressure)
//                                 drop_oldest: spool.drop_oldest(), count, ┘ noted in the next
//                                              batch header (dropped_alerts)
//
// The store is where a batch becomes durable: a FileSink folder (the file sink's destination
// itself) or a Spool that a SinkRunner then delivers from. A batch the store refuses stays queued
// in memory, ahead of newer batches, and is retried on the next poll()/flush(); the owner stops
// feeding alerts while pending() is high, which turns a full disk or spool into backpressure.
// Time is passed in. Counters are copied to a small snapshot after each call, readable from any
// thread without waiting for the store's I/O.
//
// Not thread-safe apart from counters(): one owner (the daemon's emitter thread, or `replay`).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "daemon/detect/alert.h"
#include "daemon/emit/alert_route.h"
#include "daemon/emit/batch_writer.h"
#include "daemon/emit/sink.h"
#include "daemon/emit/spool.h"

namespace logsift::pipeline {

struct EmitCounters {
  std::uint64_t alerts = 0;            // alerts this sink's route took
  std::uint64_t batches_written = 0;   // batches the store took (durable)
  std::uint64_t bytes_written = 0;
  std::uint64_t batches_spooled = 0;   // of those, taken by a spool (not yet delivered)
  std::uint64_t sink_errors = 0;       // failed store writes (each is retried)
  std::uint64_t batches_pending = 0;   // closed, not yet taken by the store
  std::uint64_t alerts_dropped = 0;    // lost by the drop_oldest policy (also in batch headers)
  std::uint64_t batches_dropped = 0;
  std::string last_error;              // the latest store error message
};

struct AlertEmitterOptions {
  emit::AlertRoute route;   // which alerts this sink takes; default all
  // When the store refuses a batch for lack of space: false = keep it and push back (block);
  // true = delete the spool's oldest batches (or this batch, when nothing older is left).
  bool drop_oldest = false;
  emit::Spool* spool = nullptr;  // the store when it is a spool (for drop_oldest); may be null
};

class AlertEmitter {
 public:
  AlertEmitter(emit::BatchOptions options, std::uint64_t first_sequence, emit::Sink& store,
               AlertEmitterOptions emitter_options = {});

  void add(std::span<const detect::Alert> alerts, std::int64_t now_us);
  // Closes the open batch when it is due and retries pending writes.
  void poll(std::int64_t now_us);
  // Closes the open batch and tries to write everything; true when nothing is left pending.
  bool flush();

  std::size_t pending() const { return pending_.size(); }
  std::int64_t deadline_us() const { return writer_.deadline_us(); }
  // A copy of the counters; safe from any thread.
  EmitCounters counters() const;

 private:
  void write_pending();
  void publish();

  emit::BatchWriter writer_;
  emit::Sink& store_;
  AlertEmitterOptions options_;
  std::vector<emit::EncodedBatch> closed_;
  std::deque<emit::EncodedBatch> pending_;
  EmitCounters counters_;
  mutable std::mutex published_mutex_;
  EmitCounters published_;
};

}  // namespace logsift::pipeline
