#include "daemon/pipeline/alert_emitter.h"

namespace logsift::pipeline {

AlertEmitter::AlertEmitter(emit::BatchOptions options, std::uint64_t first_sequence, emit::Sink& sink)
    : writer_(std::move(options), first_sequence), sink_(sink) {}

void AlertEmitter::add(std::span<const detect::Alert> alerts, std::int64_t now_us) {
  for (const auto& alert : alerts) writer_.add(alert, now_us, closed_);
  counters_.alerts += alerts.size();
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
    auto written = sink_.write(pending_.front());
    if (!written) {
      ++counters_.sink_errors;
      counters_.last_error = written.error().message;
      break;
    }
    ++counters_.batches_written;
    counters_.bytes_written += written.value().bytes;
    if (written.value().spooled) ++counters_.batches_spooled;
    pending_.pop_front();
  }
  counters_.batches_pending = pending_.size();
}

}  // namespace logsift::pipeline
