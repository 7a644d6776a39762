// JiraIssueWatch; see jira_issue_watch.h.
#include "daemon/sinks/jira_issue_watch.h"

#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unordered_map>

#include "daemon/emit/json_text.h"
#include "daemon/sinks/jira_api.h"
#include "parsers/base/hex.h"

namespace logsift::sinks {
namespace {

constexpr std::size_t kIssuesPerSearch = 100;

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view string_at(simdjson::dom::element e, const char* key) {
  std::string_view s;
  return e[key].get_string().get(s) == simdjson::SUCCESS ? s : std::string_view();
}

class JiraIssueWatch final : public emit::ResponseSource {
 public:
  JiraIssueWatch(const config::SinkConfig& config, std::string state_dir, std::unique_ptr<JiraApi> api)
      : interval_ms_(config.ack_poll_ms), statuses_(config.ack_statuses), on_assign_(config.ack_on_assign),
        map_path_((std::filesystem::path(state_dir) / kJiraIssueMapFile).native()), api_(std::move(api)) {}

  std::int64_t interval_ms() const override { return interval_ms_; }
  void cancel() override { api_->cancel(); }

  Expected<std::vector<emit::ProblemResponse>, emit::SinkError> poll(std::span<const std::uint64_t> awaiting,
                                                                     std::uint64_t& requests) override {
    std::vector<emit::ProblemResponse> out;
    // The issues of the awaiting problems: key -> problem id.
    std::ifstream in(map_path_);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::unordered_map<std::string, std::uint64_t> by_problem_hex;
    for (const std::uint64_t id : awaiting) by_problem_hex.emplace(base::hex_u64(id), id);
    std::vector<std::pair<std::string, std::uint64_t>> watched;  // key, problem id
    for (auto& line : parse_jira_issue_map(text)) {
      auto found = by_problem_hex.find(line.problem_id);
      if (found != by_problem_hex.end()) watched.emplace_back(std::move(line.key), found->second);
    }
    for (std::size_t at = 0; at < watched.size(); at += kIssuesPerSearch) {
      const std::size_t end = std::min(watched.size(), at + kIssuesPerSearch);
      auto done = search(std::span(watched).subspan(at, end - at), requests, out);
      if (!done) return Unexpected{std::move(done).error()};
    }
    return out;
  }

 private:
  // One JQL search for `issues`; what it shows is appended to `out`.
  Expected<bool, emit::SinkError> search(std::span<const std::pair<std::string, std::uint64_t>> issues,
                                         std::uint64_t& requests, std::vector<emit::ProblemResponse>& out) {
    std::string jql = "labels in (";
    for (std::size_t i = 0; i < issues.size(); ++i) {
      if (i > 0) jql += ", ";
      jql += "\"logsift-";
      base::append_hex_u64(issues[i].second, jql);
      jql += '"';
    }
    jql += ')';
    std::string body = "{\"jql\":";
    emit::append_json_string(jql, body);
    body += ",\"fields\":[\"assignee\",\"status\"],\"maxResults\":" + std::to_string(kIssuesPerSearch) + "}";
    ++requests;
    auto r = api_->call("POST", api_->search_path(), body);
    if (!r) return Unexpected{std::move(r).error()};
    if (!JiraApi::ok(r.value())) {
      return Unexpected{emit::SinkError{emit::SinkError::Kind::kIo, 0, "issue search: " + JiraApi::refusal_of(r.value())}};
    }
    simdjson::dom::element doc;
    simdjson::dom::array found;
    if (parser_.parse(r->body).get(doc) != simdjson::SUCCESS || doc["issues"].get_array().get(found) != simdjson::SUCCESS) {
      return Unexpected{emit::SinkError{emit::SinkError::Kind::kIo, 0,
                                        "issue search: an answer without \"issues\": " + r->body.substr(0, 300)}};
    }
    for (simdjson::dom::element issue : found) {
      const std::string_view key = string_at(issue, "key");
      const auto watched = std::find_if(issues.begin(), issues.end(), [&](const auto& i) { return i.first == key; });
      if (key.empty() || watched == issues.end()) continue;
      simdjson::dom::element fields, assignee, status;
      if (issue["fields"].get(fields) != simdjson::SUCCESS) continue;
      std::string by;
      if (on_assign_ && fields["assignee"].get(assignee) == simdjson::SUCCESS && assignee.is_object()) {
        for (const char* name : {"displayName", "accountId", "name"}) {
          if (by.empty()) by = string_at(assignee, name);
        }
      }
      if (by.empty() && fields["status"].get(status) == simdjson::SUCCESS) {
        const std::string_view name = string_at(status, "name");
        for (const auto& wanted : statuses_) {
          if (!name.empty() && same_name(name, wanted)) by = "jira:" + std::string(key);
        }
      }
      if (!by.empty()) out.push_back(emit::ProblemResponse{watched->second, std::move(by)});
    }
    return true;
  }

  std::int64_t interval_ms_;
  std::vector<std::string> statuses_;
  bool on_assign_;
  std::string map_path_;
  std::unique_ptr<JiraApi> api_;
  simdjson::dom::parser parser_;
};

}  // namespace

std::unique_ptr<emit::ResponseSource> make_jira_issue_watch(const config::SinkConfig& config,
                                                           const std::string& state_dir, std::string& error) {
  auto api = JiraApi::connect(config);
  if (!api) {
    error = api.error();
    return nullptr;
  }
  return std::make_unique<JiraIssueWatch>(config, state_dir, std::move(api).value());
}

}  // namespace logsift::sinks
