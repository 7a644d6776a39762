// Tests for daemon/sinks/splunk_hec_target.cc against FakeHec: exact accounting from the fake's
// own record of what it stored.
#include "daemon/sinks/splunk_hec_target.h"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <map>
#include <thread>

#include "tests/sinks/fake_hec.h"
#include "tests/sinks/sink_test_support.h"

namespace logsift::sinks {
namespace {

using testing::alert_id;
using testing::FakeHec;

std::map<std::string, int> copies_by_id(const std::vector<testing::HecEvent>& events) {
  std::map<std::string, int> out;
  for (const auto& e : events) ++out[e.event_id];
  return out;
}

struct HecFixture {
  testing::TempDir dir;
  config::SinkConfig config;
  explicit HecFixture(const FakeHec& hec) {
    config = testing::http_sink_config(config::SinkType::kSplunkHec, hec.url());
    config.token_file = testing::write_file(dir, "hec.token", "11111111-2222-3333-4444-555555555555\n");
    config.index = "security";
  }
  std::unique_ptr<emit::DeliveryTarget> target() {
    std::string error;
    auto t = make_splunk_hec_target(config, error);
    INFO(error);
    REQUIRE(t != nullptr);
    return t;
  }
};

TEST_CASE("a HEC target sends one event per alert with the alert as event and event.id as an indexed field",
          "[sinks][hec]") {
  FakeHec hec("11111111-2222-3333-4444-555555555555", false);
  HecFixture f(hec);
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 10, 1, batch);
  testing::RecordedDeadLetters dead;
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 10);
  CHECK(outcome->requests == 1);
  const auto stored = hec.stored();
  REQUIRE(stored.size() == 10);
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < 10; ++i) {
    CHECK(stored[i].event_id == alert_id(i));
    CHECK(stored[i].host == "edge3");
    CHECK(stored[i].source == "logsift");
    CHECK(stored[i].sourcetype == "logsift:alert");
    CHECK(stored[i].index == "security");
    CHECK(stored[i].event == simdjson::minify(parser.parse(std::string(batch.alerts[i].json))));
  }
  CHECK(stored[0].time == "1773040364.123456");
  CHECK(dead.letters.empty());
}

TEST_CASE("a HEC event rejected in the middle of a request is dead-lettered and the events after it are sent again",
          "[sinks][hec]") {
  FakeHec hec("11111111-2222-3333-4444-555555555555", false);
  hec.reject_event(alert_id(3));
  HecFixture f(hec);
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 8, 1, batch);
  testing::RecordedDeadLetters dead;
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 7);
  CHECK(outcome->dead_lettered == 1);
  CHECK(outcome->requests == 2);
  const auto copies = copies_by_id(hec.stored());
  CHECK(hec.stored().size() == 7);
  for (std::size_t i = 0; i < 8; ++i) CHECK(copies.count(alert_id(i)) == (i == 3 ? 0u : 1u));
  REQUIRE(dead.letters.size() == 1);
  CHECK(dead.letters[0].first == alert_id(3));
  CHECK(dead.letters[0].second.find("code 6: Invalid data format") != std::string::npos);
}

TEST_CASE("a HEC 503 fails the offer and the next offer sends the events again", "[sinks][hec]") {
  FakeHec hec("11111111-2222-3333-4444-555555555555", false);
  hec.fail_next(503, 1);
  HecFixture f(hec);
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 5, 1, batch);
  testing::RecordedDeadLetters dead;
  auto failed = target->deliver(batch, dead);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().kind == emit::SinkError::Kind::kUnavailable);
  CHECK(failed.error().message.find("HTTP 503") != std::string::npos);
  CHECK(hec.stored().empty());
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 5);
  CHECK(outcome->retried == 5);
  CHECK(hec.stored().size() == 5);
}

TEST_CASE("a HEC server that is down fails the offer and gets every event once it is back", "[sinks][hec]") {
  FakeHec hec("11111111-2222-3333-4444-555555555555", false);
  HecFixture f(hec);
  auto target = f.target();
  emit::DeliveryBatch first, second;
  testing::make_batch(0, 4, 1, first);
  testing::make_batch(4, 4, 2, second);
  testing::RecordedDeadLetters dead;
  REQUIRE(target->deliver(first, dead));
  hec.go_down();
  auto failed = target->deliver(second, dead);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find(std::to_string(hec.port())) != std::string::npos);
  hec.come_back();
  REQUIRE(target->deliver(second, dead));
  const auto copies = copies_by_id(hec.stored());
  CHECK(hec.stored().size() == 8);
  for (std::size_t i = 0; i < 8; ++i) CHECK(copies.count(alert_id(i)) == 1);
}

