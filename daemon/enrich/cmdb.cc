// Cmdb lookups; loading is in cmdb_load.cc.
#include "daemon/enrich/cmdb.h"

#include <xxhash.h>

namespace logsift::enrich {

std::string CmdbError::to_string() const {
  return line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message;
}

std::size_t Cmdb::HashIgnoreCase::operator()(std::string_view s) const {
  // Host names are short; lower-case them on the stack in chunks and hash the chunks.
  XXH64_hash_t h = 0;
  char chunk[64];
  while (!s.empty()) {
    const std::size_t n = std::min(s.size(), sizeof chunk);
    for (std::size_t i = 0; i < n; ++i) {
      const char c = s[i];
      chunk[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    h = XXH3_64bits_withSeed(chunk, n, h);
    s.remove_prefix(n);
  }
  return static_cast<std::size_t>(h);
}

const parsers::ServiceContext* Cmdb::in_ranges(const IpAddress& address) const {
  for (const Range& r : ranges_) {
    if (r.range.contains(address)) return &contexts_[r.entry];
  }
  return nullptr;
}

const parsers::ServiceContext* Cmdb::lookup(std::string_view host, std::string_view sender) const {
  if (!host.empty()) {
    if (auto it = exact_.find(host); it != exact_.end()) return &contexts_[it->second];
    for (const Glob& g : globs_) {
      if (glob_match(g.pattern, host)) return &contexts_[g.entry];
    }
  }
  if (ranges_.empty()) return nullptr;
  if (!host.empty() && host != sender) {
    if (auto address = parse_ip(host)) {
      if (const auto* found = in_ranges(*address)) return found;
    }
  }
  if (!sender.empty()) {
    if (auto address = parse_ip(sender)) return in_ranges(*address);
  }
  return nullptr;
}

}  // namespace logsift::enrich
