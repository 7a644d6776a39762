// Internal to daemon/ingest: MemoryBudget, the one limit on what stream connections hold.
//
// Counted: the bytes of partial frames connections assemble (the framer's buffer) and the raw
// batches connections fill before pushing them. Not counted: each connection's fixed read buffer
// (max_connections x kReadBufferBytes, see stream_connection.cc) and batches already in the queue
// (bounded by the queue's capacity).
//
// Policy, enforced by the connections:
//   - a connection takes a batch only for a complete frame, and only when the batch fits the
//     budget (try_charge); otherwise it stops reading and waits (wait()) until enough is released;
//   - a connection does not read while the budget is used up;
//   - partial frames may hold at most half the budget: past that, the connection whose partial
//     frame started first is closed (counted by the connection), since only completing frames
//     free that memory and a stalled sender never completes them.
// Batches always come back (they are pushed on age, the queue drains), so waiting on them
// cannot deadlock; partial frames are the only memory that can stall, hence the reclaim.
//
// Thread-safety: every member is safe from any thread. Callbacks run on the releasing thread,
// outside the lock, and must only post work.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace logsift::ingest::internal {

class ConnectionBase;

class MemoryBudget {
 public:
  explicit MemoryBudget(std::size_t limit_bytes) : limit_(limit_bytes) {}

  std::size_t limit() const { return limit_; }
  std::size_t used() const { return static_cast<std::size_t>(used_.load(std::memory_order_relaxed)); }
  std::size_t partial_bytes() const { return static_cast<std::size_t>(partial_.load(std::memory_order_relaxed)); }
  bool exhausted() const { return used() >= limit_; }

  // Takes `bytes` if the use stays within the limit.
  [[nodiscard]] bool try_charge(std::size_t bytes);
  // Gives back what try_charge took; wakes waiters that now fit.
  void release(std::size_t bytes);
  // A partial frame grew or shrank by `delta` bytes (unconditional: the bytes were already read).
  void adjust_partial(std::int64_t delta);

  // Runs `resume` once when `bytes` fit again (at once, on this thread, when they fit now).
  void wait(std::size_t bytes, std::function<void()> resume);

  // Connections holding part of a frame: since when (steady clock; kept from the first call for
  // one frame) and the bytes charged for it now. Call again whenever the bytes change.
  void partial_update(ConnectionBase* connection, const std::weak_ptr<ConnectionBase>& owner,
                      std::chrono::steady_clock::time_point since, std::size_t bytes);
  void partial_ended(ConnectionBase* connection);
  // While partial frames hold more than half the limit: the connections to close, oldest partial
  // frame first, until what the others hold is at most half. A connection named stays named (and
  // is not named again) until it calls partial_ended() on closing.
  std::vector<std::shared_ptr<ConnectionBase>> reclaim_candidates();

 private:
  void wake();

  const std::size_t limit_;
  std::atomic<std::int64_t> used_{0};
  std::atomic<std::int64_t> partial_{0};
  std::mutex mutex_;
  std::vector<std::pair<std::size_t, std::function<void()>>> waiting_;
  struct Partial {
    std::weak_ptr<ConnectionBase> owner;
    std::chrono::steady_clock::time_point since;
    std::size_t bytes = 0;
    bool reclaiming = false;  // named by reclaim_candidates(), closing
  };
  std::unordered_map<ConnectionBase*, Partial> partials_;
};

}  // namespace logsift::ingest::internal
