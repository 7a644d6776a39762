#include "parsers/base/hex.h"

#include <catch2/catch.hpp>

#include <array>

using namespace logsift::base;

TEST_CASE("hex_u64 gives 16 lowercase digits, most significant first", "[base]") {
  CHECK(hex_u64(0) == "0000000000000000");
  CHECK(hex_u64(255) == "00000000000000ff");
  CHECK(hex_u64(0x0123456789abcdefull) == "0123456789abcdef");
  CHECK(hex_u64(~0ull) == "ffffffffffffffff");
  std::string out = "id=";
  append_hex_u64(0xabcull, out);
  CHECK(out == "id=0000000000000abc");
  char fixed[17] = "................";
  encode_hex_u64(0xfedcba9876543210ull, fixed);
  CHECK(std::string(fixed) == "fedcba9876543210");
}

TEST_CASE("hex_encode renders every byte as two digits, in order", "[base]") {
  const std::array<unsigned char, 4> bytes{0x00, 0x0f, 0xa0, 0xff};
  CHECK(hex_encode(bytes) == "000fa0ff");
  CHECK(hex_encode({}).empty());
}
