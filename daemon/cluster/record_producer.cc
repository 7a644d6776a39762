// RecordProducer; see record_producer.h.
#include "daemon/cluster/record_producer.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <condition_variable>

#include "daemon/sinks/kafka_properties.h"

namespace logsift::cluster {

namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// One produce_and_wait() call's record: settled by its delivery report.
struct RecordProducer::Completion {
  std::atomic<bool> done{false};
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

Expected<std::unique_ptr<RecordProducer>, std::string> RecordProducer::create(const config::ClusterConfig& cluster,
                                                                              const std::string& client) {
  // The Kafka sink's delivery contract, reused: a SinkConfig carrying the cluster's settings.
  config::SinkConfig as_sink;
  as_sink.name = "cluster";
  as_sink.type = config::SinkType::kKafka;
  as_sink.brokers = cluster.brokers;
  as_sink.topic = cluster.incidents_topic;
  as_sink.timeout_ms = cluster.timeout_ms;
  as_sink.properties = cluster.properties;
  auto properties = sinks::kafka_producer_properties(as_sink);
  if (!properties) return Unexpected{properties.error()};
  properties.value().emplace_back("client.id", "logsift-" + client);

  std::unique_ptr<RecordProducer> producer(new RecordProducer(client));
  char reason[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [name, value] : properties.value()) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), reason, sizeof reason) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Unexpected{"cluster: librdkafka refused " + name + "=" + value + ": " + reason};
    }
  }
  rd_kafka_conf_set_opaque(conf, producer.get());
  rd_kafka_conf_set_dr_msg_cb(conf, &RecordProducer::on_delivery_report);
  rd_kafka_conf_set_log_cb(conf, &RecordProducer::on_log);
  producer->producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
  if (producer->producer_ == nullptr) {
    rd_kafka_conf_destroy(conf);  // still ours when rd_kafka_new fails
    return Unexpected{"cluster: cannot create the " + client + " producer: " + reason};
  }
  return producer;
}

RecordProducer::RecordProducer(std::string client) : client_(std::move(client)) {}

RecordProducer::~RecordProducer() {
  if (producer_ == nullptr) return;
  // Whatever is still queued was counted as produced and is lost now; the caller flushes first.
  rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(producer_, 0);
  for (auto& [name, handle] : topics_) rd_kafka_topic_destroy(handle);
  rd_kafka_destroy(producer_);
}

rd_kafka_topic_t* RecordProducer::topic(const std::string& name) {
  std::lock_guard lock(topics_mutex_);
  for (auto& [known, handle] : topics_) {
    if (known == name) return handle;
  }
  rd_kafka_topic_t* handle = rd_kafka_topic_new(producer_, name.c_str(), nullptr);
  if (handle == nullptr) {
    note_error("cannot use topic \"" + name + "\": " + rd_kafka_err2str(rd_kafka_last_error()));
    return nullptr;
  }
  topics_.emplace_back(name, handle);
  return handle;
}

Expected<bool, std::string> RecordProducer::check_partitions(const std::string& topic_name, std::uint32_t partitions,
                                                             int timeout_ms) {
  rd_kafka_topic_t* handle = topic(topic_name);
  if (handle == nullptr) return Unexpected{counters().last_error};
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(producer_, 0, handle, &metadata, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Unexpected{"cluster: cannot read the metadata of topic \"" + topic_name + "\" within " +
                      std::to_string(timeout_ms) + " ms: " + rd_kafka_err2str(err)};
  }
  std::string problem;
  if (metadata->topic_cnt != 1 || metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    problem = "cluster: topic \"" + topic_name + "\" is not available: " +
              (metadata->topic_cnt == 1 ? rd_kafka_err2str(metadata->topics[0].err) : "no metadata") +
              " (create it with " + std::to_string(partitions) + " partitions)";
  } else if (static_cast<std::uint32_t>(metadata->topics[0].partition_cnt) != partitions) {
    problem = "cluster: topic \"" + topic_name + "\" has " + std::to_string(metadata->topics[0].partition_cnt) +
              " partitions but cluster.partitions is " + std::to_string(partitions) +
              "; the partition count is fixed for the cluster's life (it decides where each signature's state lives)";
  }
  rd_kafka_metadata_destroy(metadata);
  if (!problem.empty()) return Unexpected{problem};
  return true;
}

