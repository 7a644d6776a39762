// StringArena: bump allocation of string copies that live until reset(), for per-batch data.
//
// A worker parses a whole batch before matching it, so JSON string values (which the JSON parser
// unescapes into a buffer its next parse reuses) are copied here and stay valid for the batch.
// Memory comes in blocks that reset() keeps: once the blocks have grown to the largest batch seen,
// copying allocates nothing. Copies never move, so views into the arena stay valid until reset().
//
// Not thread-safe: one arena per worker.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "parsers/record.h"

namespace logsift::parsers {

class StringArena {
 public:
  explicit StringArena(std::size_t block_bytes = 64 * 1024) : block_bytes_(block_bytes) {}
  StringArena(const StringArena&) = delete;
  StringArena& operator=(const StringArena&) = delete;

  // A copy of `s` that stays valid until reset().
  std::string_view copy(std::string_view s);

  // Forgets every copy; keeps the blocks.
  void reset() {
    block_ = 0;
    used_ = 0;
  }

  std::size_t reserved_bytes() const;  // memory held in blocks

 private:
  struct Block {
    std::unique_ptr<char[]> bytes;
    std::size_t size = 0;
  };
  std::size_t block_bytes_;
  std::vector<Block> blocks_;
  std::size_t block_ = 0;  // index of the block being filled
  std::size_t used_ = 0;   // bytes used in blocks_[block_]
};

// Copies into `arena` every view of `record` that does not point into `line` (JSON strings the
// parser unescaped into its own buffer), so the record stays valid across the parser's next parse.
void keep_record_strings(Record& record, std::string_view line, StringArena& arena);

}  // namespace logsift::parsers
