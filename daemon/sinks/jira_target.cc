// JiraTarget; see jira_target.h.
#include "daemon/sinks/jira_target.h"

#include <simdjson.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "daemon/emit/file_sink.h"
#include "daemon/emit/json_text.h"
#include "daemon/sinks/batch_progress.h"
#include "daemon/sinks/http_client.h"
#include "daemon/sinks/secret_file.h"

namespace logsift::sinks {
namespace {

constexpr const char* kStateFile = "jira-issues.tsv";

// What the target reads of an alert.
struct ProblemAlert {
  std::string action, problem_id, signature_id, rule_id, rule_name, host, message, severity, time;
  std::uint64_t occurrences = 0, hosts_affected = 0, reopen_count = 0;
  std::string first_seen, last_seen;
  std::vector<std::string> tags;
  std::int64_t time_us = 0;
};

std::string str(simdjson::dom::element e, const char* a, const char* b = nullptr) {
  simdjson::dom::element v;
  if (e[a].get(v) != simdjson::SUCCESS) return {};
  if (b != nullptr && v[b].get(v) != simdjson::SUCCESS) return {};
  std::string_view s;
  return v.get_string().get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
}

std::uint64_t num(simdjson::dom::element e, const char* a, const char* b) {
  std::uint64_t n = 0;
  if (e[a][b].get_uint64().get(n) != simdjson::SUCCESS) return 0;
  return n;
}

bool read_alert(const emit::AlertLine& line, simdjson::dom::parser& parser, ProblemAlert& out) {
  simdjson::dom::element e;
  if (parser.parse(line.json.data(), line.json.size()).get(e) != simdjson::SUCCESS) return false;
  out.action = std::string(line.action);
  out.time_us = line.time_us;
  out.time = str(e, "@timestamp");
  out.problem_id = str(e, "logsift", "problem_id");
  out.signature_id = std::string(line.signature_id);
  out.rule_id = str(e, "rule", "id");
  out.rule_name = str(e, "rule", "name");
  out.host = str(e, "host", "name");
  out.message = str(e, "message");
  out.severity = str(e, "logsift", "severity");
  out.first_seen = str(e, "logsift", "first_seen");
  out.last_seen = str(e, "logsift", "last_seen");
  out.occurrences = num(e, "logsift", "occurrences");
  out.hosts_affected = num(e, "logsift", "hosts_affected");
  out.reopen_count = num(e, "logsift", "reopen_count");
  out.tags.clear();
  simdjson::dom::array tags;
  if (e["tags"].get_array().get(tags) == simdjson::SUCCESS) {
    for (auto t : tags) {
      std::string_view s;
      if (t.get_string().get(s) == simdjson::SUCCESS) out.tags.emplace_back(s);
    }
  }
  return true;
}

// Jira labels may not contain spaces.
std::string label(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == ' ' || c == '\t') c = '_';
  }
  return out;
}

struct Issue {
  std::string key;
  std::int64_t last_comment_us = 0;
};

class JiraTarget final : public emit::DeliveryTarget {
 public:
  JiraTarget(const config::SinkConfig& config, std::string state_dir, std::unique_ptr<HttpClient> client,
             std::string authorization, std::string base_path)
      : config_(config), state_dir_(std::move(state_dir)), client_(std::move(client)),
        authorization_(std::move(authorization)) {
    while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();
    api_ = base_path + "/rest/api/" + std::to_string(config_.api_version);
    priorities_ = {{"critical", "Highest"}, {"high", "High"}, {"medium", "Medium"}, {"low", "Low"},
                   {"informational", "Lowest"}};
    for (const auto& [severity, name] : config_.priorities) priorities_[severity] = name;
    load_state();
  }

  std::string_view type() const override { return "jira"; }
  void cancel() override { client_->cancel(); }

