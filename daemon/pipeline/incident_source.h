// IncidentSource: where a detect node's incidents come from when they do not come from listeners.
//
// On a detect node of a cluster (docs/scale-out.md) incidents arrive already matched, from the
// incidents topic. The pipeline runs the source on a thread of its own: poll() again and again
// until the pipeline stops, then close() once, on the same thread. Through SourceContext the
// source feeds the pipeline's DetectShards (one shard per Kafka partition), hands the alerts to
// the emitter thread like the workers do, and can wait until every alert handed over so far is
// durable in every sink, which it must before it records an input offset as done.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "daemon/detect/alert.h"
#include "daemon/enrich/cmdb.h"
#include "daemon/pipeline/detect_shards.h"
#include "rules/rule_set.h"

namespace logsift::pipeline {

class SourceContext {
 public:
  virtual ~SourceContext() = default;
  virtual DetectShards& detect() = 0;
  // The rule set in force (a reload swaps it between polls).
  virtual std::shared_ptr<const rules::RuleSet> rule_set() const = 0;
  // Moves `alerts` to the emitter thread (leaves the vector empty). Blocks while the emitter is
  // max_pending_alerts behind: backpressure.
  virtual void submit(std::vector<detect::Alert>& alerts) = 0;
  // Waits until every alert submitted before the call was routed to every sink and every sink's
  // open batch was closed and stored. False when some store refused (a full disk or spool) or
  // the pipeline is stopping before that happened.
  virtual bool flush_alerts() = 0;
  // The CMDB in force (null: none), for the business context of decoded records.
  virtual std::shared_ptr<const enrich::Cmdb> cmdb() const = 0;
  // Microseconds since the epoch (the pipeline's clock).
  virtual std::int64_t now_us() const = 0;
};

class IncidentSource {
 public:
  virtual ~IncidentSource() = default;
  // One round: wait briefly for input (at most about 100 ms, so stop is prompt) and detect it.
  virtual void poll(SourceContext& context) = 0;
  // At stop, after the last poll(): make what was read durable and let go of the input.
  virtual void close(SourceContext& context) = 0;
};

}  // namespace logsift::pipeline
