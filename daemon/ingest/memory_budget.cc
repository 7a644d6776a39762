#include "daemon/ingest/memory_budget.h"

#include <algorithm>

namespace logsift::ingest::internal {

bool MemoryBudget::try_charge(std::size_t bytes) {
  std::int64_t used = used_.load(std::memory_order_relaxed);
  const auto want = static_cast<std::int64_t>(bytes);
  const auto limit = static_cast<std::int64_t>(limit_);
  do {
    if (used + want > limit) return false;
  } while (!used_.compare_exchange_weak(used, used + want, std::memory_order_relaxed));
  return true;
}

void MemoryBudget::release(std::size_t bytes) {
  used_.fetch_sub(static_cast<std::int64_t>(bytes), std::memory_order_relaxed);
  wake();
}

void MemoryBudget::adjust_partial(std::int64_t delta) {
  if (delta == 0) return;
  used_.fetch_add(delta, std::memory_order_relaxed);
  partial_.fetch_add(delta, std::memory_order_relaxed);
  if (delta < 0) wake();
}

void MemoryBudget::wait(std::size_t bytes, std::function<void()> resume) {
  {
    std::lock_guard lock(mutex_);
    if (used() + bytes > limit_) {
      waiting_.emplace_back(bytes, std::move(resume));
      return;
    }
  }
  resume();
}

void MemoryBudget::wake() {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex_);
    if (waiting_.empty()) return;
    // Each waiter is woken when its own request fits what is free now; several may then race
    // for it, and the losers wait again (a spurious wake-up, never a lost one).
    const std::size_t in_use = used();
    const std::size_t free_bytes = in_use >= limit_ ? 0 : limit_ - in_use;
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if (it->first <= free_bytes) {
        ready.push_back(std::move(it->second));
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& resume : ready) resume();
}

void MemoryBudget::partial_update(ConnectionBase* connection, const std::weak_ptr<ConnectionBase>& owner,
                                  std::chrono::steady_clock::time_point since, std::size_t bytes) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = partials_.try_emplace(connection, Partial{owner, since, bytes, false});
  if (!inserted) it->second.bytes = bytes;
}

void MemoryBudget::partial_ended(ConnectionBase* connection) {
  std::lock_guard lock(mutex_);
  partials_.erase(connection);
}

std::vector<std::shared_ptr<ConnectionBase>> MemoryBudget::reclaim_candidates() {
  std::vector<std::shared_ptr<ConnectionBase>> victims;
  if (partial_bytes() * 2 <= limit_) return victims;
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::chrono::steady_clock::time_point, Partial*>> open;
  std::size_t held = 0;  // by partial frames not already being closed
  for (auto& [connection, partial] : partials_) {
    if (partial.reclaiming) continue;
    held += partial.bytes;
    open.emplace_back(partial.since, &partial);
  }
  std::sort(open.begin(), open.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [since, partial] : open) {
    if (held * 2 <= limit_) break;
    partial->reclaiming = true;
    held -= partial->bytes;
    if (auto connection = partial->owner.lock()) victims.push_back(std::move(connection));
  }
  return victims;
}

}  // namespace logsift::ingest::internal
