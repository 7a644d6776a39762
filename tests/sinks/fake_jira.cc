// FakeJira; see fake_jira.h.
#include "tests/sinks/fake_jira.h"

#include <simdjson.h>

#include <algorithm>

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

// The quoted or bare values of "FIELD in (a, "b")" in `jql`, or none when it has no such clause.
std::vector<std::string> jql_values(const std::string& jql, const std::string& field) {
  std::vector<std::string> out;
  const auto at = jql.find(field + " in (");
  if (at == std::string::npos) return out;
  const auto close = jql.find(')', at);
  std::string list = jql.substr(at + field.size() + 5, close - at - field.size() - 5);
  std::string value;
  for (char c : list + ",") {
    if (c == ',') {
      if (!value.empty()) out.push_back(value);
      value.clear();
    } else if (c != '"' && c != ' ') {
      value += c;
    }
  }
  return out;
}

std::string json_text(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// One issue as a search answers it.
std::string issue_json(const FakeJira::Issue& i) {
  std::string out = "{\"id\":\"" + i.key.substr(4) + "\",\"key\":" + json_text(i.key) + ",\"fields\":{\"assignee\":";
  if (i.assignee_name.empty()) {
    out += "null";
  } else {
    out += "{\"displayName\":" + json_text(i.assignee_name) + ",\"accountId\":" + json_text(i.assignee_account) +
           ",\"active\":true}";
  }
  out += ",\"status\":{\"name\":" + json_text(i.status) + ",\"statusCategory\":{\"key\":\"" +
         (i.done ? "done" : i.status == "To Do" ? "new" : "indeterminate") + "\"}},\"labels\":[";
  for (std::size_t l = 0; l < i.labels.size(); ++l) out += (l ? "," : "") + json_text(i.labels[l]);
  return out + "]}}";
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
    if (i.key == key) {
      i.done = true;
      i.status = "Done";
    }
  }
}

void FakeJira::assign(const std::string& key, const std::string& display_name, const std::string& account_id) {
  std::lock_guard lock(mutex_);
  for (auto& i : issues_) {
    if (i.key == key) {
      i.assignee_name = display_name;
      i.assignee_account = account_id;
    }
  }
}

void FakeJira::move_to(const std::string& key, const std::string& status) {
  std::lock_guard lock(mutex_);
  for (auto& i : issues_) {
    if (i.key == key) {
      i.status = status;
      i.done = status == "Done";
    }
  }
}

std::uint64_t FakeJira::searches() const {
  std::lock_guard lock(mutex_);
  return searches_;
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
  if (request.method == "POST" && (t.ends_with("/search") || t.ends_with("/search/jql"))) {
    ++searches_;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string_view jql;
    if (parser.parse(request.body).get(doc) != simdjson::SUCCESS || doc["jql"].get_string().get(jql) != simdjson::SUCCESS) {
      return {400, "{\"errorMessages\":[\"jql is required\"]}"};
    }
    const auto labels = jql_values(std::string(jql), "labels");
    const auto keys = jql_values(std::string(jql), "key");
    if (labels.empty() && keys.empty()) return {400, "{\"errorMessages\":[\"Error in the JQL Query\"]}"};
    for (const auto& k : keys) {
      if (std::none_of(issues_.begin(), issues_.end(), [&](const Issue& i) { return i.key == k; })) {
        return {400, "{\"errorMessages\":[\"An issue with key '" + k + "' does not exist for field 'key'.\"]}"};
      }
    }
    std::string body = "{\"startAt\":0,\"maxResults\":100,\"issues\":[";
    bool first = true;
    for (const auto& i : issues_) {
      const bool by_key = std::find(keys.begin(), keys.end(), i.key) != keys.end();
      const bool by_label = std::any_of(i.labels.begin(), i.labels.end(), [&](const std::string& l) {
        return std::find(labels.begin(), labels.end(), l) != labels.end();
      });
      if (!by_key && !by_label) continue;
      if (!first) body += ',';
      first = false;
      body += issue_json(i);
    }
    return {200, body + "]}"};
  }
  if (request.method == "GET" && (t.find("/search?") != std::string::npos || t.find("/search/jql?") != std::string::npos)) {
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
    issue->status = to_done ? "Done" : "To Do";
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
