// Tests for daemon/emit/spooling_sink.cc with a destination that fails on demand.
#include "daemon/emit/spooling_sink.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "daemon/emit/batch_reader.h"
#include "daemon/emit/file_sink.h"
#include "tests/emit/sample_alerts.h"

namespace logsift::emit {
namespace {

using testing::TempDir;

// Records what it receives; refuses everything while `down` is set.
class FakeSink final : public Sink {
 public:
  bool down = false;
  std::vector<std::uint64_t> received;
  std::vector<std::string> bytes;

  Expected<SinkReceipt, SinkError> write(const EncodedBatch& batch) override {
    if (down) {
      return Unexpected{SinkError{SinkError::Kind::kUnavailable, 0, "fake: connection refused"}};
    }
    received.push_back(batch.sequence);
    bytes.push_back(batch.bytes);
    return SinkReceipt{batch.bytes.size(), false};
  }
};

std::vector<EncodedBatch> make_batches(std::size_t count) {
  BatchWriter writer(BatchOptions{.max_alerts = 2}, 1);
  std::vector<EncodedBatch> closed;
  while (closed.size() < count) writer.add(testing::incident_example(), 0, closed);
  return closed;
}

TEST_CASE("a spooling sink passes batches straight through while the destination works",
          "[emit]") {
  TempDir spool;
  FakeSink fake;
  SpoolingSink sink(fake, spool.path(), SpoolOptions{});
  for (const auto& b : make_batches(3)) {
    const auto r = sink.write(b);
    REQUIRE(r.has_value());
    CHECK_FALSE(r->spooled);
  }
  CHECK(fake.received == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(sink.spooled_batches() == 0);
  CHECK(std::filesystem::is_empty(spool.path()));
}

TEST_CASE("refused batches are spooled and replayed in order when the destination recovers",
          "[emit]") {
  TempDir spool;
  FakeSink fake;
  SpoolingSink sink(fake, spool.path(), SpoolOptions{});
  const auto batches = make_batches(5);
  REQUIRE(sink.write(batches[0]).has_value());
  fake.down = true;
  for (std::size_t i = 1; i < 4; ++i) {
    const auto r = sink.write(batches[i]);
    REQUIRE(r.has_value());  // accepted: durable in the spool
    CHECK(r->spooled);
  }
  CHECK(sink.spooled_batches() == 3);
  CHECK(sink.last_destination_error().message == "fake: connection refused");
  CHECK(fake.received == std::vector<std::uint64_t>{1});

  fake.down = false;
  const auto r = sink.write(batches[4]);
  REQUIRE(r.has_value());
  CHECK_FALSE(r->spooled);
  CHECK(fake.received == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
  CHECK(fake.bytes[2] == batches[2].bytes);  // replayed byte for byte
  CHECK(sink.spooled_batches() == 0);
  CHECK(std::filesystem::is_empty(spool.path()));
}

TEST_CASE("a spool left by an earlier run is replayed first", "[emit]") {
  TempDir spool;
  const auto batches = make_batches(3);
  {
    FakeSink fake;
    fake.down = true;
    SpoolingSink sink(fake, spool.path(), SpoolOptions{});
    REQUIRE(sink.write(batches[0]).has_value());
    REQUIRE(sink.write(batches[1]).has_value());
  }
  FakeSink fake;
  SpoolingSink sink(fake, spool.path(), SpoolOptions{});
  const auto remaining = sink.replay();
  REQUIRE(remaining.has_value());
  CHECK(remaining.value() == 0);
  REQUIRE(sink.write(batches[2]).has_value());
  CHECK(fake.received == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE("a full spool refuses the batch so the caller keeps it", "[emit]") {
  TempDir spool;
  FakeSink fake;
  fake.down = true;
  const auto batches = make_batches(3);
  SpoolingSink sink(fake, spool.path(),
                    SpoolOptions{.max_spool_bytes = batches[0].bytes.size() + batches[1].bytes.size()});
  REQUIRE(sink.write(batches[0]).has_value());
  REQUIRE(sink.write(batches[1]).has_value());
  const auto r = sink.write(batches[2]);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == SinkError::Kind::kNoSpace);
  CHECK(r.error().message.find("fake: connection refused") != std::string::npos);
  // Retrying later, once the destination is back, delivers everything in order.
  fake.down = false;
  REQUIRE(sink.write(batches[2]).has_value());
  CHECK(fake.received == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE("an unusable spool directory makes the write fail", "[emit]") {
  TempDir dir;
  FakeSink fake;
  fake.down = true;
  SpoolingSink sink(fake, dir / "missing", SpoolOptions{});
  const auto r = sink.write(make_batches(1)[0]);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == SinkError::Kind::kMissing);
}

TEST_CASE("a corrupt spooled batch is set aside and counted, not replayed", "[emit]") {
  TempDir spool;
  const auto batches = make_batches(2);
  REQUIRE(write_file_atomically(spool.path(), batch_file_name(1), "garbage").has_value());
  REQUIRE(write_file_atomically(spool.path(), batch_file_name(2), batches[1].bytes).has_value());
  FakeSink fake;
  SpoolingSink sink(fake, spool.path(), SpoolOptions{});
  REQUIRE(sink.replay().has_value());
  CHECK(fake.received == std::vector<std::uint64_t>{2});
  CHECK(sink.corrupt_spool_files() == 1);
  CHECK(std::filesystem::exists(spool / ("corrupt-" + batch_file_name(1))));
}

}  // namespace
}  // namespace logsift::emit
