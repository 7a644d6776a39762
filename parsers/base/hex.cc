#include "parsers/base/hex.h"

namespace logsift::base {
namespace {
constexpr char kDigits[] = "0123456789abcdef";
}  // namespace

std::string hex_encode(std::span<const unsigned char> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

void encode_hex_u64(std::uint64_t v, char* dst) {
  for (int i = 15; i >= 0; --i) {
    dst[i] = kDigits[v & 0xf];
    v >>= 4;
  }
}

void append_hex_u64(std::uint64_t v, std::string& out) {
  char digits[16];
  encode_hex_u64(v, digits);
  out.append(digits, sizeof digits);
}

std::string hex_u64(std::uint64_t v) {
  std::string out;
  out.reserve(16);
  append_hex_u64(v, out);
  return out;
}

}  // namespace logsift::base
