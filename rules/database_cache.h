// On-disk cache of compiled Hyperscan databases.
//
// A cache entry is keyed by database_key(): SHA-256 over the Hyperscan version, the CPU features
// Hyperscan compiles for, and every expression of one field with its flags and id. An entry holds
// the engine each of those patterns ended up with (exact, prefilter or PCRE2 only: the result of
// asking Hyperscan's parser and of compiling) and the serialized database, so a cache hit
// reproduces the compile exactly without parsing a single pattern with Hyperscan again. Files are written atomically (temp file, fsync,
// rename); a file that cannot be read back is reported as a miss. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rules/hyperscan_handles.h"


namespace logsift::rules {

struct CachedDatabase {
  HsDatabasePtr database;              // null when no pattern of the field runs in Hyperscan
  std::vector<std::uint8_t> engines;   // PatternEngine of each expression of the key, in key order
};

std::string database_key(std::span<const std::string> expressions,
                         std::span<const unsigned> flags, std::span<const unsigned> ids);

// nullopt on a miss or an unreadable entry.
std::optional<CachedDatabase> load_cached_database(const std::string& dir, const std::string& key);

// Returns an error message, empty on success.
std::string store_cached_database(const std::string& dir, const std::string& key,
                                  const hs_database* database, std::span<const std::uint8_t> engines);

}  // namespace logsift::rules
