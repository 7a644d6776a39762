#include "daemon/detect/signature_table.h"

#include <utility>

namespace logsift::detect {

SignatureState& SignatureTable::find_or_insert(std::uint64_t id, bool* inserted,
                                               SignatureState* evicted) {
  *inserted = false;
  if (const std::uint32_t found = index_.find(id); found != FlatIndex::kMissing) {
    SignatureState& s = slots_[found];
    touch(s);
    return s;
  }
  *inserted = true;
  std::uint32_t slot;
  if (index_.size() >= capacity_) {
    slot = tail_;
    unlink(slot);
    index_.erase(slots_[slot].signature_id);
    if (evicted) *evicted = std::move(slots_[slot]);
    slots_[slot] = SignatureState{};
  } else if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    // Growing the vector moves states; callers hold no state reference across inserts.
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
    links_.emplace_back();
  }
  SignatureState& s = slots_[slot];
  s.signature_id = id;
  s.live = true;
  index_.insert(id, slot);
  push_front(slot);
  return s;
}

void SignatureTable::touch(SignatureState& s) {
  const std::uint32_t slot = slot_of(s);
  if (head_ == slot) return;
  unlink(slot);
  push_front(slot);
}

void SignatureTable::erase(std::uint64_t id) {
  const std::uint32_t slot = index_.find(id);
  if (slot == FlatIndex::kMissing) return;
  index_.erase(id);
  unlink(slot);
  slots_[slot] = SignatureState{};
  free_.push_back(slot);
}

bool SignatureTable::rekey(std::uint64_t from, std::uint64_t to) {
  if (index_.find(to) != FlatIndex::kMissing) return false;
  const std::uint32_t slot = index_.find(from);
  if (slot == FlatIndex::kMissing) return false;
  index_.erase(from);
  index_.insert(to, slot);
  slots_[slot].signature_id = to;
  return true;
}

void SignatureTable::clear() {
  slots_.clear();
  links_.clear();
  free_.clear();
  index_.clear();
  head_ = tail_ = kNoSlot;
}

void SignatureTable::unlink(std::uint32_t slot) {
  Link& l = links_[slot];
  if (l.prev != kNoSlot) links_[l.prev].next = l.next; else head_ = l.next;
  if (l.next != kNoSlot) links_[l.next].prev = l.prev; else tail_ = l.prev;
  l.prev = l.next = kNoSlot;
}

void SignatureTable::push_front(std::uint32_t slot) {
  Link& l = links_[slot];
  l.prev = kNoSlot;
  l.next = head_;
  if (head_ != kNoSlot) links_[head_].prev = slot;
  head_ = slot;
  if (tail_ == kNoSlot) tail_ = slot;
}

}  // namespace logsift::detect
