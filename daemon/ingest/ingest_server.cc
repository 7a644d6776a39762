#include "daemon/ingest/ingest_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "daemon/ingest/server_internal.h"

namespace logsift::ingest {

using internal::asio::io_context;

namespace internal {

void ServerShared::wait_for_space(std::function<void()> resume) {
  std::lock_guard lock(mutex_);
  waiting_.push_back(std::move(resume));
}

void ServerShared::on_space() {
  // Under the lock so that stop(), once it has set `stopping` and taken the lock itself, knows no
  // resume is being posted into an event loop it is about to tear down. Resumes only post.
  std::lock_guard lock(mutex_);
  if (stopping) return;  // stop() flushes what is left
  // Batches of connections that closed while the queue was full go first, in order.
  while (!leftovers_.empty() && queue.try_push(leftovers_.front()) == QueueStatus::kOk) {
    leftovers_.erase(leftovers_.begin());
  }
  std::vector<std::function<void()>> to_resume;
  to_resume.swap(waiting_);
  for (auto& resume : to_resume) resume();
}

void ServerShared::begin_stop() {
  stopping = true;
  std::lock_guard lock(mutex_);  // waits out an on_space() in progress
}

void ServerShared::flush_at_close(std::unique_ptr<RawBatch> batch) {
  if (!batch) return;
  if (batch->empty()) {
    pool.release(std::move(batch));
    return;
  }
  std::lock_guard lock(mutex_);
  if (leftovers_.empty() && queue.try_push(batch) == QueueStatus::kOk) return;
  leftovers_.push_back(std::move(batch));  // on_space() or stop() pushes it
}

std::vector<std::unique_ptr<RawBatch>> ServerShared::take_leftovers() {
  std::lock_guard lock(mutex_);
  return std::move(leftovers_);
}

bool parse_address(const std::string& text, asio::ip::address& out) {
  boost::system::error_code ec;
  out = asio::ip::make_address(text, ec);
  return !ec;
}

PeerAddress to_peer(const asio::ip::address& address, std::uint16_t port) {
  PeerAddress peer;
  peer.port = port;
  if (address.is_v4()) {
    auto bytes = address.to_v4().to_bytes();
    std::copy(bytes.begin(), bytes.end(), peer.bytes.begin());
  } else {
    auto bytes = address.to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), peer.bytes.begin());
    peer.is_v6 = true;
  }
  return peer;
}

std::string describe(const ListenerConfig& config, std::size_t index) {
  return "listener " + std::to_string(index) + " (" + std::string(protocol_name(config.protocol)) + " " +
         config.address + ":" + std::to_string(config.port) + ")";
}

}  // namespace internal

struct IngestServer::Impl {
  // Declared first so it is destroyed last: handlers still queued in it own connections.
  io_context io;
  std::optional<internal::asio::executor_work_guard<io_context::executor_type>> work;
  std::vector<ListenerConfig> configs;
  BatchQueue& queue;
  ServerOptions options;
  IngestCounters counters;
  std::shared_ptr<internal::ServerShared> shared;
  std::vector<std::shared_ptr<internal::Listener>> listeners;
  std::vector<std::shared_ptr<internal::SourceListener>> sources;  // also in `listeners`
  std::vector<std::thread> threads;
  std::uint64_t space_callback_id = 0;
  bool started = false;
  bool stopped = false;

  Impl(std::vector<ListenerConfig> configs_in, BatchQueue& queue_in, BatchPool& pool, ServerOptions options_in)
      : configs(std::move(configs_in)), queue(queue_in), options(std::move(options_in)),
        counters(configs.size(), options.max_peers) {
    if (!options.clock) options.clock = base::system_clock_us;
    shared = std::make_shared<internal::ServerShared>(io, queue, pool, counters, options.clock,
                                                      std::chrono::milliseconds(options.flush_age_ms),
                                                      options.memory_budget_bytes);
  }
};

