#include "daemon/enrich/context_cache.h"

#include <xxhash.h>

namespace logsift::enrich {

ContextCache::ContextCache(std::size_t slots) {
  std::size_t n = 16;
  while (n < slots) n *= 2;
  slots_.resize(n);
  mask_ = n - 1;
}

void ContextCache::set_table(std::shared_ptr<const Cmdb> table) {
  table_ = std::move(table);
  for (Slot& s : slots_) s.used = false;
}

const parsers::ServiceContext* ContextCache::lookup(std::string_view host, std::string_view sender) {
  if (!table_) return nullptr;
  ++counters_.lookups;
  const std::uint64_t h = XXH3_64bits_withSeed(host.data(), host.size(), XXH3_64bits(sender.data(), sender.size()));
  Slot& slot = slots_[h & mask_];
  if (slot.used && slot.host == host && slot.sender == sender) return slot.context;
  ++counters_.misses;
  slot.context = table_->lookup(host, sender);
  slot.host.assign(host);
  slot.sender.assign(sender);
  slot.used = true;
  if (slot.context == nullptr) ++counters_.unmatched;
  return slot.context;
}

}  // namespace logsift::enrich
