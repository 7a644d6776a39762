// Kafka listener: records of Kafka topics, read in a consumer group, into the same raw batches,
// queue, parsers and counters as network input. One record is one message (a trailing LF, CRLF
// or NUL is stripped); its timestamp is the message's arrival time.
//
// One thread owns the consumer (daemon/kafka/group_consumer.h). It observes every batch it fills
// (ticket, Assurance::kDurable); the batch's offset ranges per partition stay in `tracked_` until
// the pipeline reports it durable (records processed, their alerts stored, a snapshot taken after
// them). The offset committed for a partition is the first offset of its oldest batch not yet
// durable or, with none, the offset after the last record taken: nothing is committed before it
// is durable.
//
//   reading ──queue full──> held (batch kept, partitions paused) ──space──> reading
//      │                                                                        │
//      └──stop_accepting()/close()──> flushed (batch handed over, paused, commits go on)
//                                         └──release()──> final commit, leave the group, exit
//
// Revocation (inside poll): the records not yet used of the revoked partitions are dropped, a
// batch holding some of theirs is pushed (bounded wait), a durability round is requested and
// awaited up to revoke_timeout_ms, what is durable is committed, and the partitions go. The new
// owner starts at the committed offset, so a record is processed at least once.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>

#include "daemon/ingest/server_internal.h"
#include "daemon/kafka/group_consumer.h"

namespace logsift::ingest::internal {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kPollMs = 50;
constexpr auto kStatsEvery = std::chrono::milliseconds(500);
constexpr std::size_t kMaxLogLines = 256;

struct OffsetRange {
  std::uint32_t slot = 0;
  std::int64_t first = 0;
  std::int64_t last = 0;
};

// One batch between its first record and the pipeline's report that it is durable.
struct TrackedBatch {
  std::uint64_t ticket = 0;
  bool durable = false;
  std::vector<OffsetRange> ranges;  // few: records come in runs of one partition

