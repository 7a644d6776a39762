// Kafka target tests: alert batches made the way the daemon makes them, dead letters kept in
// memory, and the mock cluster and kcat helpers of tests/support/kafka_cluster.h.
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "daemon/emit/batch_writer.h"
#include "daemon/emit/delivery.h"
#include "tests/emit/sample_alerts.h"
#include "tests/support/kafka_cluster.h"

namespace logsift::sinks::testing {

using kafka_testing::Consumed;
using kafka_testing::kcat_consume;
using kafka_testing::MockCluster;
using kafka_testing::murmur2_partition;

// `count` incident alerts with distinct event ids (first_id, first_id + 1, ...) spread over
// `signatures` signatures, in one batch with sequence `sequence`, loaded for delivery.
inline void make_batch(std::uint64_t sequence, std::uint64_t first_id, std::size_t count, std::size_t signatures,
                       emit::DeliveryBatch& out) {
  emit::BatchOptions options;
  options.max_alerts = count + 1;
  options.max_bytes = 256 * 1024 * 1024;
  options.producer_id = "kafka-test";
  emit::BatchWriter writer(options, sequence);
  std::vector<emit::EncodedBatch> closed;
  detect::Alert alert = emit::testing::incident_example();
  for (std::size_t i = 0; i < count; ++i) {
    char id[17];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(first_id + i));
    alert.id = id;
    alert.signature_id = 0x9a3e5f0c12d40000ull + i % signatures;
    alert.message = "Failed password for invalid user u" + std::to_string(first_id + i) + " from 203.0.113.45";
    writer.add(alert, emit::testing::kExampleTimeUs, closed);
  }
  writer.flush(closed);
  REQUIRE(closed.size() == 1);
  REQUIRE(emit::load_delivery_batch(std::move(closed.front().bytes), out));
  REQUIRE(out.alerts.size() == count);
}

// Dead letters kept in memory, with their reasons.
class RecordingDeadLetters final : public emit::DeadLetters {
 public:
  void add(const emit::AlertLine& alert, std::string_view reason) override {
    entries.emplace_back(std::string(alert.event_id), std::string(reason));
  }
  std::vector<std::pair<std::string, std::string>> entries;
};

}  // namespace logsift::sinks::testing
