// ElasticsearchTarget; see elasticsearch_target.h.
#include "daemon/sinks/elasticsearch_target.h"

#include <simdjson.h>

#include <ctime>

#include "daemon/emit/json_text.h"
#include "daemon/sinks/batch_progress.h"
#include "daemon/sinks/gzip_writer.h"
#include "daemon/sinks/http_client.h"
#include "daemon/sinks/secret_file.h"

namespace logsift::sinks {
namespace {

emit::SinkError unavailable(std::string message) {
  return emit::SinkError{emit::SinkError::Kind::kUnavailable, 0, std::move(message)};
}

class ElasticsearchTarget final : public emit::DeliveryTarget {
 public:
  ElasticsearchTarget(const config::SinkConfig& config, std::unique_ptr<HttpClient> client, std::string authorization,
                      std::string bulk_target)
      : client_(std::move(client)),
        authorization_(std::move(authorization)),
        bulk_target_(std::move(bulk_target)),
        index_pattern_(config.index.empty() ? "logsift-alerts-%Y.%m.%d" : config.index),
        gzip_on_(config.gzip) {}

  std::string_view type() const override { return "elasticsearch"; }
  void cancel() override { client_->cancel(); }

  Expected<emit::DeliveryOutcome, emit::SinkError> deliver(const emit::DeliveryBatch& batch,
                                                           emit::DeadLetters& dead_letters) override {
    progress_.begin(batch);
    if (progress_.unsettled() == 0) return progress_.finish();
    sent_.clear();
    body_.clear();
    for (std::size_t i = 0; i < batch.alerts.size(); ++i) {
      if (progress_.settled(i)) continue;
      const emit::AlertLine& a = batch.alerts[i];
      body_ += "{\"create\":{\"_index\":";
      append_index(a.time_us);
      body_ += ",\"_id\":\"";
      body_ += a.event_id;  // 16 hex digits
      body_ += "\"}}\n";
      body_ += a.json;
      body_ += '\n';
      sent_.push_back(i);
      progress_.sending(i);
    }
    HttpHeader headers[3] = {{"Content-Type", "application/x-ndjson"}, {}, {}};
    std::size_t n = 1;
    if (!authorization_.empty()) headers[n++] = {"Authorization", authorization_};
    std::string_view payload = body_;
    if (gzip_on_) {
      gzip_.compress(body_, compressed_);
      payload = compressed_;
      headers[n++] = {"Content-Encoding", "gzip"};
    }
    auto response = client_->request("POST", bulk_target_, std::span(headers, n), payload);
    ++progress_.outcome().requests;
    progress_.outcome().bytes_sent += payload.size();
    if (!response) return Unexpected{std::move(response).error()};
    const std::string where = client_->base_url() + bulk_target_;
    if (response->status != 200) {
      emit::SinkError error = unavailable(where + ": HTTP " + std::to_string(response->status) + ": " +
                                          response->body.substr(0, 300));
      if (response->status == 401 || response->status == 403) error.kind = emit::SinkError::Kind::kPermission;
      return Unexpected{std::move(error)};
    }
    return settle_items(batch, response->body, where, dead_letters);
  }

 private:
  // Appends the quoted index name for an alert at `time_us` (UTC strftime of the pattern).
  void append_index(std::int64_t time_us) {
    const std::time_t seconds = static_cast<std::time_t>(time_us / 1'000'000);
    if (seconds != index_seconds_ || index_.empty()) {
      std::tm tm{};
      gmtime_r(&seconds, &tm);
      char name[256];
      const std::size_t len = std::strftime(name, sizeof name, index_pattern_.c_str(), &tm);
      index_.clear();
      emit::append_json_string(std::string_view(name, len), index_);
      index_seconds_ = seconds;
    }
    body_ += index_;
  }

  Expected<emit::DeliveryOutcome, emit::SinkError> settle_items(const emit::DeliveryBatch& batch,
                                                                const std::string& body, const std::string& where,
                                                                emit::DeadLetters& dead_letters) {
    simdjson::dom::array items;
    if (parser_.parse(body).at_key("items").get(items) != simdjson::SUCCESS) {
      return Unexpected{unavailable(where + ": response without an items array")};
    }
    if (items.size() != sent_.size()) {
      return Unexpected{unavailable(where + ": " + std::to_string(items.size()) + " items in the response for " +
                                    std::to_string(sent_.size()) + " actions")};
    }
    std::size_t retry_later = 0;
    std::int64_t last_retry_status = 0;
    std::size_t k = 0;
    for (simdjson::dom::element item : items) {
      const std::size_t i = sent_[k++];
      simdjson::dom::element result;
      std::int64_t status = 0;
      if (item["create"].get(result) != simdjson::SUCCESS || result["status"].get(status) != simdjson::SUCCESS) {
        ++retry_later;  // an item we cannot read: not confirmed
        continue;
      }
      if (status >= 200 && status < 300) {
        progress_.delivered(i);
      } else if (status == 409) {
        progress_.duplicate(i);
      } else if (status == 429 || status >= 500) {
        ++retry_later;
        last_retry_status = status;
      } else {
        std::string_view type, reason;  // stay empty when the item has no error object
        if (result["error"]["type"].get(type) != simdjson::SUCCESS) type = {};
        if (result["error"]["reason"].get(reason) != simdjson::SUCCESS) reason = {};
        dead_letters.add(batch.alerts[i], "elasticsearch " + where + ": item status " + std::to_string(status) + " " +
                                              std::string(type) + ": " + std::string(reason));
        progress_.dead_lettered(i);
      }
    }
    if (retry_later > 0) {
      return Unexpected{unavailable(where + ": " + std::to_string(retry_later) + " of " + std::to_string(sent_.size()) +
                                    " items refused for now (last status " + std::to_string(last_retry_status) +
                                    "); only they will be sent again")};
    }
    return progress_.finish();
  }

  std::unique_ptr<HttpClient> client_;
  std::string authorization_;
  std::string bulk_target_;
  std::string index_pattern_;
  bool gzip_on_;
  GzipWriter gzip_;

  BatchProgress progress_;
  std::vector<std::size_t> sent_;  // batch index of each action in the request, in order
  std::string body_;
  std::string compressed_;
  std::string index_;              // quoted index name for index_seconds_
  std::time_t index_seconds_ = 0;
  simdjson::dom::parser parser_;
};

}  // namespace

std::unique_ptr<emit::DeliveryTarget> make_elasticsearch_target(const config::SinkConfig& config, std::string& error) {
  auto url = parse_url(config.url);
  if (!url) {
    error = url.error();
    return nullptr;
  }
  auto authorization = read_authorization(config, "ApiKey");
  if (!authorization) {
    error = authorization.error();
    return nullptr;
  }
  std::string base = url->path;
  if (std::string_view(base).ends_with("/_bulk")) base.resize(base.size() - 6);
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto client = HttpClient::make(*url, config.tls, config.timeout_ms);
  if (!client) {
    error = client.error();
    return nullptr;
  }
  return std::make_unique<ElasticsearchTarget>(config, std::move(client).value(), std::move(authorization).value(),
                                               base + "/_bulk");
}

}  // namespace logsift::sinks
