#include "daemon/detect/snapshot_store.h"

#include <dirent.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>

#include "daemon/detect/snapshot_files.h"

namespace logsift::detect {
namespace {

constexpr std::string_view kManifestHeader = "logsift-detect-manifest 1\n";
constexpr std::string_view kPrefix = "detect-g";

std::string hex64(std::uint64_t v) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
  return text;
}

bool parse_u64(std::string_view text, std::uint64_t& out, int base = 10) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc() && end == text.data() + text.size();
}

// Splits off the next space- or newline-separated word.
std::string_view word(std::string_view& line) {
  const std::size_t end = line.find(' ');
  std::string_view w = line.substr(0, end);
  line.remove_prefix(end == std::string_view::npos ? line.size() : end + 1);
  return w;
}

Unexpected<SnapshotError> error(SnapshotError::Kind kind, std::string message) {
  return Unexpected<SnapshotError>{SnapshotError{kind, std::move(message)}};
}

}  // namespace

std::uint64_t SnapshotManifest::signatures() const {
  std::uint64_t n = 0;
  for (const auto& s : shards) n += s.signatures;
  return n;
}

std::string format_manifest(const SnapshotManifest& manifest, std::size_t shard_count) {
  std::string text(kManifestHeader);
  text += "generation " + std::to_string(manifest.generation) + "\n";
  text += "shards " + std::to_string(shard_count) + "\n";
  for (std::size_t i = 0; i < manifest.shards.size(); ++i) {
    const ShardFileEntry& e = manifest.shards[i];
    text += "shard " + std::to_string(i) + " " + e.file + " " + std::to_string(e.bytes) + " " + hex64(e.checksum) +
            " " + std::to_string(e.signatures) + "\n";
  }
  text += "checksum " + hex64(XXH3_64bits(text.data(), text.size())) + "\n";
  return text;
}

Expected<SnapshotManifest, std::string> parse_manifest(std::string_view text, std::size_t& shard_count) {
  if (text.substr(0, kManifestHeader.size()) != kManifestHeader) return Unexpected<std::string>{"not a manifest"};
  const std::size_t sum_at = text.rfind("checksum ");
  std::uint64_t sum = 0;
  if (sum_at == std::string_view::npos || text.back() != '\n' ||
      !parse_u64(text.substr(sum_at + 9, text.size() - sum_at - 10), sum, 16) ||
      sum != XXH3_64bits(text.data(), sum_at)) {
    return Unexpected<std::string>{"manifest checksum mismatch (incomplete or damaged)"};
  }
  SnapshotManifest m;
  std::uint64_t shards = 0;
  std::string_view body = text.substr(kManifestHeader.size(), sum_at - kManifestHeader.size());
  while (!body.empty()) {
    const std::size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    const std::string_view key = word(line);
    if (key == "generation") {
      if (!parse_u64(word(line), m.generation)) return Unexpected<std::string>{"bad generation line"};
    } else if (key == "shards") {
      if (!parse_u64(word(line), shards) || shards == 0 || shards > 4096) return Unexpected<std::string>{"bad shards line"};
    } else if (key == "shard") {
      std::uint64_t index = 0;
      ShardFileEntry e;
      const bool ok = parse_u64(word(line), index) && index == m.shards.size();
      e.file = std::string(word(line));
      if (!ok || e.file.empty() || e.file.find('/') != std::string::npos || !parse_u64(word(line), e.bytes) ||
          !parse_u64(word(line), e.checksum, 16) || !parse_u64(word(line), e.signatures)) {
        return Unexpected<std::string>{"bad shard line"};
      }
      m.shards.push_back(std::move(e));
    } else {
      return Unexpected<std::string>{"unknown manifest line \"" + std::string(key) + "\""};
    }
  }
  if (shards == 0 || m.shards.size() != shards) return Unexpected<std::string>{"manifest lists the wrong number of shards"};
  shard_count = static_cast<std::size_t>(shards);
  return m;
}

SnapshotStore::SnapshotStore(std::string dir, std::size_t shard_count)
    : dir_(std::move(dir)), shard_count_(std::max<std::size_t>(shard_count, 1)) {}

std::string SnapshotStore::shard_file(std::uint64_t generation, std::size_t shard) const {
  return std::string(kPrefix) + std::to_string(generation) + "-" + std::to_string(shard) + "-of-" +
         std::to_string(shard_count_) + ".snapshot";
}

std::string SnapshotStore::manifest_file(std::uint64_t generation) const {
  return std::string(kPrefix) + std::to_string(generation) + ".manifest";
}

std::vector<SnapshotStore::Listed> SnapshotStore::list() const {
  std::vector<Listed> out;
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) return out;
  while (const dirent* entry = ::readdir(d)) {
    const std::string_view name = entry->d_name;
    if (name.substr(0, kPrefix.size()) != kPrefix) continue;
    std::string_view rest = name.substr(kPrefix.size());
    const std::size_t digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
    std::uint64_t generation = 0;
    if (!parse_u64(rest.substr(0, digits), generation)) continue;
    out.push_back(Listed{std::string(name), generation, rest.substr(digits) == ".manifest"});
  }
  ::closedir(d);
  return out;
}

