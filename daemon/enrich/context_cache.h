// ContextCache: one worker's memo of Cmdb lookups by (host, sender), so that the globs and
// address ranges of a large CMDB run once per host rather than once per message.
//
// Direct-mapped: a fixed number of slots indexed by a hash of the key; a new key takes its
// slot's place. Slots keep their strings' capacity, so in steady state a lookup allocates
// nothing. The table it memoises may change (a reload): set_table() empties the cache.
// Not thread-safe: one per worker thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/enrich/cmdb.h"

namespace logsift::enrich {

struct ContextCacheCounters {
  std::uint64_t lookups = 0;
  std::uint64_t misses = 0;     // lookups that went to the table
  std::uint64_t unmatched = 0;  // lookups no entry matched
};

class ContextCache {
 public:
  // `slots` is rounded up to a power of two (at least 16).
  explicit ContextCache(std::size_t slots = 4096);

  // Switches to `table` (null: no CMDB, every lookup is null) and forgets what was cached.
  void set_table(std::shared_ptr<const Cmdb> table);
  const std::shared_ptr<const Cmdb>& table() const { return table_; }

  const parsers::ServiceContext* lookup(std::string_view host, std::string_view sender);

  const ContextCacheCounters& counters() const { return counters_; }

 private:
  struct Slot {
    std::string host;
    std::string sender;
    const parsers::ServiceContext* context = nullptr;
    bool used = false;
  };
  std::shared_ptr<const Cmdb> table_;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  ContextCacheCounters counters_;
};

}  // namespace logsift::enrich
