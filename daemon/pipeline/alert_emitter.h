// AlertEmitter: alerts in, closed zstd batches out to a sink, with nothing lost on sink failure.
//
// Alerts go into a BatchWriter; each closed batch is written to the sink in sequence order. A
// batch the sink refuses stays queued in memory and is retried on the next poll()/flush(), ahead
// of newer batches, so order is kept and nothing accepted is dropped (put a SpoolingSink in front
// of a remote sink to move that queue to disk). Time is passed in.
//
// Not thread-safe: one owner (the daemon's emitter thread, or `logsift replay`).
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "daemon/detect/alert.h"
#include "daemon/emit/batch_writer.h"
#include "daemon/emit/sink.h"

namespace logsift::pipeline {

struct EmitCounters {
  std::uint64_t alerts = 0;
  std::uint64_t batches_written = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t batches_spooled = 0;  // taken by a spool instead of the destination
  std::uint64_t sink_errors = 0;      // failed write attempts
  std::uint64_t batches_pending = 0;  // closed, not yet taken by the sink
  std::string last_error;             // the latest sink error message
};

class AlertEmitter {
 public:
  AlertEmitter(emit::BatchOptions options, std::uint64_t first_sequence, emit::Sink& sink);

  void add(std::span<const detect::Alert> alerts, std::int64_t now_us);
  // Closes the open batch when it is due and retries pending writes.
  void poll(std::int64_t now_us);
  // Closes the open batch and tries to write everything; true when nothing is left pending.
  bool flush();

  std::int64_t deadline_us() const { return writer_.deadline_us(); }
  const EmitCounters& counters() const { return counters_; }

 private:
  void write_pending();

  emit::BatchWriter writer_;
  emit::Sink& sink_;
  std::vector<emit::EncodedBatch> closed_;
  std::deque<emit::EncodedBatch> pending_;
  EmitCounters counters_;
};

}  // namespace logsift::pipeline
