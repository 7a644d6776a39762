// GroupConsumer; see group_consumer.h.
//
// Rebalance, as librdkafka calls it (inside poll() or close(), on the owner's thread):
//
//   ASSIGN_PARTITIONS ─> slots claimed ─> listener.on_assigned (may set start offsets)
//                     ─> incremental_assign (cooperative) or assign (eager) ─> paused if paused_all
//   REVOKE_PARTITIONS ─> listener.on_revoked (lost = the group already moved them)
//                     ─> incremental_unassign (cooperative) or assign(NULL) (eager) ─> slots freed
#include "daemon/kafka/group_consumer.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace logsift::kafka {

struct GroupConsumer::Callbacks {
  static void rebalance(rd_kafka_t*, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions,
                        void* opaque) {
    auto* self = static_cast<GroupConsumer*>(opaque);
    try {
      self->on_rebalance(error, partitions);
    } catch (...) {  // never through librdkafka's frames: poll() rethrows it
      if (!self->listener_error_) self->listener_error_ = std::current_exception();
    }
  }
  static void log(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
    auto* self = static_cast<GroupConsumer*>(rd_kafka_opaque(rk));
    if (self != nullptr) self->log_.add(level, facility, text);
  }
  static void error(rd_kafka_t*, int error, const char* reason, void* opaque) {
    static_cast<GroupConsumer*>(opaque)->log_.add(3, "ERROR",
                                                  std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(error))) +
                                                      ": " + reason);
  }
};

RecordBuffer::RecordBuffer(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {
  messages_.reserve(capacity_);
  records_.reserve(capacity_);
}

RecordBuffer::~RecordBuffer() { clear(); }

void RecordBuffer::clear() {
  for (rd_kafka_message_t* m : messages_) rd_kafka_message_destroy(m);
  messages_.clear();
  records_.clear();
}

void RecordBuffer::drop_slots(std::span<const AssignedPartition> partitions, std::size_t& position) {
  std::size_t kept = 0;
  const std::size_t used = position;
  for (std::size_t i = 0; i < records_.size(); ++i) {
    const bool dropped = std::any_of(partitions.begin(), partitions.end(),
                                     [&](const AssignedPartition& p) { return p.slot == records_[i].slot; });
    if (dropped) {
      rd_kafka_message_destroy(messages_[i]);
      if (i < used) --position;
      continue;
    }
    messages_[kept] = messages_[i];
    records_[kept] = records_[i];
    ++kept;
  }
  messages_.resize(kept);
  records_.resize(kept);
}

GroupConsumer::GroupConsumer(std::string where, RebalanceListener& listener)
    : where_(std::move(where)), listener_(listener) {}

Expected<std::unique_ptr<GroupConsumer>, std::string> GroupConsumer::create(const ConsumerSettings& settings,
                                                                           RebalanceListener& listener) {
  auto properties = consumer_properties(settings);
  if (!properties) return Unexpected{std::move(properties).error()};
  std::unique_ptr<GroupConsumer> self(new GroupConsumer(settings.where, listener));
  char reason[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [name, value] : *properties) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), reason, sizeof reason) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Unexpected{settings.where + ": librdkafka refused " + name + "=" + value + ": " + reason};
    }
  }
  rd_kafka_conf_set_opaque(conf, self.get());
  rd_kafka_conf_set_rebalance_cb(conf, &Callbacks::rebalance);
  rd_kafka_conf_set_log_cb(conf, &Callbacks::log);
  rd_kafka_conf_set_error_cb(conf, &Callbacks::error);
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, reason, sizeof reason);
  if (consumer == nullptr) {
    rd_kafka_conf_destroy(conf);  // still ours when rd_kafka_new fails
    return Unexpected{settings.where + ": cannot create the Kafka consumer: " + reason};
  }
  rd_kafka_poll_set_consumer(consumer);  // one queue: records and rebalance events in poll()
  self->consumer_ = consumer;
  return self;
}

GroupConsumer::~GroupConsumer() { close(); }

