// FakeHec; see fake_hec.h.
#include "tests/sinks/fake_hec.h"

#include <simdjson.h>

namespace logsift::sinks::testing {

std::vector<std::string> split_json_objects(const std::string& body) {
  std::vector<std::string> out;
  int depth = 0;
  bool in_string = false, escaped = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (depth++ == 0) start = i;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) out.push_back(body.substr(start, i + 1 - start));
    }
  }
  return out;
}

FakeHec::FakeHec(std::string token, bool indexer_ack, FakeTls tls)
    : FakeHttpServer(std::move(tls)), authorization_("Splunk " + token), indexer_ack_(indexer_ack) {}

std::vector<HecEvent> FakeHec::stored() const {
  std::lock_guard lock(mutex_);
  return stored_;
}

void FakeHec::clear() {
  std::lock_guard lock(mutex_);
  stored_.clear();
}

void FakeHec::reject_event(std::string event_id) {
  std::lock_guard lock(mutex_);
  rejected_.insert(std::move(event_id));
}

void FakeHec::set_acks_come(bool come) {
  std::lock_guard lock(mutex_);
  acks_come_ = come;
}

FakeResponse FakeHec::handle(const FakeRequest& request) {
  const auto auth = request.headers.find("authorization");
  if (auth == request.headers.end()) return {401, R"({"text":"Token is required","code":2})"};
  if (auth->second != authorization_) return {403, R"({"text":"Invalid token","code":4})"};
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (request.method == "POST" && path == "/services/collector/event") return events(request);
  if (request.method == "POST" && path == "/services/collector/ack") return acks(request);
  return {404, R"({"text":"The requested URL was not found on this server.","code":404})"};
}

FakeResponse FakeHec::events(const FakeRequest& request) {
  const auto channel_header = request.headers.find("x-splunk-request-channel");
  const std::string channel = channel_header == request.headers.end() ? "" : channel_header->second;
  if (indexer_ack_ && channel.empty()) return {400, R"({"text":"Data channel is missing","code":10})"};
  const auto objects = split_json_objects(request.body);
  if (objects.empty()) return {400, R"({"text":"No data","code":5})"};
  simdjson::dom::parser parser;
  std::lock_guard lock(mutex_);
  for (std::size_t k = 0; k < objects.size(); ++k) {
    auto invalid = [&](int code, const char* text) {
      return FakeResponse{400, std::string("{\"text\":\"") + text + "\",\"code\":" + std::to_string(code) +
                                   ",\"invalid-event-number\":" + std::to_string(k) + "}"};
    };
    simdjson::dom::element doc;
    if (parser.parse(objects[k]).get(doc) != simdjson::SUCCESS) return invalid(6, "Invalid data format");
    simdjson::dom::element event;
    if (doc["event"].get(event) != simdjson::SUCCESS) return invalid(12, "Event field is required");
    HecEvent e;
    std::string_view text;
    if (doc["fields"]["event_id"].get(text) == simdjson::SUCCESS) e.event_id = std::string(text);
    if (rejected_.count(e.event_id) != 0) return invalid(6, "Invalid data format");
    if (doc["host"].get(text) == simdjson::SUCCESS) e.host = std::string(text);
    if (doc["source"].get(text) == simdjson::SUCCESS) e.source = std::string(text);
    if (doc["sourcetype"].get(text) == simdjson::SUCCESS) e.sourcetype = std::string(text);
    if (doc["index"].get(text) == simdjson::SUCCESS) e.index = std::string(text);
    simdjson::dom::element time;
    if (doc["time"].get(time) == simdjson::SUCCESS) e.time = simdjson::minify(time);
    e.event = simdjson::minify(event);
    e.channel = channel;
    stored_.push_back(std::move(e));
  }
  if (!indexer_ack_) return {200, R"({"text":"Success","code":0})"};
  const std::uint64_t id = next_ack_id_[channel]++;
  unanswered_acks_[channel].insert(id);
  return {200, R"({"text":"Success","code":0,"ackId":)" + std::to_string(id) + "}"};
}

FakeResponse FakeHec::acks(const FakeRequest& request) {
  ++ack_polls_;
  if (!indexer_ack_) return {400, R"({"text":"ACK is disabled","code":14})"};
  const auto channel_header = request.headers.find("x-splunk-request-channel");
  if (channel_header == request.headers.end()) return {400, R"({"text":"Data channel is missing","code":10})"};
  simdjson::dom::parser parser;
  simdjson::dom::array ids;
  if (parser.parse(request.body).at_key("acks").get(ids) != simdjson::SUCCESS) {
    return {400, R"({"text":"Invalid data format","code":6})"};
  }
  std::lock_guard lock(mutex_);
  auto& unanswered = unanswered_acks_[channel_header->second];
  std::string body = "{\"acks\":{";
  bool first = true;
  for (auto v : ids) {
    std::uint64_t id = 0;
    if (v.get(id) != simdjson::SUCCESS) continue;
    // Status is deleted once it was answered true, as Splunk does.
    const bool indexed = acks_come_ && unanswered.erase(id) == 1;
    body += (first ? "\"" : ",\"") + std::to_string(id) + "\":" + (indexed ? "true" : "false");
    first = false;
  }
  body += "}}";
  return {200, body};
}

}  // namespace logsift::sinks::testing
