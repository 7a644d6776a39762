// SinkRunner: one sink's delivery thread, from its spool to its destination.
//
//   ┌──────────── spool empty: wait for write() or stop ─────────────┐
//   v                                                                │
//  idle ── oldest batch ──> load (verify) ── corrupt ──> set aside, count
//                               │ ok
//                               v
//                       target.deliver(batch) ── ok ──> dead letters durable, remove from spool
//                               │ error
//                               v
//                       backoff: retry_initial doubling to retry_max, ±25 % jitter; same batch
//
// A batch leaves the spool only after deliver() succeeded and the alerts it dead-lettered are on
// disk, so a kill -9 at any point leaves every unconfirmed batch in the spool to be delivered again
// after the restart (at-least-once; alerts keep their event.id). One slow or dead destination
// only holds its own thread and spool.
//
// stop(grace_ms): keeps delivering until the spool is empty or the grace period ends, then
// cancels the target and joins; what is left stays in the spool for the next start.
//
// Thread-safety: start/stop from one owner thread; stats() and notify() from any thread.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/emit/delivery.h"
#include "daemon/emit/spool.h"

namespace logsift::pipeline {

struct SinkRunnerOptions {
  std::string name;                  // the sink's name, for dead letters
  std::int64_t retry_initial_ms = 500;
  std::int64_t retry_max_ms = 60'000;
  std::string dead_letter_path{};    // where refused alerts go; "" = <spool>/dead-letter.ndjson
  std::function<std::int64_t()> clock{};  // microseconds since the epoch
};

// Upper bounds (seconds) of the delivery-latency histogram: spooled -> confirmed.
inline constexpr std::array<double, 10> kDeliveryLatencyBuckets = {0.01, 0.05, 0.1, 0.25, 0.5,
                                                                   1,    2.5,  5,   10,  60};

struct SinkDeliveryStats {
  std::uint64_t batches_delivered = 0;
  std::uint64_t alerts_delivered = 0;
  std::uint64_t alerts_duplicate = 0;     // confirmed as already there
  std::uint64_t alerts_dead_lettered = 0;
  std::uint64_t alerts_retried = 0;       // resent inside a deliver() call
  std::uint64_t attempts_failed = 0;      // deliver() calls that failed (each is retried)
  std::uint64_t requests = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t batches_corrupt = 0;      // set aside unread
  std::uint64_t dead_letter_errors = 0;   // dead-letter file could not be written
  std::int64_t failing_since_us = 0;      // first failure of the current run of failures; 0 = ok
  std::string last_error;
  // Delivery latency histogram: counts per bucket of kDeliveryLatencyBuckets, then +Inf.
  std::array<std::uint64_t, kDeliveryLatencyBuckets.size() + 1> latency_counts{};
  double latency_sum_s = 0;
};

class SinkRunner {
 public:
  // `spool` and `target` must outlive the runner.
  SinkRunner(SinkRunnerOptions options, emit::Spool& spool, emit::DeliveryTarget& target);
  ~SinkRunner();
  SinkRunner(const SinkRunner&) = delete;
  SinkRunner& operator=(const SinkRunner&) = delete;

  void start();
  // Delivers for at most grace_ms more, then cancels the destination and joins. Returns the
  // batches left in the spool.
  std::uint64_t stop(std::int64_t grace_ms);

  SinkDeliveryStats stats() const;
  emit::Spool& spool() { return spool_; }
  emit::DeliveryTarget& target() { return target_; }

 private:
  void run();
  // Sleeps up to ms unless stopped; false when stopped.
  bool pause(std::int64_t ms);

  SinkRunnerOptions options_;
  emit::Spool& spool_;
  emit::DeliveryTarget& target_;
  std::thread thread_;
  std::atomic<bool> draining_{false};  // stop() began: exit when the spool is empty
  std::atomic<bool> halt_{false};      // grace over: exit now
  std::mutex pause_mutex_;
  std::condition_variable pause_cv_;
  mutable std::mutex stats_mutex_;
  SinkDeliveryStats stats_;
};

}  // namespace logsift::pipeline
