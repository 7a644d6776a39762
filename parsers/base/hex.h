// Lowercase hexadecimal text of bytes and of 64-bit ids.
//
// Alert, signature and template ids are rendered as 16 lowercase hex digits (most significant
// first); cache keys as the hex of a digest. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace logsift::base {

// Two lowercase hex digits per byte, in order.
std::string hex_encode(std::span<const unsigned char> bytes);

// Exactly 16 lowercase hex digits, most significant first: 255 -> "00000000000000ff".
std::string hex_u64(std::uint64_t v);

// Writes the 16 digits of hex_u64(v) to dst[0..15] (no terminator, no allocation).
void encode_hex_u64(std::uint64_t v, char* dst);

// Appends the 16 digits of hex_u64(v) to `out` (no allocation once `out` has room).
void append_hex_u64(std::uint64_t v, std::string& out);

}  // namespace logsift::base
