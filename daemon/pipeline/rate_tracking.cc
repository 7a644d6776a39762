#include "daemon/pipeline/rate_tracking.h"

#include <cerrno>

#include "parsers/base/file_io.h"

namespace logsift::pipeline {
namespace {

std::string snapshot_path(const std::string& dir) { return dir + "/trend.snapshot"; }

}  // namespace

void RateTracking::observe(trend::BatchCounts& counts, std::int64_t now_us, std::vector<detect::Alert>& out) {
  if (counts.empty()) return;
  {
    std::lock_guard lock(mutex_);
    tracker_.observe(counts.counts(), now_us, out);
  }
  counts.clear();
}

void RateTracking::advance(std::int64_t now_us, std::vector<detect::Alert>& out) {
  std::lock_guard lock(mutex_);
  tracker_.advance(now_us, out);
}

std::vector<trend::SeriesReport> RateTracking::top_series(std::size_t n) const {
  std::lock_guard lock(mutex_);
  return tracker_.top_series(n);
}

std::vector<trend::SeriesReport> RateTracking::reports(const trend::ReportQuery& query) const {
  std::lock_guard lock(mutex_);
  return tracker_.reports(query);
}

trend::TrendCounters RateTracking::counters() const {
  std::lock_guard lock(mutex_);
  return tracker_.counters();
}

std::string RateTracking::save(const std::string& dir) const {
  std::string bytes;
  {
    std::lock_guard lock(mutex_);
    bytes = tracker_.save();
  }
  base::AtomicWriteOptions o;
  o.folder_sync_required = false;  // the previous snapshot stays valid either way
  auto written = base::write_file_atomically(snapshot_path(dir), bytes, o);
  return written ? std::string() : written.error().message;
}

std::string RateTracking::restore(const std::string& dir) {
  auto bytes = base::read_file(snapshot_path(dir));
  if (!bytes) return bytes.error().errno_value == ENOENT ? std::string() : bytes.error().message;
  std::lock_guard lock(mutex_);
  auto restored = tracker_.restore(bytes.value());
  return restored ? std::string() : snapshot_path(dir) + ": " + restored.error().message;
}

}  // namespace logsift::pipeline