Expected<bool, std::string> GroupConsumer::subscribe(const std::vector<std::string>& topics) {
  if (topics.empty()) return Unexpected{where_ + ": topics is required"};
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(list, t.c_str(), RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t error = rd_kafka_subscribe(consumer_, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) return Unexpected{where_ + ": subscribe: " + rd_kafka_err2str(error)};
  return true;
}

std::uint32_t GroupConsumer::slot_of(std::string_view topic, std::int32_t partition) {
  auto matches = [&](const Slot& s) { return s.used && s.partition == partition && s.topic == topic; };
  if (last_slot_ < slots_.size() && matches(slots_[last_slot_])) return last_slot_;
  for (std::uint32_t i = 0; i < slots_.size(); ++i) {
    if (matches(slots_[i])) return last_slot_ = i;
  }
  return UINT32_MAX;
}

std::uint32_t GroupConsumer::claim_slot(std::string_view topic, std::int32_t partition) {
  if (const auto existing = slot_of(topic, partition); existing != UINT32_MAX) return existing;
  auto free = std::find_if(slots_.begin(), slots_.end(), [](const Slot& s) { return !s.used; });
  if (free == slots_.end()) free = slots_.insert(slots_.end(), Slot{});
  free->used = true;
  free->topic = std::string(topic);
  free->partition = partition;
  free->next_offset = -1;
  return static_cast<std::uint32_t>(free - slots_.begin());
}

bool GroupConsumer::take(rd_kafka_message_t* message, RecordBuffer& buffer) {
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      counters_.consume_errors.fetch_add(1, std::memory_order_relaxed);
      log_.add(3, "CONSUME", rd_kafka_message_errstr(message));
    }
    rd_kafka_message_destroy(message);
    return false;
  }
  const char* topic_name = rd_kafka_topic_name(message->rkt);
  const std::uint32_t slot = slot_of(topic_name, message->partition);
  if (slot == UINT32_MAX) {  // a partition no longer assigned: its new owner reads it
    rd_kafka_message_destroy(message);
    return false;
  }
  if (const std::int64_t expected = slots_[slot].next_offset; expected >= 0 && message->offset > expected) {
    counters_.offsets_skipped.fetch_add(static_cast<std::uint64_t>(message->offset - expected), std::memory_order_relaxed);
  }
  slots_[slot].next_offset = message->offset + 1;
  Record r;
  r.topic = topic_name;
  if (message->key != nullptr) r.key = {static_cast<const char*>(message->key), message->key_len};
  if (message->payload != nullptr) r.value = {static_cast<const char*>(message->payload), message->len};
  r.offset = message->offset;
  rd_kafka_timestamp_type_t type;
  r.timestamp_ms = rd_kafka_message_timestamp(message, &type);
  r.partition = message->partition;
  r.slot = slot;
  buffer.messages_.push_back(message);
  buffer.records_.push_back(r);
  counters_.records.fetch_add(1, std::memory_order_relaxed);
  return true;
}

std::size_t GroupConsumer::poll(RecordBuffer& buffer, int timeout_ms) {
  if (consumer_ == nullptr) return 0;
  std::size_t taken = 0;
  rd_kafka_message_t* next = rd_kafka_consumer_poll(consumer_, timeout_ms);
  while (next != nullptr) {
    taken += take(next, buffer) ? 1 : 0;
    if (buffer.size() >= buffer.capacity()) break;
    next = rd_kafka_consumer_poll(consumer_, 0);
  }
  if (listener_error_) std::rethrow_exception(std::exchange(listener_error_, nullptr));
  return taken;
}

void GroupConsumer::on_rebalance(int error, rd_kafka_topic_partition_list_t* partitions) {
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(consumer_), "COOPERATIVE") == 0;
  counters_.rebalances.fetch_add(1, std::memory_order_relaxed);
  if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    assign(partitions, cooperative);
  } else if (error == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    revoke(partitions, cooperative);
  } else {
    log_.add(3, "REBALANCE", std::string("rebalance failed: ") + rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(error)));
    revoke(partitions, cooperative);
  }
}

void GroupConsumer::assign(rd_kafka_topic_partition_list_t* partitions, bool cooperative) {
  scratch_.clear();
  for (int i = 0; i < partitions->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = partitions->elems[i];
    scratch_.push_back(AssignedPartition{p.topic, p.partition, claim_slot(p.topic, p.partition), kCommittedOffset});
  }
  std::exception_ptr thrown;
  try {
    listener_.on_assigned(scratch_);
  } catch (...) {
    thrown = std::current_exception();
  }
  for (int i = 0; i < partitions->cnt; ++i) {
    partitions->elems[i].offset = scratch_[static_cast<std::size_t>(i)].start_offset == kCommittedOffset
                                      ? RD_KAFKA_OFFSET_INVALID
                                      : scratch_[static_cast<std::size_t>(i)].start_offset;
  }
  if (cooperative) {
    if (rd_kafka_error_t* e = rd_kafka_incremental_assign(consumer_, partitions)) {
      log_.add(3, "ASSIGN", rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
  } else if (const auto e = rd_kafka_assign(consumer_, partitions); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    log_.add(3, "ASSIGN", rd_kafka_err2str(e));
  }
  if (paused_) rd_kafka_pause_partitions(consumer_, partitions);
  std::uint64_t used = 0;
  for (const auto& s : slots_) used += s.used ? 1 : 0;
  counters_.partitions.store(used, std::memory_order_relaxed);
  if (thrown) std::rethrow_exception(thrown);
}

void GroupConsumer::revoke(rd_kafka_topic_partition_list_t* partitions, bool cooperative) {
  scratch_.clear();
  if (partitions != nullptr) {
    for (int i = 0; i < partitions->cnt; ++i) {
      const rd_kafka_topic_partition_t& p = partitions->elems[i];
      const std::uint32_t slot = slot_of(p.topic, p.partition);
      if (slot != UINT32_MAX) scratch_.push_back(AssignedPartition{p.topic, p.partition, slot, kCommittedOffset});
    }
  }
  std::exception_ptr thrown;
  try {
    listener_.on_revoked(scratch_, rd_kafka_assignment_lost(consumer_) != 0);
  } catch (...) {
    thrown = std::current_exception();
  }
  if (cooperative && partitions != nullptr) {
    if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(consumer_, partitions)) {
      log_.add(3, "ASSIGN", rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
  } else {
    (void)rd_kafka_assign(consumer_, nullptr);
  }
  for (const auto& p : scratch_) slots_[p.slot] = Slot{};
  std::uint64_t used = 0;
  for (const auto& s : slots_) used += s.used ? 1 : 0;
  counters_.partitions.store(used, std::memory_order_relaxed);
  if (thrown) std::rethrow_exception(thrown);
}

Expected<bool, std::string> GroupConsumer::commit(std::span<const PartitionOffset> offsets) {
  if (offsets.empty()) return true;
  if (consumer_ == nullptr) return Unexpected{where_ + ": commit after close"};
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& o : offsets) rd_kafka_topic_partition_list_add(list, o.topic.c_str(), o.partition)->offset = o.offset;
  rd_kafka_resp_err_t error = rd_kafka_commit(consumer_, list, 0);
  std::string failed;
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < list->cnt && failed.empty(); ++i) {
      if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        error = list->elems[i].err;
        failed = std::string(list->elems[i].topic) + "[" + std::to_string(list->elems[i].partition) + "]: ";
      }
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    counters_.commit_failures.fetch_add(1, std::memory_order_relaxed);
    return Unexpected{where_ + ": commit " + failed + rd_kafka_err2str(error)};
  }
  counters_.commits.fetch_add(1, std::memory_order_relaxed);
  return true;
}

