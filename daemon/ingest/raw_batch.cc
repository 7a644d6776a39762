#include "daemon/ingest/raw_batch.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace logsift::ingest {

std::string_view PeerAddress::write_address(std::array<char, kAddressTextBytes>& text) const {
  static_assert(kAddressTextBytes >= INET6_ADDRSTRLEN);
  if (inet_ntop(is_v6 ? AF_INET6 : AF_INET, bytes.data(), text.data(), text.size()) == nullptr) return {};
  return text.data();
}

std::string PeerAddress::address_string() const {
  std::array<char, kAddressTextBytes> text{};
  return std::string(write_address(text));
}

std::string PeerAddress::to_string() const {
  std::string address = address_string();
  std::string port_text = std::to_string(port);
  return is_v6 ? "[" + address + "]:" + port_text : address + ":" + port_text;
}

RawBatch::RawBatch(BatchLimits limits) : limits_(limits), buffer_(limits.max_bytes, '\0') {
  messages_.reserve(limits.max_messages);
}

const RawMessage& RawBatch::append(std::string_view bytes, std::int64_t arrival_us,
                                   const PeerAddress& peer, std::uint16_t listener_index,
                                   std::uint8_t flags) {
  if (!fits(bytes.size())) {
    std::fputs("logsift: RawBatch::append without room (caller must check fits())\n", stderr);
    std::abort();
  }
  char* out = buffer_.data() + used_bytes_;
  std::memcpy(out, bytes.data(), bytes.size());
  // Earlier use of this memory may have left bytes in the padding: clear it again.
  std::memset(out + bytes.size(), 0, kPadding);
  RawMessage& m = messages_.emplace_back();
  m.offset = static_cast<std::uint32_t>(used_bytes_);
  m.length = static_cast<std::uint32_t>(bytes.size());
  m.arrival_us = arrival_us;
  m.peer = peer;
  m.listener_index = listener_index;
  m.flags = flags;
  used_bytes_ += bytes.size() + kPadding;
  payload_bytes_ += bytes.size();
  return m;
}

void RawBatch::reset() {
  messages_.clear();
  used_bytes_ = 0;
  payload_bytes_ = 0;
  observer_.reset();
  assurance_ = Assurance::kProcessed;
  ticket_ = 0;
}

BatchPool::BatchPool(BatchLimits limits, std::size_t max_idle) : limits_(limits), max_idle_(max_idle) {}

std::unique_ptr<RawBatch> BatchPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<RawBatch> batch = std::move(idle_.back());
      idle_.pop_back();
      return batch;
    }
    ++allocated_;
  }
  return std::make_unique<RawBatch>(limits_);
}

void BatchPool::release(std::unique_ptr<RawBatch> batch) {
  if (!batch) return;
  batch->reset();
  std::lock_guard lock(mutex_);
  // A batch of another shape (or beyond max_idle) is simply freed.
  if (idle_.size() < max_idle_ && batch->limits().max_bytes == limits_.max_bytes &&
      batch->limits().max_messages == limits_.max_messages) {
    idle_.push_back(std::move(batch));
  }
}

std::size_t BatchPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::size_t BatchPool::allocated() const {
  std::lock_guard lock(mutex_);
  return allocated_;
}

}  // namespace logsift::ingest
