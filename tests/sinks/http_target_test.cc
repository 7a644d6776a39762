// Tests for daemon/sinks/http_target.cc against FakeWebhook.
#include "daemon/sinks/http_target.h"

#include <catch2/catch.hpp>

#include "daemon/emit/batch_reader.h"
#include "tests/sinks/sink_test_support.h"

namespace logsift::sinks {
namespace {

using testing::FakeWebhook;

std::unique_ptr<emit::DeliveryTarget> make(const config::SinkConfig& config) {
  std::string error;
  auto t = make_http_target(config, error);
  INFO(error);
  REQUIRE(t != nullptr);
  return t;
}

TEST_CASE("the http sink POSTs the batch file unchanged as zstd NDJSON", "[sinks][http]") {
  FakeWebhook hook;
  auto target = make(testing::http_sink_config(config::SinkType::kHttp, hook.url() + "/hooks/alerts?src=logsift"));
  emit::DeliveryBatch batch;
  testing::make_batch(0, 7, 42, batch);
  testing::RecordedDeadLetters dead;
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 7);
  const auto stored = hook.stored();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].target == "/hooks/alerts?src=logsift");
  CHECK(stored[0].body == batch.encoded);
  CHECK(stored[0].headers.at("content-type") == "application/x-ndjson");
  CHECK(stored[0].headers.at("content-encoding") == "zstd");
  CHECK(stored[0].headers.at("x-logsift-batch-sequence") == "42");
  CHECK(stored[0].headers.count("authorization") == 0);
  auto decoded = emit::decode_batch(stored[0].body);
  REQUIRE(decoded);
  CHECK(decoded->header.alerts == 7);
}

TEST_CASE("the http sink sends the bearer token from token_file and a refusal is a permission error",
          "[sinks][http]") {
  testing::TempDir dir;
  FakeWebhook hook;
  hook.require_authorization("Bearer hook-token");
  config::SinkConfig config = testing::http_sink_config(config::SinkType::kHttp, hook.url() + "/in");
  config.token_file = testing::write_file(dir, "token", "hook-token\n");
  emit::DeliveryBatch batch;
  testing::make_batch(0, 1, 1, batch);
  testing::RecordedDeadLetters dead;
  REQUIRE(make(config)->deliver(batch, dead));
  config.token_file = testing::write_file(dir, "other", "other-token\n");
  auto refused = make(config)->deliver(batch, dead);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == emit::SinkError::Kind::kPermission);
  CHECK(hook.stored().size() == 1);
}

TEST_CASE("an http receiver answering 500 fails the offer; the batch is confirmed by the next 2xx", "[sinks][http]") {
  FakeWebhook hook;
  hook.fail_next(500, 2, "broken");
  auto target = make(testing::http_sink_config(config::SinkType::kHttp, hook.url()));
  emit::DeliveryBatch batch;
  testing::make_batch(0, 3, 1, batch);
  testing::RecordedDeadLetters dead;
  auto first = target->deliver(batch, dead);
  REQUIRE_FALSE(first);
  CHECK(first.error().message.find("HTTP 500: broken") != std::string::npos);
  REQUIRE_FALSE(target->deliver(batch, dead));
  REQUIRE(target->deliver(batch, dead));
  CHECK(hook.stored().size() == 1);
  CHECK(hook.requests() == 3);
  CHECK(hook.connections() == 1);  // keep-alive across failures answered by the server
}

}  // namespace
}  // namespace logsift::sinks
