// Tests for daemon/sinks/webhook_target.cc against FakeWebhook: one request per alert with the
// rendered body, refusals dead-lettered, failures retried without repeating what was delivered.
#include "daemon/sinks/webhook_target.h"

#include <catch2/catch.hpp>
#include <simdjson.h>

#include "tests/sinks/sink_test_support.h"

namespace logsift::sinks {
namespace {

using testing::FakeWebhook;

config::SinkConfig webhook_config(const std::string& url) {
  auto c = testing::http_sink_config(config::SinkType::kWebhook, url);
  c.body_template = R"({"text": "{{ rule.id | text }} {{ event.action | text }}", "id": {{ event.id }}})";
  return c;
}

std::unique_ptr<emit::DeliveryTarget> make(const config::SinkConfig& config) {
  std::string error;
  auto t = make_webhook_target(config, error);
  INFO(error);
  REQUIRE(t);
  return t;
}

TEST_CASE("a webhook sink POSTs one rendered body per alert with its event id", "[sinks][webhook]") {
  FakeWebhook hook;
  auto target = make(webhook_config(hook.url() + "/hook?x=1"));
  emit::DeliveryBatch batch;
  testing::make_batch(0, 3, 5, batch);
  testing::RecordedDeadLetters dead;
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 3);
  const auto stored = hook.stored();
  REQUIRE(stored.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(stored[i].target == "/hook?x=1");
    CHECK(stored[i].headers.at("content-type") == "application/json");
    CHECK(stored[i].headers.at("x-logsift-event-id") == batch.alerts[i].event_id);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(stored[i].body).get(doc) == simdjson::SUCCESS);
    std::string_view id;
    REQUIRE(doc["id"].get_string().get(id) == simdjson::SUCCESS);
    CHECK(id == batch.alerts[i].event_id);
  }
}

TEST_CASE("a webhook refusal is dead-lettered; a failure is retried from where it stopped", "[sinks][webhook]") {
  FakeWebhook hook;
  auto target = make(webhook_config(hook.url() + "/hook"));
  emit::DeliveryBatch batch;
  testing::make_batch(0, 4, 9, batch);
  testing::RecordedDeadLetters dead;

  hook.fail_next(400, 1, "{\"error\":\"invalid payload\"}");
  auto first = target->deliver(batch, dead);  // alert 0 refused for good, 1..3 delivered
  REQUIRE(first);
  CHECK(first->dead_lettered == 1);
  CHECK(first->delivered == 3);
  REQUIRE(dead.letters.size() == 1);
  CHECK(dead.letters[0].second.find("HTTP 400") != std::string::npos);

  emit::DeliveryBatch next;
  testing::make_batch(10, 3, 10, next);
  hook.fail_next(503, 1);
  CHECK_FALSE(target->deliver(next, dead));  // nothing delivered: the first request failed
  const auto before = hook.stored().size();
  auto retried = target->deliver(next, dead);
  REQUIRE(retried);
  CHECK(retried->delivered == 3);
  CHECK(hook.stored().size() == before + 3);
}

TEST_CASE("a webhook template that does not parse is an error naming the sink", "[sinks][webhook]") {
  auto c = webhook_config("http://127.0.0.1:9/hook");
  c.body_template = "{{ rule.id | shout }}";
  std::string error;
  CHECK_FALSE(make_webhook_target(c, error));
  CHECK(error.find("sink test: template: column") == 0);
}

}  // namespace
}  // namespace logsift::sinks
