// DetectShards: detection state split by signature, so worker threads can feed it concurrently.
//
// Each shard is one Detector behind its own mutex; an incident goes to the shard its signature id
// picks (id % shard count), so one signature's state lives in exactly one shard. Unmatched
// messages for the template miner all go to shard 0, which owns the miner. The shard count must
// stay the same across restarts for snapshots to restore (snapshot files carry it in their name).
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "daemon/detect/detector.h"
#include "daemon/detect/incident.h"

namespace logsift::pipeline {

class DetectShards {
 public:
  DetectShards(std::size_t shard_count, const detect::DetectOptions& options);

  std::size_t shard_count() const { return shards_.size(); }

  // Routes one incident to its shard and appends the alerts it causes.
  void observe(const detect::Incident& incident, std::int64_t now_us, std::vector<detect::Alert>& out);
  // A record no rule matched: mined by shard 0 when it looks like trouble.
  void observe_unmatched(const parsers::Record& record, std::int64_t now_us, std::vector<detect::Alert>& out);
  // Advances every shard's clock (resolutions, due folded counts).
  void advance(std::int64_t now_us, std::vector<detect::Alert>& out);

  detect::DetectCounters counters() const;  // summed over shards

  // Drops the state of signatures whose rule `changed` names, in every shard.
  std::size_t forget_rules(const std::function<bool(std::string_view rule_id)>& changed);

  // Snapshots every shard to `dir/detect-<i>-of-<n>.snapshot`; returns one message per failure.
  std::vector<std::string> save(const std::string& dir);
  // Restores shards whose snapshot exists; missing files are not errors (first start).
  std::vector<std::string> restore(const std::string& dir, std::uint64_t& signatures_restored);

 private:
  struct Shard {
    std::mutex mutex;
    detect::Detector detector;
    explicit Shard(const detect::DetectOptions& o) : detector(o) {}
  };
  std::string snapshot_path(const std::string& dir, std::size_t i) const;

  std::vector<std::unique_ptr<Shard>> shards_;
  detect::Detector trouble_filter_;  // stateless use only: looks_like_trouble()
};

}  // namespace logsift::pipeline
