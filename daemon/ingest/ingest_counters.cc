#include "daemon/ingest/ingest_counters.h"

#include <algorithm>

namespace logsift::ingest {


ListenerStats ListenerCounters::snapshot() const {
  auto get = [](const std::atomic<std::uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  ListenerStats s;
  s.messages = get(messages);
  s.bytes = get(bytes);
  s.truncated = get(truncated);
  s.framing_errors = get(framing_errors);
  s.parse_failures = get(parse_failures);
  s.dropped_queue_full = get(dropped_queue_full);
  s.dropped_kernel_overflow = get(dropped_kernel_overflow);
  s.dropped_shutdown = get(dropped_shutdown);
  s.connections_accepted = get(connections_accepted);
  s.connections_active = get(connections_active);
  s.connections_rejected = get(connections_rejected);
  s.tls_handshake_failures = get(tls_handshake_failures);
  s.handshake_timeouts = get(handshake_timeouts);
  s.idle_timeouts = get(idle_timeouts);
  s.read_errors = get(read_errors);
  s.backpressure_pauses = get(backpressure_pauses);
  s.memory_pauses = get(memory_pauses);
  s.closed_for_memory = get(closed_for_memory);
  s.partial_bytes_dropped = get(partial_bytes_dropped);
  s.dropped_shutdown_bytes = get(dropped_shutdown_bytes);
  s.connections_cut_at_shutdown = get(connections_cut_at_shutdown);
  s.relp_acknowledged = get(relp_acknowledged);
  s.relp_refused = get(relp_refused);
  s.relp_unanswered_at_close = get(relp_unanswered_at_close);
  return s;
}

std::size_t IngestCounters::PeerKeyHash::operator()(const PeerKey& key) const {
  // FNV-1a over 17 bytes: peers are few and updated once per read, this is not a hot path.
  std::uint64_t h = 1469598103934665603ull;
  for (std::uint8_t b : key.bytes) h = (h ^ b) * 1099511628211ull;
  h = (h ^ static_cast<std::uint8_t>(key.is_v6)) * 1099511628211ull;
  return static_cast<std::size_t>(h);
}

IngestCounters::IngestCounters(std::size_t listener_count, std::size_t max_peers)
    : max_peers_(std::max<std::size_t>(1, max_peers)) {
  listeners_.reserve(listener_count);
  for (std::size_t i = 0; i < listener_count; ++i) listeners_.push_back(std::make_unique<ListenerCounters>());
}

void IngestCounters::add_peer(const PeerAddress& peer, const PeerDelta& delta) {
  if (delta.empty()) return;
  PeerKey key{peer.bytes, peer.is_v6};
  std::lock_guard lock(peers_mutex_);
  auto found = peers_.find(key);
  if (found == peers_.end()) {
    if (peers_.size() >= max_peers_) {
      const PeerEntry& oldest = lru_.back();
      peers_.erase(PeerKey{oldest.address.bytes, oldest.address.is_v6});
      lru_.pop_back();
      ++peers_evicted_;
    }
    lru_.push_front(PeerEntry{peer, {}});
    lru_.front().address.port = 0;
    found = peers_.emplace(key, lru_.begin()).first;
  } else if (found->second != lru_.begin()) {
    lru_.splice(lru_.begin(), lru_, found->second);
  }
  PeerDelta& totals = found->second->totals;
  totals.messages += delta.messages;
  totals.bytes += delta.bytes;
  totals.truncated += delta.truncated;
  totals.dropped += delta.dropped;
  totals.parse_failures += delta.parse_failures;
}

void IngestCounters::add_parse_failures(std::size_t listener_index, const PeerAddress& peer,
                                        std::uint64_t count) {
  if (listener_index < listeners_.size()) listeners_[listener_index]->add(listeners_[listener_index]->parse_failures, count);
  PeerDelta delta;
  delta.parse_failures = count;
  add_peer(peer, delta);
}

IngestStats IngestCounters::snapshot() const {
  IngestStats stats;
  stats.listeners.reserve(listeners_.size());
  for (const auto& listener : listeners_) stats.listeners.push_back(listener->snapshot());
  std::lock_guard lock(peers_mutex_);
  stats.peers.reserve(lru_.size());
  for (const PeerEntry& entry : lru_) {
    PeerStats& p = stats.peers.emplace_back();
    p.address = entry.address.address_string();
    p.messages = entry.totals.messages;
    p.bytes = entry.totals.bytes;
    p.truncated = entry.totals.truncated;
    p.dropped = entry.totals.dropped;
    p.parse_failures = entry.totals.parse_failures;
  }
  stats.peers_evicted = peers_evicted_;
  return stats;
}

}  // namespace logsift::ingest
