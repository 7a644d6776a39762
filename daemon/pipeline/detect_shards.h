// DetectShards: detection state split by signature, so worker threads can feed it concurrently.
//
// Each shard is one Detector behind its own mutex; an incident goes to the shard its signature id
// picks (id % shard count), so one signature's state lives in exactly one shard. Unmatched
// messages for the template miner all go to shard 0, which owns the miner. The shard count must
// stay the same across restarts for snapshots to restore (snapshot files carry it in their name).
// DetectOptions::max_signatures is the total over all shards (each shard holds its share).
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "daemon/detect/detector.h"
#include "daemon/detect/incident.h"
#include "daemon/detect/session_table.h"

namespace logsift::pipeline {

class DetectShards {
 public:
  DetectShards(std::size_t shard_count, const detect::DetectOptions& options);

  std::size_t shard_count() const { return shards_.size(); }

  // Routes one incident to its shard and appends the alerts it causes (tools and tests; workers
  // hand over whole batches with observe_grouped()).
  void observe(const detect::Incident& incident, std::int64_t now_us, std::vector<detect::Alert>& out);
  // The shard that holds a signature's state.
  std::size_t shard_of(std::uint64_t signature_id) const { return signature_id % shards_.size(); }

  // Incidents grouped by shard: incidents[shard_begin[s], shard_begin[s + 1]) all belong to shard
  // s (shard_begin has shard_count() + 1 entries). Each non-empty shard takes its span under one
  // lock. Appends the alerts they cause.
  void observe_grouped(std::span<const detect::Incident> incidents, std::span<const std::size_t> shard_begin,
                       std::vector<detect::Alert>& out);

  // A record no rule matched, at its detection time.
  struct Unmatched {
    const parsers::Record* record = nullptr;
    std::int64_t now_us = 0;
  };
  // True when an unmatched record is worth mining; a pure function of the options, so callers
  // filter without any lock.
  bool looks_like_trouble(const parsers::Record& record) const { return trouble_filter_.looks_like_trouble(record); }
  // Unmatched records that look like trouble: mined by shard 0 (which owns the miner), one lock.
  // With `mined`, appends the signature of every record mined (for rate series).
  void observe_unmatched(std::span<const Unmatched> records, std::vector<detect::Alert>& out,
                         std::vector<detect::MinedOccurrence>* mined = nullptr);
  // Advances every shard's clock (resolutions, due folded counts).
  void advance(std::int64_t now_us, std::vector<detect::Alert>& out);

  // Detect role of a cluster (daemon/cluster): shard = Kafka partition of the incidents topic,
  // fed, saved and emptied one at a time as partitions come and go.
  void observe_in(std::size_t shard, std::span<const detect::Incident> incidents, std::vector<detect::Alert>& out);
  void observe_unmatched_in(std::size_t shard, std::span<const Unmatched> records, std::vector<detect::Alert>& out);
  // The shard's whole state in the snapshot format, into `out` (cleared, capacity reused).
  detect::SnapshotInfo encode_shard(std::size_t shard, std::string& out);
  // Replaces the shard's state with an encoded snapshot; on error the shard is left as it was.
  Expected<detect::SnapshotInfo, detect::SnapshotError> restore_shard(std::size_t shard, std::string_view bytes,
                                                                      const std::string& name);
  // Empties the shard (its partition went to another node).
  void clear_shard(std::size_t shard);

  // Summed over shards. Never blocks on a shard's lock: a shard busy right now contributes the
  // counters it published at its last advance() (so metrics scrapes never wait on detection).
  detect::DetectCounters counters() const;

  // Drops the state of signatures whose rule `changed` names, in every shard; appends the
  // alerts that close them (problem.resolved with resolution "rule_changed", folded incidents).
  std::size_t forget_rules(const std::function<bool(std::string_view rule_id)>& changed,
                           std::int64_t now_us, std::vector<detect::Alert>& out);
  // Acknowledges open problem `problem_id` in whichever shard holds it; false when none does.
  bool acknowledge(std::uint64_t problem_id, const std::string& by, std::int64_t now_us);
  // Every shard's open problems as Detector::describe_open_problems() tells them.
  void describe_open_problems(std::int64_t now_us, std::vector<detect::Alert>& out);
  // Reports every folded count now, in every shard (end of a replayed input).
  void report_folded(std::int64_t now_us, std::vector<detect::Alert>& out);

  // Writes one snapshot generation to `dir` (detect/snapshot_store.h): shard by shard, each
  // encoded under its lock into one reused buffer and written after the lock is released, then
  // the manifest. Returns the failure, if any; the previous generation is then still complete.
  // One save at a time (callers serialise on an internal mutex).
  std::vector<std::string> save(const std::string& dir);

  struct RestoreReport {
    bool restored = false;             // a complete generation was restored
    std::uint64_t generation = 0;      // ... this one (0: the earlier one-file-per-shard layout)
    std::uint64_t signatures = 0;
    std::vector<std::string> problems; // generations or files skipped, and why
  };
  // Restores the newest complete generation in `dir`, all shards or none; with none complete the
  // shards stay empty. Call before any worker runs.
  RestoreReport restore(const std::string& dir);

  // Sessions of rules with `session:` (the merge step before incidents), shared by all workers.
  // Not part of snapshots: sessions last minutes, and a restart forgets them.
  detect::SessionTable& sessions() { return sessions_; }
  const detect::SessionTable& sessions() const { return sessions_; }

  // The generation last written or restored; 0 before any.
  std::uint64_t last_saved_generation() const { return last_saved_generation_.load(std::memory_order_relaxed); }

 private:
  struct Shard {
    mutable std::mutex mutex;
    detect::Detector detector;
    // Counters as of the last publish(), for readers that must not wait on `mutex`.
    mutable std::mutex published_mutex;
    detect::DetectCounters published;
    explicit Shard(const detect::DetectOptions& o) : detector(o) {}
    void publish();  // caller holds `mutex`
  };
  detect::DetectOptions options_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::mutex save_mutex_;
  std::string save_buffer_;  // one shard's encoding; capacity kept between snapshots
  std::atomic<std::uint64_t> last_saved_generation_{0};
  detect::Detector trouble_filter_;  // stateless use only: looks_like_trouble()
  detect::SessionTable sessions_;
};

}  // namespace logsift::pipeline
