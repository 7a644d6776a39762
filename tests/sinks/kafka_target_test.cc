// Tests for daemon/sinks/kafka_target.cc against librdkafka's mock brokers over real sockets,
// read back with kcat as an independent consumer.
#include "daemon/sinks/kafka_target.h"

#include <catch2/catch.hpp>

#include <future>
#include <set>
#include <thread>

#include "tests/sinks/kafka_test_support.h"

namespace logsift::sinks {
namespace {

using kafka_testing::Consumed;
using kafka_testing::MockCluster;
using testing::RecordingDeadLetters;

// librdkafka backs off reconnecting up to 10 s by default; tests that stop brokers want them back
// sooner so the retries that follow are few.
const KafkaProperties kQuickReconnect = {{"reconnect.backoff.max.ms", "500"}};

config::SinkConfig sink_for(const MockCluster& cluster, const std::string& topic, std::int64_t timeout_ms,
                            const KafkaProperties& properties = {}) {
  config::SinkConfig s;
  s.properties = properties;
  s.name = "kafka-test";
  s.type = config::SinkType::kKafka;
  s.brokers = {cluster.bootstrap()};
  s.topic = topic;
  s.timeout_ms = timeout_ms;
  return s;
}

std::unique_ptr<KafkaTarget> target_for(const config::SinkConfig& sink) {
  auto target = KafkaTarget::create(sink);
  if (!target) FAIL(target.error());
  return std::move(target).value();
}

// Every record's value, by event id; fails on a record whose key, event id header or value do not
// agree with the first record of the same event id (a duplicate must be the same alert).
std::map<std::string, std::string> alerts_by_event_id(const Consumed& consumed) {
  std::map<std::string, std::string> out;
  for (const auto& r : consumed.records) {
    const auto id = r.headers.find("logsift.event.id");
    REQUIRE(id != r.headers.end());
    REQUIRE(r.value.find("\"id\":\"" + id->second + "\"") != std::string::npos);
    auto [it, inserted] = out.emplace(id->second, r.value);
    if (!inserted) CHECK(it->second == r.value);
  }
  return out;
}

// Offers `batch` again until it is confirmed, as the daemon's delivery thread does after a failure
// (without its backoff). The outcome of the call that succeeded.
emit::DeliveryOutcome deliver_until_confirmed(KafkaTarget& target, const emit::DeliveryBatch& batch,
                                              emit::DeadLetters& dead) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    auto outcome = target.deliver(batch, dead);
    if (outcome) return *outcome;
  }
  FAIL("the batch was not confirmed within 60 s");
  return {};
}

std::set<std::string> event_ids(const std::vector<const emit::DeliveryBatch*>& batches) {
  std::set<std::string> ids;
  for (const auto* b : batches) {
    for (const auto& a : b->alerts) ids.emplace(a.event_id);
  }
  return ids;
}

std::set<std::string> keys_of(const std::map<std::string, std::string>& m) {
  std::set<std::string> out;
  for (const auto& [k, v] : m) out.insert(k);
  return out;
}

TEST_CASE("a kafka target sends one record per alert, keyed by signature id, with the batch header as headers",
          "[sinks][kafka]") {
  MockCluster cluster(3, {"alerts:6"});
  auto target = target_for(sink_for(cluster, "alerts", 10000));
  emit::DeliveryBatch first, second;
  testing::make_batch(41, 0x1000, 150, 9, first);
  testing::make_batch(42, 0x2000, 150, 9, second);
  RecordingDeadLetters dead;
  for (const auto* batch : {&first, &second}) {
    auto outcome = target->deliver(*batch, dead);
    REQUIRE(outcome);
    CHECK(outcome->delivered == 150);
    CHECK(outcome->requests == 150);
  }
  CHECK(dead.entries.empty());

  const Consumed consumed = testing::kcat_consume(cluster.bootstrap(), "alerts");
  REQUIRE(consumed.exit_status == 0);
  REQUIRE(consumed.records.size() == 300);
  std::map<std::string, std::string> expected;  // event id -> alert line as spooled
  for (const auto* batch : {&first, &second}) {
    for (const auto& a : batch->alerts) expected.emplace(a.event_id, a.json);
  }
  std::map<std::string, std::set<int>> partitions_by_key;
  for (const auto& r : consumed.records) {
    const std::string& id = r.headers.at("logsift.event.id");
    REQUIRE(expected.count(id) == 1);
    CHECK(r.value == expected[id]);
    CHECK(r.key.size() == 16);
    CHECK(r.value.find("\"signature_id\":\"" + r.key + "\"") != std::string::npos);
    CHECK(r.partition == testing::murmur2_partition(r.key, 6));  // the Java client would agree
    partitions_by_key[r.key].insert(r.partition);
    const bool in_first = id < "0000000000002000";
    CHECK(r.headers.at("logsift.batch.sequence") == (in_first ? "41" : "42"));
    CHECK(r.headers.at("logsift.batch.alerts") == "150");
    CHECK(r.headers.at("logsift.schema_version") == "1");
    CHECK(r.headers.at("logsift.producer") == "kafka-test");
    CHECK(r.headers.at("logsift.batch.start") == "2026-03-09T07:12:44.123456Z");
    CHECK(r.headers.at("logsift.batch.end") == "2026-03-09T07:12:44.123456Z");
  }
  CHECK(keys_of(alerts_by_event_id(consumed)) == event_ids({&first, &second}));
  CHECK(partitions_by_key.size() == 9);
  for (const auto& [key, partitions] : partitions_by_key) CHECK(partitions.size() == 1);
}

