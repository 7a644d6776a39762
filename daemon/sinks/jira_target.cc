// JiraTarget; see jira_target.h.
#include "daemon/sinks/jira_target.h"

#include <simdjson.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "daemon/emit/file_sink.h"
#include "daemon/emit/json_text.h"
#include "daemon/sinks/batch_progress.h"
#include "daemon/sinks/jira_api.h"
#include "daemon/sinks/jira_issue_watch.h"

namespace logsift::sinks {
namespace {

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
  JiraTarget(const config::SinkConfig& config, std::string state_dir, std::unique_ptr<JiraApi> api,
             std::unique_ptr<emit::ResponseSource> watch)
      : config_(config), state_dir_(std::move(state_dir)), api_(std::move(api)), watch_(std::move(watch)) {
    priorities_ = {{"critical", "Highest"}, {"high", "High"}, {"medium", "Medium"}, {"low", "Low"},
                   {"informational", "Lowest"}};
    for (const auto& [severity, name] : config_.priorities) priorities_[severity] = name;
    load_state();
  }

  std::string_view type() const override { return "jira"; }
  void cancel() override { api_->cancel(); }
  emit::ResponseSource* responses() override { return watch_.get(); }

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
  // One request through the API, counted in the batch's outcome.
  Expected<HttpResponse, emit::SinkError> call(std::string_view method, const std::string& path,
                                               const std::string& body) {
    ++progress_.outcome().requests;
    progress_.outcome().bytes_sent += body.size();
    return api_->call(method, path, body);
  }

  static bool ok(const HttpResponse& r) { return JiraApi::ok(r); }
  static std::string refusal_of(const HttpResponse& r) { return JiraApi::refusal_of(r); }

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
      auto existing = call("GET", api_->search_path() + "?fields=status&maxResults=1&jql=labels%3D" + problem_label, "");
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
    auto created = call("POST", "/issue", body);
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
      auto r = call("PUT", "/issue/" + key, body);
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
    auto r = call("POST", "/issue/" + key + "/comment", body);
    if (!r) return Unexpected{std::move(r).error()};
    if (!ok(r.value())) refusal = refusal_of(r.value());
    return true;
  }

  // Applies the transition named `name` (case-insensitive) if the issue offers it; an issue
  // already in the target state offers none, which is not an error.
  Expected<bool, emit::SinkError> transition(const std::string& key, const std::string& name, std::string& refusal) {
    auto list = call("GET", "/issue/" + key + "/transitions", "");
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
    auto r = call("POST", "/issue/" + key + "/transitions", "{\"transition\":{\"id\":\"" + id + "\"}}");
    if (!r) return Unexpected{std::move(r).error()};
    if (!ok(r.value())) refusal = refusal_of(r.value());
    return true;
  }

  // An issue closed by hand while its problem goes on is reopened, or replaced by a linked one.
  Expected<bool, emit::SinkError> reopen_if_closed_by_hand(const ProblemAlert& a, Issue& issue, std::string& refusal) {
    auto r = call("GET", "/issue/" + issue.key + "?fields=status", "");
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
    std::ifstream in(std::filesystem::path(state_dir_) / kJiraIssueMapFile);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    for (auto& line : parse_jira_issue_map(text)) issues_[line.problem_id] = Issue{line.key, line.last_comment_us};
  }

  Expected<bool, emit::SinkError> save_state() {
    std::string text;
    for (const auto& [problem, issue] : issues_) {
      text += problem + '\t' + issue.key + '\t' + std::to_string(issue.last_comment_us) + '\n';
    }
    auto written = emit::write_file_atomically(state_dir_, kJiraIssueMapFile, text);
    if (!written) return Unexpected{std::move(written).error()};
    return true;
  }

  config::SinkConfig config_;
  std::string state_dir_;
  std::unique_ptr<JiraApi> api_;
  std::unique_ptr<emit::ResponseSource> watch_;  // null when ack_poll is 0
  std::map<std::string, std::string> priorities_;
  std::map<std::string, Issue> issues_;  // problem id -> issue
  BatchProgress progress_;
  simdjson::dom::parser parser_;
};

}  // namespace

std::unique_ptr<emit::DeliveryTarget> make_jira_target(const config::SinkConfig& config, const std::string& state_dir,
                                                       std::string& error) {
  auto api = JiraApi::connect(config);
  if (!api) {
    error = api.error();
    return nullptr;
  }
  std::unique_ptr<emit::ResponseSource> watch;
  if (config.ack_poll_ms > 0) {
    watch = make_jira_issue_watch(config, state_dir, error);
    if (!watch) return nullptr;
  }
  return std::make_unique<JiraTarget>(config, state_dir, std::move(api).value(), std::move(watch));
}

}  // namespace logsift::sinks
