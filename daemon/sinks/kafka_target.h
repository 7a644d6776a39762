// KafkaTarget: delivers spooled alert batches to a Kafka topic through librdkafka, one record per
// alert, and confirms a batch only when the brokers acknowledged every record of it.
//
// Records:
//   key      the alert's signature id (16 hex digits): with the murmur2_random partitioner every
//            alert of one signature lands in one partition, in order
//   value    the alert's ECS JSON line, byte for byte as in the batch file
//   headers  logsift.event.id, and the batch header's fields: logsift.batch.sequence,
//            logsift.batch.alerts, logsift.batch.start, logsift.batch.end (RFC 3339 UTC),
//            logsift.schema_version, logsift.producer
// The producer is idempotent with acks=all and zstd compression (kafka_properties.h).
//
// deliver() hands every record to librdkafka, then serves delivery reports until each record has
// one or the wait bound passes (message.timeout.ms plus two seconds for librdkafka's timeout scan).
// It succeeds when every record was acknowledged, or refused for good (a record larger than the
// broker takes) and passed to the dead letters. Otherwise it returns a SinkError naming the
// topic, how many records failed and why, with the client's last connection error. The target
// remembers which records of that batch were acknowledged and, when the same batch is offered
// again, sends only the others; records whose acknowledgement was lost are sent again and arrive
// twice, with the same event.id (the 2.0.2 mock and brokers without transactions keep both).
//
// Threads: deliver() runs on the sink's delivery thread only. cancel() may be called from any
// thread: the deliver() in progress returns within about 100 ms with an error, and every later
// call fails at once (the target is stopping). Records still queued in librdkafka at destruction
// are purged, not waited for: the spool still holds their batch.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/emit/delivery.h"
#include "daemon/sinks/kafka_properties.h"

struct rd_kafka_s;
struct rd_kafka_topic_s;
struct rd_kafka_message_s;

namespace logsift::sinks {

class KafkaTarget final : public emit::DeliveryTarget {
 public:
  // Creates the producer (no network I/O yet). The error names the sink and the property librdkafka
  // refused.
  [[nodiscard]] static Expected<std::unique_ptr<KafkaTarget>, std::string> create(const config::SinkConfig& sink);
  ~KafkaTarget() override;
  KafkaTarget(const KafkaTarget&) = delete;
  KafkaTarget& operator=(const KafkaTarget&) = delete;

  [[nodiscard]] Expected<emit::DeliveryOutcome, emit::SinkError> deliver(const emit::DeliveryBatch& batch,
                                                                         emit::DeadLetters& dead_letters) override;
  void cancel() override;
  std::string_view type() const override { return "kafka"; }

  const std::string& topic() const { return topic_; }

 private:
  enum class RecordState : std::uint8_t { kPending, kAcknowledged, kFailed, kRefused };

  KafkaTarget(std::string sink_name, std::string topic, KafkaProperties properties);
  Expected<bool, std::string> open_producer();
  void close_producer();
  bool same_batch_as_before(const emit::DeliveryBatch& batch) const;
  void prepare_headers(const emit::DeliveryBatch& batch);
  std::int32_t produce_one(std::size_t index, const emit::AlertLine& alert, std::int64_t deadline_ms);
  void settle(std::size_t index, std::int32_t error);
  std::string last_client_error() const;
  emit::SinkError failure(std::size_t failed, std::size_t total, std::int32_t error) const;

  static void on_delivery_report(rd_kafka_s* rk, const rd_kafka_message_s* message, void* opaque);
  static void on_error(rd_kafka_s* rk, int error, const char* reason, void* opaque);
  static void on_log(const rd_kafka_s* rk, int level, const char* facility, const char* text);

  const std::string sink_name_;
  const std::string topic_;
  const KafkaProperties properties_;
  std::int64_t wait_bound_ms_ = 0;

  mutable std::mutex handle_mutex_;  // guards producer_ against cancel() from other threads
  rd_kafka_s* producer_ = nullptr;
  rd_kafka_topic_s* topic_handle_ = nullptr;
  std::atomic<bool> cancelled_{false};

  // Delivery reports of the batch in progress. generation_ tags each record's opaque so reports
  // of records from an earlier, abandoned call are recognised and ignored.
  std::uint32_t generation_ = 0;
  std::vector<RecordState> states_;
  std::vector<std::int32_t> errors_;      // librdkafka error code per record, 0 = acknowledged
  std::vector<std::size_t> refused_now_;  // records refused for good in this call
  std::size_t in_flight_ = 0;             // handed to librdkafka, no report yet
  std::uint64_t acknowledged_now_ = 0;
  const std::string* producer_text_ = nullptr;  // the batch header's producer, during a call

  // The batch of the last failed call, to resend only what was not acknowledged.
  std::uint64_t resume_sequence_ = 0;
  std::size_t resume_alerts_ = 0;
  std::size_t resume_bytes_ = 0;
  bool resume_valid_ = false;

  // Batch header values, rebuilt per batch into reused buffers.
  std::string sequence_text_, alerts_text_, start_text_, end_text_, schema_text_;

  mutable std::mutex client_error_mutex_;  // librdkafka logs from its own threads
  std::string client_error_;
};

// The daemon's factory entry for `type: kafka`: a KafkaTarget, or nullptr and `error` set.
std::unique_ptr<emit::DeliveryTarget> make_kafka_target(const config::SinkConfig& sink, std::string& error);

}  // namespace logsift::sinks