TEST_CASE("a kafka target's records reach the brokers zstd-compressed", "[sinks][kafka]") {
  MockCluster cluster(1, {"alerts:2"});
  auto target = target_for(sink_for(cluster, "alerts", 10000));
  emit::DeliveryBatch batch;
  testing::make_batch(1, 0x100, 200, 4, batch);
  RecordingDeadLetters dead;
  REQUIRE(target->deliver(batch, dead));

  const Consumed consumed = testing::kcat_consume(cluster.bootstrap(), "alerts");
  REQUIRE(consumed.records.size() == 200);
  CHECK(consumed.records_by_codec == std::map<std::string, std::uint64_t>{{"zstd", 200}});
}

TEST_CASE("an alert larger than the producer's message.max.bytes is dead-lettered and the rest confirmed",
          "[sinks][kafka]") {
  MockCluster cluster(1, {"alerts:1"});
  auto sink = sink_for(cluster, "alerts", 10000);
  sink.properties = {{"message.max.bytes", "4000"}};
  auto target = target_for(sink);

  emit::BatchWriter writer(emit::BatchOptions{}, 5);
  std::vector<emit::EncodedBatch> closed;
  detect::Alert small = emit::testing::incident_example();
  detect::Alert large = emit::testing::problem_opened_example();
  large.message = std::string(6000, 'x');
  writer.add(small, emit::testing::kExampleTimeUs, closed);
  writer.add(large, emit::testing::kExampleTimeUs, closed);
  writer.flush(closed);
  emit::DeliveryBatch batch;
  REQUIRE(emit::load_delivery_batch(std::move(closed.at(0).bytes), batch));

  RecordingDeadLetters dead;
  auto outcome = target->deliver(batch, dead);
  REQUIRE(outcome);
  CHECK(outcome->delivered == 1);
  CHECK(outcome->dead_lettered == 1);
  REQUIRE(dead.entries.size() == 1);
  CHECK(dead.entries[0].first == large.id);
  CHECK(dead.entries[0].second.find("too large") != std::string::npos);

  const Consumed consumed = testing::kcat_consume(cluster.bootstrap(), "alerts");
  REQUIRE(consumed.records.size() == 1);
  CHECK(consumed.records[0].headers.at("logsift.event.id") == small.id);
}

TEST_CASE("brokers going down during delivery and coming back lose no alert; duplicates are the same alert",
          "[sinks][kafka]") {
  MockCluster cluster(3, {"alerts:6"});
  auto target = target_for(sink_for(cluster, "alerts", 60000, kQuickReconnect));
  std::vector<emit::DeliveryBatch> batches(6);
  std::vector<const emit::DeliveryBatch*> all;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    testing::make_batch(i + 1, 0x10000 * (i + 1), 400, 16, batches[i]);
    all.push_back(&batches[i]);
  }
  RecordingDeadLetters dead;
  REQUIRE(target->deliver(batches[0], dead));

  // Deliver the rest on another thread, as the daemon's delivery thread would, and take every
  // broker down while it runs; bring them back once the sender has started.
  std::atomic<std::size_t> started{0};
  auto sender = std::async(std::launch::async, [&] {
    std::uint64_t delivered = 0;
    for (std::size_t i = 1; i < batches.size(); ++i) {
      started = i;
      auto outcome = target->deliver(batches[i], dead);
      if (!outcome) return std::string(outcome.error().message);
      delivered += outcome->delivered;
    }
    return std::to_string(delivered);
  });
  while (started.load() < 2) std::this_thread::yield();
  REQUIRE(cluster.command("down all") == "ok");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // sequencing only, not asserted
  REQUIRE(cluster.command("up all") == "ok");
  REQUIRE(sender.wait_for(std::chrono::seconds(90)) == std::future_status::ready);
  CHECK(sender.get() == "2000");

  const Consumed consumed = testing::kcat_consume(cluster.bootstrap(), "alerts");
  REQUIRE(consumed.records.size() >= 2400);
  CHECK(keys_of(alerts_by_event_id(consumed)) == event_ids(all));
}

