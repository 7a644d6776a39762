// Tests for daemon/sinks/elasticsearch_target.cc against FakeBulk: exact accounting from the
// fake's own record of documents and items.
#include "daemon/sinks/elasticsearch_target.h"

#include <simdjson.h>

#include <catch2/catch.hpp>

#include "daemon/sinks/http_client.h"
#include "tests/sinks/fake_bulk.h"
#include "tests/sinks/sink_test_support.h"

namespace logsift::sinks {
namespace {

using testing::alert_id;
using testing::FakeBulk;

struct BulkFixture {
  testing::TempDir dir;
  config::SinkConfig config;
  explicit BulkFixture(const FakeBulk& bulk) {
    config = testing::http_sink_config(config::SinkType::kElasticsearch, bulk.url());
  }
  std::unique_ptr<emit::DeliveryTarget> target() {
    std::string error;
    auto t = make_elasticsearch_target(config, error);
    INFO(error);
    REQUIRE(t != nullptr);
    return t;
  }
};

TEST_CASE("_bulk creates one document per alert with _id event.id in an index named from the alert's own time",
          "[sinks][elasticsearch]") {
  FakeBulk bulk;
  BulkFixture f(bulk);
  REQUIRE(f.config.gzip);
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 20, 1, batch);
  testing::RecordedDeadLetters dead;
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 20);
  CHECK(outcome->duplicates == 0);
  const auto docs = bulk.documents();
  REQUIRE(docs.size() == 20);
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < 20; ++i) {
    const auto it = docs.find("logsift-alerts-2026.03.09/" + alert_id(i));
    REQUIRE(it != docs.end());
    CHECK(it->second == simdjson::minify(parser.parse(std::string(batch.alerts[i].json))));
  }
  // gzip: far fewer bytes on the wire than the NDJSON the fake inflated.
  CHECK(bulk.request_bytes() < batch.decoded.ndjson.size() / 3);
}

TEST_CASE("a resent _bulk batch counts 409 items as duplicates and stores nothing twice", "[sinks][elasticsearch]") {
  FakeBulk bulk;
  BulkFixture f(bulk);
  f.config.gzip = false;
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 12, 1, batch);
  testing::RecordedDeadLetters dead;
  REQUIRE(target->deliver(batch, dead));
  auto again = target->deliver(batch, dead);  // a restart replaying the spool does exactly this
  REQUIRE(again);
  CHECK(again->delivered == 0);
  CHECK(again->duplicates == 12);
  CHECK(bulk.documents().size() == 12);
  CHECK(bulk.created() == 12);
  CHECK(bulk.items().size() == 24);
}

TEST_CASE("only _bulk items refused with 429 or 5xx are sent again", "[sinks][elasticsearch]") {
  FakeBulk bulk;
  bulk.plan_item(alert_id(2), 429);
  bulk.plan_item(alert_id(4), 503);
  BulkFixture f(bulk);
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 6, 1, batch);
  testing::RecordedDeadLetters dead;
  auto failed = target->deliver(batch, dead);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("2 of 6 items refused for now") != std::string::npos);
  CHECK(bulk.documents().size() == 4);
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 6);
  CHECK(outcome->retried == 2);
  const auto items = bulk.items();
  REQUIRE(items.size() == 8);
  CHECK(items[6].id == alert_id(2));
  CHECK(items[7].id == alert_id(4));
  CHECK(bulk.documents().size() == 6);
  CHECK(bulk.created() == 6);
  CHECK(dead.letters.empty());
}

TEST_CASE("a _bulk item refused with 400 goes to the dead letters with its reason and is not sent again",
          "[sinks][elasticsearch]") {
  FakeBulk bulk;
  bulk.plan_item(alert_id(1), 400, 5);
  BulkFixture f(bulk);
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 3, 1, batch);
  testing::RecordedDeadLetters dead;
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 2);
  CHECK(outcome->dead_lettered == 1);
  REQUIRE(dead.letters.size() == 1);
  CHECK(dead.letters[0].first == alert_id(1));
  CHECK(dead.letters[0].second.find("item status 400 mapper_parsing_exception: failed to parse field") !=
        std::string::npos);
  CHECK(bulk.items().size() == 3);
  CHECK(bulk.documents().size() == 2);
}

TEST_CASE("a _bulk request refused whole with 429 fails the offer and is sent again whole", "[sinks][elasticsearch]") {
  FakeBulk bulk;
  bulk.fail_next(429, 1, R"({"error":{"type":"es_rejected_execution_exception"},"status":429})");
  BulkFixture f(bulk);
  auto target = f.target();
  emit::DeliveryBatch batch;
  testing::make_batch(0, 5, 1, batch);
  testing::RecordedDeadLetters dead;
  REQUIRE_FALSE(target->deliver(batch, dead));
  CHECK(bulk.items().empty());
  REQUIRE(target->deliver(batch, dead));
  CHECK(bulk.documents().size() == 5);
}

TEST_CASE("_bulk sends basic auth from username and password_file, and API keys from token_file",
          "[sinks][elasticsearch]") {
  testing::TempDir dir;
  FakeBulk basic("Basic " + base64_encode("elastic:s3cret"));
  BulkFixture f(basic);
  f.config.username = "elastic";
  f.config.password_file = testing::write_file(dir, "password", "s3cret\n");
  emit::DeliveryBatch batch;
  testing::make_batch(0, 2, 1, batch);
  testing::RecordedDeadLetters dead;
  REQUIRE(f.target()->deliver(batch, dead));
  CHECK(basic.documents().size() == 2);

  f.config.password_file = testing::write_file(dir, "wrong", "guess\n");
  auto refused = f.target()->deliver(batch, dead);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == emit::SinkError::Kind::kPermission);

  FakeBulk keyed("ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==");
  BulkFixture g(keyed);
  g.config.token_file = testing::write_file(dir, "api.key", "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==\n");
  REQUIRE(g.target()->deliver(batch, dead));
  CHECK(keyed.documents().size() == 2);
}

TEST_CASE("the _bulk index pattern takes strftime fields of the alert's own time", "[sinks][elasticsearch]") {
  FakeBulk bulk;
  BulkFixture f(bulk);
  f.config.index = "alerts-%Y-%m";
  emit::DeliveryBatch batch;
  testing::make_batch(0, 1, 1, batch);
  testing::RecordedDeadLetters dead;
  REQUIRE(f.target()->deliver(batch, dead));
  CHECK(bulk.documents().count("alerts-2026-03/" + alert_id(0)) == 1);
}

}  // namespace
}  // namespace logsift::sinks
