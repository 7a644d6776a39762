#include "daemon/pipeline/detect_shards.h"

#include <algorithm>
#include <filesystem>

#include "daemon/detect/snapshot_store.h"

namespace logsift::pipeline {

namespace {

// The configured cap is the daemon's total: each shard holds its share (signatures spread evenly
// over shards by hash), so the total stays within max_signatures + shard_count - 1.
detect::DetectOptions per_shard(detect::DetectOptions options, std::size_t shard_count) {
  options.max_signatures = std::max<std::size_t>(1, (options.max_signatures + shard_count - 1) / shard_count);
  return options;
}

}  // namespace

DetectShards::DetectShards(std::size_t shard_count, const detect::DetectOptions& options)
    : options_(per_shard(options, std::max<std::size_t>(shard_count, 1))),
      trouble_filter_(options),
      sessions_(options.max_sessions) {
  if (shard_count == 0) shard_count = 1;
  for (std::size_t i = 0; i < shard_count; ++i) shards_.push_back(std::make_unique<Shard>(options_));
}

void DetectShards::observe(const detect::Incident& incident, std::int64_t now_us,
                           std::vector<detect::Alert>& out) {
  Shard& shard = *shards_[detect::signature_id(incident) % shards_.size()];
  std::lock_guard lock(shard.mutex);
  shard.detector.observe(std::span<const detect::Incident>(&incident, 1), now_us, out);
}

void DetectShards::observe_grouped(std::span<const detect::Incident> incidents,
                                   std::span<const std::size_t> shard_begin, std::vector<detect::Alert>& out) {
  for (std::size_t s = 0; s < shards_.size() && s + 1 < shard_begin.size(); ++s) {
    if (shard_begin[s] == shard_begin[s + 1]) continue;
    const auto span = incidents.subspan(shard_begin[s], shard_begin[s + 1] - shard_begin[s]);
    std::lock_guard lock(shards_[s]->mutex);
    // Each incident carries its own time; the call's now_us is only the fallback.
    shards_[s]->detector.observe(span, 0, out);
  }
}

void DetectShards::observe_unmatched(std::span<const Unmatched> records, std::vector<detect::Alert>& out,
                                     std::vector<detect::MinedOccurrence>* mined) {
  if (records.empty()) return;
  Shard& shard = *shards_[0];
  std::lock_guard lock(shard.mutex);
  for (const Unmatched& u : records) {
    const detect::MinedOccurrence m = shard.detector.observe_unmatched(*u.record, u.now_us, out);
    if (mined != nullptr && m.signature_id != 0) mined->push_back(m);
  }
}

void DetectShards::observe_in(std::size_t shard, std::span<const detect::Incident> incidents,
                              std::vector<detect::Alert>& out) {
  if (incidents.empty()) return;
  Shard& s = *shards_[shard];
  std::lock_guard lock(s.mutex);
  s.detector.observe(incidents, 0, out);  // each incident carries its own time
}

void DetectShards::observe_unmatched_in(std::size_t shard, std::span<const Unmatched> records,
                                        std::vector<detect::Alert>& out) {
  if (records.empty()) return;
  Shard& s = *shards_[shard];
  std::lock_guard lock(s.mutex);
  for (const Unmatched& u : records) s.detector.observe_unmatched(*u.record, u.now_us, out);
}

detect::SnapshotInfo DetectShards::encode_shard(std::size_t shard, std::string& out) {
  Shard& s = *shards_[shard];
  std::lock_guard lock(s.mutex);
  return s.detector.encode_snapshot(out);
}

Expected<detect::SnapshotInfo, detect::SnapshotError> DetectShards::restore_shard(std::size_t shard,
                                                                                  std::string_view bytes,
                                                                                  const std::string& name) {
  detect::Detector detector(options_);  // decoded aside: the shard changes only on success
  auto decoded = detector.decode_snapshot(bytes, name);
  if (!decoded) return decoded;
  Shard& s = *shards_[shard];
  std::lock_guard lock(s.mutex);
  s.detector = std::move(detector);
  s.publish();
  return decoded;
}

void DetectShards::clear_shard(std::size_t shard) {
  Shard& s = *shards_[shard];
  std::lock_guard lock(s.mutex);
  s.detector = detect::Detector(options_);
  s.publish();
}

void DetectShards::advance(std::int64_t now_us, std::vector<detect::Alert>& out) {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    shard->detector.advance(now_us, out);
    shard->publish();
  }
}

void DetectShards::Shard::publish() {
  const auto current = detector.counters();
  std::lock_guard lock(published_mutex);
  published = current;
}

