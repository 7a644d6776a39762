// Tests for daemon/emit/delivery.cc: a spooled batch split into alert lines for targets.
#include "daemon/emit/delivery.h"

#include <catch2/catch.hpp>

#include "daemon/emit/batch_writer.h"
#include "tests/emit/sample_alerts.h"

namespace logsift::emit {
namespace {

EncodedBatch encode(const std::vector<detect::Alert>& alerts) {
  BatchWriter writer(BatchOptions{}, 7);
  std::vector<EncodedBatch> closed;
  for (const auto& a : alerts) writer.add(a, testing::kExampleTimeUs, closed);
  writer.flush(closed);
  REQUIRE(closed.size() == 1);
  return std::move(closed.front());
}

TEST_CASE("a delivery batch exposes each alert's id, signature, action and time", "[emit]") {
  auto incident = testing::incident_example();
  auto opened = testing::problem_opened_example();
  const EncodedBatch batch = encode({incident, opened});

  DeliveryBatch loaded;
  auto ok = load_delivery_batch(batch.bytes, loaded);
  REQUIRE(ok);
  CHECK(loaded.decoded.header.sequence == 7);
  CHECK(loaded.encoded == batch.bytes);
  CHECK(loaded.header_line.find("\"logsift_batch\"") != std::string_view::npos);
  REQUIRE(loaded.alerts.size() == 2);
  CHECK(loaded.alerts[0].event_id == incident.id);
  CHECK(loaded.alerts[0].action == "incident");
  CHECK(loaded.alerts[0].signature_id == "9a3e5f0c12d47b61");
  CHECK(loaded.alerts[0].rule_id == "sshd.failed_password");
  CHECK(loaded.alerts[0].host == "edge3");
  CHECK(loaded.alerts[0].time_us == testing::kExampleTimeUs);
  CHECK(loaded.alerts[1].event_id == opened.id);
  CHECK(loaded.alerts[1].action == "problem.opened");
  CHECK(loaded.alerts[1].json.front() == '{');
  CHECK(loaded.alerts[1].json.back() == '}');
}

TEST_CASE("a corrupt batch does not load as a delivery batch", "[emit]") {
  EncodedBatch batch = encode({testing::incident_example()});
  batch.bytes[batch.bytes.size() / 2] ^= 0x5a;
  DeliveryBatch loaded;
  CHECK_FALSE(load_delivery_batch(batch.bytes, loaded));
}

}  // namespace
}  // namespace logsift::emit
