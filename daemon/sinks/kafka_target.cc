// KafkaTarget; see kafka_target.h.
//
// Per record, within one deliver() call:
//
//   kPending ──producev ok──> (in librdkafka) ──report ok──────────> kAcknowledged
//      │                              │─────────report "too large"──> kRefused (dead letters)
//      │                              └──report error / wait bound──> kFailed   (resent next call)
//      └──producev "too large"──> kRefused;  other producev error ──> kFailed
//
// A failed call keeps kAcknowledged and kRefused for the same batch; the next call turns kFailed
// back into kPending and sends only those.
#include "daemon/sinks/kafka_target.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>

#include "daemon/emit/json_text.h"

namespace logsift::sinks {
namespace {

static_assert(sizeof(void*) == 8, "record opaques pack a generation and an index into a pointer");

std::int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void* record_tag(std::uint32_t generation, std::size_t index) {
  return reinterpret_cast<void*>((static_cast<std::uintptr_t>(generation) << 32) | static_cast<std::uintptr_t>(index));
}

// Errors that resending cannot fix: the record itself is refused. Everything else (timeouts,
// brokers down, leader changes, authorization, an unknown topic) may heal and is retried.
bool refused_for_good(rd_kafka_resp_err_t error) {
  return error == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE || error == RD_KAFKA_RESP_ERR_INVALID_RECORD;
}

emit::SinkError::Kind kind_of(rd_kafka_resp_err_t error) {
  switch (error) {
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
      return emit::SinkError::Kind::kPermission;
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return emit::SinkError::Kind::kMissing;
    default:
      return emit::SinkError::Kind::kUnavailable;
  }
}

// "2026-03-09T07:12:44.123456Z" without the quotes append_rfc3339_us writes.
void format_time(std::int64_t time_us, std::string& out) {
  out.clear();
  emit::append_rfc3339_us(time_us, out);
  if (out.size() >= 2) out = out.substr(1, out.size() - 2);
}

// The effective message timeout: the last of message.timeout.ms or its alias delivery.timeout.ms.
std::int64_t message_timeout_ms(const KafkaProperties& properties) {
  for (auto it = properties.rbegin(); it != properties.rend(); ++it) {
    if (it->first == "message.timeout.ms" || it->first == "delivery.timeout.ms") {
      return std::strtoll(it->second.c_str(), nullptr, 10);
    }
  }
  return 0;
}

}  // namespace

Expected<std::unique_ptr<KafkaTarget>, std::string> KafkaTarget::create(const config::SinkConfig& sink) {
  auto properties = kafka_producer_properties(sink);
  if (!properties) return Unexpected{std::move(properties).error()};
  std::unique_ptr<KafkaTarget> target(new KafkaTarget(sink.name, sink.topic, std::move(properties).value()));
  const std::int64_t timeout_ms = message_timeout_ms(target->properties_);
  // librdkafka times messages out on a one-second scan; 0 means "never", where the sink's own
  // timeout bounds the wait instead.
  target->wait_bound_ms_ = (timeout_ms > 0 ? timeout_ms : sink.timeout_ms) + 2000;
  if (auto opened = target->open_producer(); !opened) return Unexpected{std::move(opened).error()};
  return target;
}

KafkaTarget::KafkaTarget(std::string sink_name, std::string topic, KafkaProperties properties)
    : sink_name_(std::move(sink_name)), topic_(std::move(topic)), properties_(std::move(properties)) {}

KafkaTarget::~KafkaTarget() { close_producer(); }

Expected<bool, std::string> KafkaTarget::open_producer() {
  char reason[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [name, value] : properties_) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), reason, sizeof reason) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Unexpected{"sink \"" + sink_name_ + "\": librdkafka refused " + name + "=" + value + ": " + reason};
    }
  }
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, &KafkaTarget::on_delivery_report);
  rd_kafka_conf_set_error_cb(conf, &KafkaTarget::on_error);
  rd_kafka_conf_set_log_cb(conf, &KafkaTarget::on_log);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
  if (producer == nullptr) {
    rd_kafka_conf_destroy(conf);  // still ours when rd_kafka_new fails
    return Unexpected{"sink \"" + sink_name_ + "\": cannot create the Kafka producer: " + reason};
  }
  rd_kafka_topic_t* topic = rd_kafka_topic_new(producer, topic_.c_str(), nullptr);
  if (topic == nullptr) {
    const std::string why = rd_kafka_err2str(rd_kafka_last_error());
    rd_kafka_destroy(producer);
    return Unexpected{"sink \"" + sink_name_ + "\": cannot use topic \"" + topic_ + "\": " + why};
  }
  std::lock_guard lock(handle_mutex_);
  producer_ = producer;
  topic_handle_ = topic;
  return true;
}

