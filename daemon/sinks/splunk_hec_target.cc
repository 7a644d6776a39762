// SplunkHecTarget; see splunk_hec_target.h.
//
// One offer of a batch:
//
//   unsettled events ──requests of ≤1 MiB──> 200 ─┬─ no ack: settled
//        ^                                        └─ ackId: pending ──poll /ack──> true: settled
//        │                                                          └ ack_timeout: offer fails
//        └── code 6 at k: k dead-lettered, the rest sent again
#include "daemon/sinks/splunk_hec_target.h"

#include <simdjson.h>

#include <charconv>
#include <chrono>
#include <random>

#include "daemon/emit/json_text.h"
#include "daemon/sinks/batch_progress.h"
#include "daemon/sinks/http_client.h"
#include "daemon/sinks/secret_file.h"

namespace logsift::sinks {
namespace {

constexpr std::size_t kMaxRequestBytes = 1024 * 1024;
constexpr std::int64_t kFirstAckPollMs = 100;
constexpr std::int64_t kMaxAckPollMs = 10'000;

std::string random_channel() {
  std::random_device rd;
  std::mt19937_64 rng((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
  const std::uint64_t a = rng(), b = rng();
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0x0fff,
                (static_cast<unsigned>(b >> 48) & 0x3fff) | 0x8000,
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return text;
}

// "1773040364.123456": HEC's time, seconds since the epoch with microseconds.
void append_epoch_seconds(std::int64_t time_us, std::string& out) {
  if (time_us < 0) time_us = 0;
  char text[32];
  const int n = std::snprintf(text, sizeof text, "%lld.%06lld", static_cast<long long>(time_us / 1'000'000),
                              static_cast<long long>(time_us % 1'000'000));
  out.append(text, static_cast<std::size_t>(n));
}

emit::SinkError unavailable(std::string message) {
  return emit::SinkError{emit::SinkError::Kind::kUnavailable, 0, std::move(message)};
}

class SplunkHecTarget final : public emit::DeliveryTarget {
 public:
  SplunkHecTarget(const config::SinkConfig& config, std::unique_ptr<HttpClient> client, std::string token,
                  std::string event_target, std::string ack_target)
      : client_(std::move(client)),
        authorization_("Splunk " + token),
        event_target_(std::move(event_target)),
        ack_target_(std::move(ack_target)),
        channel_(random_channel()),
        indexer_ack_(config.indexer_ack),
        ack_timeout_ms_(config.ack_timeout_ms) {
    // The envelope's constant part, escaped once.
    envelope_tail_ = ",\"source\":\"logsift\",\"sourcetype\":";
    emit::append_json_string(config.sourcetype.empty() ? "logsift:alert" : config.sourcetype, envelope_tail_);
    if (!config.index.empty()) {
      envelope_tail_ += ",\"index\":";
      emit::append_json_string(config.index, envelope_tail_);
    }
    envelope_tail_ += ",\"event\":";
  }

  std::string_view type() const override { return "splunk_hec"; }
  void cancel() override { client_->cancel(); }

  Expected<emit::DeliveryOutcome, emit::SinkError> deliver(const emit::DeliveryBatch& batch,
                                                           emit::DeadLetters& dead_letters) override {
    progress_.begin(batch);
    pending_.clear();
    in_flight_.assign(batch.alerts.size(), 0);
    for (;;) {
      to_send_.clear();
      for (std::size_t i = 0; i < batch.alerts.size(); ++i) {
        if (!progress_.settled(i) && in_flight_[i] == 0) to_send_.push_back(i);
      }
      if (to_send_.empty()) break;
      bool rejected_one = false;
      for (std::size_t pos = 0; pos < to_send_.size() && !rejected_one;) {
        const std::size_t end = build_request(batch, pos);
        auto sent = send_request(batch, pos, end, dead_letters, rejected_one);
        if (!sent) return Unexpected{std::move(sent).error()};
        pos = end;
      }
    }
    if (!pending_.empty()) {
      if (auto acked = wait_for_acks(batch); !acked) return Unexpected{std::move(acked).error()};
    }
    return progress_.finish();
  }

 private:
  struct PendingAck {
    std::uint64_t ack_id = 0;
    std::vector<std::size_t> alerts;  // indices into the batch
  };

  // Fills body_ with events to_send_[pos, end) up to kMaxRequestBytes; returns end.
  std::size_t build_request(const emit::DeliveryBatch& batch, std::size_t pos) {
    body_.clear();
    std::size_t end = pos;
    for (; end < to_send_.size(); ++end) {
      const emit::AlertLine& a = batch.alerts[to_send_[end]];
      if (end > pos && body_.size() + a.json.size() + 256 > kMaxRequestBytes) break;
      body_ += "{\"time\":";
      append_epoch_seconds(a.time_us, body_);
      if (!a.host.empty()) {
        body_ += ",\"host\":\"";
        body_ += a.host;  // raw JSON string content from the alert: already escaped
        body_ += '"';
      }
      body_ += envelope_tail_;
      body_ += a.json;
      body_ += ",\"fields\":{\"event_id\":\"";
      body_ += a.event_id;
      body_ += "\"}}\n";
    }
    return end;
  }

  Expected<bool, emit::SinkError> send_request(const emit::DeliveryBatch& batch, std::size_t pos, std::size_t end,
                                               emit::DeadLetters& dead_letters, bool& rejected_one) {
    for (std::size_t j = pos; j < end; ++j) progress_.sending(to_send_[j]);
    const HttpHeader headers[] = {{"Authorization", authorization_},
                                  {"Content-Type", "application/json"},
                                  {"X-Splunk-Request-Channel", channel_}};
    auto response = client_->request("POST", event_target_, std::span(headers, indexer_ack_ ? 3 : 2), body_);
    ++progress_.outcome().requests;
    progress_.outcome().bytes_sent += body_.size();
    if (!response) return Unexpected{std::move(response).error()};
    const Reply reply = parse_reply(response->body);
    const std::string where = client_->base_url() + event_target_;
    if (response->status == 200) {
      if (!indexer_ack_) {
        for (std::size_t j = pos; j < end; ++j) progress_.delivered(to_send_[j]);
        return true;
      }
      if (!reply.has_ack_id) {
        return Unexpected{unavailable(where + ": no ackId in the response: enable indexer acknowledgement on the "
                                              "token, or set indexer_ack: false")};
      }
      PendingAck ack{reply.ack_id, {}};
      for (std::size_t j = pos; j < end; ++j) {
        ack.alerts.push_back(to_send_[j]);
        in_flight_[to_send_[j]] = 1;
      }
      pending_.push_back(std::move(ack));
      return true;
    }
    if (response->status == 400 && reply.code == 6 && reply.invalid_event >= 0 &&
        static_cast<std::size_t>(reply.invalid_event) < end - pos) {
      const std::size_t k = pos + static_cast<std::size_t>(reply.invalid_event);
      if (!indexer_ack_) {
        for (std::size_t j = pos; j < k; ++j) progress_.delivered(to_send_[j]);
      }
      const emit::AlertLine& bad = batch.alerts[to_send_[k]];
      dead_letters.add(bad, "splunk_hec " + where + ": HTTP 400 code 6: " + reply.text);
      progress_.dead_lettered(to_send_[k]);
      rejected_one = true;
      return true;
    }
    emit::SinkError error = unavailable(where + ": HTTP " + std::to_string(response->status) +
                                        (reply.text.empty() ? "" : ": " + reply.text) +
                                        (reply.code >= 0 ? " (code " + std::to_string(reply.code) + ")" : ""));
    if (response->status == 401 || response->status == 403) error.kind = emit::SinkError::Kind::kPermission;
    return Unexpected{std::move(error)};
  }

  Expected<bool, emit::SinkError> wait_for_acks(const emit::DeliveryBatch& batch) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(ack_timeout_ms_);
    std::int64_t interval_ms = kFirstAckPollMs;
    const HttpHeader headers[] = {{"Authorization", authorization_},
                                  {"Content-Type", "application/json"},
                                  {"X-Splunk-Request-Channel", channel_}};
    const std::string where = client_->base_url() + ack_target_;
    while (!pending_.empty()) {
      const auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left_ms <= 0) break;
      if (!client_->wait_ms(std::min(interval_ms, left_ms))) return Unexpected{unavailable(where + ": cancelled")};
      interval_ms = std::min(interval_ms * 2, kMaxAckPollMs);
      body_ = "{\"acks\":[";
      for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (i > 0) body_ += ',';
        emit::append_json_uint(pending_[i].ack_id, body_);
      }
      body_ += "]}";
      auto response = client_->request("POST", ack_target_, headers, body_);
      ++progress_.outcome().requests;
      if (!response) return Unexpected{std::move(response).error()};
      if (response->status != 200) {
        return Unexpected{unavailable(where + ": HTTP " + std::to_string(response->status) + " polling acks")};
      }
      apply_acks(response->body);
    }
    if (pending_.empty()) return true;
    std::size_t events = 0;
    for (const auto& p : pending_) {
      events += p.alerts.size();
      for (std::size_t i : p.alerts) in_flight_[i] = 0;
    }
    (void)batch;
    return Unexpected{unavailable(where + ": " + std::to_string(events) + " events in " +
                                  std::to_string(pending_.size()) + " requests not acknowledged within " +
                                  std::to_string(ack_timeout_ms_) + " ms; they will be sent again")};
  }

