// BatchCounts: occurrences of one batch summed per series, ready for RateTracker::observe.
//
// A worker adds one count per record (its host, its listener) and per incident (its signature)
// while it walks a batch, then hands counts() to the tracker in one call and clears. Keys are
// copied into a buffer the object owns; clear() keeps every buffer's capacity, so a worker that
// reuses one BatchCounts reaches a steady state with no allocation per message.
//
// Thread-safety: none; one per worker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/trend/rate_tracker.h"

namespace logsift::trend {

class BatchCounts {
 public:
  // Adds `n` occurrences to the series (kind, key). `label` and `signature_id` are kept from the
  // first add of the series in this batch.
  void add(SeriesKind kind, std::string_view key, std::string_view label = {},
           std::uint64_t signature_id = 0, std::uint64_t n = 1);

  // The summed counts, in first-added order. Views valid until the next add() or clear().
  std::span<const SeriesCount> counts();
  bool empty() const { return entries_.empty(); }
  void clear();

 private:
  struct Entry {
    std::uint64_t hash;
    SeriesKind kind;
    std::size_t key_at, key_size, label_at, label_size;
    std::uint64_t signature_id;
    std::uint64_t count;
  };
  std::size_t slot_of(std::uint64_t hash, SeriesKind kind, std::string_view key) const;
  void grow();

  std::string text_;                 // keys and labels, back to back
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> table_; // open addressing: entry index + 1, 0 = empty
  std::vector<SeriesCount> out_;
};

}  // namespace logsift::trend