void KafkaTarget::close_producer() {
  rd_kafka_t* producer = nullptr;
  rd_kafka_topic_t* topic = nullptr;
  {
    std::lock_guard lock(handle_mutex_);
    std::swap(producer, producer_);
    std::swap(topic, topic_handle_);
  }
  if (producer == nullptr) return;
  ++generation_;  // reports served from here on belong to no call
  rd_kafka_purge(producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(producer, 0);
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(producer);
}

void KafkaTarget::cancel() {
  cancelled_.store(true);
  std::lock_guard lock(handle_mutex_);
  if (producer_ != nullptr) rd_kafka_yield(producer_);
}

bool KafkaTarget::same_batch_as_before(const emit::DeliveryBatch& batch) const {
  return resume_valid_ && resume_sequence_ == batch.decoded.header.sequence &&
         resume_alerts_ == batch.alerts.size() && resume_bytes_ == batch.encoded.size() &&
         states_.size() == batch.alerts.size();
}

void KafkaTarget::prepare_headers(const emit::DeliveryBatch& batch) {
  const emit::BatchHeader& h = batch.decoded.header;
  sequence_text_ = std::to_string(h.sequence);
  alerts_text_ = std::to_string(h.alerts);
  schema_text_ = std::to_string(h.schema_version);
  format_time(h.start_us, start_text_);
  format_time(h.end_us, end_text_);
}

std::int32_t KafkaTarget::produce_one(std::size_t index, const emit::AlertLine& alert, std::int64_t deadline_ms) {
  rd_kafka_vu_t fields[12];
  std::size_t n = 0;
  auto header = [&](const char* name, std::string_view value) {
    rd_kafka_vu_t& f = fields[n++];
    f.vtype = RD_KAFKA_VTYPE_HEADER;
    f.u.header = {name, value.data(), static_cast<ssize_t>(value.size())};
  };
  fields[n].vtype = RD_KAFKA_VTYPE_RKT;
  fields[n++].u.rkt = topic_handle_;
  // F_COPY: librdkafka keeps its own copy in the same allocation as the message, so a record
  // outliving an abandoned call never points into a batch the daemon has already released.
  fields[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  fields[n++].u.i = RD_KAFKA_MSG_F_COPY;
  if (!alert.signature_id.empty()) {
    fields[n].vtype = RD_KAFKA_VTYPE_KEY;
    fields[n++].u.mem = {const_cast<char*>(alert.signature_id.data()), alert.signature_id.size()};
  }
  fields[n].vtype = RD_KAFKA_VTYPE_VALUE;
  fields[n++].u.mem = {const_cast<char*>(alert.json.data()), alert.json.size()};
  fields[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  fields[n++].u.ptr = record_tag(generation_, index);
  header("logsift.event.id", alert.event_id);
  header("logsift.batch.sequence", sequence_text_);
  header("logsift.batch.alerts", alerts_text_);
  header("logsift.batch.start", start_text_);
  header("logsift.batch.end", end_text_);
  header("logsift.schema_version", schema_text_);
  header("logsift.producer", *producer_text_);
  for (;;) {
    rd_kafka_error_t* failed = rd_kafka_produceva(producer_, fields, n);
    if (failed == nullptr) return RD_KAFKA_RESP_ERR_NO_ERROR;
    const rd_kafka_resp_err_t error = rd_kafka_error_code(failed);
    rd_kafka_error_destroy(failed);
    // librdkafka's queue is full: serve reports to make room, within the call's bound.
    if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL || cancelled_.load() || steady_now_ms() >= deadline_ms) return error;
    rd_kafka_poll(producer_, 100);
  }
}

void KafkaTarget::settle(std::size_t index, std::int32_t error) {
  if (index >= states_.size() || states_[index] != RecordState::kPending) return;
  const auto code = static_cast<rd_kafka_resp_err_t>(error);
  errors_[index] = error;
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR) {
    states_[index] = RecordState::kAcknowledged;
    ++acknowledged_now_;
  } else if (refused_for_good(code)) {
    states_[index] = RecordState::kRefused;
    refused_now_.push_back(index);
  } else {
    states_[index] = RecordState::kFailed;
  }
}

void KafkaTarget::on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<KafkaTarget*>(opaque);
  const auto tag = reinterpret_cast<std::uintptr_t>(message->_private);
  if (static_cast<std::uint32_t>(tag >> 32) != self->generation_) return;  // an abandoned call's record
  const auto index = static_cast<std::size_t>(tag & 0xffffffffu);
  if (index < self->states_.size() && self->states_[index] == RecordState::kPending) --self->in_flight_;
  self->settle(index, message->err);
}

void KafkaTarget::on_error(rd_kafka_t*, int error, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaTarget*>(opaque);
  std::lock_guard lock(self->client_error_mutex_);
  self->client_error_ = std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(error))) + ": " + reason;
}

void KafkaTarget::on_log(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  if (level > 4) return;  // warnings and worse explain a failure; the rest is noise here
  auto* self = static_cast<KafkaTarget*>(rd_kafka_opaque(rk));
  if (self == nullptr) return;
  std::lock_guard lock(self->client_error_mutex_);
  self->client_error_ = std::string(facility) + ": " + text;
}

std::string KafkaTarget::last_client_error() const {
  std::lock_guard lock(client_error_mutex_);
  return client_error_;
}

