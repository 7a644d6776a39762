// FlatIndex: an open-addressing hash map from 64-bit ids to 32-bit slots, for the per-incident
// signature lookup. Linear probing over one array (one cache miss per lookup where a node-based
// map takes two), backward-shift deletion (no tombstones), grown by doubling at 3/4 load.
// Keys are already uniform hashes; they are mixed once more so that ids that share low bits do not
// cluster. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace logsift::detect {

class FlatIndex {
 public:
  static constexpr std::uint32_t kMissing = 0xffffffffu;

  std::uint32_t find(std::uint64_t key) const {
    if (entries_.empty()) return kMissing;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.slot == kMissing) return kMissing;
      if (e.key == key) return e.slot;
    }
  }

  // Inserts or overwrites.
  void insert(std::uint64_t key, std::uint32_t slot) {
    if ((size_ + 1) * 4 > entries_.size() * 3) grow();
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      Entry& e = entries_[i];
      if (e.slot == kMissing) {
        e = {key, slot};
        ++size_;
        return;
      }
      if (e.key == key) {
        e.slot = slot;
        return;
      }
    }
  }

  bool erase(std::uint64_t key) {
    if (entries_.empty()) return false;
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (entries_[i].slot == kMissing) return false;
      if (entries_[i].key == key) break;
    }
    // Backward shift: move later entries of the probe run into the hole when that brings them
    // no further from home than they were.
    std::size_t hole = i;
    for (std::size_t j = (hole + 1) & mask_; entries_[j].slot != kMissing; j = (j + 1) & mask_) {
      const std::size_t h = home(entries_[j].key);
      const bool movable = ((j - h) & mask_) >= ((j - hole) & mask_);
      if (movable) {
        entries_[hole] = entries_[j];
        hole = j;
      }
    }
    entries_[hole].slot = kMissing;
    --size_;
    return true;
  }

  std::size_t size() const { return size_; }
  void clear() {
    entries_.clear();
    mask_ = 0;
    size_ = 0;
  }

 private:
  struct Entry {
    std::uint64_t key = 0;
    std::uint32_t slot = kMissing;
  };

  std::size_t home(std::uint64_t key) const {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return static_cast<std::size_t>(key) & mask_;
  }

  void grow() {
    std::vector<Entry> old = std::move(entries_);
    entries_.assign(old.empty() ? 64 : old.size() * 2, Entry{});
    mask_ = entries_.size() - 1;
    size_ = 0;
    for (const Entry& e : old) {
      if (e.slot != kMissing) insert(e.key, e.slot);
    }
  }

  std::vector<Entry> entries_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace logsift::detect
