// Tests for daemon/emit/batch_writer.cc (decoded with batch_reader.cc).
#include "daemon/emit/batch_writer.h"

#include <catch2/catch.hpp>
#include <limits>
#include <vector>

#include "daemon/emit/batch_reader.h"
#include "tests/emit/sample_alerts.h"

namespace logsift::emit {
namespace {

using testing::incident_example;

constexpr std::int64_t kNowUs = 1'800'000'000'000'000;

DecodedBatch decode(const EncodedBatch& b) {
  auto decoded = decode_batch(b.bytes);
  INFO((decoded ? std::string() : decoded.error()));
  REQUIRE(decoded.has_value());
  return std::move(decoded).value();
}

std::size_t count_lines(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += c == '\n';
  return n;
}

TEST_CASE("a batch closes when it reaches max_alerts", "[emit]") {
  BatchWriter writer(BatchOptions{.max_alerts = 3, .producer_id = "test"}, 7);
  std::vector<EncodedBatch> closed;
  for (int i = 0; i < 7; ++i) writer.add(incident_example(), kNowUs, closed);
  REQUIRE(closed.size() == 2);
  CHECK(closed[0].sequence == 7);
  CHECK(closed[1].sequence == 8);
  CHECK(closed[0].alert_count == 3);
  CHECK(writer.open_alerts() == 1);
  CHECK(writer.next_sequence() == 9);
  const DecodedBatch d = decode(closed[1]);
  CHECK(d.header.sequence == 8);
  CHECK(d.header.alerts == 3);
  CHECK(d.header.producer == "test");
  CHECK(d.header.schema_version == kBatchSchemaVersion);
  CHECK(count_lines(d.alert_lines()) == 3);
}

TEST_CASE("a batch closes before an alert would take it past max_bytes", "[emit]") {
  std::string one;
  const detect::Alert a = incident_example();
  BatchWriter probe(BatchOptions{.max_alerts = 1}, 1);
  std::vector<EncodedBatch> closed;
  probe.add(a, kNowUs, closed);
  const std::size_t line_bytes = decode(closed.at(0)).alert_lines().size();

  closed.clear();
  BatchWriter writer(BatchOptions{.max_bytes = line_bytes * 2 + line_bytes / 2}, 1);
  writer.add(a, kNowUs, closed);
  writer.add(a, kNowUs, closed);
  CHECK(closed.empty());
  writer.add(a, kNowUs, closed);  // would make 3 lines: too big
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].alert_count == 2);
  CHECK(decode(closed[0]).alert_lines().size() == 2 * line_bytes);
  CHECK(writer.open_alerts() == 1);
}

TEST_CASE("an alert larger than max_bytes travels alone", "[emit]") {
  BatchWriter writer(BatchOptions{.max_bytes = 100}, 1);
  std::vector<EncodedBatch> closed;
  writer.add(incident_example(), kNowUs, closed);
  CHECK(closed.empty());
  writer.add(incident_example(), kNowUs, closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].alert_count == 1);
  writer.flush(closed);
  REQUIRE(closed.size() == 2);
  CHECK(closed[1].alert_count == 1);
}

TEST_CASE("a batch closes max_age_ms after its first alert, by the time passed in", "[emit]") {
  BatchWriter writer(BatchOptions{.max_age_ms = 1000}, 1);
  std::vector<EncodedBatch> closed;
  CHECK(writer.deadline_us() == std::numeric_limits<std::int64_t>::max());
  writer.add(incident_example(), kNowUs, closed);
  writer.add(incident_example(), kNowUs + 500'000, closed);
  CHECK(writer.deadline_us() == kNowUs + 1'000'000);
  writer.poll(kNowUs + 999'999, closed);
  CHECK(closed.empty());
  writer.poll(kNowUs + 1'000'000, closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].alert_count == 2);
  writer.poll(kNowUs + 5'000'000, closed);
  CHECK(closed.size() == 1);  // nothing open, nothing to close

  // An add() after the deadline closes the old batch before opening a new one.
  writer.add(incident_example(), kNowUs + 6'000'000, closed);
  writer.add(incident_example(), kNowUs + 7'000'001, closed);
  REQUIRE(closed.size() == 2);
  CHECK(closed[1].alert_count == 1);
  CHECK(writer.open_alerts() == 1);
}

TEST_CASE("a huge max_age_ms means batches never close by age, without overflow", "[emit]") {
  BatchWriter writer(BatchOptions{.max_age_ms = std::numeric_limits<std::int64_t>::max()}, 1);
  std::vector<EncodedBatch> closed;
  writer.add(incident_example(), kNowUs, closed);
  CHECK(writer.deadline_us() == std::numeric_limits<std::int64_t>::max());
  writer.poll(std::numeric_limits<std::int64_t>::max() - 1, closed);
  CHECK(closed.empty());
}

TEST_CASE("flush closes the open batch and does nothing when none is open", "[emit]") {
  BatchWriter writer(BatchOptions{}, 1);
  std::vector<EncodedBatch> closed;
  writer.flush(closed);
  CHECK(closed.empty());
  writer.add(incident_example(), kNowUs, closed);
  writer.flush(closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].alert_count == 1);
  CHECK(writer.open_alerts() == 0);
}

TEST_CASE("the header's time range spans the alerts' timestamps", "[emit]") {
  BatchWriter writer(BatchOptions{}, 1);
  std::vector<EncodedBatch> closed;
  detect::Alert a = incident_example();
  for (const std::int64_t t : {std::int64_t{3'000'000}, std::int64_t{1'000'000},
                               std::int64_t{2'000'000}}) {
    a.time_us = t;
    writer.add(a, kNowUs, closed);
  }
  writer.flush(closed);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].first_us == 1'000'000);
  CHECK(closed[0].last_us == 3'000'000);
  const DecodedBatch d = decode(closed[0]);
  CHECK(d.header.start_us == 1'000'000);
  CHECK(d.header.end_us == 3'000'000);
  CHECK(d.ndjson.starts_with(
      R"({"logsift_batch":{"schema_version":1,"sequence":1,"alerts":3,"time_range":{"start":"1970-01-01T00:00:01.000000Z","end":"1970-01-01T00:00:03.000000Z"},"producer":"","dropped_alerts":0,"dropped_alerts_total":0}})"
      "\n"));
}

TEST_CASE("batches are single zstd frames with a content checksum", "[emit]") {
  BatchWriter writer(BatchOptions{.compression_level = 19}, 1);
  std::vector<EncodedBatch> closed;
  for (int i = 0; i < 50; ++i) writer.add(incident_example(), kNowUs, closed);
  writer.flush(closed);
  REQUIRE(closed.size() == 1);
  const std::string& bytes = closed[0].bytes;
  REQUIRE(bytes.size() > 6);
  CHECK(bytes.substr(0, 4) == "\x28\xB5\x2F\xFD");          // zstd magic
  CHECK((static_cast<unsigned char>(bytes[4]) & 0x04) != 0);  // Content_Checksum_flag
  const DecodedBatch d = decode(closed[0]);
  CHECK(bytes.size() * 5 < d.ndjson.size());  // repetitive alerts compress well
}

}  // namespace
}  // namespace logsift::emit
