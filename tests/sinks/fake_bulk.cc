// FakeBulk; see fake_bulk.h.
#include "tests/sinks/fake_bulk.h"

#include <simdjson.h>

namespace logsift::sinks::testing {
namespace {

std::string item_error(const char* type, const std::string& reason) {
  return std::string(",\"error\":{\"type\":\"") + type + "\",\"reason\":\"" + reason + "\"}";
}

}  // namespace

FakeBulk::FakeBulk(std::string authorization, FakeTls tls)
    : FakeHttpServer(std::move(tls)), authorization_(std::move(authorization)) {}

std::map<std::string, std::string> FakeBulk::documents() const {
  std::lock_guard lock(mutex_);
  return documents_;
}

std::vector<BulkItem> FakeBulk::items() const {
  std::lock_guard lock(mutex_);
  return items_;
}

std::uint64_t FakeBulk::created() const {
  std::lock_guard lock(mutex_);
  return created_;
}

void FakeBulk::clear() {
  std::lock_guard lock(mutex_);
  documents_.clear();
  items_.clear();
  created_ = 0;
}

void FakeBulk::plan_item(const std::string& id, unsigned status, int times) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < times; ++i) plans_[id].push_back(status);
}

FakeResponse FakeBulk::handle(const FakeRequest& request) {
  if (!authorization_.empty()) {
    const auto auth = request.headers.find("authorization");
    if (auth == request.headers.end() || auth->second != authorization_) {
      return {401, R"({"error":{"type":"security_exception","reason":"unable to authenticate"},"status":401})"};
    }
  }
  if (request.method != "POST" || request.target.substr(0, request.target.find('?')) != "/_bulk") {
    return {404, R"({"error":"no handler found","status":404})"};
  }
  const auto type = request.headers.find("content-type");
  if (type == request.headers.end() || type->second.rfind("application/x-ndjson", 0) != 0) {
    return {406, R"({"error":"Content-Type header is not supported","status":406})"};
  }
  const std::string& body = request.body;
  if (body.empty() || body.back() != '\n') {
    return {400, R"({"error":{"type":"illegal_argument_exception","reason":"The bulk request must be terminated by a newline [\\n]"},"status":400})"};
  }
  simdjson::dom::parser parser;
  std::string answer;
  bool errors = false;
  std::lock_guard lock(mutex_);
  std::size_t pos = 0;
  while (pos < body.size()) {
    const std::size_t action_end = body.find('\n', pos);
    const std::size_t source_end = body.find('\n', action_end + 1);
    if (source_end == std::string::npos) {
      return {400, R"({"error":{"type":"illegal_argument_exception","reason":"action without a source"},"status":400})"};
    }
    const std::string action = body.substr(pos, action_end - pos);
    const std::string source = body.substr(action_end + 1, source_end - action_end - 1);
    pos = source_end + 1;
    simdjson::dom::element meta;
    std::string_view index, id;
    if (parser.parse(action).at_key("create").get(meta) != simdjson::SUCCESS ||
        meta["_index"].get(index) != simdjson::SUCCESS || meta["_id"].get(id) != simdjson::SUCCESS) {
      return {400, R"({"error":{"type":"illegal_argument_exception","reason":"Malformed action/metadata line"},"status":400})"};
    }
    BulkItem item{std::string(index), std::string(id), 201};
    std::string extra = ",\"result\":\"created\"";
    const std::string key = item.index + "/" + item.id;
    auto plan = plans_.find(item.id);
    simdjson::dom::element doc;
    if (plan != plans_.end() && !plan->second.empty()) {
      item.status = plan->second.front();
      plan->second.pop_front();
      extra = item.status == 429   ? item_error("es_rejected_execution_exception", "rejected execution: queue full")
              : item.status == 400 ? item_error("mapper_parsing_exception", "failed to parse field [source.ip] of type [ip]")
                                   : item_error("unavailable_shards_exception", "primary shard is not active");
    } else if (documents_.count(key) != 0) {
      item.status = 409;
      extra = item_error("version_conflict_engine_exception", "[" + item.id + "]: version conflict, document already exists");
    } else if (parser.parse(source).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
      item.status = 400;
      extra = item_error("mapper_parsing_exception", "failed to parse");
    } else {
      documents_[key] = simdjson::minify(doc);
      ++created_;
    }
    errors = errors || item.status >= 300;
    answer += answer.empty() ? "" : ",";
    answer += "{\"create\":{\"_index\":\"" + item.index + "\",\"_id\":\"" + item.id + "\",\"status\":" +
              std::to_string(item.status) + extra + "}}";
    items_.push_back(std::move(item));
  }
  return {200, std::string("{\"took\":1,\"errors\":") + (errors ? "true" : "false") + ",\"items\":[" + answer + "]}"};
}

}  // namespace logsift::sinks::testing