TEST_CASE("brokers down longer than the timeout fail deliver, and a later call delivers the batch",
          "[sinks][kafka]") {
  MockCluster cluster(3, {"alerts:6"});
  auto target = target_for(sink_for(cluster, "alerts", 1000, kQuickReconnect));
  emit::DeliveryBatch warmup, batch;
  testing::make_batch(1, 0x100, 10, 3, warmup);
  testing::make_batch(2, 0x200, 60, 12, batch);
  RecordingDeadLetters dead;
  REQUIRE(target->deliver(warmup, dead));

  REQUIRE(cluster.command("down all") == "ok");
  auto failed = target->deliver(batch, dead);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().kind == emit::SinkError::Kind::kUnavailable);
  CHECK(failed.error().message.find("kafka topic \"alerts\": 60 of 60 alerts not acknowledged") != std::string::npos);

  REQUIRE(cluster.command("up all") == "ok");
  deliver_until_confirmed(*target, batch, dead);

  const Consumed consumed = testing::kcat_consume(cluster.bootstrap(), "alerts");
  CHECK(keys_of(alerts_by_event_id(consumed)) == event_ids({&warmup, &batch}));
}

TEST_CASE("a batch that failed in part is resent only for the records that were not acknowledged",
          "[sinks][kafka]") {
  MockCluster cluster(3, {"alerts:6"});
  // Partitions 0 and 1 on broker 1, 2 and 3 on broker 2, 4 and 5 on broker 3. The mock moves no
  // leader by itself, so while broker 1 is down only partitions 0 and 1 fail.
  for (int p = 0; p < 6; ++p) {
    REQUIRE(cluster.command("leader alerts " + std::to_string(p) + " " + std::to_string(p / 2 + 1)) == "ok");
  }
  auto target = target_for(sink_for(cluster, "alerts", 1000, kQuickReconnect));
  emit::DeliveryBatch warmup, batch;
  testing::make_batch(1, 0x100, 24, 24, warmup);
  testing::make_batch(2, 0x200, 120, 24, batch);
  RecordingDeadLetters dead;
  REQUIRE(target->deliver(warmup, dead));  // metadata known, every leader connected

  REQUIRE(cluster.command("down 1") == "ok");
  auto failed = target->deliver(batch, dead);
  REQUIRE_FALSE(failed);
  std::smatch m;
  const std::string message = failed.error().message;
  REQUIRE(std::regex_search(message, m, std::regex("([0-9]+) of 120 alerts not acknowledged")));
  const std::uint64_t not_acknowledged = std::stoull(m[1]);
  std::uint64_t on_broker_1 = 0;
  for (const auto& a : batch.alerts) on_broker_1 += testing::murmur2_partition(a.signature_id, 6) < 2 ? 1 : 0;
  CHECK(not_acknowledged == on_broker_1);

  REQUIRE(cluster.command("up 1") == "ok");
  const emit::DeliveryOutcome outcome = deliver_until_confirmed(*target, batch, dead);
  CHECK(outcome.requests <= not_acknowledged);

  // What brokers 2 and 3 acknowledged the first time was never sent again.
  const Consumed consumed = testing::kcat_consume(cluster.bootstrap(), "alerts");
  std::map<std::string, int> copies;
  for (const auto& r : consumed.records) {
    if (r.partition >= 2) ++copies[r.headers.at("logsift.event.id")];
  }
  for (const auto& [id, n] : copies) CHECK(n == 1);
  CHECK(keys_of(alerts_by_event_id(consumed)) == event_ids({&warmup, &batch}));
}

TEST_CASE("cancel makes a kafka deliver blocked on dead brokers return, and later calls fail at once",
          "[sinks][kafka]") {
  MockCluster cluster(1, {"alerts:1"});
  auto target = target_for(sink_for(cluster, "alerts", 120000));
  emit::DeliveryBatch batch;
  testing::make_batch(1, 0x100, 10, 2, batch);
  RecordingDeadLetters dead;
  REQUIRE(cluster.command("down all") == "ok");
  std::atomic<bool> started{false};
  auto blocked = std::async(std::launch::async, [&] {
    started = true;
    return target->deliver(batch, dead).has_value();
  });
  while (!started.load()) std::this_thread::yield();
  target->cancel();
  // The wait bound is over two minutes; returning within 30 s can only be the cancel.
  REQUIRE(blocked.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK_FALSE(blocked.get());
  CHECK_FALSE(target->deliver(batch, dead));
}

TEST_CASE("a kafka target with a property librdkafka does not know is refused with its name", "[sinks][kafka]") {
  config::SinkConfig sink;
  sink.name = "siem";
  sink.type = config::SinkType::kKafka;
  sink.brokers = {"127.0.0.1:9"};
  sink.topic = "alerts";
  sink.properties = {{"no.such.property", "1"}};
  std::string error;
  CHECK(make_kafka_target(sink, error) == nullptr);
  CHECK(error.find("sink \"siem\"") != std::string::npos);
  CHECK(error.find("no.such.property") != std::string::npos);

  sink.properties.clear();
  auto target = make_kafka_target(sink, error);
  REQUIRE(target != nullptr);
  CHECK(target->type() == "kafka");
}

}  // namespace
}  // namespace logsift::sinks
