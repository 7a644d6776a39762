#include "parsers/string_arena.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace logsift::parsers {

std::string_view StringArena::copy(std::string_view s) {
  if (s.empty()) return {};
  // Find a block with room, starting at the current one; blocks too small for a long string are
  // skipped for this batch (they serve again after reset()).
  while (block_ < blocks_.size() && blocks_[block_].size - used_ < s.size()) {
    ++block_;
    used_ = 0;
  }
  if (block_ == blocks_.size()) {
    blocks_.push_back(Block{nullptr, std::max(block_bytes_, s.size())});
    blocks_.back().bytes = std::make_unique<char[]>(blocks_.back().size);
    used_ = 0;
  }
  char* dst = blocks_[block_].bytes.get() + used_;
  std::memcpy(dst, s.data(), s.size());
  used_ += s.size();
  return {dst, s.size()};
}

std::size_t StringArena::reserved_bytes() const {
  std::size_t total = 0;
  for (const Block& b : blocks_) total += b.size;
  return total;
}

void keep_record_strings(Record& record, std::string_view line, StringArena& arena) {
  const auto keep = [&](std::string_view& v) {
    if (v.empty()) return;
    const std::less<> before;
    const bool inside = !before(v.data(), line.data()) && !before(line.data() + line.size(), v.data() + v.size());
    if (!inside) v = arena.copy(v);
  };
  keep(record.original);
  keep(record.message);
  keep(record.host);
  keep(record.app);
  keep(record.procid);
  keep(record.msgid);
  keep(record.structured_data);
  for (std::size_t i = 0; i < record.extra_count && i < record.extra.size(); ++i) keep(record.extra[i]);
}

}  // namespace logsift::parsers
