#include "parsers/base/coding.h"

#include <catch2/catch.hpp>

#include <string>

using namespace logsift::base;

TEST_CASE("fixed-width integers are written least significant byte first", "[base]") {
  std::string out;
  put_fixed32(out, 0x04030201u);
  put_fixed64(out, 0x0c0b0a0908070605ull);
  REQUIRE(out.size() == 12);
  for (std::size_t i = 0; i < out.size(); ++i) CHECK(static_cast<unsigned char>(out[i]) == i + 1);
  CHECK(decode_fixed32(out.data()) == 0x04030201u);
  CHECK(decode_fixed64(out.data() + 4) == 0x0c0b0a0908070605ull);
  unsigned char fixed[8];
  encode_fixed64(fixed, 0x0c0b0a0908070605ull);
  CHECK(std::string(reinterpret_cast<const char*>(fixed), 8) == out.substr(4));
}

TEST_CASE("a byte reader reads back what was written, high bits included", "[base]") {
  std::string out;
  out.push_back('\xff');
  put_fixed32(out, 0xfffffffeu);
  put_fixed64(out, static_cast<std::uint64_t>(-5));
  put_length_prefixed(out, "hello");
  ByteReader in(out);
  CHECK(in.u8() == 0xff);
  CHECK(in.u32() == 0xfffffffeu);
  CHECK(in.i64() == -5);
  CHECK(in.length_prefixed() == "hello");
  CHECK(in.ok());
  CHECK(in.left() == 0);
  CHECK(in.position() == out.size());
}

TEST_CASE("a byte reader fails, and stays failed, when the input ends early", "[base]") {
  std::string out;
  put_fixed32(out, 100);  // announces 100 bytes
  out += "short";
  ByteReader in(out);
  CHECK(in.length_prefixed().empty());
  CHECK_FALSE(in.ok());
  CHECK(in.u8() == 0);  // nothing is read after a failure, even though bytes are left
  CHECK_FALSE(in.ok());

  ByteReader three(std::string_view("abc"));
  CHECK(three.u32() == 0);
  CHECK_FALSE(three.ok());
}