detect::DetectCounters DetectShards::counters() const {
  detect::DetectCounters total;
  for (const auto& shard : shards_) {
    // Never waits for a shard: a busy one (a worker's batch, a snapshot encoding) answers with
    // the copy it published at its last advance(), at most one emitter tick old.
    if (shard->mutex.try_lock()) {
      std::lock_guard lock(shard->mutex, std::adopt_lock);
      shard->publish();
    }
    detect::DetectCounters c;
    {
      std::lock_guard lock(shard->published_mutex);
      c = shard->published;
    }
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
    total.problems_closed_by_reload += c.problems_closed_by_reload;
    total.event_time_fallbacks += c.event_time_fallbacks;
    total.problems_open += c.problems_open;
    total.problems_opened += c.problems_opened;
    total.problems_reopened += c.problems_reopened;
    total.problems_resolved += c.problems_resolved;
    total.problems_escalated += c.problems_escalated;
    total.problems_acknowledged += c.problems_acknowledged;
    total.alerts += c.alerts;
    total.templates_live += c.templates_live;
    total.templates_created += c.templates_created;
    total.template_evictions += c.template_evictions;
  }
  return total;
}

std::size_t DetectShards::forget_rules(const std::function<bool(std::string_view)>& changed,
                                       std::int64_t now_us, std::vector<detect::Alert>& out) {
  std::size_t dropped = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    dropped += shard->detector.forget_rules(changed, now_us, out);
  }
  return dropped;
}

bool DetectShards::acknowledge(std::uint64_t problem_id, const std::string& by, std::int64_t now_us) {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    if (shard->detector.acknowledge(problem_id, by, now_us)) return true;
  }
  return false;
}

void DetectShards::describe_open_problems(std::int64_t now_us, std::vector<detect::Alert>& out) {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    shard->detector.describe_open_problems(now_us, out);
  }
}

void DetectShards::report_folded(std::int64_t now_us, std::vector<detect::Alert>& out) {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    shard->detector.report_folded(now_us, out);
  }
}

std::vector<std::string> DetectShards::save(const std::string& dir) {
  std::lock_guard save_lock(save_mutex_);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return {"cannot create state folder " + dir + ": " + ec.message()};
  detect::SnapshotStore store(dir, shards_.size());
  detect::SnapshotManifest manifest;
  manifest.generation = store.next_generation();
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    detect::SnapshotInfo info;
    {
      // Only the encoding holds the shard; workers wait for memory copies, never for the disk.
      std::lock_guard lock(shards_[i]->mutex);
      info = shards_[i]->detector.encode_snapshot(save_buffer_);
      shards_[i]->publish();
    }
    auto written = store.write_shard(manifest.generation, i, save_buffer_, info.signatures);
    if (!written) {
      store.abandon(manifest.generation);
      return {written.error().message};
    }
    manifest.shards.push_back(std::move(written).value());
  }
  if (auto committed = store.commit(manifest); !committed) {
    store.abandon(manifest.generation);
    return {committed.error().message};
  }
  last_saved_generation_.store(manifest.generation, std::memory_order_relaxed);
  return {};
}

DetectShards::RestoreReport DetectShards::restore(const std::string& dir) {
  RestoreReport report;
  detect::SnapshotStore store(dir, shards_.size());
  const auto generations = store.complete_generations(report.problems);
  std::string bytes;
  for (const auto& manifest : generations) {
    // Decode every shard aside; the live shards change only when the whole generation is good.
    std::vector<detect::Detector> restored;
    std::uint64_t signatures = 0;
    std::string failure;
    for (const auto& entry : manifest.shards) {
      detect::Detector detector(options_);
      auto read = store.read_shard(entry, bytes);
      if (!read) {
        failure = read.error().message;
        break;
      }
      auto decoded = detector.decode_snapshot(bytes, dir + "/" + entry.file);
      if (!decoded) {
        failure = decoded.error().message;
        break;
      }
      signatures += decoded.value().signatures;
      restored.push_back(std::move(detector));
    }
    if (!failure.empty()) {
      report.problems.push_back("generation " + std::to_string(manifest.generation) + " not restored: " + failure);
      continue;
    }
    for (std::size_t i = 0; i < shards_.size(); ++i) {
      std::lock_guard lock(shards_[i]->mutex);
      shards_[i]->detector = std::move(restored[i]);
      shards_[i]->publish();
    }
    report.restored = true;
    report.generation = manifest.generation;
    report.signatures = signatures;
    last_saved_generation_.store(manifest.generation, std::memory_order_relaxed);
    return report;
  }
  return report;
}

}  // namespace logsift::pipeline
