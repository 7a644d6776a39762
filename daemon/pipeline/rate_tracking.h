// RateTracking: the daemon's one RateTracker (daemon/trend) shared by worker threads.
//
// Workers hand it one batch's per-series counts (signatures, hosts, listeners) in one call; the
// emitter thread advances it on its tick; the snapshot path saves it next to the detection
// snapshots (`trend.snapshot` in the state folder) and start() restores it. Scrapes and the
// rates endpoint read a report under the same lock, which no I/O is done under.
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/detect/alert.h"
#include "daemon/trend/batch_counts.h"
#include "daemon/trend/rate_tracker.h"

namespace logsift::pipeline {

class RateTracking {
 public:
  explicit RateTracking(trend::TrendOptions options) : tracker_(std::move(options)) {}

  // Adds the batch's counts at `now_us` and clears them; appends the alerts closing minutes made.
  void observe(trend::BatchCounts& counts, std::int64_t now_us, std::vector<detect::Alert>& out);
  void advance(std::int64_t now_us, std::vector<detect::Alert>& out);

  std::vector<trend::SeriesReport> top_series(std::size_t n) const;
  std::vector<trend::SeriesReport> reports(const trend::ReportQuery& query) const;
  trend::TrendCounters counters() const;

  // `dir/trend.snapshot`, written atomically; "" on success, else what went wrong.
  std::string save(const std::string& dir) const;
  // Restores `dir/trend.snapshot` if it exists; "" when restored or absent, else the problem
  // (the tracker then starts empty).
  std::string restore(const std::string& dir);

 private:
  mutable std::mutex mutex_;
  trend::RateTracker tracker_;
};

}  // namespace logsift::pipeline