  void add(std::uint32_t slot, std::int64_t offset) {
    if (!ranges.empty() && ranges.back().slot == slot) {
      ranges.back().last = offset;
      return;
    }
    for (auto& r : ranges) {
      if (r.slot == slot) {
        r.last = offset;
        return;
      }
    }
    ranges.push_back(OffsetRange{slot, offset, offset});
  }
  const OffsetRange* find(std::uint32_t slot) const {
    for (const auto& r : ranges) {
      if (r.slot == slot) return &r;
    }
    return nullptr;
  }
};

struct PartitionState {
  bool assigned = false;
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t next_offset = -1;  // after the last record taken into a batch
  std::int64_t committed = -1;    // what this member committed last
};

class KafkaListener final : public SourceListener,
                            public BatchObserver,
                            private kafka::RebalanceListener,
                            public std::enable_shared_from_this<KafkaListener> {
 public:
  KafkaListener(ListenerContext context, std::function<void()> request_durability)
      : context_(std::move(context)),
        request_durability_(std::move(request_durability)),
        buffer_(context_.config.kafka.poll_records) {
    stats_.listener_index = context_.index;
  }

  ~KafkaListener() override { release(); }

  Expected<bool, IngestError> open() {
    const auto& k = context_.config.kafka;
    kafka::ConsumerSettings settings;
    settings.where = describe(context_.config, context_.index);
    settings.brokers = k.brokers;
    settings.group = k.group;
    settings.instance_id = k.instance_id;
    settings.properties = k.properties;
    auto invalid = [&](std::string message) {
      return Unexpected{IngestError{IngestError::Code::kInvalidConfig, context_.index, std::move(message)}};
    };
    auto consumer = kafka::GroupConsumer::create(settings, *this);
    if (!consumer) return invalid(std::move(consumer).error());
    consumer_ = std::move(consumer).value();
    if (auto subscribed = consumer_->subscribe(k.topics); !subscribed) return invalid(std::move(subscribed).error());
    return true;
  }

  void start() override {
    if (started_) return;
    started_ = true;
    flushed_ = false;
    thread_ = std::thread([this] { run(); });
  }
  void stop_accepting() override { reading_ = false; }
  void close() override { reading_ = false; }
  bool done() const override { return flushed_.load(); }
  std::uint16_t port() const override { return 0; }

  // A batch of ours is durable (pipeline thread): hand its ticket to the listener's thread.
  void on_batch_processed(std::uint64_t ticket) override {
    std::lock_guard lock(durable_mutex_);
    durable_.push_back(ticket);
    durable_ready_.notify_one();
  }

  void release() override {
    if (released_.exchange(true)) return;
    if (thread_.joinable()) {
      thread_.join();
    } else if (consumer_) {
      releasing_ = true;
      consumer_->close();
    }
  }

  KafkaSourceStats stats() const override {
    std::lock_guard lock(stats_mutex_);
    return stats_;
  }

  std::vector<kafka::ClientLogLine> take_log() override {
    std::lock_guard lock(stats_mutex_);
    std::vector<kafka::ClientLogLine> out;
    out.swap(log_lines_);
    return out;
  }

 private:
  void run() {
    while (!released_.load()) {
      take_durable();
      if (reading_.load()) {
        read_some();
      } else if (!flushed_.load()) {
        hand_over_at_stop();
      } else {
        consumer_->poll(buffer_, kPollMs);  // paused: serves the group, heartbeats, rebalances
        buffer_.clear();
        position_ = 0;
      }
      publish_stats(false);
    }
    // The pipeline has stopped and reported what it made durable: commit that, then leave.
    take_durable();
    releasing_ = true;
    commit_durable({});
    consumer_->close();  // on_revoked commits once more, without waiting
    publish_stats(true);
  }

  void read_some() {
    if (held_) {
      if (!space_.exchange(false) && SteadyClock::now() < retry_at_) {
        consumer_->poll(buffer_, kPollMs);  // paused: only callbacks; a record is kept if one comes
        return;
      }
      if (!push_batch()) {
        consumer_->poll(buffer_, kPollMs);
        return;
      }
    }
    if (consumer_->paused()) consumer_->resume_all();
    std::uint64_t messages = 0, bytes = 0, truncated = 0;
    const auto records = buffer_.records();
    while (position_ < records.size()) {
      const int taken = append(records[position_], bytes, truncated);
      if (taken < 0) {
        hold();
        break;
      }
      messages += static_cast<std::uint64_t>(taken);
      ++position_;
    }
    ListenerCounters& c = *context_.counters;
    if (messages) c.add(c.messages, messages);
    if (bytes) c.add(c.bytes, bytes);
    if (truncated) c.add(c.truncated, truncated);
    if (held_) return;
    buffer_.clear();
    position_ = 0;
    if (batch_ && !batch_->empty() && SteadyClock::now() - batch_started_ >= context_.shared->flush_age) {
      if (!push_batch()) {
        hold();
        return;
      }
    }
    consumer_->poll(buffer_, batch_ && !batch_->empty() ? 5 : kPollMs);
  }

  // 1 when the record went into the batch, 0 when it was empty (skipped), -1 when the batch is
  // full and the queue refused it.
  int append(const kafka::Record& r, std::uint64_t& bytes, std::uint64_t& truncated) {
    std::string_view data = r.value;
    bool cut = false;
    if (data.size() > context_.config.max_message_bytes) {
      data = data.substr(0, context_.config.max_message_bytes);
      cut = true;
    } else {
      if (!data.empty() && (data.back() == '\n' || data.back() == '\0')) data.remove_suffix(1);
      if (!data.empty() && data.back() == '\r') data.remove_suffix(1);
    }
    PartitionState& partition = slots_[r.slot];
    if (data.empty()) {
      partition.next_offset = r.offset + 1;
      return 0;
    }
    if (batch_ && !batch_->fits(data.size()) && !push_batch()) return -1;
    if (!batch_) start_batch();
    const std::int64_t arrival_us = r.timestamp_ms > 0 ? r.timestamp_ms * 1000 : context_.shared->clock();
    batch_->append(data, arrival_us, PeerAddress{}, context_.index, cut ? kMessageTruncated : 0);
    current_->add(r.slot, r.offset);
    partition.next_offset = r.offset + 1;
    bytes += data.size();
    truncated += cut ? 1 : 0;
    return 1;
  }

  void start_batch() {
    batch_ = context_.shared->pool.acquire();
    if (spare_.empty()) spare_.push_back(std::make_unique<TrackedBatch>());
    tracked_.push_back(std::move(spare_.back()));
    spare_.pop_back();
    current_ = tracked_.back().get();
    current_->ticket = ++sequence_;
    current_->durable = false;
    current_->ranges.clear();
    batch_->set_observer(weak_from_this(), current_->ticket, Assurance::kDurable);
    batch_started_ = SteadyClock::now();
  }

  // Pushes the batch being filled; false (batch kept) while the queue is full.
  bool push_batch() {
    if (!batch_ || batch_->empty()) return true;
    auto& queue = context_.shared->queue;
    if (queue.try_push(batch_) != QueueStatus::kOk) {
      space_ = false;
      context_.shared->wait_for_space([weak = weak_from_this()] {
        if (auto self = weak.lock()) self->space_ = true;
      });
      if (queue.try_push(batch_) != QueueStatus::kOk) {  // the queue's contract: retry once
        retry_at_ = SteadyClock::now() + std::chrono::seconds(1);  // and now and then regardless
        return false;
      }
    }
    batch_.reset();
    current_ = nullptr;
    held_ = false;
    return true;
  }

  void hold() {
    if (!held_) {
      held_ = true;
      context_.counters->add(context_.counters->backpressure_pauses);
    }
    consumer_->pause_all();
  }

  void hand_over_at_stop() {
    if (batch_ && !batch_->empty()) context_.shared->flush_at_close(std::move(batch_));
    batch_.reset();
    current_ = nullptr;
    held_ = false;
    consumer_->pause_all();
    buffer_.clear();
    position_ = 0;
    flushed_ = true;
  }

  // Marks the batches the pipeline reported durable and commits the progress.
  void take_durable() {
    {
      std::lock_guard lock(durable_mutex_);
      if (durable_.empty()) return;
      taken_.swap(durable_);
    }
    for (std::uint64_t t : taken_) {
      for (auto& b : tracked_) {
        if (b->ticket == t) b->durable = true;
      }
    }
    taken_.clear();
    for (std::size_t i = 0; i < tracked_.size();) {
      if (tracked_[i]->durable) {
        spare_.push_back(std::move(tracked_[i]));
        tracked_.erase(tracked_.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
    commit_durable({});
  }

  // The offset up to which `slot` is durable; -1 when nothing is known.
  std::int64_t durable_offset(std::uint32_t slot) const {
    std::int64_t offset = slots_[slot].next_offset;
    for (const auto& b : tracked_) {
      if (const OffsetRange* r = b->find(slot); r != nullptr && (offset < 0 || r->first < offset)) offset = r->first;
    }
    return offset;
  }

  // Commits the durable progress of the given partitions (all assigned ones when empty).
  void commit_durable(std::span<const kafka::AssignedPartition> only) {
    offsets_.clear();
    auto consider = [&](std::uint32_t slot) {
      if (slot >= slots_.size() || !slots_[slot].assigned) return;
      const std::int64_t offset = durable_offset(slot);
      if (offset >= 0 && offset > slots_[slot].committed) {
        offsets_.push_back(kafka::PartitionOffset{slots_[slot].topic, slots_[slot].partition, offset});
      }
    };
    if (only.empty()) {
      for (std::uint32_t s = 0; s < slots_.size(); ++s) consider(s);
    } else {
      for (const auto& p : only) consider(p.slot);
    }
    if (offsets_.empty()) return;
    if (auto done = consumer_->commit(offsets_); !done) {
      consumer_->log().add(4, "COMMIT", std::move(done).error());
      return;
    }
    for (const auto& o : offsets_) {
      for (auto& s : slots_) {
        if (s.assigned && s.partition == o.partition && s.topic == o.topic) s.committed = o.offset;
      }
    }
  }

  void on_assigned(std::span<kafka::AssignedPartition> partitions) override {
    for (const auto& p : partitions) {
      if (p.slot >= slots_.size()) slots_.resize(p.slot + 1);
      slots_[p.slot] = PartitionState{true, p.topic, p.partition, -1, -1};
    }
  }

  void on_revoked(std::span<const kafka::AssignedPartition> partitions, bool lost) override {
    buffer_.drop_slots(partitions, position_);
    auto involves = [&](const TrackedBatch& b) {
      for (const auto& p : partitions) {
        if (b.find(p.slot) != nullptr) return true;
      }
      return false;
    };
    if (!lost && !releasing_) {
      const auto deadline = SteadyClock::now() + std::chrono::milliseconds(context_.config.kafka.revoke_timeout_ms);
      if (batch_ && current_ != nullptr && involves(*current_)) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
        if (context_.shared->queue.push(batch_, wait) == QueueStatus::kOk) {
          batch_.reset();
          current_ = nullptr;
          held_ = false;
        }
      }
      if (request_durability_) request_durability_();
      for (;;) {
        take_durable();
        bool waiting = false;
        for (const auto& b : tracked_) waiting = waiting || (b.get() != current_ && involves(*b));
        if (!waiting || SteadyClock::now() >= deadline) break;
        std::unique_lock lock(durable_mutex_);
        durable_ready_.wait_for(lock, std::chrono::milliseconds(kPollMs), [&] { return !durable_.empty(); });
      }
    } else {
      take_durable();
    }
    if (!lost) commit_durable(partitions);
    // The batches still in flight are processed anyway (at least once); they no longer hold
    // commits back, and their slots may be reused.
    for (auto& b : tracked_) {
      std::erase_if(b->ranges, [&](const OffsetRange& r) {
        for (const auto& p : partitions) {
          if (p.slot == r.slot) return true;
        }
        return false;
      });
    }
    for (const auto& p : partitions) {
      if (p.slot < slots_.size()) slots_[p.slot] = PartitionState{};
    }
  }

  void publish_stats(bool now) {
    const auto t = SteadyClock::now();
    if (!now && t < next_stats_) return;
    next_stats_ = t + kStatsEvery;
    KafkaSourceStats s;
    s.listener_index = context_.index;
    const auto& c = consumer_->counters();
    s.records = c.records.load(std::memory_order_relaxed);
    s.commits = c.commits.load(std::memory_order_relaxed);
    s.commit_failures = c.commit_failures.load(std::memory_order_relaxed);
    s.rebalances = c.rebalances.load(std::memory_order_relaxed);
    s.consume_errors = c.consume_errors.load(std::memory_order_relaxed);
    s.offsets_skipped = c.offsets_skipped.load(std::memory_order_relaxed);
    s.partitions = c.partitions.load(std::memory_order_relaxed);
    s.paused = consumer_->paused();
    s.lag = consumer_->lag();
    auto lines = consumer_->log().take();
    std::lock_guard lock(stats_mutex_);
    stats_ = std::move(s);
    for (auto& line : lines) {
      if (log_lines_.size() < kMaxLogLines) log_lines_.push_back(std::move(line));
    }
  }

  ListenerContext context_;
  const std::function<void()> request_durability_;
  std::unique_ptr<kafka::GroupConsumer> consumer_;
  std::thread thread_;
  bool started_ = false;
  std::atomic<bool> reading_{true};
  std::atomic<bool> flushed_{true};  // nothing to hand over until started
  std::atomic<bool> released_{false};
  std::atomic<bool> space_{false};
  bool releasing_ = false;

  // The consumer thread's own.
  kafka::RecordBuffer buffer_;
  std::size_t position_ = 0;  // records of buffer_ already taken into batches
  std::unique_ptr<RawBatch> batch_;
  TrackedBatch* current_ = nullptr;  // batch_'s entry in tracked_
  SteadyClock::time_point batch_started_{};
  SteadyClock::time_point retry_at_{};
  bool held_ = false;
  std::uint64_t sequence_ = 0;
  std::vector<std::unique_ptr<TrackedBatch>> tracked_;
  std::vector<std::unique_ptr<TrackedBatch>> spare_;
  std::vector<PartitionState> slots_;  // by the consumer's slot number
  std::vector<kafka::PartitionOffset> offsets_;
  std::vector<std::uint64_t> taken_;
  SteadyClock::time_point next_stats_{};

  std::mutex durable_mutex_;
  std::condition_variable durable_ready_;
  std::vector<std::uint64_t> durable_;

  mutable std::mutex stats_mutex_;
  KafkaSourceStats stats_;
  std::vector<kafka::ClientLogLine> log_lines_;
};

}  // namespace

Expected<std::shared_ptr<SourceListener>, IngestError> make_kafka_listener(ListenerContext context,
                                                                          std::function<void()> request_durability) {
  auto listener = std::make_shared<KafkaListener>(std::move(context), std::move(request_durability));
  if (auto opened = listener->open(); !opened) return Unexpected{std::move(opened).error()};
  return std::shared_ptr<SourceListener>(std::move(listener));
}

}  // namespace logsift::ingest::internal
