// HttpTarget; see http_target.h.
#include "daemon/sinks/http_target.h"

#include "daemon/sinks/http_client.h"
#include "daemon/sinks/secret_file.h"

namespace logsift::sinks {
namespace {

class HttpTarget final : public emit::DeliveryTarget {
 public:
  HttpTarget(std::unique_ptr<HttpClient> client, std::string target, std::string authorization)
      : client_(std::move(client)), target_(std::move(target)), authorization_(std::move(authorization)) {}

  std::string_view type() const override { return "http"; }
  void cancel() override { client_->cancel(); }

  Expected<emit::DeliveryOutcome, emit::SinkError> deliver(const emit::DeliveryBatch& batch,
                                                           emit::DeadLetters&) override {
    sequence_ = std::to_string(batch.decoded.header.sequence);
    const HttpHeader headers[] = {{"Content-Type", "application/x-ndjson"},
                                  {"Content-Encoding", "zstd"},
                                  {"X-Logsift-Batch-Sequence", sequence_},
                                  {"Authorization", authorization_}};
    auto response = client_->request("POST", target_, std::span(headers, authorization_.empty() ? 3 : 4),
                                     batch.encoded);
    if (!response) return Unexpected{std::move(response).error()};
    if (response->status < 200 || response->status >= 300) {
      emit::SinkError error{emit::SinkError::Kind::kUnavailable, 0,
                            client_->base_url() + target_ + ": HTTP " + std::to_string(response->status) + ": " +
                                response->body.substr(0, 300)};
      if (response->status == 401 || response->status == 403) error.kind = emit::SinkError::Kind::kPermission;
      return Unexpected{std::move(error)};
    }
    emit::DeliveryOutcome outcome;
    outcome.delivered = batch.alerts.size();
    outcome.requests = 1;
    outcome.bytes_sent = batch.encoded.size();
    return outcome;
  }

 private:
  std::unique_ptr<HttpClient> client_;
  std::string target_;
  std::string authorization_;
  std::string sequence_;
};

}  // namespace

std::unique_ptr<emit::DeliveryTarget> make_http_target(const config::SinkConfig& config, std::string& error) {
  auto url = parse_url(config.url);
  if (!url) {
    error = url.error();
    return nullptr;
  }
  auto authorization = read_authorization(config, "Bearer");
  if (!authorization) {
    error = authorization.error();
    return nullptr;
  }
  auto client = HttpClient::make(*url, config.tls, config.timeout_ms);
  if (!client) {
    error = client.error();
    return nullptr;
  }
  std::string target = url->path.empty() ? "/" : url->path;
  if (!url->query.empty()) target += "?" + url->query;
  return std::make_unique<HttpTarget>(std::move(client).value(), std::move(target), std::move(authorization).value());
}

}  // namespace logsift::sinks
