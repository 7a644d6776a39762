// Tests for daemon/kafka/group_consumer.cc against librdkafka's mock brokers in a child process
// (tests/support/kafka_mock_cluster), with kcat as the independent producer and a librdkafka
// client of the test's own reading the group's committed offsets back.
#include "daemon/kafka/group_consumer.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/kafka_cluster.h"

namespace logsift::kafka {
namespace {

using kafka_testing::MockCluster;

// What a test consumer saw; optionally commits what it read when partitions are revoked.
class Member final : public RebalanceListener {
 public:
  Member(const MockCluster& cluster, const std::string& group, bool commit_on_revoke = false)
      : commit_on_revoke_(commit_on_revoke) {
    ConsumerSettings s;
    s.where = "test";
    s.brokers = {cluster.bootstrap()};
    s.group = group;
    // The mock's group timers follow the session timeout (research note §1c): keep it short.
    s.properties = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}, {"log_level", "3"}};
    auto created = GroupConsumer::create(s, *this);
    REQUIRE(created);
    consumer = std::move(created).value();
  }

  // Leaves the group while the members its callbacks touch still exist.
  ~Member() override {
    closing_ = true;
    consumer->close();
  }

  void on_assigned(std::span<AssignedPartition> partitions) override {
    assigned_events.push_back(partitions.size());
    for (const auto& p : partitions) owned.insert(p.partition);
  }
  void on_revoked(std::span<const AssignedPartition> partitions, bool lost) override {
    revoked_events.push_back(partitions.size());
    std::vector<PartitionOffset> offsets;
    for (const auto& p : partitions) {
      owned.erase(p.partition);
      if (auto it = next.find(p.partition); it != next.end()) offsets.push_back({p.topic, p.partition, it->second});
    }
    // The group may be rebalancing already (the mock brokers refuse commits then with
    // REBALANCE_IN_PROGRESS): the next owner reads from the last offset committed before.
    if (commit_on_revoke_ && !lost && !closing_) {
      auto committed = consumer->commit(offsets);
      revoke_commits.push_back(committed ? std::string() : committed.error());
    }
    if (throw_on_revoke) throw std::runtime_error("listener failed");
  }

  // Polls once; every record it got is used at once (recorded) and the buffer cleared.
  std::size_t poll_once(int timeout_ms = 100) {
    const std::size_t n = consumer->poll(buffer, timeout_ms);
    for (const Record& r : buffer.records()) {
      values.push_back(std::string(r.value));
      keys.push_back(std::string(r.key));
      CHECK(r.timestamp_ms > 0);
      CHECK(r.topic == "logs");
      auto [it, first] = next.emplace(r.partition, r.offset + 1);
      if (!first) {
        CHECK(r.offset == it->second);  // contiguous within a partition
        it->second = r.offset + 1;
      }
    }
    buffer.clear();
    return n;
  }

  std::vector<PartitionOffset> next_offsets() const {
    std::vector<PartitionOffset> out;
    for (const auto& [partition, offset] : next) out.push_back({"logs", partition, offset});
    return out;
  }

  std::unique_ptr<GroupConsumer> consumer;
  RecordBuffer buffer{64};
  std::vector<std::string> values, keys;
  std::map<std::int32_t, std::int64_t> next;  // partition -> offset after the last record read
  std::set<std::int32_t> owned;
  std::vector<std::size_t> assigned_events, revoked_events;
  std::vector<std::string> revoke_commits;  // "" committed, else the error
  bool throw_on_revoke = false;

 private:
  bool commit_on_revoke_;
  bool closing_ = false;
};

bool poll_until(const std::vector<Member*>& members, const std::function<bool()>& done, int timeout_ms = 30000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    for (Member* m : members) m->poll_once(50);
  }
  return true;
}

std::string numbered_lines(int from, int to, bool keyed) {
  std::string text;
  for (int i = from; i < to; ++i) text += (keyed ? "k" + std::to_string(i % 17) + ":" : "") + "line " + std::to_string(i) + "\n";
  return text;
}

TEST_CASE("a group consumer reads every record kcat produced once, and the group keeps exactly the offsets it commits",
          "[kafka]") {
  MockCluster cluster(3, {"logs:3"});
  REQUIRE(kafka_testing::kcat_produce(cluster.bootstrap(), "logs", numbered_lines(0, 600, true), ':') == 0);
  Member m(cluster, "g-read");
  REQUIRE(m.consumer->subscribe({"logs"}));
  REQUIRE(poll_until({&m}, [&] { return m.values.size() >= 600; }));
  m.poll_once(200);  // nothing more arrives: each record once
  REQUIRE(m.values.size() == 600);
  CHECK(std::set<std::string>(m.values.begin(), m.values.end()).size() == 600);
  CHECK(m.keys.front().rfind("k", 0) == 0);
  CHECK(m.consumer->counters().records == 600);
  CHECK(m.consumer->counters().partitions == 3);

  std::int64_t lag_total = -1, end_total = 0;
  REQUIRE(poll_until({&m}, [&] {
    lag_total = 0;
    end_total = 0;
    for (const auto& l : m.consumer->lag()) {
      if (l.lag < 0) return false;
      lag_total += l.lag;
      end_total += l.high_watermark;
    }
    return true;
  }));
  CHECK(lag_total == 0);
  CHECK(end_total == 600);

  // Nothing is committed until the owner says so; then exactly what it said.
  auto before = kafka_testing::group_offsets(cluster.bootstrap(), "g-read", "logs", 3);
  for (const auto& p : before) CHECK(p.committed == -1);
  auto partial = m.next_offsets();
  partial[0].offset -= 1;
  REQUIRE(m.consumer->commit(partial));
  CHECK(m.consumer->counters().commits == 1);
  auto after = kafka_testing::group_offsets(cluster.bootstrap(), "g-read", "logs", 3);
  CHECK(after[0].committed == after[0].end - 1);
  CHECK(after[1].committed == after[1].end);
  CHECK(after[2].committed == after[2].end);
  auto committed = m.consumer->committed(10000);
  REQUIRE(committed);
  REQUIRE(committed->size() == 3);
  m.consumer->close();
}