int RecordProducer::produce_once(rd_kafka_topic_t* topic, std::uint32_t partition, std::string_view key,
                                 std::string_view value, std::int64_t timestamp_ms, Completion* completion) {
  rd_kafka_vu_t fields[7];
  std::size_t n = 0;
  fields[n].vtype = RD_KAFKA_VTYPE_RKT;
  fields[n++].u.rkt = topic;
  fields[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  fields[n++].u.i32 = static_cast<std::int32_t>(partition);
  fields[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  fields[n++].u.i = RD_KAFKA_MSG_F_COPY;
  fields[n].vtype = RD_KAFKA_VTYPE_KEY;
  fields[n++].u.mem = {const_cast<char*>(key.data()), key.size()};
  fields[n].vtype = RD_KAFKA_VTYPE_VALUE;
  fields[n++].u.mem = {const_cast<char*>(value.data()), value.size()};
  fields[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
  fields[n++].u.i64 = timestamp_ms;
  fields[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  fields[n++].u.ptr = completion;
  rd_kafka_error_t* failed = rd_kafka_produceva(producer_, fields, n);
  if (failed == nullptr) return RD_KAFKA_RESP_ERR_NO_ERROR;
  const rd_kafka_resp_err_t error = rd_kafka_error_code(failed);
  rd_kafka_error_destroy(failed);
  return error;
}

bool RecordProducer::produce(rd_kafka_topic_t* topic, std::uint32_t partition, std::string_view key,
                             std::string_view value, std::int64_t timestamp_ms) {
  bool waited = false;
  for (;;) {
    const int error = produce_once(topic, partition, key, value, timestamp_ms, nullptr);
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
      produced_.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
    if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      failed_.fetch_add(1, std::memory_order_relaxed);
      note_error(std::string("produce refused: ") + rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(error)));
      return false;
    }
    if (cancelled_.load()) return false;
    if (!waited) queue_full_waits_.fetch_add(1, std::memory_order_relaxed);
    waited = true;
    rd_kafka_poll(producer_, 100);  // room comes from delivery reports
  }
}

Expected<bool, std::string> RecordProducer::produce_and_wait(rd_kafka_topic_t* topic, std::uint32_t partition,
                                                             std::string_view key, std::string_view value,
                                                             std::int64_t timestamp_ms, int timeout_ms) {
  // The completion lives on the heap: a report arriving after a timeout must find it alive, so
  // an abandoned one is leaked deliberately (rare: the brokers stopped answering).
  auto* completion = new Completion;
  const std::int64_t deadline = steady_ms() + timeout_ms;
  for (;;) {
    const int error = produce_once(topic, partition, key, value, timestamp_ms, completion);
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL || cancelled_.load() || steady_ms() >= deadline) {
      delete completion;
      return Unexpected{std::string("produce refused: ") + rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(error))};
    }
    rd_kafka_poll(producer_, 100);
  }
  produced_.fetch_add(1, std::memory_order_relaxed);
  while (!completion->done.load(std::memory_order_acquire)) {
    if (cancelled_.load()) return Unexpected{std::string("cancelled while waiting for the acknowledgement")};
    if (steady_ms() >= deadline) {
      return Unexpected{"no acknowledgement within " + std::to_string(timeout_ms) + " ms"};
    }
    rd_kafka_poll(producer_, 50);
  }
  const rd_kafka_resp_err_t error = completion->error;
  delete completion;
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) return Unexpected{std::string("delivery failed: ") + rd_kafka_err2str(error)};
  return true;
}

void RecordProducer::poll(int timeout_ms) { rd_kafka_poll(producer_, timeout_ms); }

bool RecordProducer::flush(int timeout_ms) { return rd_kafka_flush(producer_, timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR; }

void RecordProducer::cancel() {
  cancelled_.store(true);
  rd_kafka_yield(producer_);
}

ProducerCounters RecordProducer::counters() const {
  ProducerCounters c;
  c.produced = produced_.load(std::memory_order_relaxed);
  c.delivered = delivered_.load(std::memory_order_relaxed);
  c.failed = failed_.load(std::memory_order_relaxed);
  c.queue_full_waits = queue_full_waits_.load(std::memory_order_relaxed);
  std::lock_guard lock(error_mutex_);
  c.last_error = last_error_;
  return c;
}

void RecordProducer::note_error(std::string text) {
  std::lock_guard lock(error_mutex_);
  last_error_ = std::move(text);
}

void RecordProducer::on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<RecordProducer*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->delivered_.fetch_add(1, std::memory_order_relaxed);
  } else {
    self->failed_.fetch_add(1, std::memory_order_relaxed);
    self->note_error(std::string("delivery failed: ") + rd_kafka_err2str(message->err));
  }
  if (auto* completion = static_cast<Completion*>(message->_private)) {
    completion->error = message->err;
    completion->done.store(true, std::memory_order_release);
  }
}

void RecordProducer::on_log(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  if (level > 4) return;  // warnings and worse explain a failure; the rest is noise here
  auto* self = static_cast<RecordProducer*>(rd_kafka_opaque(rk));
  if (self != nullptr) self->note_error(std::string(facility) + ": " + text);
}

}  // namespace logsift::cluster
