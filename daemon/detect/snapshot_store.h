// SnapshotStore: generations of sharded detection snapshots in one folder, all or nothing.
//
// A generation G of an n-shard detector is n shard files plus one manifest:
//
//   detect-g<G>-<i>-of-<n>.snapshot   one per shard, each written atomically (snapshot_files.h)
//   detect-g<G>.manifest              written last; names every shard file with its size, XXH3
//                                     checksum and signature count, and checksums itself
//
// A generation is complete exactly when its manifest is present and every shard file matches it.
// Shard files of a generation without a manifest are leftovers of a failed or interrupted save;
// nothing restores them. Older generations are removed only after a newer manifest is durable,
// and the newest two complete generations are kept, so a crash (kill -9, power loss) at any point
// leaves at least one complete generation, and one damaged file falls back to the generation
// before it rather than to a mix.
//
// Files of the earlier layout (detect-<i>-of-<n>.snapshot, no manifest) are read as generation 0
// when all n are present.
//
// The store does file I/O only: callers encode and decode shard bytes (Detector). Not
// thread-safe: one saver at a time per folder; reading while nobody saves.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/detect/detector.h"
#include "parsers/base/expected.h"

namespace logsift::detect {

struct ShardFileEntry {
  std::string file;  // name inside the folder
  std::uint64_t bytes = 0;
  std::uint64_t checksum = 0;  // XXH3_64bits of the whole file
  std::uint64_t signatures = 0;
};

struct SnapshotManifest {
  std::uint64_t generation = 0;
  std::vector<ShardFileEntry> shards;  // index = shard
  std::uint64_t signatures() const;
};

class SnapshotStore {
 public:
  SnapshotStore(std::string dir, std::size_t shard_count);

  const std::string& dir() const { return dir_; }

  // A generation number above every one present in the folder, complete or not.
  std::uint64_t next_generation() const;
  // Writes shard `shard` of `generation` and returns its manifest entry.
  [[nodiscard]] Expected<ShardFileEntry, SnapshotError> write_shard(std::uint64_t generation, std::size_t shard,
                                                                     std::string_view bytes,
                                                                     std::uint64_t signatures);
  // Writes the manifest (making the generation complete), then removes every file of older
  // generations except the newest complete one before it, and leftovers of unfinished ones.
  [[nodiscard]] Expected<bool, SnapshotError> commit(const SnapshotManifest& manifest);
  // Removes the files an unfinished generation left (after a failed write_shard).
  void abandon(std::uint64_t generation);

  // Manifests present in the folder that parse and list this store's shard count, newest first.
  // `problems` receives one message per manifest that was skipped and why.
  std::vector<SnapshotManifest> complete_generations(std::vector<std::string>& problems) const;
  // Reads one shard file of a manifest into `out` and checks its size and checksum.
  [[nodiscard]] Expected<bool, SnapshotError> read_shard(const ShardFileEntry& entry, std::string& out) const;

  std::string shard_file(std::uint64_t generation, std::size_t shard) const;
  std::string manifest_file(std::uint64_t generation) const;

 private:
  struct Listed {
    std::string name;
    std::uint64_t generation;
    bool manifest;
  };
  std::vector<Listed> list() const;
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
  std::size_t shard_count_;
};

// The manifest's text form (for tests and tools); parse_manifest() checks its own checksum.
std::string format_manifest(const SnapshotManifest& manifest, std::size_t shard_count);
[[nodiscard]] Expected<SnapshotManifest, std::string> parse_manifest(std::string_view text, std::size_t& shard_count);

}  // namespace logsift::detect
