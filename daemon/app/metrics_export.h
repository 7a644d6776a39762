// What logsiftd exports to Prometheus: every module's counters, renamed once, here.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "daemon/ingest/ingest_counters.h"
#include "daemon/ops/metrics.h"
#include "daemon/pipeline/pipeline.h"

namespace logsift::app {

struct QueueGauge {
  std::size_t depth = 0;
  std::size_t capacity = 0;
};

void export_metrics(ops::MetricsWriter& out, const std::vector<std::string>& listener_names,
                    const ingest::IngestStats& ingest, const pipeline::PipelineStats& pipeline,
                    const QueueGauge& queue, std::size_t rules_loaded);

}  // namespace logsift::app
