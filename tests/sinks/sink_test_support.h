// Shared by the sink tests and benchmarks: batches of distinct alerts, a dead-letter recorder,
// secret files, and sink configs pointing at the fake servers.
#pragma once

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/emit/batch_writer.h"
#include "daemon/emit/delivery.h"
#include "tests/emit/sample_alerts.h"
#include "tests/sinks/fake_server.h"

namespace logsift::sinks::testing {

using emit::testing::TempDir;

// The event.id of alert `i` of the batches made here: 16 hex digits.
inline std::string alert_id(std::size_t i) {
  char text[17];
  std::snprintf(text, sizeof text, "%016zx", i + 0xa1e70000);
  return text;
}

// A loaded batch of `count` distinct alerts (ids alert_id(first) ...), one second apart, with
// severities cycling through the five levels.
inline void make_batch(std::size_t first, std::size_t count, std::uint64_t sequence, emit::DeliveryBatch& out) {
  emit::BatchOptions options;
  options.max_alerts = count + 1;
  options.max_bytes = 1ull << 30;
  emit::BatchWriter writer(options, sequence);
  std::vector<emit::EncodedBatch> closed;
  const rules::Severity severities[] = {rules::Severity::kInformational, rules::Severity::kLow,
                                        rules::Severity::kMedium, rules::Severity::kHigh, rules::Severity::kCritical};
  for (std::size_t i = first; i < first + count; ++i) {
    detect::Alert a = (i % 2 == 0) ? emit::testing::incident_example() : emit::testing::problem_opened_example();
    a.id = alert_id(i);
    a.time_us = emit::testing::kExampleTimeUs + static_cast<std::int64_t>(i) * 1'000'000;
    a.severity = severities[i % 5];
    writer.add(a, emit::testing::kExampleTimeUs, closed);  // arrival: all at once
  }
  writer.flush(closed);
  if (closed.size() != 1) std::abort();
  auto loaded = emit::load_delivery_batch(std::move(closed.front().bytes), out);
  if (!loaded) std::abort();
}

struct RecordedDeadLetters final : emit::DeadLetters {
  std::vector<std::pair<std::string, std::string>> letters;  // event.id, reason
  void add(const emit::AlertLine& alert, std::string_view reason) override {
    letters.emplace_back(std::string(alert.event_id), std::string(reason));
  }
};

inline std::string write_file(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir / name;
  std::ofstream(path) << text;
  return path;
}

inline config::SinkConfig http_sink_config(config::SinkType type, std::string url) {
  config::SinkConfig c;
  c.name = "test";
  c.type = type;
  c.url = std::move(url);
  c.timeout_ms = 5000;
  return c;
}

}  // namespace logsift::sinks::testing
