#include "daemon/pipeline/alert_emitter.h"

namespace logsift::pipeline {

AlertEmitter::AlertEmitter(emit::BatchOptions options, std::uint64_t first_sequence, emit::Sink& store,
                           AlertEmitterOptions emitter_options)
    : writer_(std::move(options), first_sequence), store_(store), options_(std::move(emitter_options)) {}

void AlertEmitter::add(std::span<const detect::Alert> alerts, std::int64_t now_us) {
  const bool all = options_.route.takes_all();
  for (const auto& alert : alerts) {
    if (!all && !options_.route.accepts(alert)) continue;
    writer_.add(alert, now_us, closed_);
    ++counters_.alerts;
  }
  write_pending();
}

void AlertEmitter::poll(std::int64_t now_us) {
  writer_.poll(now_us, closed_);
  write_pending();
}

bool AlertEmitter::flush() {
  writer_.flush(closed_);
  write_pending();
  return pending_.empty();
}

void AlertEmitter::write_pending() {
  for (auto& batch : closed_) pending_.push_back(std::move(batch));
  closed_.clear();
  while (!pending_.empty()) {
    auto written = store_.write(pending_.front());
    if (written) {
      ++counters_.batches_written;
      counters_.bytes_written += written.value().bytes;
      if (written.value().spooled) ++counters_.batches_spooled;
      pending_.pop_front();
      continue;
    }
    ++counters_.sink_errors;
    counters_.last_error = written.error().message;
    if (!options_.drop_oldest || written.error().kind != emit::SinkError::Kind::kNoSpace) break;
    // drop_oldest: make room by deleting the oldest spooled batch; when none is left, this batch
    // is the oldest. Either way the loss goes into the next batch header.
    std::uint64_t dropped = 0;
    if (auto from_spool = options_.spool != nullptr ? options_.spool->drop_oldest() : std::nullopt) {
      dropped = *from_spool;
    } else {
      dropped = pending_.front().alert_count;
      pending_.pop_front();
    }
    writer_.note_dropped(dropped);
    counters_.alerts_dropped += dropped;
    ++counters_.batches_dropped;
  }
  counters_.batches_pending = pending_.size();
  publish();
}

void AlertEmitter::publish() {
  std::lock_guard lock(published_mutex_);
  published_ = counters_;
}

EmitCounters AlertEmitter::counters() const {
  std::lock_guard lock(published_mutex_);
  return published_;
}

}  // namespace logsift::pipeline