namespace {

std::optional<IngestError> validate(const ListenerConfig& config, std::size_t index, const BatchPool& pool) {
  auto invalid = [&](const std::string& why) {
    return IngestError{IngestError::Code::kInvalidConfig, index, internal::describe(config, index) + ": " + why};
  };
  if (config.max_message_bytes == 0) return invalid("max_message_bytes is 0");
  if (config.max_message_bytes > 0xffffffu) return invalid("max_message_bytes above 16 MiB");
  if (pool.limits().max_bytes < config.max_message_bytes + kPadding || pool.limits().max_messages == 0) {
    return invalid("batch max_bytes " + std::to_string(pool.limits().max_bytes) +
                   " cannot hold one message of max_message_bytes plus padding");
  }
  if (config.max_connections == 0) return invalid("max_connections is 0");
  if (config.protocol == Protocol::kKafka) {
    if (config.kafka.brokers.empty()) return invalid("kafka needs brokers");
    if (config.kafka.topics.empty()) return invalid("kafka needs topics");
    if (config.kafka.group.empty()) return invalid("kafka needs a group");
    if (config.kafka.poll_records == 0) return invalid("kafka poll_records is 0");
  }
  if (config.idle_timeout_ms == 0) return invalid("idle_timeout_ms is 0");
  if (config.protocol == Protocol::kRelp && config.relp_window == 0) return invalid("relp_window is 0");
  if (uses_tls(config)) {
    if (config.tls.min_version != "1.2" && config.tls.min_version != "1.3") {
      return invalid("tls min_version must be \"1.2\" or \"1.3\", not \"" + config.tls.min_version + "\"");
    }
    if (config.tls.cert_file.empty() || config.tls.key_file.empty()) return invalid("tls needs cert_file and key_file");
    if (config.tls.verify_client && config.tls.ca_file.empty()) return invalid("verify_client needs ca_file");
    if (config.tls.handshake_timeout_ms == 0) return invalid("handshake_timeout_ms is 0");
  }
  return std::nullopt;
}

}  // namespace

Expected<std::unique_ptr<IngestServer>, IngestError> IngestServer::create(std::vector<ListenerConfig> listeners,
                                                                          BatchQueue& queue, BatchPool& pool,
                                                                          ServerOptions options) {
  if (listeners.size() > 0xffff) {
    return Unexpected{IngestError{IngestError::Code::kInvalidConfig, 0, "more than 65535 listeners"}};
  }
  if (options.io_threads == 0) options.io_threads = 1;
  if (options.memory_budget_bytes < 2 * pool.limits().max_bytes) {
    return Unexpected{IngestError{IngestError::Code::kInvalidConfig, 0,
                                  "ingest memory budget " + std::to_string(options.memory_budget_bytes) +
                                      " bytes is below two batches of " + std::to_string(pool.limits().max_bytes)}};
  }
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    if (auto error = validate(listeners[i], i, pool)) return Unexpected{std::move(*error)};
  }
  auto impl = std::make_unique<Impl>(std::move(listeners), queue, pool, std::move(options));
  for (std::size_t i = 0; i < impl->configs.size(); ++i) {
    internal::ListenerContext context{impl->shared, impl->configs[i], static_cast<std::uint16_t>(i),
                                      &impl->counters.listener(i)};
    if (impl->configs[i].protocol == Protocol::kKafka) {
      auto source = internal::make_kafka_listener(std::move(context), impl->options.request_durability);
      if (!source) return Unexpected{std::move(source).error()};
      impl->sources.push_back(source.value());
      impl->listeners.push_back(std::move(source.value()));
      continue;
    }
    auto listener = impl->configs[i].protocol == Protocol::kUdp ? internal::make_udp_listener(std::move(context))
                                                                : internal::make_stream_listener(std::move(context));
    if (!listener) return Unexpected{std::move(listener).error()};
    impl->listeners.push_back(std::move(listener.value()));
  }
  std::weak_ptr<internal::ServerShared> weak = impl->shared;
  impl->space_callback_id = queue.add_space_callback([weak] {
    if (auto shared = weak.lock()) shared->on_space();
  });
  return std::unique_ptr<IngestServer>(new IngestServer(std::move(impl)));
}

IngestServer::IngestServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

