// FakeJira: a Jira REST API (v2 and v3) on loopback that keeps issues, comments and transitions,
// records every call, and fails on demand (FakeHttpServer's down, slow and fail_next).
//
// Issues start in "To Do"; the transitions offered are "Done" (to a done status) and "Reopen"
// (from done back to "To Do"). close_by_hand() moves an issue to done as a person would;
// assign() and move_to() assign it or put it in another status ("In Progress"). JQL searches
// (GET /search?jql=labels%3D..., POST /search and /search/jql with `labels in (...)` or
// `key in (...)`) answer in Jira's shapes: issues[].key, fields.assignee (null or displayName,
// accountId, name), fields.status.name and statusCategory.key, fields.labels.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tests/sinks/fake_server.h"

namespace logsift::sinks::testing {

class FakeJira final : public FakeHttpServer {
 public:
  struct Issue {
    std::string key;
    std::string summary;
    std::string priority;
    std::vector<std::string> labels;
    std::string body;  // the create request, for checks on fields
    bool done = false;
    std::string status = "To Do";
    std::string assignee_name;     // displayName; "" = unassigned
    std::string assignee_account;  // accountId
    std::vector<std::string> comments;  // request bodies
    std::vector<std::string> transitions;  // names applied
  };

  FakeJira() = default;
  ~FakeJira() override { stop(); }

  std::vector<Issue> issues() const;
  std::vector<std::string> calls() const;  // "METHOD target", in order
  void close_by_hand(const std::string& key);
  void assign(const std::string& key, const std::string& display_name, const std::string& account_id);
  void move_to(const std::string& key, const std::string& status);
  std::uint64_t searches() const;  // JQL search requests answered

 protected:
  FakeResponse handle(const FakeRequest& request) override;

 private:
  mutable std::mutex mutex_;
  std::vector<Issue> issues_;
  std::vector<std::string> calls_;
  std::uint64_t searches_ = 0;
};

}  // namespace logsift::sinks::testing
