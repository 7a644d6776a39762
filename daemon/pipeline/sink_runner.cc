// SinkRunner; see sink_runner.h.
#include "daemon/pipeline/sink_runner.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>

#include "daemon/emit/dead_letters.h"
#include "daemon/ingest/ingest_server.h"
#include "parsers/base/clock.h"

namespace logsift::pipeline {

SinkRunner::SinkRunner(SinkRunnerOptions options, emit::Spool& spool, emit::DeliveryTarget& target)
    : options_(std::move(options)), spool_(spool), target_(target) {
  if (!options_.clock) options_.clock = base::system_clock_us;
  if (options_.dead_letter_path.empty()) {
    options_.dead_letter_path = (std::filesystem::path(spool_.dir()) / "dead-letter.ndjson").native();
  }
  if (options_.retry_initial_ms <= 0) options_.retry_initial_ms = 1;
  if (options_.retry_max_ms < options_.retry_initial_ms) options_.retry_max_ms = options_.retry_initial_ms;
}

SinkRunner::~SinkRunner() { stop(0); }

void SinkRunner::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

std::uint64_t SinkRunner::stop(std::int64_t grace_ms) {
  if (thread_.joinable()) {
    draining_ = true;
    spool_.wake();
    {
      std::lock_guard lock(pause_mutex_);
      pause_cv_.notify_all();
    }
    // Let the thread finish the spool within the grace period; then halt it.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
    while (std::chrono::steady_clock::now() < deadline && spool_.oldest()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    halt_ = true;
    target_.cancel();
    spool_.wake();
    {
      std::lock_guard lock(pause_mutex_);
      pause_cv_.notify_all();
    }
    thread_.join();
  }
  return spool_.stats().batches;
}

SinkDeliveryStats SinkRunner::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

bool SinkRunner::pause(std::int64_t ms) {
  std::unique_lock lock(pause_mutex_);
  pause_cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return halt_.load(); });
  return !halt_;
}

void SinkRunner::run() {
  emit::DeadLetterFile dead_letters(options_.dead_letter_path, options_.name);
  // The loaded batch is kept across failed attempts so a retry does not re-read and re-verify.
  auto batch = std::make_unique<emit::DeliveryBatch>();
  std::uint64_t loaded_sequence = 0;
  bool loaded = false;
  std::int64_t backoff_ms = options_.retry_initial_ms;
  std::minstd_rand jitter(static_cast<unsigned>(options_.clock()));

  while (!halt_) {
    const auto oldest = spool_.wait_oldest(200);
    if (!oldest) {
      if (draining_) break;
      continue;
    }
    if (!loaded || loaded_sequence != *oldest) {
      auto bytes = spool_.read(*oldest);
      bool ok = false;
      if (bytes) {
        auto verified = emit::load_delivery_batch(std::move(bytes).value(), *batch);
        ok = static_cast<bool>(verified);
        if (!ok) {
          std::lock_guard lock(stats_mutex_);
          stats_.last_error = "spooled batch " + std::to_string(*oldest) + ": " + verified.error();
        }
      } else {
        std::lock_guard lock(stats_mutex_);
        stats_.last_error = bytes.error().message;
      }
      if (!ok) {
        spool_.set_aside(*oldest);
        std::lock_guard lock(stats_mutex_);
        ++stats_.batches_corrupt;
        loaded = false;
        continue;
      }
      loaded = true;
      loaded_sequence = *oldest;
    }

    auto outcome = target_.deliver(*batch, dead_letters);
    const std::int64_t now_us = options_.clock();
    if (outcome) {
      auto written = dead_letters.flush();
      if (!written) {
        // Keep the batch: its refused alerts must be on disk before it leaves the spool.
        std::lock_guard lock(stats_mutex_);
        ++stats_.dead_letter_errors;
        stats_.last_error = written.error().message;
        if (stats_.failing_since_us == 0) stats_.failing_since_us = now_us;
      } else {
        const std::int64_t spooled_us = spool_.spooled_at_us(*oldest);
        spool_.remove(*oldest);
        loaded = false;
        backoff_ms = options_.retry_initial_ms;
        const auto& o = outcome.value();
        std::lock_guard lock(stats_mutex_);
        ++stats_.batches_delivered;
        stats_.alerts_delivered += o.delivered;
        stats_.alerts_duplicate += o.duplicates;
        stats_.alerts_dead_lettered += o.dead_lettered;
        stats_.alerts_retried += o.retried;
        stats_.requests += o.requests;
        stats_.bytes_sent += o.bytes_sent;
        stats_.failing_since_us = 0;
        if (spooled_us > 0) {
          const double latency_s = static_cast<double>(std::max<std::int64_t>(0, now_us - spooled_us)) / 1e6;
          std::size_t b = 0;
          while (b < kDeliveryLatencyBuckets.size() && latency_s > kDeliveryLatencyBuckets[b]) ++b;
          ++stats_.latency_counts[b];
          stats_.latency_sum_s += latency_s;
        }
        continue;
      }
    } else {
      // Alerts refused for good stay refused whatever happened to the rest of the batch (a
      // target that tracks progress will not offer them again): keep their record now.
      if (!dead_letters.flush()) {
        std::lock_guard lock(stats_mutex_);
        ++stats_.dead_letter_errors;
      }
      std::lock_guard lock(stats_mutex_);
      ++stats_.attempts_failed;
      stats_.last_error = outcome.error().message;
      if (stats_.failing_since_us == 0) stats_.failing_since_us = now_us;
    }
    // Exponential backoff with ±25 % jitter, so many daemons do not retry in lockstep.
    const std::int64_t spread = backoff_ms / 4;
    const std::int64_t wait_ms =
        backoff_ms - spread + (spread > 0 ? static_cast<std::int64_t>(jitter() % static_cast<unsigned>(2 * spread + 1)) : 0);
    backoff_ms = std::min(options_.retry_max_ms, backoff_ms * 2);
    if (!pause(wait_ms)) break;
    if (draining_ && halt_) break;
  }
}

}  // namespace logsift::pipeline
