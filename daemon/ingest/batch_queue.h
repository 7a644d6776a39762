// BatchQueue: a bounded multi-producer, multi-consumer queue of RawBatch, the hand-off from
// ingest to the pipeline.
//
// Producers (listeners) call try_push(), which never blocks: when the queue is full the batch stays
// with the producer, which stops reading (TCP/TLS) or counts drops (UDP). To learn when to retry,
// a producer registers a space callback. Contract (no lost wake-up): every pop() that follows a
// failed try_push() invokes all registered callbacks once, on the popping thread, outside the
// lock. A producer therefore (1) marks itself as waiting where its callback will find it, (2)
// retries try_push() once, and only then (3) sleeps; callbacks may fire spuriously. Callbacks must
// be cheap and must not call back into the queue's blocking functions (post work elsewhere).
//
// close() wakes every blocked caller; after it, pushes fail with kClosed and pops drain what is
// left, then return kClosed. Locking is per batch, never per message. All members are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "daemon/ingest/raw_batch.h"

namespace logsift::ingest {

enum class QueueStatus : std::uint8_t {
  kOk,
  kFull,     // try_push only: the batch was not taken
  kTimeout,  // pop/push with a timeout: nothing happened in time
  kClosed,   // the queue was closed (and, for pop, is empty)
};

class BatchQueue {
 public:
  explicit BatchQueue(std::size_t capacity_batches);

  BatchQueue(const BatchQueue&) = delete;
  BatchQueue& operator=(const BatchQueue&) = delete;

  // Takes the batch (leaves `batch` null) on kOk; otherwise leaves it with the caller.
  [[nodiscard]] QueueStatus try_push(std::unique_ptr<RawBatch>& batch);

  // Blocks up to `timeout` for space (shutdown flushing). Takes the batch only on kOk.
  [[nodiscard]] QueueStatus push(std::unique_ptr<RawBatch>& batch, std::chrono::milliseconds timeout);

  // Waits up to `timeout` for a batch. On kOk `out` holds it; otherwise `out` is null. Whatever
  // `out` held before is freed: give batches back to the BatchPool before popping again.
  [[nodiscard]] QueueStatus pop(std::unique_ptr<RawBatch>& out, std::chrono::milliseconds timeout);

  void close();
  bool closed() const;

  using SpaceCallback = std::function<void()>;
  // Returns an id for remove_space_callback(). See the contract above.
  std::uint64_t add_space_callback(SpaceCallback callback);
  void remove_space_callback(std::uint64_t id);

  std::size_t depth() const;
  std::size_t capacity() const { return capacity_; }
  std::uint64_t rejected_pushes() const;  // try_push calls that returned kFull (a metric)

 private:
  void notify_space(std::unique_lock<std::mutex>& lock);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::unique_ptr<RawBatch>> items_;
  bool closed_ = false;
  bool producer_waiting_ = false;  // a try_push failed since the last notification
  std::uint64_t rejected_pushes_ = 0;
  std::uint64_t next_callback_id_ = 1;
  std::vector<std::pair<std::uint64_t, SpaceCallback>> callbacks_;
};

}  // namespace logsift::ingest
