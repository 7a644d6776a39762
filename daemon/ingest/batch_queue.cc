#include "daemon/ingest/batch_queue.h"

#include <algorithm>

namespace logsift::ingest {

BatchQueue::BatchQueue(std::size_t capacity_batches) : capacity_(std::max<std::size_t>(1, capacity_batches)) {}

QueueStatus BatchQueue::try_push(std::unique_ptr<RawBatch>& batch) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return QueueStatus::kClosed;
    if (items_.size() >= capacity_) {
      producer_waiting_ = true;
      ++rejected_pushes_;
      return QueueStatus::kFull;
    }
    items_.push_back(std::move(batch));
  }
  not_empty_.notify_one();
  return QueueStatus::kOk;
}

QueueStatus BatchQueue::push(std::unique_ptr<RawBatch>& batch, std::chrono::milliseconds timeout) {
  {
    std::unique_lock lock(mutex_);
    bool ready = not_full_.wait_for(lock, timeout, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return QueueStatus::kClosed;
    if (!ready) return QueueStatus::kTimeout;
    items_.push_back(std::move(batch));
  }
  not_empty_.notify_one();
  return QueueStatus::kOk;
}

QueueStatus BatchQueue::pop(std::unique_ptr<RawBatch>& out, std::chrono::milliseconds timeout) {
  out.reset();
  std::unique_lock lock(mutex_);
  bool ready = not_empty_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
  if (items_.empty()) return ready ? QueueStatus::kClosed : QueueStatus::kTimeout;
  out = std::move(items_.front());
  items_.pop_front();
  not_full_.notify_one();
  notify_space(lock);
  return QueueStatus::kOk;
}

void BatchQueue::notify_space(std::unique_lock<std::mutex>& lock) {
  if (!producer_waiting_) return;
  producer_waiting_ = false;
  // Copy so callbacks run without the lock (they may post work that pushes again at once).
  std::vector<SpaceCallback> to_call;
  to_call.reserve(callbacks_.size());
  for (auto& [id, callback] : callbacks_) to_call.push_back(callback);
  lock.unlock();
  for (auto& callback : to_call) callback();
}

void BatchQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
}

bool BatchQueue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::uint64_t BatchQueue::add_space_callback(SpaceCallback callback) {
  std::lock_guard lock(mutex_);
  std::uint64_t id = next_callback_id_++;
  callbacks_.emplace_back(id, std::move(callback));
  return id;
}

void BatchQueue::remove_space_callback(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  std::erase_if(callbacks_, [id](const auto& entry) { return entry.first == id; });
}

std::size_t BatchQueue::depth() const {
  std::lock_guard lock(mutex_);
  return items_.size();
}

std::uint64_t BatchQueue::rejected_pushes() const {
  std::lock_guard lock(mutex_);
  return rejected_pushes_;
}

}  // namespace logsift::ingest
