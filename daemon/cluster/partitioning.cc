// Keys and partitions of the incidents topic; see partitioning.h.
#include "daemon/cluster/partitioning.h"

// The streaming state on the stack: its layout is only visible with this macro.
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "parsers/base/hex.h"

namespace logsift::cluster {

std::uint32_t murmur2(std::string_view key) {
  constexpr std::uint32_t m = 0x5bd1e995;
  std::uint32_t h = 0x9747b28c ^ static_cast<std::uint32_t>(key.size());
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  std::size_t len = key.size();
  for (; len >= 4; data += 4, len -= 4) {
    std::uint32_t k = data[0] | (data[1] << 8) | (data[2] << 16) | (static_cast<std::uint32_t>(data[3]) << 24);
    k *= m;
    k ^= k >> 24;
    k *= m;
    h = (h * m) ^ k;
  }
  switch (len) {
    case 3: h ^= static_cast<std::uint32_t>(data[2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<std::uint32_t>(data[1]) << 8; [[fallthrough]];
    case 1: h ^= data[0]; h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return h;
}

std::uint32_t partition_of(std::string_view key, std::uint32_t partitions) {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

void write_key(std::uint64_t id, char (&out)[16]) { base::encode_hex_u64(id, out); }

std::uint64_t shape_hash(std::string_view message, std::size_t max_tokens, detect::MaskedTokens& scratch) {
  detect::mask_tokens(message, max_tokens, scratch);
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  for (std::size_t i = 0; i < scratch.size(); ++i) {
    const std::string_view token = scratch.is_wildcard(i) ? std::string_view("<*>") : scratch.text(i);
    // Length-prefixed ("a b" != "ab"), little-endian on every machine.
    const auto n = static_cast<std::uint32_t>(token.size());
    const unsigned char length[4] = {static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8),
                                     static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 24)};
    XXH3_64bits_update(&state, length, sizeof length);
    XXH3_64bits_update(&state, token.data(), token.size());
  }
  return XXH3_64bits_digest(&state);
}

}  // namespace logsift::cluster