TEST_CASE("a HEC server slower than the timeout fails the offer; the resend stores the events again",
          "[sinks][hec]") {
  FakeHec hec("11111111-2222-3333-4444-555555555555", false);
  HecFixture f(hec);
  f.config.timeout_ms = 200;
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 3, 1, batch);
  testing::RecordedDeadLetters dead;
  hec.set_delay_ms(1500);
  auto failed = target->deliver(batch, dead);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("timeout") != std::string::npos);
  hec.set_delay_ms(0);
  REQUIRE(target->deliver(batch, dead));
  // The slow server had stored the first request before answering late: at least once, with
  // the same event ids, so a search can drop the copies.
  const auto copies = copies_by_id(hec.stored());
  for (std::size_t i = 0; i < 3; ++i) CHECK(copies.at(alert_id(i)) == 2);
}

TEST_CASE("with indexer acknowledgement events are confirmed once their ackId is acknowledged on one channel",
          "[sinks][hec]") {
  FakeHec hec("11111111-2222-3333-4444-555555555555", true);
  HecFixture f(hec);
  f.config.indexer_ack = true;
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 6, 1, batch);
  testing::RecordedDeadLetters dead;
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 6);
  CHECK(hec.ack_polls() >= 1);
  const auto stored = hec.stored();
  REQUIRE(stored.size() == 6);
  CHECK(stored[0].channel.size() == 36);
  for (const auto& e : stored) CHECK(e.channel == stored[0].channel);
}

TEST_CASE("acknowledgements that never come fail the offer after ack_timeout and the events are sent again",
          "[sinks][hec]") {
  FakeHec hec("11111111-2222-3333-4444-555555555555", true);
  hec.set_acks_come(false);
  HecFixture f(hec);
  f.config.indexer_ack = true;
  f.config.ack_timeout_ms = 400;
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 4, 1, batch);
  testing::RecordedDeadLetters dead;
  auto failed = target->deliver(batch, dead);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("4 events in 1 requests not acknowledged") != std::string::npos);
  CHECK(hec.ack_polls() >= 2);
  hec.set_acks_come(true);
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 4);
  const auto copies = copies_by_id(hec.stored());
  for (std::size_t i = 0; i < 4; ++i) CHECK(copies.at(alert_id(i)) == 2);
}

TEST_CASE("with indexer acknowledgement a rejected event's predecessors are sent again since they have no ackId",
          "[sinks][hec]") {
  FakeHec hec("11111111-2222-3333-4444-555555555555", true);
  hec.reject_event(alert_id(2));
  HecFixture f(hec);
  f.config.indexer_ack = true;
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 5, 1, batch);
  testing::RecordedDeadLetters dead;
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 4);
  CHECK(outcome->dead_lettered == 1);
  const auto copies = copies_by_id(hec.stored());
  CHECK(copies.at(alert_id(0)) == 2);
  CHECK(copies.at(alert_id(1)) == 2);
  CHECK(copies.count(alert_id(2)) == 0);
  CHECK(copies.at(alert_id(3)) == 1);
  CHECK(copies.at(alert_id(4)) == 1);
}

TEST_CASE("a HEC token the server refuses is a permission error", "[sinks][hec]") {
  FakeHec hec("another-token", false);
  HecFixture f(hec);
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 1, 1, batch);
  testing::RecordedDeadLetters dead;
  auto failed = target->deliver(batch, dead);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().kind == emit::SinkError::Kind::kPermission);
  CHECK(failed.error().message.find("Invalid token") != std::string::npos);
  CHECK(hec.stored().empty());
}

TEST_CASE("a HEC sink whose token file is missing or empty is refused with the file named", "[sinks][hec]") {
  testing::TempDir dir;
  config::SinkConfig config = testing::http_sink_config(config::SinkType::kSplunkHec, "https://splunk.example:8088");
  config.token_file = dir / "absent.token";
  std::string error;
  CHECK(make_splunk_hec_target(config, error) == nullptr);
  CHECK(error.find("token_file " + config.token_file) != std::string::npos);
  config.token_file = testing::write_file(dir, "empty.token", "\n");
  CHECK(make_splunk_hec_target(config, error) == nullptr);
  CHECK(error.find("empty") != std::string::npos);
}

TEST_CASE("cancel() from another thread ends a deliver() waiting on a slow HEC", "[sinks][hec]") {
  FakeHec hec("11111111-2222-3333-4444-555555555555", false);
  HecFixture f(hec);
  f.config.timeout_ms = 30'000;
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 1, 1, batch);
  testing::RecordedDeadLetters dead;
  hec.set_delay_ms(1500);
  std::thread canceller([&] {
    while (hec.requests() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    target->cancel();
  });
  auto failed = target->deliver(batch, dead);
  canceller.join();
  REQUIRE_FALSE(failed);
  CHECK(failed.error().kind == emit::SinkError::Kind::kUnavailable);
  hec.set_delay_ms(0);
}

}  // namespace
}  // namespace logsift::sinks
