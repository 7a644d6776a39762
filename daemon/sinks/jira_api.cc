// JiraApi; see jira_api.h.
#include "daemon/sinks/jira_api.h"

#include <charconv>

#include "daemon/sinks/secret_file.h"

namespace logsift::sinks {

Expected<std::unique_ptr<JiraApi>, std::string> JiraApi::connect(const config::SinkConfig& config) {
  const std::string sink = "sink " + config.name + ": ";
  auto url = parse_url(config.url);
  if (!url) return Unexpected{sink + url.error()};
  auto authorization = read_authorization(config, "Bearer");
  if (!authorization) return Unexpected{sink + authorization.error()};
  auto client = HttpClient::make(url.value(), config.tls, config.timeout_ms);
  if (!client) return Unexpected{sink + client.error()};
  std::string base = url->path;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return std::unique_ptr<JiraApi>(new JiraApi(std::move(client).value(), std::move(authorization).value(),
                                              base + "/rest/api/" + std::to_string(config.api_version),
                                              config.api_version));
}

Expected<HttpResponse, emit::SinkError> JiraApi::call(std::string_view method, const std::string& path,
                                                      const std::string& body) {
  const HttpHeader headers[] = {{"Content-Type", "application/json"},
                                {"Accept", "application/json"},
                                {"Authorization", authorization_}};
  const std::string target = api_ + path;
  auto response = client_->request(method, target, std::span(headers, authorization_.empty() ? 2 : 3), body);
  if (!response) return Unexpected{std::move(response).error()};
  if (response->status == 429 || response->status >= 500) {
    return Unexpected{emit::SinkError{emit::SinkError::Kind::kUnavailable, 0,
                                      client_->base_url() + target + ": HTTP " + std::to_string(response->status) +
                                          ": " + response->body.substr(0, 300)}};
  }
  if (response->status == 401 || response->status == 403) {
    return Unexpected{emit::SinkError{emit::SinkError::Kind::kPermission, 0,
                                      client_->base_url() + target + ": HTTP " + std::to_string(response->status)}};
  }
  return response;
}

std::string JiraApi::refusal_of(const HttpResponse& r) {
  return "Jira HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
}

std::vector<JiraIssueLine> parse_jira_issue_map(std::string_view text) {
  std::vector<JiraIssueLine> out;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    const auto tab1 = line.find('\t');
    if (tab1 == std::string_view::npos || tab1 == 0) continue;
    const auto tab2 = line.find('\t', tab1 + 1);
    JiraIssueLine l;
    l.problem_id = line.substr(0, tab1);
    l.key = line.substr(tab1 + 1, tab2 == std::string_view::npos ? std::string_view::npos : tab2 - tab1 - 1);
    if (l.key.empty()) continue;
    if (tab2 != std::string_view::npos) {
      const std::string_view last = line.substr(tab2 + 1);
      std::from_chars(last.data(), last.data() + last.size(), l.last_comment_us);
    }
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace logsift::sinks
