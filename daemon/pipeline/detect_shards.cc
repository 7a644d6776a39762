#include "daemon/pipeline/detect_shards.h"

#include <filesystem>

namespace logsift::pipeline {

DetectShards::DetectShards(std::size_t shard_count, const detect::DetectOptions& options)
    : trouble_filter_(options) {
  if (shard_count == 0) shard_count = 1;
  for (std::size_t i = 0; i < shard_count; ++i) shards_.push_back(std::make_unique<Shard>(options));
}

void DetectShards::observe(const detect::Incident& incident, std::int64_t now_us,
                           std::vector<detect::Alert>& out) {
  Shard& shard = *shards_[detect::signature_id(incident) % shards_.size()];
  std::lock_guard lock(shard.mutex);
  shard.detector.observe(std::span<const detect::Incident>(&incident, 1), now_us, out);
}

void DetectShards::observe_unmatched(const parsers::Record& record, std::int64_t now_us,
                                     std::vector<detect::Alert>& out) {
  // The filter is a pure function of the options: checking it outside the lock keeps the
  // common case (an ordinary unmatched message) free of any locking.
  if (!trouble_filter_.looks_like_trouble(record)) return;
  Shard& shard = *shards_[0];
  std::lock_guard lock(shard.mutex);
  shard.detector.observe_unmatched(record, now_us, out);
}

void DetectShards::advance(std::int64_t now_us, std::vector<detect::Alert>& out) {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    shard->detector.advance(now_us, out);
  }
}

detect::DetectCounters DetectShards::counters() const {
  detect::DetectCounters total;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    auto c = shard->detector.counters();
    total.incidents += c.incidents;
    total.incidents_suppressed += c.incidents_suppressed;
    total.unmatched += c.unmatched;
    total.unmatched_trouble += c.unmatched_trouble;
    total.signatures_live += c.signatures_live;
    total.signatures_created += c.signatures_created;
    total.signature_evictions += c.signature_evictions;
    total.open_problem_evictions += c.open_problem_evictions;
    total.signatures_forgotten += c.signatures_forgotten;
    total.signatures_dropped_by_reload += c.signatures_dropped_by_reload;
    total.problems_open += c.problems_open;
    total.problems_opened += c.problems_opened;
    total.problems_reopened += c.problems_reopened;
    total.problems_resolved += c.problems_resolved;
    total.alerts += c.alerts;
    total.templates_live += c.templates_live;
    total.templates_created += c.templates_created;
    total.template_evictions += c.template_evictions;
  }
  return total;
}

std::size_t DetectShards::forget_rules(const std::function<bool(std::string_view)>& changed) {
  std::size_t dropped = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    dropped += shard->detector.forget_rules(changed);
  }
  return dropped;
}

std::string DetectShards::snapshot_path(const std::string& dir, std::size_t i) const {
  return dir + "/detect-" + std::to_string(i) + "-of-" + std::to_string(shards_.size()) + ".snapshot";
}

std::vector<std::string> DetectShards::save(const std::string& dir) {
  std::vector<std::string> errors;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return {"cannot create state folder " + dir + ": " + ec.message()};
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    std::lock_guard lock(shards_[i]->mutex);
    auto saved = shards_[i]->detector.save_snapshot(snapshot_path(dir, i));
    if (!saved) errors.push_back(saved.error().message);
  }
  return errors;
}

std::vector<std::string> DetectShards::restore(const std::string& dir, std::uint64_t& signatures_restored) {
  std::vector<std::string> errors;
  signatures_restored = 0;
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    const std::string path = snapshot_path(dir, i);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    std::lock_guard lock(shards_[i]->mutex);
    auto restored = shards_[i]->detector.restore_snapshot(path);
    if (!restored) errors.push_back(restored.error().message);
    else signatures_restored += restored.value().signatures;
  }
  return errors;
}

}  // namespace logsift::pipeline