Expected<std::vector<PartitionOffset>, std::string> GroupConsumer::committed(int timeout_ms) {
  std::vector<PartitionOffset> out;
  if (consumer_ == nullptr) return Unexpected{where_ + ": committed after close"};
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(slots_.size()) + 1);
  for (const auto& s : slots_) {
    if (s.used) rd_kafka_topic_partition_list_add(list, s.topic.c_str(), s.partition);
  }
  const rd_kafka_resp_err_t error = rd_kafka_committed(consumer_, list, timeout_ms);
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < list->cnt; ++i) {
      const auto& e = list->elems[i];
      out.push_back(PartitionOffset{e.topic, e.partition, e.offset >= 0 ? e.offset : -1});
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) return Unexpected{where_ + ": committed: " + rd_kafka_err2str(error)};
  return out;
}

void GroupConsumer::pause_all() {
  if (paused_ || consumer_ == nullptr) return;
  paused_ = true;
  rd_kafka_topic_partition_list_t* list = nullptr;
  if (rd_kafka_assignment(consumer_, &list) == RD_KAFKA_RESP_ERR_NO_ERROR && list != nullptr) {
    rd_kafka_pause_partitions(consumer_, list);
    rd_kafka_topic_partition_list_destroy(list);
  }
}

void GroupConsumer::resume_all() {
  if (!paused_ || consumer_ == nullptr) return;
  paused_ = false;
  rd_kafka_topic_partition_list_t* list = nullptr;
  if (rd_kafka_assignment(consumer_, &list) == RD_KAFKA_RESP_ERR_NO_ERROR && list != nullptr) {
    rd_kafka_resume_partitions(consumer_, list);
    rd_kafka_topic_partition_list_destroy(list);
  }
}

std::vector<AssignedPartition> GroupConsumer::assignment() const {
  std::vector<AssignedPartition> out;
  for (std::uint32_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].used) out.push_back(AssignedPartition{slots_[i].topic, slots_[i].partition, i, kCommittedOffset});
  }
  return out;
}

std::vector<PartitionLag> GroupConsumer::lag() const {
  std::vector<PartitionLag> out;
  if (consumer_ == nullptr) return out;
  for (const auto& s : slots_) {
    if (!s.used) continue;
    PartitionLag l;
    l.topic = s.topic;
    l.partition = s.partition;
    l.position = s.next_offset;
    std::int64_t low = -1, high = -1;
    if (rd_kafka_get_watermark_offsets(consumer_, s.topic.c_str(), s.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        high >= 0) {
      l.high_watermark = high;
      if (l.position >= 0) l.lag = std::max<std::int64_t>(0, high - l.position);
      else if (low == high) l.lag = 0;  // an empty partition: nothing to read, wherever we start
    }
    out.push_back(std::move(l));
  }
  return out;
}

void GroupConsumer::close() {
  if (closed_ || consumer_ == nullptr) return;
  closed_ = true;
  (void)rd_kafka_consumer_close(consumer_);  // runs on_revoked for what is still assigned
  rd_kafka_destroy(consumer_);
  consumer_ = nullptr;
}

}  // namespace logsift::kafka
