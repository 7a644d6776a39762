// IngestServer: the network listeners (UDP, TCP, TLS, NDJSON) that fill RawBatches and push them
// into a BatchQueue.
//
// Built from a vector of ListenerConfig; every listener is bound in create(), so a bad address, a
// port in use or an unreadable certificate comes back as an IngestError value (nothing is thrown,
// logged or printed). start() runs the listeners on `io_threads` threads of one private event loop
// (Boost.Asio, kept out of this header). stop() stops accepting, keeps reading established
// connections for shutdown_grace_ms (less when every sender closed, or when nothing was read
// for 100 ms and no connection is held back by a full queue), then closes the rest,
// counting what they had sent but was not processed (dropped_shutdown_bytes: the kernel's receive
// queue, SIOCINQ, plus read but unframed bytes), pushes partially filled batches into the queue
// (waiting up to stop_drain_timeout_ms for space, so the consumer must still be popping), and
// joins the threads. The destructor stops.
//
// Memory: stream connections read into small fixed buffers and take a batch only for complete
// messages, within memory_budget_bytes for all of them (memory_budget.h); reading pauses when the
// budget is used up, and stalled partial frames past half of it are closed (counted).
//
// Batching: each TCP/TLS/NDJSON connection fills its own batch; each UDP listener fills one batch.
// A batch is pushed when the next message might not fit, or flush_age_ms after its first message,
// whichever comes first, so low traffic waits at most about flush_age_ms.
//
// Backpressure: when try_push() finds the queue full, a TCP/TLS/NDJSON connection keeps its batch
// and its unread bytes and stops reading; the kernel's receive window fills and the sender slows
// down. It resumes (on its own I/O thread) after the consumer pops: the server registers a space
// callback on the queue. A UDP listener keeps its full batch and drops new datagrams, counting
// them (dropped_queue_full). Nothing accepted into a batch is dropped while the server runs.
//
// Kafka listeners read records of a consumer group on a thread each instead of sockets, into the
// same batches, queue and counters; a full queue pauses their partitions. stop() hands their
// partial batches over like a connection's; their offsets are committed only for batches the
// pipeline reported durable (RawBatch observers, Assurance::kDurable), and release_sources()
// ends them.
//
// Lifetime: the BatchQueue and BatchPool must outlive the server. Thread-safety: create(), start(),
// stop() and the destructor from one controlling thread; the accessors from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "daemon/ingest/batch_queue.h"
#include "daemon/ingest/ingest_counters.h"
#include "daemon/ingest/listener_config.h"
#include "daemon/ingest/raw_batch.h"
#include "parsers/base/clock.h"
#include "parsers/base/expected.h"

namespace logsift::ingest {

// Arrival time source: microseconds since the Unix epoch. Read once per read or datagram batch.
using Clock = base::Clock;

struct ServerOptions {
  std::size_t io_threads = 2;             // threads running the event loop
  std::uint32_t flush_age_ms = 50;        // a partially filled batch is pushed after this long
  std::uint32_t stop_drain_timeout_ms = 5000;  // stop(): wait this long for queue space
  // stop(): after refusing new connections, keep reading established ones this long so what the
  // kernel already acknowledged to senders is processed; what is left after it is counted.
  // 0 closes them at once (the daemon's default is 3 s, pipeline.shutdown_grace).
  std::uint32_t shutdown_grace_ms = 0;
  // What stream connections may hold together in partial frames and batches being filled
  // (memory_budget.h). Reading pauses when it is used up. At least two batches.
  std::size_t memory_budget_bytes = 256u << 20;
  std::size_t max_peers = 1024;           // per-peer counters kept (least recently seen evicted)
  Clock clock;                            // empty: base::system_clock_us
  // Kafka listeners call this when partitions are revoked, to have what they read made durable
  // before they commit and give the partitions up (Pipeline::request_durability). May be empty.
  std::function<void()> request_durability;
};

struct IngestError {
  enum class Code : std::uint8_t {
    kInvalidConfig,  // a limit of 0, a batch too small for max_message_bytes, a bad TLS version
    kAddress,        // the address is not an IP literal
    kBind,           // socket, bind or listen failed (port in use, permission)
    kTls,            // certificate, key or CA could not be loaded
  };
  Code code;
  std::size_t listener_index;  // which listener; 0 for errors not tied to one
  std::string message;         // "listener 1 (tcp 127.0.0.1:514): bind: Address already in use"
};

class IngestServer {
 public:
  [[nodiscard]] static Expected<std::unique_ptr<IngestServer>, IngestError> create(
      std::vector<ListenerConfig> listeners, BatchQueue& queue, BatchPool& pool, ServerOptions options = {});

  ~IngestServer();
  IngestServer(const IngestServer&) = delete;
  IngestServer& operator=(const IngestServer&) = delete;

  void start();  // idempotent
  void stop();   // idempotent; see above

  const std::vector<ListenerConfig>& listeners() const;
  // The port listener `index` is bound to (the kernel's choice when configured as 0).
  std::uint16_t bound_port(std::size_t index) const;
  // The format the consumer should parse listener `index`'s messages as (kJson for NDJSON).
  MessageFormat format(std::size_t index) const;

  IngestCounters& counters();
  IngestStats stats() const;

  // Kafka listeners (kafka_listener.cc). After the pipeline has stopped, release_sources()
  // commits what is durable and leaves the consumer groups (the destructor does it too).
  // take_client_log() hands out librdkafka's log lines (listener index, line) to be logged.
  void release_sources();
  std::vector<std::pair<std::size_t, kafka::ClientLogLine>> take_client_log();

 private:
  struct Impl;
  explicit IngestServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace logsift::ingest