  // {"acks":{"0":true,"1":false}}: settles the requests acknowledged.
  void apply_acks(const std::string& body) {
    simdjson::dom::object acks;
    if (parser_.parse(body).at_key("acks").get(acks) != simdjson::SUCCESS) return;
    for (auto field : acks) {
      bool value = false;
      if (field.value.get(value) != simdjson::SUCCESS || !value) continue;
      std::uint64_t id = 0;
      const std::string_view key = field.key;
      if (std::from_chars(key.data(), key.data() + key.size(), id).ec != std::errc()) continue;
      for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (pending_[i].ack_id != id) continue;
        for (std::size_t a : pending_[i].alerts) progress_.delivered(a);
        pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }

  struct Reply {
    std::int64_t code = -1;
    std::string text;
    bool has_ack_id = false;
    std::uint64_t ack_id = 0;
    std::int64_t invalid_event = -1;
  };
  Reply parse_reply(const std::string& body) {
    Reply reply;
    simdjson::dom::element doc;
    if (parser_.parse(body).get(doc) != simdjson::SUCCESS) {
      reply.text = body.substr(0, 200);
      return reply;
    }
    std::int64_t code = 0, invalid = 0;
    std::uint64_t ack = 0;
    std::string_view text;
    if (doc["code"].get(code) == simdjson::SUCCESS) reply.code = code;
    if (doc["text"].get(text) == simdjson::SUCCESS) reply.text = std::string(text);
    if (doc["ackId"].get(ack) == simdjson::SUCCESS) {
      reply.has_ack_id = true;
      reply.ack_id = ack;
    }
    if (doc["invalid-event-number"].get(invalid) == simdjson::SUCCESS) reply.invalid_event = invalid;
    return reply;
  }

  std::unique_ptr<HttpClient> client_;
  std::string authorization_;
  std::string event_target_;
  std::string ack_target_;
  std::string channel_;
  bool indexer_ack_;
  std::int64_t ack_timeout_ms_;
  std::string envelope_tail_;

  BatchProgress progress_;
  std::vector<std::uint8_t> in_flight_;  // per alert: waiting for its request's ack
  std::vector<PendingAck> pending_;
  std::vector<std::size_t> to_send_;
  std::string body_;
  simdjson::dom::parser parser_;
};

}  // namespace

std::unique_ptr<emit::DeliveryTarget> make_splunk_hec_target(const config::SinkConfig& config, std::string& error) {
  auto url = parse_url(config.url);
  if (!url) {
    error = url.error();
    return nullptr;
  }
  auto token = read_secret_file(config.token_file, "token_file");
  if (!token) {
    error = token.error();
    return nullptr;
  }
  // url: the server (https://splunk:8088) or the event endpoint itself.
  std::string base = url->path;
  for (std::string_view suffix : {"/services/collector/event/1.0", "/services/collector/event", "/services/collector"}) {
    if (std::string_view(base).ends_with(suffix)) {
      base.resize(base.size() - suffix.size());
      break;
    }
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto client = HttpClient::make(*url, config.tls, config.timeout_ms);
  if (!client) {
    error = client.error();
    return nullptr;
  }
  return std::make_unique<SplunkHecTarget>(config, std::move(client).value(), std::move(token).value(),
                                           base + "/services/collector/event", base + "/services/collector/ack");
}

}  // namespace logsift::sinks
