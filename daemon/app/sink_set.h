// SinkSet: the daemon's alert destinations, built from the `sinks:` section of its config.
//
// For each configured sink: a file sink writes batch files into its folder, which is its
// destination; every other type gets a Spool under `emit.spool_dir/<name>` and a DeliveryTarget
// (Kafka, Splunk HEC, Elasticsearch, HTTP, syslog) that a SinkRunner thread delivers with.
// Without `sinks:` the set holds one file sink named "file" on `emit.dir`, the behaviour of a
// config written before sinks existed. Each sink's batch sequence continues where its folder or
// spool left off.
//
// Ownership: owns the stores and targets; channels() hands the pipeline pointers into them, so
// the set must outlive the pipeline. Thread-safety: build once, then read-only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/emit/delivery.h"
#include "daemon/emit/file_sink.h"
#include "daemon/emit/spool.h"
#include "daemon/pipeline/pipeline.h"
#include "parsers/base/expected.h"

namespace logsift::app {

// One sink's health for /readyz: failing_ms is how long its destination has been failing.
struct SinkHealth {
  std::string name;
  std::int64_t failing_ms = 0;
  std::int64_t unhealthy_after_ms = 0;
};

class SinkSet {
 public:
  // Creates folders and spools and connects nothing yet (targets connect on first delivery).
  // The error names the sink ("sinks[1] \"siem\": ...").
  [[nodiscard]] static Expected<std::unique_ptr<SinkSet>, std::string> build(const config::DaemonConfig& config);

  // What the pipeline needs, one channel per sink, in config order.
  std::vector<pipeline::SinkChannel> channels() const;
  // The effective sink configs (the implicit file sink included).
  const std::vector<config::SinkConfig>& configs() const { return configs_; }

 private:
  struct Entry {
    config::SinkConfig config;
    std::unique_ptr<emit::FileSink> folder;
    std::unique_ptr<emit::Spool> spool;
    std::unique_ptr<emit::DeliveryTarget> target;
    std::uint64_t first_sequence = 1;
  };
  std::vector<config::SinkConfig> configs_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

// The implicit sinks when `sinks:` is absent: one file sink on emit.dir.
std::vector<config::SinkConfig> effective_sinks(const config::DaemonConfig& config);

// The route a sink config asks for (`type` decides the during_change default).
emit::AlertRoute route_of(const config::SinkRoute& route, config::SinkType type);

// The delivery target for a network sink type; null with `error` set when it cannot be made
// (an unreadable token file, an unknown type in this build). `spool_dir` is the sink's spool
// folder, where targets that keep state (jira) keep it.
std::unique_ptr<emit::DeliveryTarget> make_delivery_target(const config::SinkConfig& sink,
                                                           const std::string& spool_dir, std::string& error);

}  // namespace logsift::app
