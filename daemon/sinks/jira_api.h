// JiraApi: one connection to a Jira REST API, shared code of the jira sink's target (which
// writes issues) and issue watch (which reads them back): the base path and version, the
// authorization header, and how answers are judged. Also the problem -> issue map file the
// target keeps in its spool folder and the watch reads.
//
// REST v2 (Server/Data Center: token_file = personal access token, sent as Bearer) or v3
// (Cloud: username + password_file = API token, basic auth).
//
// Thread-safety: one thread uses a JiraApi; cancel() may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/emit/sink.h"
#include "daemon/sinks/http_client.h"
#include "parsers/base/expected.h"

namespace logsift::sinks {

class JiraApi {
 public:
  // Reads the secret files and prepares the connection (nothing is sent yet). The error names
  // the sink and what is wrong (the URL, a secret file).
  [[nodiscard]] static Expected<std::unique_ptr<JiraApi>, std::string> connect(const config::SinkConfig& config);

  // Sends `body` (JSON; empty: none) to `path` below the API root ("/issue/OPS-1/comment").
  // 429, 5xx and transport failures are kUnavailable errors, 401/403 kPermission errors (ask
  // again later); any other answer is returned for the caller to judge.
  [[nodiscard]] Expected<HttpResponse, emit::SinkError> call(std::string_view method, const std::string& path,
                                                             const std::string& body);

  std::uint32_t version() const { return version_; }
  // The JQL search endpoint: "/search" (v2), "/search/jql" (v3: Cloud's enhanced search).
  std::string search_path() const { return version_ >= 3 ? "/search/jql" : "/search"; }
  void cancel() { client_->cancel(); }

  static bool ok(const HttpResponse& r) { return r.status >= 200 && r.status < 300; }
  // "Jira HTTP 400: <the start of Jira's answer>", for dead letters and errors.
  static std::string refusal_of(const HttpResponse& r);

 private:
  JiraApi(std::unique_ptr<HttpClient> client, std::string authorization, std::string api, std::uint32_t version)
      : client_(std::move(client)), authorization_(std::move(authorization)), api_(std::move(api)), version_(version) {}

  std::unique_ptr<HttpClient> client_;
  std::string authorization_;
  std::string api_;  // "<context path>/rest/api/<version>"
  std::uint32_t version_;
};

// The jira target's problem -> issue map, "<spool>/jira-issues.tsv": one line per problem,
// "<problem id, 16 hex>\t<issue key>\t<last comment, us>". Written atomically by the target.
inline constexpr const char* kJiraIssueMapFile = "jira-issues.tsv";

struct JiraIssueLine {
  std::string problem_id;  // as written (16 hex digits)
  std::string key;
  std::int64_t last_comment_us = 0;
};

// The lines of a map file's text; malformed lines are skipped.
std::vector<JiraIssueLine> parse_jira_issue_map(std::string_view text);

}  // namespace logsift::sinks
