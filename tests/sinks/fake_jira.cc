// FakeJira; see fake_jira.h.
#include "tests/sinks/fake_jira.h"

#include <simdjson.h>

namespace logsift::sinks::testing {
namespace {

// "/rest/api/2/issue/OPS-3/comment" -> "OPS-3" (the segment after "issue/").
std::string issue_key_in(const std::string& target) {
  const auto at = target.find("/issue/");
  if (at == std::string::npos) return {};
  const auto start = at + 7;
  const auto end = target.find_first_of("/?", start);
  return target.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

std::vector<FakeJira::Issue> FakeJira::issues() const {
  std::lock_guard lock(mutex_);
  return issues_;
}

std::vector<std::string> FakeJira::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

void FakeJira::close_by_hand(const std::string& key) {
  std::lock_guard lock(mutex_);
  for (auto& i : issues_) {
    if (i.key == key) i.done = true;
  }
}

FakeResponse FakeJira::handle(const FakeRequest& request) {
  std::lock_guard lock(mutex_);
  calls_.push_back(request.method + " " + request.target);
  const std::string& t = request.target;
  if (t.find("/rest/api/") == std::string::npos) return {404, "{\"errorMessages\":[\"no such endpoint\"]}"};
  const std::string key = issue_key_in(t);
  Issue* issue = nullptr;
  for (auto& i : issues_) {
    if (i.key == key) issue = &i;
  }
  if (request.method == "GET" && t.find("/search?") != std::string::npos) {
    const auto label_at = t.find("labels%3D");
    const std::string wanted = label_at == std::string::npos ? "" : t.substr(label_at + 9);
    std::string body = "{\"issues\":[";
    for (const auto& i : issues_) {
      for (const auto& l : i.labels) {
        if (l == wanted) {
          body += "{\"key\":\"" + i.key + "\"}";
          goto found;
        }
      }
    }
  found:
    body += "]}";
    return {200, body};
  }
  if (request.method == "POST" && t.ends_with("/issue")) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(request.body).get(doc) != simdjson::SUCCESS) return {400, "{\"errorMessages\":[\"bad JSON\"]}"};
    std::string_view project;
    if (doc["fields"]["project"]["key"].get_string().get(project) != simdjson::SUCCESS || project != "OPS") {
      return {400, "{\"errors\":{\"project\":\"project is required\"}}"};
    }
    Issue created;
    created.key = "OPS-" + std::to_string(issues_.size() + 1);
    std::string_view s;
    if (doc["fields"]["summary"].get_string().get(s) == simdjson::SUCCESS) created.summary = s;
    if (doc["fields"]["priority"]["name"].get_string().get(s) == simdjson::SUCCESS) created.priority = s;
    simdjson::dom::array labels;
    if (doc["fields"]["labels"].get_array().get(labels) == simdjson::SUCCESS) {
      for (auto l : labels) {
        if (l.get_string().get(s) == simdjson::SUCCESS) created.labels.emplace_back(s);
      }
    }
    created.body = request.body;
    issues_.push_back(created);
    return {201, "{\"id\":\"" + std::to_string(issues_.size()) + "\",\"key\":\"" + created.key + "\"}"};
  }
  if (issue == nullptr) return {404, "{\"errorMessages\":[\"Issue does not exist\"]}"};
  if (request.method == "POST" && t.ends_with("/comment")) {
    issue->comments.push_back(request.body);
    return {201, "{\"id\":\"1\"}"};
  }
  if (request.method == "GET" && t.ends_with("/transitions")) {
    return {200, issue->done ? "{\"transitions\":[{\"id\":\"3\",\"name\":\"Reopen\"}]}"
                             : "{\"transitions\":[{\"id\":\"31\",\"name\":\"Done\"}]}"};
  }
  if (request.method == "POST" && t.ends_with("/transitions")) {
    const bool to_done = request.body.find("\"31\"") != std::string::npos;
    const bool reopen = request.body.find("\"3\"") != std::string::npos;
    if ((to_done && issue->done) || (reopen && !issue->done) || (!to_done && !reopen)) {
      return {400, "{\"errorMessages\":[\"Transition is not valid\"]}"};
    }
    issue->done = to_done;
    issue->transitions.push_back(to_done ? "Done" : "Reopen");
    return {204, ""};
  }
  if (request.method == "PUT" && t.ends_with("/issue/" + issue->key)) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string_view priority;
    if (parser.parse(request.body).get(doc) != simdjson::SUCCESS) return {400, "{\"errorMessages\":[\"bad JSON\"]}"};
    if (doc["fields"]["priority"]["name"].get_string().get(priority) == simdjson::SUCCESS) issue->priority = priority;
    return {204, ""};
  }
  if (request.method == "GET") {
    return {200, std::string("{\"key\":\"") + issue->key + "\",\"fields\":{\"status\":{\"statusCategory\":{\"key\":\"" +
                     (issue->done ? "done" : "new") + "\"}}}}"};
  }
  return {405, "{\"errorMessages\":[\"method not allowed\"]}"};
}

}  // namespace logsift::sinks::testing
