// IngestCounters: what ingest received, dropped, truncated and refused, per listener and per peer.
//
// Listener counters are relaxed atomics, bumped by the I/O threads once per read or datagram batch
// (not per message where avoidable). Peer counters live in a bounded table (default 1024 peers,
// keyed by IP address without port; the least recently seen peer is evicted) behind one mutex,
// updated once per read. snapshot() copies everything into plain values for the metrics endpoint.
//
// `parse_failures` is not ingest's to observe: the parse stage reports them back through
// add_parse_failures() so that per-peer numbers sit together. All members are thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/ingest/raw_batch.h"
#include "daemon/kafka/group_consumer.h"

namespace logsift::ingest {

// Plain-value copy of one listener's counters.
struct ListenerStats {
  std::uint64_t messages = 0;               // accepted into a batch
  std::uint64_t bytes = 0;                  // message bytes accepted (after truncation)
  std::uint64_t truncated = 0;              // messages cut to max_message_bytes
  std::uint64_t framing_errors = 0;         // malformed octet counts (stream resynchronised)
  std::uint64_t parse_failures = 0;         // reported by the parse stage
  std::uint64_t dropped_queue_full = 0;     // UDP datagrams dropped because the queue was full
  std::uint64_t dropped_kernel_overflow = 0;  // UDP datagrams the kernel dropped (SO_RXQ_OVFL)
  std::uint64_t dropped_shutdown = 0;       // messages in batches the queue refused at stop()
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_active = 0;
  std::uint64_t connections_rejected = 0;   // over max_connections
  std::uint64_t tls_handshake_failures = 0;  // bad certificate, protocol, or handshake timeout
  std::uint64_t handshake_timeouts = 0;     // subset of tls_handshake_failures
  std::uint64_t idle_timeouts = 0;
  std::uint64_t read_errors = 0;            // connection resets and socket errors
  std::uint64_t backpressure_pauses = 0;    // times a connection stopped reading for a full queue
  std::uint64_t memory_pauses = 0;          // times a connection stopped reading for the memory budget
  std::uint64_t closed_for_memory = 0;      // connections closed to free the budget (oldest partial frame)
  std::uint64_t partial_bytes_dropped = 0;  // bytes of the partial frames those connections held
  std::uint64_t dropped_shutdown_bytes = 0; // bytes senders wrote that were not processed at stop
                                            // (kernel receive queue + unframed), after the grace period
  std::uint64_t connections_cut_at_shutdown = 0;  // connections with such bytes
  std::uint64_t relp_acknowledged = 0;      // RELP messages answered "200 OK" (processed)
  std::uint64_t relp_refused = 0;           // RELP frames answered with a 500 (unknown command, ...)
  std::uint64_t relp_unanswered_at_close = 0;  // RELP messages read but not answered when their
                                               // connection closed (the sender resends them)
};

struct PeerStats {
  std::string address;  // IP address without port
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
  std::uint64_t truncated = 0;
  std::uint64_t dropped = 0;  // UDP queue-full drops
  std::uint64_t parse_failures = 0;
};

// A Kafka listener's consumer (kafka_listener.h), beside its ListenerStats.
struct KafkaSourceStats {
  std::size_t listener_index = 0;
  std::uint64_t records = 0;          // records taken from the brokers
  std::uint64_t commits = 0;          // offset commits the group accepted
  std::uint64_t commit_failures = 0;
  std::uint64_t rebalances = 0;       // assignment changes (assign or revoke)
  std::uint64_t consume_errors = 0;   // error events from the fetcher (logged)
  std::uint64_t offsets_skipped = 0;  // offsets the records jumped over (kafka::ConsumerCounters)
  std::uint64_t partitions = 0;       // assigned now
  bool paused = false;                // reading paused: the pipeline queue is full
  std::vector<kafka::PartitionLag> lag;  // per assigned partition
};

struct IngestStats {
  std::vector<ListenerStats> listeners;  // same order as the listener configs
  std::vector<KafkaSourceStats> kafka;   // one per kafka listener
  // The stream connections' memory budget (memory_budget.h): use now, of which partial frames.
  std::uint64_t memory_used_bytes = 0;
  std::uint64_t memory_partial_bytes = 0;
  std::uint64_t memory_limit_bytes = 0;
  std::vector<PeerStats> peers;          // most recently seen first
  std::uint64_t peers_evicted = 0;
};

// Atomic counters of one listener; field meanings as in ListenerStats.
struct ListenerCounters {
  std::atomic<std::uint64_t> messages{0}, bytes{0}, truncated{0}, framing_errors{0}, parse_failures{0},
      dropped_queue_full{0}, dropped_kernel_overflow{0}, dropped_shutdown{0}, connections_accepted{0},
      connections_active{0}, connections_rejected{0}, tls_handshake_failures{0}, handshake_timeouts{0},
      idle_timeouts{0}, read_errors{0}, backpressure_pauses{0}, memory_pauses{0}, closed_for_memory{0},
      partial_bytes_dropped{0}, dropped_shutdown_bytes{0}, connections_cut_at_shutdown{0}, relp_acknowledged{0},
      relp_refused{0}, relp_unanswered_at_close{0};

  void add(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
  ListenerStats snapshot() const;
};

// Additions for one peer, accumulated by a listener over one read and applied under one lock.
struct PeerDelta {
  std::uint64_t messages = 0, bytes = 0, truncated = 0, dropped = 0, parse_failures = 0;
  bool empty() const { return (messages | bytes | truncated | dropped | parse_failures) == 0; }
};

class IngestCounters {
 public:
  explicit IngestCounters(std::size_t listener_count, std::size_t max_peers = 1024);

  ListenerCounters& listener(std::size_t index) { return *listeners_[index]; }
  std::size_t listener_count() const { return listeners_.size(); }

  void add_peer(const PeerAddress& peer, const PeerDelta& delta);
  // For the parse stage: failures of messages from `listener_index` sent by `peer`.
  void add_parse_failures(std::size_t listener_index, const PeerAddress& peer, std::uint64_t count);

  IngestStats snapshot() const;

 private:
  struct PeerKey {
    std::array<std::uint8_t, 16> bytes;
    bool is_v6;
    friend bool operator==(const PeerKey&, const PeerKey&) = default;
  };
  struct PeerKeyHash {
    std::size_t operator()(const PeerKey& key) const;
  };
  struct PeerEntry {
    PeerAddress address;
    PeerDelta totals;
  };

  std::vector<std::unique_ptr<ListenerCounters>> listeners_;
  const std::size_t max_peers_;
  mutable std::mutex peers_mutex_;
  std::list<PeerEntry> lru_;  // front = most recently seen
  std::unordered_map<PeerKey, std::list<PeerEntry>::iterator, PeerKeyHash> peers_;
  std::uint64_t peers_evicted_ = 0;
};

}  // namespace logsift::ingest
