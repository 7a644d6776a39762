// WebhookTarget; see webhook_target.h.
#include "daemon/sinks/webhook_target.h"

#include <fstream>
#include <sstream>

#include "daemon/sinks/batch_progress.h"
#include "daemon/sinks/body_template.h"
#include "daemon/sinks/http_client.h"
#include "daemon/sinks/secret_file.h"

namespace logsift::sinks {
namespace {

bool retryable(unsigned status) { return status == 408 || status == 429 || status >= 500; }

class WebhookTarget final : public emit::DeliveryTarget {
 public:
  WebhookTarget(std::unique_ptr<HttpClient> client, std::string target, BodyTemplate body,
                std::string content_type, std::string authorization)
      : client_(std::move(client)),
        target_(std::move(target)),
        body_(std::move(body)),
        content_type_(std::move(content_type)),
        authorization_(std::move(authorization)) {}

  std::string_view type() const override { return "webhook"; }
  void cancel() override { client_->cancel(); }

  Expected<emit::DeliveryOutcome, emit::SinkError> deliver(const emit::DeliveryBatch& batch,
                                                           emit::DeadLetters& dead_letters) override {
    progress_.begin(batch);
    for (std::size_t i = 0; i < batch.alerts.size(); ++i) {
      if (progress_.settled(i)) continue;
      const emit::AlertLine& alert = batch.alerts[i];
      rendered_.clear();
      body_.render(alert.json, rendered_);
      const HttpHeader headers[] = {{"Content-Type", content_type_},
                                    {"X-Logsift-Event-Id", alert.event_id},
                                    {"Authorization", authorization_}};
      progress_.sending(i);
      auto response = client_->request("POST", target_, std::span(headers, authorization_.empty() ? 2 : 3), rendered_);
      ++progress_.outcome().requests;
      if (!response) return Unexpected{std::move(response).error()};
      progress_.outcome().bytes_sent += rendered_.size();
      const unsigned status = response->status;
      if (status >= 200 && status < 300) {
        progress_.delivered(i);
      } else if (retryable(status)) {
        return Unexpected{emit::SinkError{emit::SinkError::Kind::kUnavailable, 0,
                                          client_->base_url() + target_ + ": HTTP " + std::to_string(status) + ": " +
                                              response->body.substr(0, 300)}};
      } else {
        dead_letters.add(alert, "HTTP " + std::to_string(status) + ": " + response->body.substr(0, 300));
        progress_.dead_lettered(i);
      }
    }
    return progress_.finish();
  }

 private:
  std::unique_ptr<HttpClient> client_;
  std::string target_;
  BodyTemplate body_;
  std::string content_type_;
  std::string authorization_;
  BatchProgress progress_;
  std::string rendered_;
};

}  // namespace

std::unique_ptr<emit::DeliveryTarget> make_webhook_target(const config::SinkConfig& config, std::string& error) {
  const std::string sink = "sink " + config.name + ": ";
  auto url = parse_url(config.url);
  if (!url) {
    error = sink + url.error();
    return nullptr;
  }
  std::string text = config.body_template;
  if (!config.template_file.empty()) {
    std::ifstream in(config.template_file, std::ios::binary);
    if (!in) {
      error = sink + "cannot read template_file " + config.template_file;
      return nullptr;
    }
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
  }
  auto body = BodyTemplate::compile(text);
  if (!body) {
    error = sink + "template: " + body.error();
    return nullptr;
  }
  auto authorization = read_authorization(config, "Bearer");
  if (!authorization) {
    error = sink + authorization.error();
    return nullptr;
  }
  auto client = HttpClient::make(url.value(), config.tls, config.timeout_ms);
  if (!client) {
    error = sink + client.error();
    return nullptr;
  }
  std::string target = url->path.empty() ? "/" : url->path;
  if (!url->query.empty()) target += "?" + url->query;
  return std::make_unique<WebhookTarget>(std::move(client).value(), std::move(target), std::move(body).value(),
                                         config.content_type, std::move(authorization).value());
}

}  // namespace logsift::sinks
