#include "daemon/app/ops_api.h"

#include <simdjson.h>

#include <cerrno>
#include <charconv>

#include "daemon/emit/json_text.h"
#include "parsers/base/file_io.h"
#include "parsers/timestamp.h"

namespace logsift::app {
namespace {

ops::ApiResponse json(int status, std::string body) { return {status, "application/json", std::move(body)}; }

ops::ApiResponse problem(int status, std::string_view message) {
  std::string body = "{\"error\":";
  emit::append_json_string(message, body);
  body.append("}\n");
  return json(status, std::move(body));
}

// "/api/changes/CHG1/end" with prefix "/api/changes/" and suffix "/end" -> "CHG1".
bool middle(std::string_view target, std::string_view prefix, std::string_view suffix, std::string_view& out) {
  if (!target.starts_with(prefix) || !target.ends_with(suffix) || target.size() <= prefix.size() + suffix.size()) return false;
  out = target.substr(prefix.size(), target.size() - prefix.size() - suffix.size());
  return out.find('/') == std::string_view::npos;
}

}  // namespace

OpsApi::OpsApi(enrich::ChangeCalendar& changes, pipeline::Pipeline& pipeline, std::string state_file,
               std::function<std::int64_t()> clock)
    : changes_(changes), pipeline_(pipeline), state_file_(std::move(state_file)), clock_(std::move(clock)) {}

std::string OpsApi::restore() {
  if (state_file_.empty()) return "";
  auto text = base::read_file(state_file_);
  if (!text) return text.error().errno_value == ENOENT ? "" : text.error().message;
  auto windows = enrich::parse_changes(*text, state_file_);
  if (!windows) return windows.error().front().to_string();
  changes_.restore_added(std::move(windows).value());
  return "";
}

std::string OpsApi::save() {
  if (state_file_.empty()) return "";
  const auto added = changes_.added();
  auto written = base::write_file_atomically(state_file_, enrich::encode_changes(added));
  return written ? "" : written.error().message;
}

ops::ApiResponse OpsApi::handle(const ops::ApiRequest& request) {
  const std::string_view target = request.target;
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool post = request.method == "POST";
  std::string_view id;
  if (target == "/api/changes") {
    if (get) return json(200, changes_.to_json(clock_()));
    if (post) return add_change(request.body);
    return problem(405, "GET or POST");
  }
  if (middle(target, "/api/changes/", "/end", id)) {
    return post ? end_change(id) : problem(405, "POST");
  }
  if (middle(target, "/api/problems/", "/ack", id)) {
    return post ? acknowledge(id, request.body) : problem(405, "POST");
  }
  return problem(404, "no such endpoint");
}

ops::ApiResponse OpsApi::add_change(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(body.data(), body.size()).get_object().get(o) != simdjson::SUCCESS) {
    return problem(400, "the body must be a JSON object");
  }
  enrich::ChangeWindow w;
  std::string error;
  auto text = [&](const char* key, std::string& out) {
    std::string_view v;
    auto field = o[key];
    if (field.error() == simdjson::NO_SUCH_FIELD) return;
    if (field.get_string().get(v) != simdjson::SUCCESS) error = std::string("'") + key + "' must be a string";
    else out.assign(v);
  };
  auto list = [&](const char* key, std::vector<std::string>& out) {
    auto field = o[key];
    if (field.error() == simdjson::NO_SUCH_FIELD) return;
    simdjson::dom::array a;
    if (field.get_array().get(a) != simdjson::SUCCESS) {
      error = std::string("'") + key + "' must be a list of strings";
      return;
    }
    for (auto item : a) {
      std::string_view v;
      if (item.get_string().get(v) != simdjson::SUCCESS) error = std::string("'") + key + "' must be a list of strings";
      else out.emplace_back(v);
    }
  };
  auto time = [&](const char* key, std::int64_t& out) {
    std::string t;
    text(key, t);
    if (t.empty()) return;
    const auto parsed = parsers::parse_rfc3339(t);
    if (parsed.time_us == parsers::kNoTime || parsed.length != t.size() || parsed.error == parsers::TimeError::kMissingOffset) {
      error = std::string("'") + key + "' must be an RFC 3339 time with offset";
    } else {
      out = parsed.time_us;
    }
  };
  text("id", w.id);
  text("summary", w.summary);
  text("by", w.requested_by);
  text("rollback_contact", w.rollback_contact);
  list("hosts", w.hosts);
  list("services", w.services);
  time("from", w.from_us);
  time("to", w.to_us);
  if (w.to_us == 0 && error.empty()) error = "'to' is required";
  if (!error.empty()) return problem(400, error);
  auto added = changes_.add(std::move(w), clock_());
  if (!added) return problem(added.error().find(" exists ") != std::string::npos ? 409 : 400, added.error());
  if (std::string e = save(); !e.empty()) return problem(500, "change added but not kept: " + e);
  std::string out;
  enrich::append_change_json(*added, clock_(), out);
  out.push_back('\n');
  return json(201, std::move(out));
}

ops::ApiResponse OpsApi::end_change(std::string_view id) {
  auto ended = changes_.end(id, clock_());
  if (!ended) return problem(ended.error().starts_with("no change") ? 404 : 409, ended.error());
  if (std::string e = save(); !e.empty()) return problem(500, "change ended but not kept: " + e);
  std::string out;
  enrich::append_change_json(*ended, clock_(), out);
  out.push_back('\n');
  return json(200, std::move(out));
}

ops::ApiResponse OpsApi::acknowledge(std::string_view id, std::string_view body) {
  std::uint64_t problem_id = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), problem_id, 16);
  if (id.size() != 16 || ec != std::errc() || end != id.data() + id.size()) {
    return problem(400, "a problem id is 16 hex digits");
  }
  std::string by = "api";
  if (!body.empty()) {
    simdjson::dom::parser parser;
    simdjson::dom::object o;
    std::string_view v;
    if (parser.parse(body.data(), body.size()).get_object().get(o) != simdjson::SUCCESS) {
      return problem(400, "the body must be a JSON object");
    }
    if (o["by"].get_string().get(v) == simdjson::SUCCESS && !v.empty()) by.assign(v);
  }
  if (!pipeline_.acknowledge(problem_id, by)) return problem(404, "no open problem " + std::string(id));
  std::string out = "{\"problem_id\":";
  emit::append_json_string(id, out);
  out.append(",\"acknowledged\":true,\"by\":");
  emit::append_json_string(by, out);
  out.append("}\n");
  return json(200, std::move(out));
}

}  // namespace logsift::app
