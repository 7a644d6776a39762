// Tests for daemon/emit/spool.cc: durable per-sink batch queues on a real folder.
#include "daemon/emit/spool.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "daemon/emit/batch_reader.h"
#include "daemon/emit/file_sink.h"
#include "tests/emit/sample_alerts.h"

namespace logsift::emit {
namespace {

using testing::TempDir;

std::vector<EncodedBatch> make_batches(std::size_t count, std::uint64_t first = 1) {
  BatchWriter writer(BatchOptions{.max_alerts = 2}, first);
  std::vector<EncodedBatch> closed;
  while (closed.size() < count) writer.add(testing::incident_example(), 0, closed);
  closed.resize(count);
  return closed;
}

std::unique_ptr<Spool> open_spool(const std::string& dir, SpoolOptions options = {}) {
  auto spool = Spool::open(dir, std::move(options));
  REQUIRE(spool);
  return std::move(spool).value();
}

TEST_CASE("a spool keeps batches in sequence order until they are removed", "[emit]") {
  TempDir dir;
  auto spool = open_spool(dir.path());
  for (const auto& b : make_batches(3)) REQUIRE(spool->write(b));
  CHECK(spool->stats().batches == 3);
  CHECK(spool->oldest() == 1u);
  auto bytes = spool->read(1);
  REQUIRE(bytes);
  CHECK(decode_batch(bytes.value()));
  spool->remove(1);
  CHECK(spool->oldest() == 2u);
  spool->remove(2);
  spool->remove(3);
  CHECK_FALSE(spool->oldest());
  CHECK(spool->stats().bytes == 0);
}

TEST_CASE("a reopened spool finds its batches and continues the sequence after a drained spool",
          "[emit]") {
  TempDir dir;
  {
    auto spool = open_spool(dir.path());
    for (const auto& b : make_batches(4)) REQUIRE(spool->write(b));
    spool->remove(1);
  }
  {
    auto spool = open_spool(dir.path());
    CHECK(spool->stats().batches == 3);
    CHECK(spool->oldest() == 2u);
    CHECK(spool->next_sequence() == 5);
    for (std::uint64_t s = 2; s <= 4; ++s) spool->remove(s);
  }
  auto spool = open_spool(dir.path());
  CHECK(spool->stats().batches == 0);
  CHECK(spool->next_sequence() == 5);  // from last-sequence: the folder holds no batch
}

TEST_CASE("a temp file left by a crash is removed when the spool opens", "[emit]") {
  TempDir dir;
  { std::ofstream(dir / ".tmp-alerts-00000000000000000009.ndjson.zst") << "half a batch"; }
  auto spool = open_spool(dir.path());
  CHECK(spool->stats().batches == 0);
  CHECK_FALSE(std::filesystem::exists(dir / ".tmp-alerts-00000000000000000009.ndjson.zst"));
}

TEST_CASE("a full spool refuses a batch with kNoSpace and drop_oldest makes room", "[emit]") {
  TempDir dir;
  const auto batches = make_batches(4);
  auto spool = open_spool(dir.path(), SpoolOptions{batches[0].bytes.size() * 2 + 8, {}});
  REQUIRE(spool->write(batches[0]));
  REQUIRE(spool->write(batches[1]));
  auto refused = spool->write(batches[2]);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == SinkError::Kind::kNoSpace);
  const auto dropped = spool->drop_oldest();
  REQUIRE(dropped);
  CHECK(*dropped == 2);  // alerts in batch 1
  CHECK(spool->write(batches[2]));
  CHECK(spool->oldest() == 2u);
  CHECK(spool->stats().dropped_batches == 1);
  CHECK(spool->stats().dropped_alerts == 2);
}

TEST_CASE("a batch set aside as corrupt leaves the queue and is kept for an operator", "[emit]") {
  TempDir dir;
  auto spool = open_spool(dir.path());
  for (const auto& b : make_batches(2)) REQUIRE(spool->write(b));
  spool->set_aside(1);
  CHECK(spool->oldest() == 2u);
  CHECK(spool->stats().corrupt_files == 1);
  CHECK(std::filesystem::exists(dir / ("corrupt-" + batch_file_name(1))));
}

TEST_CASE("a spool folder that cannot be created is an error naming it", "[emit]") {
  TempDir dir;
  { std::ofstream(dir / "file") << "x"; }
  auto spool = Spool::open(dir / "file/spool", {});
  REQUIRE_FALSE(spool);
  CHECK(spool.error().message.find("file/spool") != std::string::npos);
}

}  // namespace
}  // namespace logsift::emit
