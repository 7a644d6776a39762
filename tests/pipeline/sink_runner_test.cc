// Tests for daemon/pipeline/sink_runner.cc: delivery from a real spool folder to a destination
// that fails on demand.
#include "daemon/pipeline/sink_runner.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "daemon/emit/batch_writer.h"
#include "daemon/emit/file_sink.h"
#include "tests/emit/sample_alerts.h"

namespace logsift::pipeline {
namespace {

using emit::testing::TempDir;

// A destination that records the event ids it stored, refuses while `down`, and can refuse one
// alert id for good (dead letter).
class RecordingTarget final : public emit::DeliveryTarget {
 public:
  std::mutex mutex;
  bool down = false;
  std::string refuse_id;
  std::vector<std::uint64_t> sequences;
  std::vector<std::string> stored_ids;
  int calls = 0;

  Expected<emit::DeliveryOutcome, emit::SinkError> deliver(const emit::DeliveryBatch& batch,
                                                           emit::DeadLetters& dead) override {
    std::lock_guard lock(mutex);
    ++calls;
    if (down) return Unexpected{emit::SinkError{emit::SinkError::Kind::kUnavailable, 0, "recording: down"}};
    emit::DeliveryOutcome o;
    for (const auto& a : batch.alerts) {
      if (a.event_id == refuse_id) {
        dead.add(a, "mapper_parsing_exception");
        ++o.dead_lettered;
      } else {
        stored_ids.emplace_back(a.event_id);
        ++o.delivered;
      }
    }
    sequences.push_back(batch.decoded.header.sequence);
    return o;
  }
  std::string_view type() const override { return "recording"; }
};

std::vector<emit::EncodedBatch> make_batches(std::size_t count) {
  emit::BatchWriter writer(emit::BatchOptions{.max_alerts = 1}, 1);
  std::vector<emit::EncodedBatch> closed;
  int n = 0;
  while (closed.size() < count) {
    auto alert = emit::testing::incident_example();
    alert.id = "00000000000000" + std::to_string(10 + n++);
    writer.add(alert, 0, closed);
  }
  return closed;
}

std::unique_ptr<emit::Spool> open_spool(const std::string& dir) {
  auto spool = emit::Spool::open(dir, {});
  REQUIRE(spool);
  return std::move(spool).value();
}

template <typename Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

TEST_CASE("a sink runner delivers spooled batches in order and empties the spool", "[pipeline]") {
  TempDir dir;
  auto spool = open_spool(dir.path());
  RecordingTarget target;
  SinkRunner runner(SinkRunnerOptions{.name = "siem"}, *spool, target);
  runner.start();
  for (const auto& b : make_batches(5)) REQUIRE(spool->write(b));
  REQUIRE(eventually([&] { return !spool->oldest(); }));
  runner.stop(1000);
  CHECK(target.sequences == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
  const auto s = runner.stats();
  CHECK(s.batches_delivered == 5);
  CHECK(s.alerts_delivered == 5);
  std::uint64_t latencies = 0;
  for (auto c : s.latency_counts) latencies += c;
  CHECK(latencies == 5);
}

TEST_CASE("a failing destination keeps batches spooled and gets them once it recovers", "[pipeline]") {
  TempDir dir;
  auto spool = open_spool(dir.path());
  RecordingTarget target;
  target.down = true;
  SinkRunner runner(SinkRunnerOptions{.name = "siem", .retry_initial_ms = 5, .retry_max_ms = 20}, *spool, target);
  runner.start();
  for (const auto& b : make_batches(3)) REQUIRE(spool->write(b));
  REQUIRE(eventually([&] { return runner.stats().attempts_failed >= 3; }));
  CHECK(spool->stats().batches == 3);
  CHECK(runner.stats().failing_since_us > 0);
  CHECK(runner.stats().last_error == "recording: down");
  {
    std::lock_guard lock(target.mutex);
    target.down = false;
  }
  REQUIRE(eventually([&] { return !spool->oldest(); }));
  runner.stop(1000);
  CHECK(target.sequences == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(runner.stats().failing_since_us == 0);
}

TEST_CASE("alerts refused for good reach the dead-letter file before their batch leaves the spool",
          "[pipeline]") {
  TempDir dir;
  auto spool = open_spool(dir.path());
  RecordingTarget target;
  target.refuse_id = "0000000000000011";
  SinkRunner runner(SinkRunnerOptions{.name = "siem"}, *spool, target);
  runner.start();
  for (const auto& b : make_batches(3)) REQUIRE(spool->write(b));
  REQUIRE(eventually([&] { return !spool->oldest(); }));
  runner.stop(1000);
  CHECK(runner.stats().alerts_dead_lettered == 1);
  std::ifstream in(dir / "dead-letter.ndjson");
  std::string line;
  REQUIRE(std::getline(in, line));
  CHECK(line.find("\"sink\":\"siem\"") != std::string::npos);
  CHECK(line.find("mapper_parsing_exception") != std::string::npos);
  CHECK(line.find("0000000000000011") != std::string::npos);
  CHECK_FALSE(std::getline(in, line));
}

TEST_CASE("a corrupt spooled batch is set aside and delivery goes on with the next", "[pipeline]") {
  TempDir dir;
  auto batches = make_batches(2);
  {
    auto spool = open_spool(dir.path());
    for (const auto& b : batches) REQUIRE(spool->write(b));
  }
  {
    std::fstream f(dir / emit::batch_file_name(1), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(batches[0].bytes.size() / 2));
    f.put('\x5a');
  }
  auto spool = open_spool(dir.path());
  RecordingTarget target;
  SinkRunner runner(SinkRunnerOptions{.name = "siem"}, *spool, target);
  runner.start();
  REQUIRE(eventually([&] { return !spool->oldest(); }));
  runner.stop(1000);
  CHECK(target.sequences == std::vector<std::uint64_t>{2});
  CHECK(runner.stats().batches_corrupt == 1);
  CHECK(std::filesystem::exists(dir / ("corrupt-" + emit::batch_file_name(1))));
}

TEST_CASE("stop leaves what a dead destination did not confirm in the spool", "[pipeline]") {
  TempDir dir;
  auto spool = open_spool(dir.path());
  RecordingTarget target;
  target.down = true;
  SinkRunner runner(SinkRunnerOptions{.name = "siem", .retry_initial_ms = 5, .retry_max_ms = 5}, *spool, target);
  runner.start();
  for (const auto& b : make_batches(2)) REQUIRE(spool->write(b));
  CHECK(runner.stop(50) == 2);
  auto reopened = open_spool(dir.path());
  CHECK(reopened->stats().batches == 2);
}

}  // namespace
}  // namespace logsift::pipeline
