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

// Predictive monitoring: tracker counters, and for the busiest `top` series their last hour, its
// baseline, an open anomaly and the daily trend (labels series=<kind>, key=<key>).
// The JSON of GET /api/rates: tracker counters and the busiest `top` series (docs/predictive.md).
std::string rates_json(const pipeline::RateTracking& rates, std::size_t top);

void export_trend_metrics(ops::MetricsWriter& out, const pipeline::RateTracking& rates, std::size_t top);

}  // namespace logsift::app
