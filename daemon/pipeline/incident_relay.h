// IncidentRelay: where a worker hands its batch's incidents when detection runs elsewhere.
//
// On an ingest node of a cluster (docs/scale-out.md) the workers parse and match as usual, but
// instead of feeding the local DetectShards they hand each batch's incidents (signatures
// computed) and its unmatched records that look like trouble to a relay, which sends them on to
// the detect nodes. One relay per worker, called only from that worker's thread; relay() may
// block (backpressure: the worker stops taking raw batches while it waits).
#pragma once

#include <memory>
#include <span>

#include "daemon/detect/incident.h"
#include "daemon/pipeline/detect_shards.h"

namespace logsift::pipeline {

class IncidentRelay {
 public:
  virtual ~IncidentRelay() = default;
  // One batch: incidents in match order, each with its signature and detection time set; the
  // unmatched records the template miner would see, each with its detection time. The views are
  // valid only during the call.
  virtual void relay(std::span<const detect::Incident> incidents,
                     std::span<const DetectShards::Unmatched> unmatched) = 0;
};

}  // namespace logsift::pipeline
