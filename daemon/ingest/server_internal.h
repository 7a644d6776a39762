// Internal to daemon/ingest: what the listeners share with the server. Includes Asio; never
// include it from a public header.
//
// Threading: each listener and each connection runs on its own strand of the server's io_context;
// ServerShared is touched from all of them and is thread-safe.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "daemon/ingest/batch_queue.h"
#include "daemon/ingest/ingest_counters.h"
#include "daemon/ingest/ingest_server.h"
#include "daemon/ingest/listener_config.h"
#include "daemon/ingest/memory_budget.h"
#include "daemon/ingest/raw_batch.h"

namespace logsift::ingest::internal {

namespace asio = boost::asio;

struct ServerShared {
  ServerShared(asio::io_context& io_context_in, BatchQueue& queue_in, BatchPool& pool_in,
               IngestCounters& counters_in, Clock clock_in, std::chrono::milliseconds flush_age_in,
               std::size_t memory_budget_bytes)
      : io_context(io_context_in), queue(queue_in), pool(pool_in), counters(counters_in),
        clock(std::move(clock_in)), flush_age(flush_age_in), memory(memory_budget_bytes) {}

  asio::io_context& io_context;
  BatchQueue& queue;
  BatchPool& pool;
  IngestCounters& counters;
  const Clock clock;
  const std::chrono::milliseconds flush_age;
  std::atomic<bool> stopping{false};
  MemoryBudget memory;  // what stream connections hold: partial frames, batches being filled
  // For the shutdown grace: when a connection last read bytes (steady clock, ns), and how many
  // connections are not reading by our choice (queue full or budget used up) right now.
  std::atomic<std::int64_t> last_read_ns{0};
  std::atomic<std::int64_t> held_back{0};

  // Producers that found the queue full. `resume` must only post work (it runs on the thread
  // that popped). Follow the BatchQueue contract: register, retry try_push, then wait.
  void wait_for_space(std::function<void()> resume);
  void on_space();  // the queue's space callback
  void begin_stop();  // sets `stopping`; returns once no on_space() is running

  // Pushes `batch` or, when the queue refuses it, keeps it for stop() to push with a timeout.
  void flush_at_close(std::unique_ptr<RawBatch> batch);
  std::vector<std::unique_ptr<RawBatch>> take_leftovers();

 private:
  std::mutex mutex_;
  std::vector<std::function<void()>> waiting_;
  std::vector<std::unique_ptr<RawBatch>> leftovers_;
};

// One bound listener. start() begins receiving; stop_accepting() (any thread) refuses new
// connections while established ones go on; close() (any thread) stops accepting/receiving and
// closes its connections (close_for_shutdown); done() turns true once nothing of it is still
// running (after stop_accepting(), once every connection ended).
class Listener {
 public:
  virtual ~Listener() = default;
  virtual void start() = 0;
  virtual void stop_accepting() {}
  virtual void close() = 0;
  virtual bool done() const = 0;
  virtual std::uint16_t port() const = 0;
};

// A listener that reads from a system with its own acknowledgements (Kafka): it observes its
// batches until they are durable (Assurance::kDurable) and finishes after the pipeline stopped.
class SourceListener : public Listener {
 public:
  // After the pipeline stopped: commits what is durable, leaves, joins its thread. Idempotent.
  virtual void release() = 0;
  virtual KafkaSourceStats stats() const = 0;
  virtual std::vector<kafka::ClientLogLine> take_log() = 0;
};

struct ListenerContext {
  std::shared_ptr<ServerShared> shared;
  ListenerConfig config;
  std::uint16_t index = 0;
  ListenerCounters* counters = nullptr;
};

// Parses an IP literal; false when it is not one.
bool parse_address(const std::string& text, asio::ip::address& out);
PeerAddress to_peer(const asio::ip::address& address, std::uint16_t port);
std::string describe(const ListenerConfig& config, std::size_t index);

Expected<std::shared_ptr<Listener>, IngestError> make_udp_listener(ListenerContext context);
Expected<std::shared_ptr<Listener>, IngestError> make_stream_listener(ListenerContext context);
// `request_durability` asks the pipeline for a durability round (on revocation).
Expected<std::shared_ptr<SourceListener>, IngestError> make_kafka_listener(ListenerContext context,
                                                                          std::function<void()> request_durability);

}  // namespace logsift::ingest::internal