IngestServer::~IngestServer() {
  stop();
  release_sources();
  impl_->queue.remove_space_callback(impl_->space_callback_id);
}

void IngestServer::start() {
  if (impl_->started || impl_->stopped) return;
  impl_->started = true;
  impl_->work.emplace(impl_->io.get_executor());
  for (auto& listener : impl_->listeners) listener->start();
  for (std::size_t i = 0; i < impl_->options.io_threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
}

void IngestServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  auto all_done = [&] {
    for (auto& listener : impl_->listeners) {
      if (!listener->done()) return false;
    }
    return true;
  };
  auto wait_until = [&](std::chrono::steady_clock::time_point deadline) {
    while (!all_done() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  };
  if (impl_->started) {
    // Grace: no new connections; established ones are read on until their senders close, or
    // until nothing is left to read: no connection held back (queue full, budget used up) and
    // none read anything for kQuietMs, so what the kernel acknowledged has been processed.
    for (auto& listener : impl_->listeners) listener->stop_accepting();
    constexpr std::int64_t kQuietMs = 100;
    const auto grace_end = std::chrono::steady_clock::now() + std::chrono::milliseconds(impl_->options.shutdown_grace_ms);
    auto& shared = *impl_->shared;
    while (!all_done() && std::chrono::steady_clock::now() < grace_end) {
      const auto now = std::chrono::steady_clock::now();
      const auto quiet = now - std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(
                                   shared.last_read_ns.load(std::memory_order_relaxed)));
      if (shared.held_back.load(std::memory_order_relaxed) == 0 && quiet >= std::chrono::milliseconds(kQuietMs)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  impl_->shared->begin_stop();
  for (auto& listener : impl_->listeners) listener->close();
  if (impl_->started) {
    // Connections close on their own strands, flushing their batches; wait (bounded) for that.
    wait_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(impl_->options.stop_drain_timeout_ms));
    impl_->work.reset();
    impl_->io.stop();
    for (auto& thread : impl_->threads) thread.join();
    impl_->threads.clear();
  }
  // One deadline for all leftovers, so stop() takes at most about stop_drain_timeout_ms here.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(impl_->options.stop_drain_timeout_ms);
  for (auto& batch : impl_->shared->take_leftovers()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (impl_->queue.push(batch, std::max(left, std::chrono::milliseconds(0))) == QueueStatus::kOk) continue;
    for (const RawMessage& m : batch->messages()) {
      ListenerCounters& c = impl_->counters.listener(m.listener_index);
      c.add(c.dropped_shutdown);
    }
    impl_->shared->pool.release(std::move(batch));
  }
}

const std::vector<ListenerConfig>& IngestServer::listeners() const { return impl_->configs; }

std::uint16_t IngestServer::bound_port(std::size_t index) const { return impl_->listeners.at(index)->port(); }

MessageFormat IngestServer::format(std::size_t index) const {
  const ListenerConfig& config = impl_->configs.at(index);
  return config.protocol == Protocol::kNdjson ? MessageFormat::kJson : config.format;
}

IngestCounters& IngestServer::counters() { return impl_->counters; }

void IngestServer::release_sources() {
  for (auto& source : impl_->sources) source->release();
}

std::vector<std::pair<std::size_t, kafka::ClientLogLine>> IngestServer::take_client_log() {
  std::vector<std::pair<std::size_t, kafka::ClientLogLine>> out;
  for (auto& source : impl_->sources) {
    const std::size_t index = source->stats().listener_index;
    for (auto& line : source->take_log()) out.emplace_back(index, std::move(line));
  }
  return out;
}

IngestStats IngestServer::stats() const {
  IngestStats stats = impl_->counters.snapshot();
  for (const auto& source : impl_->sources) stats.kafka.push_back(source->stats());
  const internal::MemoryBudget& memory = impl_->shared->memory;
  stats.memory_used_bytes = memory.used();
  stats.memory_partial_bytes = memory.partial_bytes();
  stats.memory_limit_bytes = memory.limit();
  return stats;
}

}  // namespace logsift::ingest
