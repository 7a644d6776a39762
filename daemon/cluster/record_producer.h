// RecordProducer: the cluster roles' Kafka producer. Ingest nodes send incidents through it; detect
// nodes send their partition snapshots (and wait for each to be acknowledged).
//
// Settings: the same delivery contract as the Kafka sink (sinks/kafka_properties.h: idempotent,
// acks=all, zstd, message.timeout.ms from `cluster.timeout`), then `cluster.properties`. Records
// go to an explicit partition (cluster/partitioning.h), so the partitioner setting has no say.
//
// Backpressure instead of loss: when librdkafka's queue is full, produce() serves delivery
// reports and retries until there is room, so the calling worker stops and, behind it, ingest
// stops reading TCP. Only a failed delivery (brokers unreachable for longer than
// `cluster.timeout`, a record the broker refuses) loses a record, and it is counted with its
// reason. Records are copied into librdkafka (its allocation per record is the one the client
// itself makes).
//
// Threads: produce() and produce_and_wait() may be called from any number of threads at once;
// delivery reports are served by whichever thread calls poll() (or waits in a produce call), so
// callers poll after each batch; counters are atomics. cancel() makes every wait return.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/config/config.h"
#include "parsers/base/expected.h"

struct rd_kafka_s;
struct rd_kafka_topic_s;
struct rd_kafka_message_s;

namespace logsift::cluster {

struct ProducerCounters {
  std::uint64_t produced = 0;         // records handed to librdkafka
  std::uint64_t delivered = 0;        // ... acknowledged by the brokers
  std::uint64_t failed = 0;           // ... whose delivery failed (lost, see last_error)
  std::uint64_t queue_full_waits = 0; // produce() calls that waited for room (backpressure)
  std::string last_error;
};

class RecordProducer {
 public:
  // Creates the producer (no network I/O yet); `client` names it in messages ("ingest", ...).
  [[nodiscard]] static Expected<std::unique_ptr<RecordProducer>, std::string> create(const config::ClusterConfig& cluster,
                                                                                    const std::string& client);
  ~RecordProducer();
  RecordProducer(const RecordProducer&) = delete;
  RecordProducer& operator=(const RecordProducer&) = delete;

  // Asks the brokers for `topic`'s partition count and compares it with `partitions`; the error
  // says what differs or why the brokers could not tell within `timeout_ms`.
  [[nodiscard]] Expected<bool, std::string> check_partitions(const std::string& topic, std::uint32_t partitions,
                                                             int timeout_ms);

  // The handle of `topic` for produce(), created on first use, owned by the producer. Null
  // (with the reason in counters().last_error) when librdkafka refuses the name.
  rd_kafka_topic_s* topic(const std::string& name);

  // Hands one record to librdkafka (copied), waiting for room while its queue is full. False
  // only when cancelled or on an error other than a full queue (counted as failed).
  bool produce(rd_kafka_topic_s* topic, std::uint32_t partition, std::string_view key, std::string_view value,
               std::int64_t timestamp_ms);

  // Produces one record and waits until the brokers acknowledged it; the error says why not
  // (failure, timeout after `timeout_ms`, cancelled).
  [[nodiscard]] Expected<bool, std::string> produce_and_wait(rd_kafka_topic_s* topic, std::uint32_t partition,
                                                             std::string_view key, std::string_view value,
                                                             std::int64_t timestamp_ms, int timeout_ms);

  // Serves delivery reports for up to `timeout_ms`.
  void poll(int timeout_ms);
  // Waits until every record handed over was acknowledged or failed; false at the timeout.
  bool flush(int timeout_ms);
  void cancel();

  ProducerCounters counters() const;

 private:
  struct Completion;
  explicit RecordProducer(std::string client);
  int produce_once(rd_kafka_topic_s* topic, std::uint32_t partition, std::string_view key, std::string_view value,
                   std::int64_t timestamp_ms, Completion* completion);
  static void on_delivery_report(rd_kafka_s* rk, const rd_kafka_message_s* message, void* opaque);
  static void on_log(const rd_kafka_s* rk, int level, const char* facility, const char* text);
  void note_error(std::string text);

  const std::string client_;
  rd_kafka_s* producer_ = nullptr;
  std::mutex topics_mutex_;
  // Two topics at most (incidents, state): a tiny list beats a map.
  std::vector<std::pair<std::string, rd_kafka_topic_s*>> topics_;
  std::atomic<bool> cancelled_{false};
  std::atomic<std::uint64_t> produced_{0}, delivered_{0}, failed_{0}, queue_full_waits_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;
};

}  // namespace logsift::cluster