TEST_CASE("a paused group consumer is given nothing, and after resuming continues with the next record",
          "[kafka]") {
  MockCluster cluster(1, {"logs:1"});
  REQUIRE(kafka_testing::kcat_produce(cluster.bootstrap(), "logs", numbered_lines(0, 300, false)) == 0);
  Member m(cluster, "g-pause");
  REQUIRE(m.consumer->subscribe({"logs"}));
  REQUIRE(poll_until({&m}, [&] { return !m.values.empty(); }));
  m.consumer->pause_all();
  CHECK(m.consumer->paused());
  const std::size_t before = m.values.size();
  for (int i = 0; i < 5; ++i) CHECK(m.poll_once(100) == 0);
  CHECK(m.values.size() == before);
  m.consumer->resume_all();
  REQUIRE(poll_until({&m}, [&] { return m.values.size() >= 300; }));
  m.poll_once(200);
  REQUIRE(m.values.size() == 300);
  for (int i = 0; i < 300; ++i) CHECK(m.values[static_cast<std::size_t>(i)] == "line " + std::to_string(i));
}

TEST_CASE("a second member takes partitions over incrementally and reads nothing the first one committed",
          "[kafka]") {
  MockCluster cluster(3, {"logs:4"});
  REQUIRE(kafka_testing::kcat_produce(cluster.bootstrap(), "logs", numbered_lines(0, 400, true), ':') == 0);
  Member a(cluster, "g-share", true);
  REQUIRE(a.consumer->subscribe({"logs"}));
  REQUIRE(poll_until({&a}, [&] { return a.values.size() >= 400; }));
  CHECK(a.owned.size() == 4);
  REQUIRE(a.consumer->commit(a.next_offsets()));

  Member b(cluster, "g-share", true);
  REQUIRE(b.consumer->subscribe({"logs"}));
  REQUIRE(poll_until({&a, &b}, [&] { return !b.owned.empty() && a.owned.size() + b.owned.size() == 4; }));
  // Cooperative: the first member gave up only what moved and kept the rest throughout.
  REQUIRE_FALSE(a.revoked_events.empty());
  CHECK(a.revoked_events.front() < 4);
  CHECK_FALSE(a.owned.empty());
  CHECK(a.consumer->counters().partitions == a.owned.size());

  REQUIRE(kafka_testing::kcat_produce(cluster.bootstrap(), "logs", numbered_lines(400, 800, true), ':') == 0);
  REQUIRE(poll_until({&a, &b}, [&] { return a.values.size() + b.values.size() >= 800; }));
  a.poll_once(200);
  b.poll_once(200);
  std::multiset<std::string> all(a.values.begin(), a.values.end());
  all.insert(b.values.begin(), b.values.end());
  CHECK(all.size() == 800);
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == 800);
  CHECK(b.consumer->counters().rebalances >= 1);
  for (const auto& error : a.revoke_commits) {
    if (!error.empty()) CHECK(error.find("rebalance in progress") != std::string::npos);
  }
}

TEST_CASE("an exception from a rebalance callback comes out of poll, and the consumer goes on", "[kafka]") {
  MockCluster cluster(1, {"logs:2"});
  REQUIRE(kafka_testing::kcat_produce(cluster.bootstrap(), "logs", numbered_lines(0, 50, true), ':') == 0);
  Member a(cluster, "g-throw");
  REQUIRE(a.consumer->subscribe({"logs"}));
  REQUIRE(poll_until({&a}, [&] { return a.values.size() >= 50; }));
  a.throw_on_revoke = true;
  Member b(cluster, "g-throw");
  REQUIRE(b.consumer->subscribe({"logs"}));
  bool thrown = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!thrown && std::chrono::steady_clock::now() < deadline) {
    try {
      a.poll_once(50);
    } catch (const std::runtime_error& e) {
      thrown = std::string(e.what()) == "listener failed";
    }
    b.poll_once(50);
  }
  REQUIRE(thrown);
  a.throw_on_revoke = false;
  // The revocation still went through: b gets its share and a keeps the rest.
  REQUIRE(poll_until({&a, &b}, [&] { return a.owned.size() == 1 && b.owned.size() == 1; }));
}

}  // namespace
}  // namespace logsift::kafka