std::uint64_t SnapshotStore::next_generation() const {
  std::uint64_t highest = 0;
  for (const Listed& l : list()) highest = std::max(highest, l.generation);
  return highest + 1;
}

Expected<ShardFileEntry, SnapshotError> SnapshotStore::write_shard(std::uint64_t generation, std::size_t shard,
                                                                    std::string_view bytes,
                                                                    std::uint64_t signatures) {
  ShardFileEntry entry{shard_file(generation, shard), bytes.size(), XXH3_64bits(bytes.data(), bytes.size()), signatures};
  if (auto written = write_file_atomically(path(entry.file), bytes); !written) {
    return Unexpected<SnapshotError>{written.error()};
  }
  return entry;
}

Expected<bool, SnapshotError> SnapshotStore::commit(const SnapshotManifest& manifest) {
  if (auto written = write_file_atomically(path(manifest_file(manifest.generation)), format_manifest(manifest, shard_count_));
      !written) {
    return written;
  }
  // The new generation is durable: keep it and the newest complete one before it.
  std::uint64_t previous = 0;
  const auto listed = list();
  for (const Listed& l : listed) {
    if (l.manifest && l.generation < manifest.generation) previous = std::max(previous, l.generation);
  }
  bool removed = false;
  for (const Listed& l : listed) {
    if (l.generation == manifest.generation || (previous != 0 && l.generation == previous)) continue;
    removed |= ::unlink(path(l.name).c_str()) == 0;
  }
  // The earlier layout is superseded once a generation exists.
  for (std::size_t i = 0; i < shard_count_; ++i) {
    const std::string legacy = path("detect-" + std::to_string(i) + "-of-" + std::to_string(shard_count_) + ".snapshot");
    removed |= ::unlink(legacy.c_str()) == 0;
  }
  if (removed) (void)sync_folder(dir_);
  return true;
}

void SnapshotStore::abandon(std::uint64_t generation) {
  for (const Listed& l : list()) {
    if (l.generation == generation && !l.manifest) ::unlink(path(l.name).c_str());
  }
}

std::vector<SnapshotManifest> SnapshotStore::complete_generations(std::vector<std::string>& problems) const {
  std::map<std::uint64_t, SnapshotManifest, std::greater<>> found;
  std::string text;
  for (const Listed& l : list()) {
    if (!l.manifest) continue;
    if (auto read = read_whole_file(path(l.name), text); !read) {
      problems.push_back(read.error().message);
      continue;
    }
    std::size_t shards = 0;
    auto parsed = parse_manifest(text, shards);
    if (!parsed) {
      problems.push_back(path(l.name) + ": " + parsed.error());
    } else if (shards != shard_count_) {
      problems.push_back(path(l.name) + ": written with " + std::to_string(shards) + " detection shards, now " +
                         std::to_string(shard_count_) + "; detect_shards must stay the same to restore");
    } else if (parsed->generation != l.generation) {
      problems.push_back(path(l.name) + ": names generation " + std::to_string(parsed->generation));
    } else {
      found.emplace(l.generation, std::move(parsed).value());
    }
  }
  // Earlier layout: all shard files present make generation 0 (sizes and checksums unknown).
  SnapshotManifest legacy;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    const std::string name = "detect-" + std::to_string(i) + "-of-" + std::to_string(shard_count_) + ".snapshot";
    if (::access(path(name).c_str(), F_OK) != 0) break;
    legacy.shards.push_back(ShardFileEntry{name, 0, 0, 0});
  }
  if (legacy.shards.size() == shard_count_) found.emplace(0, std::move(legacy));
  if (found.empty() && problems.empty() && !list().empty()) {
    problems.push_back(dir_ + ": snapshot files without a complete manifest (a save that did not finish)");
  }
  std::vector<SnapshotManifest> out;
  for (auto& [generation, manifest] : found) out.push_back(std::move(manifest));
  return out;
}

Expected<bool, SnapshotError> SnapshotStore::read_shard(const ShardFileEntry& entry, std::string& out) const {
  const std::string file = path(entry.file);
  if (auto read = read_whole_file(file, out); !read) return read;
  if (entry.bytes == 0) return true;  // earlier layout: the file's own checksum decides
  if (out.size() != entry.bytes) {
    return error(SnapshotError::Kind::kTruncated, file + ": " + std::to_string(out.size()) + " bytes, manifest says " +
                                                      std::to_string(entry.bytes));
  }
  if (XXH3_64bits(out.data(), out.size()) != entry.checksum) {
    return error(SnapshotError::Kind::kCorrupt, file + ": checksum differs from the manifest");
  }
  return true;
}

}  // namespace logsift::detect