emit::SinkError KafkaTarget::failure(std::size_t failed, std::size_t total, std::int32_t error) const {
  emit::SinkError e;
  const auto code = static_cast<rd_kafka_resp_err_t>(error);
  e.kind = kind_of(code);
  e.message = "kafka topic \"" + topic_ + "\": " + std::to_string(failed) + " of " + std::to_string(total) +
              " alerts not acknowledged: " +
              (code == RD_KAFKA_RESP_ERR__TIMED_OUT   ? "no delivery report within " + std::to_string(wait_bound_ms_) + " ms"
               : code == RD_KAFKA_RESP_ERR__DESTROY ? std::string("delivery cancelled, the sink is stopping")
                                                    : std::string(rd_kafka_err2str(code)));
  if (const std::string client = last_client_error(); !client.empty()) e.message += " (last client error: " + client + ")";
  return e;
}

Expected<emit::DeliveryOutcome, emit::SinkError> KafkaTarget::deliver(const emit::DeliveryBatch& batch,
                                                                      emit::DeadLetters& dead_letters) {
  const std::size_t total = batch.alerts.size();
  if (cancelled_.load()) return Unexpected{failure(total, total, RD_KAFKA_RESP_ERR__DESTROY)};
  if (producer_ == nullptr) {  // the previous producer hit a fatal error
    if (auto opened = open_producer(); !opened) {
      return Unexpected{emit::SinkError{emit::SinkError::Kind::kUnavailable, 0, std::move(opened).error()}};
    }
  }
  {
    std::lock_guard lock(client_error_mutex_);
    client_error_.clear();
  }
  emit::DeliveryOutcome outcome;
  if (total == 0) return outcome;
  if (total > 0xffffffffu) return Unexpected{failure(total, total, RD_KAFKA_RESP_ERR__INVALID_ARG)};

  ++generation_;
  if (same_batch_as_before(batch)) {
    for (auto& s : states_) {
      if (s == RecordState::kFailed) s = RecordState::kPending;
    }
  } else {
    states_.assign(total, RecordState::kPending);
  }
  resume_valid_ = false;
  errors_.assign(total, 0);
  refused_now_.clear();
  acknowledged_now_ = 0;
  in_flight_ = 0;
  producer_text_ = &batch.decoded.header.producer;
  prepare_headers(batch);

  const std::int64_t deadline_ms = steady_now_ms() + wait_bound_ms_;
  for (std::size_t i = 0; i < total; ++i) {
    if (states_[i] != RecordState::kPending) continue;
    const emit::AlertLine& alert = batch.alerts[i];
    const std::int32_t error = produce_one(i, alert, deadline_ms);
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++in_flight_;
      ++outcome.requests;
      outcome.bytes_sent += alert.json.size() + alert.signature_id.size();
    } else {
      settle(i, error);
    }
  }
  while (in_flight_ > 0 && !cancelled_.load()) {
    const std::int64_t left_ms = deadline_ms - steady_now_ms();
    if (left_ms <= 0) break;
    rd_kafka_poll(producer_, static_cast<int>(std::min<std::int64_t>(left_ms, 100)));
  }
  if (in_flight_ > 0) {
    // Cancelled or past the bound: drop what librdkafka still holds; the spool keeps the batch.
    rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    const auto why = cancelled_.load() ? RD_KAFKA_RESP_ERR__DESTROY : RD_KAFKA_RESP_ERR__TIMED_OUT;
    for (std::size_t i = 0; i < total; ++i) {
      if (states_[i] == RecordState::kPending) settle(i, why);
    }
    in_flight_ = 0;
    ++generation_;  // the purged records' reports arrive later and are ignored
  }

  for (std::size_t i : refused_now_) {
    dead_letters.add(batch.alerts[i], std::string("kafka: ") + rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(errors_[i])));
  }
  outcome.delivered = acknowledged_now_;
  outcome.dead_lettered = refused_now_.size();

  std::size_t failed = 0;
  std::int32_t first_error = 0;
  for (std::size_t i = 0; i < total; ++i) {
    if (states_[i] != RecordState::kFailed) continue;
    if (failed++ == 0) first_error = errors_[i];
  }
  char fatal_reason[512];
  if (rd_kafka_fatal_error(producer_, fatal_reason, sizeof fatal_reason) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    {
      std::lock_guard lock(client_error_mutex_);
      client_error_ = std::string("fatal: ") + fatal_reason;
    }
    close_producer();  // an idempotent producer cannot go on after a fatal error; reopen next call
  }
  if (failed == 0) return outcome;
  resume_valid_ = true;
  resume_sequence_ = batch.decoded.header.sequence;
  resume_alerts_ = total;
  resume_bytes_ = batch.encoded.size();
  return Unexpected{failure(failed, total, first_error)};
}

std::unique_ptr<emit::DeliveryTarget> make_kafka_target(const config::SinkConfig& sink, std::string& error) {
  auto target = KafkaTarget::create(sink);
  if (!target) {
    error = std::move(target).error();
    return nullptr;
  }
  return std::move(target).value();
}

}  // namespace logsift::sinks
