// BatchCounts: see batch_counts.h.
#include "daemon/trend/batch_counts.h"

#include <algorithm>

#include "daemon/trend/tracker_impl.h"

namespace logsift::trend {

std::size_t BatchCounts::slot_of(std::uint64_t hash, SeriesKind kind, std::string_view key) const {
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint32_t e = table_[i];
    if (e == 0) return i;
    const Entry& x = entries_[e - 1];
    if (x.hash == hash && x.kind == kind && std::string_view(text_).substr(x.key_at, x.key_size) == key) return i;
  }
}

void BatchCounts::grow() {
  table_.assign(table_.empty() ? 64 : table_.size() * 2, 0);
  const std::size_t mask = table_.size() - 1;
  for (std::size_t n = 0; n < entries_.size(); ++n) {
    std::size_t i = entries_[n].hash & mask;
    while (table_[i] != 0) i = (i + 1) & mask;
    table_[i] = static_cast<std::uint32_t>(n + 1);
  }
}

void BatchCounts::add(SeriesKind kind, std::string_view key, std::string_view label,
                      std::uint64_t signature_id, std::uint64_t n) {
  if ((entries_.size() + 1) * 2 > table_.size()) grow();
  const std::uint64_t hash = series_hash(kind, key);
  const std::size_t slot = slot_of(hash, kind, key);
  if (table_[slot] != 0) {
    entries_[table_[slot] - 1].count += n;
    return;
  }
  const std::size_t key_at = text_.size();
  text_.append(key);
  const std::size_t label_at = text_.size();
  text_.append(label);
  entries_.push_back({hash, kind, key_at, key.size(), label_at, label.size(), signature_id, n});
  table_[slot] = static_cast<std::uint32_t>(entries_.size());
}

std::span<const SeriesCount> BatchCounts::counts() {
  out_.clear();
  const std::string_view text(text_);
  for (const Entry& e : entries_) {
    out_.push_back({e.kind, text.substr(e.key_at, e.key_size), text.substr(e.label_at, e.label_size),
                    e.signature_id, e.count});
  }
  return out_;
}

void BatchCounts::clear() {
  if (entries_.empty()) return;
  text_.clear();
  entries_.clear();
  std::fill(table_.begin(), table_.end(), 0);
}

}  // namespace logsift::trend