  Expected<emit::DeliveryOutcome, emit::SinkError> deliver(const emit::DeliveryBatch& batch,
                                                           emit::DeadLetters& dead_letters) override {
    progress_.begin(batch);
    for (std::size_t i = 0; i < batch.alerts.size(); ++i) {
      if (progress_.settled(i)) continue;
      progress_.sending(i);
      ProblemAlert alert;
      if (!read_alert(batch.alerts[i], parser_, alert)) {
        dead_letters.add(batch.alerts[i], "not a JSON alert");
        progress_.dead_lettered(i);
        continue;
      }
      std::string refusal;
      auto done = handle(alert, refusal);
      if (!done) return Unexpected{std::move(done).error()};
      if (!refusal.empty()) {
        dead_letters.add(batch.alerts[i], refusal);
        progress_.dead_lettered(i);
      } else {
        progress_.delivered(i);
      }
    }
    return progress_.finish();
  }

 private:
  // Sends one request; a 429/5xx answer or a transport failure is an error (retry later), other
  // non-2xx answers come back as a response for the caller to judge.
  Expected<HttpResponse, emit::SinkError> call(std::string_view method, const std::string& target,
                                               const std::string& body) {
    const HttpHeader headers[] = {{"Content-Type", "application/json"},
                                  {"Accept", "application/json"},
                                  {"Authorization", authorization_}};
    ++progress_.outcome().requests;
    progress_.outcome().bytes_sent += body.size();
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

  static bool ok(const HttpResponse& r) { return r.status >= 200 && r.status < 300; }
  static std::string refusal_of(const HttpResponse& r) {
    return "Jira HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
  }

  // A text field: a JSON string in v2, an Atlassian Document Format paragraph list in v3.
  void append_text(const std::string& text, std::string& out) const {
    if (config_.api_version < 3) {
      emit::append_json_string(text, out);
      return;
    }
    out += "{\"type\":\"doc\",\"version\":1,\"content\":[";
    std::size_t start = 0;
    bool first = true;
    while (start <= text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      if (!first) out += ',';
      first = false;
      out += "{\"type\":\"paragraph\",\"content\":[";
      if (end > start) {
        out += "{\"type\":\"text\",\"text\":";
        emit::append_json_string(std::string_view(text).substr(start, end - start), out);
        out += '}';
      }
      out += "]}";
      start = end + 1;
    }
    out += "]}";
  }

  std::string description(const ProblemAlert& a) const {
    std::string d = "logsift opened this problem: rule " + a.rule_id + " (" + a.rule_name + ") keeps recurring.\n";
    d += "Signature: " + a.signature_id + ", problem " + a.problem_id + "\n";
    d += "Occurrences: " + std::to_string(a.occurrences) + " on " + std::to_string(a.hosts_affected) + " host(s), first " +
         a.first_seen + ", last " + a.last_seen + "\n";
    d += "Severity: " + a.severity + "\n";
    d += "Latest line (" + a.host + "): " + a.message + "\n";
    return d;
  }

  Expected<bool, emit::SinkError> handle(const ProblemAlert& a, std::string& refusal) {
    if (a.problem_id.empty() || a.action == "incident") return true;  // not ticket material
    auto found = issues_.find(a.problem_id);
    if (a.action == "problem.opened" || found == issues_.end()) {
      if (found != issues_.end()) return true;  // a resend: the issue exists
      return open_issue(a, "", refusal);
    }
    Issue& issue = found->second;
    if (a.action == "problem.updated") {
      if (a.time_us - issue.last_comment_us < config_.comment_interval_ms * 1000) return true;
      auto reopened = reopen_if_closed_by_hand(a, issue, refusal);
      if (!reopened || !refusal.empty()) return reopened;
      const std::string text = "Still recurring: " + std::to_string(a.occurrences) + " occurrences on " +
                               std::to_string(a.hosts_affected) + " host(s), last " + a.last_seen + ". Latest (" +
                               a.host + "): " + a.message;
      auto c = comment(issues_[a.problem_id].key, text, refusal);
      if (!c || !refusal.empty()) return c;
      issues_[a.problem_id].last_comment_us = a.time_us;
      return save_state();
    }
    if (a.action == "problem.resolved") {
      auto t = transition(issue.key, config_.resolve_transition, refusal);
      if (!t || !refusal.empty()) return t;
      return comment(issue.key, "logsift: the problem has been quiet since " + a.last_seen + "; resolved.", refusal);
    }
    if (a.action == "problem.escalated") return escalate(a, issue.key, refusal);
    if (a.action == "problem.reopened") {
      if (config_.new_issue_when_closed) return open_issue(a, issue.key, refusal);
      auto t = transition(issue.key, config_.reopen_transition, refusal);
      if (!t || !refusal.empty()) return t;
      return comment(issue.key, "logsift: the problem came back (reopened " + std::to_string(a.reopen_count) +
                                    " time(s)); latest (" + a.host + "): " + a.message,
                     refusal);
    }
    return true;
  }

  // Creates the problem's issue (linked to `previous` when given), or adopts one a lost answer
  // had already created.
  Expected<bool, emit::SinkError> open_issue(const ProblemAlert& a, const std::string& previous, std::string& refusal) {
    const std::string problem_label = "logsift-" + a.problem_id;
    if (previous.empty()) {
      auto existing = call("GET", api_ + "/search?fields=status&maxResults=1&jql=labels%3D" + problem_label, "");
      if (!existing) return Unexpected{std::move(existing).error()};
      if (ok(existing.value())) {
        simdjson::dom::element doc;
        std::string_view key;
        if (parser_.parse(existing->body).get(doc) == simdjson::SUCCESS &&
            doc["issues"].at(0)["key"].get_string().get(key) == simdjson::SUCCESS) {
          issues_[a.problem_id] = Issue{std::string(key), a.time_us};
          return save_state();
        }
      }
    }
    std::string body = "{\"fields\":{\"project\":{\"key\":";
    emit::append_json_string(config_.project, body);
    body += "},\"issuetype\":{\"name\":";
    emit::append_json_string(config_.issue_type, body);
    body += "},\"summary\":";
    emit::append_json_string("[logsift] " + a.rule_name + " on " + a.host, body);
    body += ",\"description\":";
    append_text(description(a), body);
    if (auto p = priorities_.find(a.severity); p != priorities_.end()) {
      body += ",\"priority\":{\"name\":";
      emit::append_json_string(p->second, body);
      body += '}';
    }
    body += ",\"labels\":[\"logsift\",";
    emit::append_json_string(problem_label, body);
    for (const auto& t : a.tags) {
      body += ',';
      emit::append_json_string(label(t), body);
    }
    body += "]}";
    if (!previous.empty()) {
      body += ",\"update\":{\"issuelinks\":[{\"add\":{\"type\":{\"name\":\"Relates\"},\"outwardIssue\":{\"key\":";
      emit::append_json_string(previous, body);
      body += "}}}]}";
    }
    body += '}';
    auto created = call("POST", api_ + "/issue", body);
    if (!created) return Unexpected{std::move(created).error()};
    if (!ok(created.value())) {
      refusal = refusal_of(created.value());
      return true;
    }
    simdjson::dom::element doc;
    std::string_view key;
    if (parser_.parse(created->body).get(doc) != simdjson::SUCCESS || doc["key"].get_string().get(key) != simdjson::SUCCESS) {
      refusal = "Jira answered the create without an issue key: " + created->body.substr(0, 300);
      return true;
    }
    issues_[a.problem_id] = Issue{std::string(key), a.time_us};
    return save_state();
  }

  // The SLA response deadline passed unacknowledged: the priority one level above the severity's
  // (the highest stays the highest), and a comment saying why.
  Expected<bool, emit::SinkError> escalate(const ProblemAlert& a, const std::string& key, std::string& refusal) {
    static constexpr std::array<std::string_view, 5> kOrder = {"informational", "low", "medium", "high", "critical"};
    std::size_t level = 0;
    while (level < kOrder.size() && kOrder[level] != a.severity) ++level;
    const std::string_view raised = kOrder[std::min(level + 1, kOrder.size() - 1)];
    const auto p = priorities_.find(std::string(raised));
    if (p != priorities_.end()) {
      std::string body = "{\"fields\":{\"priority\":{\"name\":";
      emit::append_json_string(p->second, body);
      body += "}}}";
      auto r = call("PUT", api_ + "/issue/" + key, body);
      if (!r) return Unexpected{std::move(r).error()};
      if (!ok(r.value())) {
        refusal = refusal_of(r.value());
        return true;
      }
    }
    return comment(key, "logsift: nobody acknowledged this problem by its SLA response deadline (" + a.time +
                            "); priority raised" + (p != priorities_.end() ? " to " + p->second : std::string()) + ".",
                   refusal);
  }

  Expected<bool, emit::SinkError> comment(const std::string& key, const std::string& text, std::string& refusal) {
    std::string body = "{\"body\":";
    append_text(text, body);
    body += '}';
    auto r = call("POST", api_ + "/issue/" + key + "/comment", body);
    if (!r) return Unexpected{std::move(r).error()};
    if (!ok(r.value())) refusal = refusal_of(r.value());
    return true;
  }

  // Applies the transition named `name` (case-insensitive) if the issue offers it; an issue
  // already in the target state offers none, which is not an error.
  Expected<bool, emit::SinkError> transition(const std::string& key, const std::string& name, std::string& refusal) {
    auto list = call("GET", api_ + "/issue/" + key + "/transitions", "");
    if (!list) return Unexpected{std::move(list).error()};
    if (!ok(list.value())) {
      refusal = refusal_of(list.value());
      return true;
    }
    simdjson::dom::element doc;
    simdjson::dom::array transitions;
    if (parser_.parse(list->body).get(doc) != simdjson::SUCCESS ||
        doc["transitions"].get_array().get(transitions) != simdjson::SUCCESS) {
      return true;
    }
    std::string id;
    for (auto t : transitions) {
      std::string_view n, i;
      if (t["name"].get_string().get(n) != simdjson::SUCCESS || t["id"].get_string().get(i) != simdjson::SUCCESS) continue;
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); })) {
        id = i;
      }
    }
    if (id.empty()) return true;
    auto r = call("POST", api_ + "/issue/" + key + "/transitions", "{\"transition\":{\"id\":\"" + id + "\"}}");
    if (!r) return Unexpected{std::move(r).error()};
    if (!ok(r.value())) refusal = refusal_of(r.value());
    return true;
  }

  // An issue closed by hand while its problem goes on is reopened, or replaced by a linked one.
  Expected<bool, emit::SinkError> reopen_if_closed_by_hand(const ProblemAlert& a, Issue& issue, std::string& refusal) {
    auto r = call("GET", api_ + "/issue/" + issue.key + "?fields=status", "");
    if (!r) return Unexpected{std::move(r).error()};
    if (!ok(r.value())) return true;
    simdjson::dom::element doc;
    std::string_view category;
    if (parser_.parse(r->body).get(doc) != simdjson::SUCCESS ||
        doc["fields"]["status"]["statusCategory"]["key"].get_string().get(category) != simdjson::SUCCESS ||
        category != "done") {
      return true;
    }
    if (config_.new_issue_when_closed) return open_issue(a, issue.key, refusal);
    return transition(issue.key, config_.reopen_transition, refusal);
  }

  void load_state() {
    std::ifstream in(std::filesystem::path(state_dir_) / kStateFile);
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      std::string problem, key;
      std::int64_t last = 0;
      if (fields >> problem >> key >> last) issues_[problem] = Issue{key, last};
    }
  }

  Expected<bool, emit::SinkError> save_state() {
    std::string text;
    for (const auto& [problem, issue] : issues_) {
      text += problem + '\t' + issue.key + '\t' + std::to_string(issue.last_comment_us) + '\n';
    }
    auto written = emit::write_file_atomically(state_dir_, kStateFile, text);
    if (!written) return Unexpected{std::move(written).error()};
    return true;
  }

  config::SinkConfig config_;
  std::string state_dir_;
  std::unique_ptr<HttpClient> client_;
  std::string authorization_;
  std::string api_;
  std::map<std::string, std::string> priorities_;
  std::map<std::string, Issue> issues_;  // problem id -> issue
  BatchProgress progress_;
  simdjson::dom::parser parser_;
};

}  // namespace

std::unique_ptr<emit::DeliveryTarget> make_jira_target(const config::SinkConfig& config, const std::string& state_dir,
                                                       std::string& error) {
  const std::string sink = "sink " + config.name + ": ";
  auto url = parse_url(config.url);
  if (!url) {
    error = sink + url.error();
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
  return std::make_unique<JiraTarget>(config, state_dir, std::move(client).value(), std::move(authorization).value(),
                                      url->path);
}

}  // namespace logsift::sinks
