#include <array>
#include <string>

#include <catch2/catch.hpp>

#include "parsers/structured_data.h"

using namespace logsift::parsers;

TEST_CASE("sd reader walks elements and params in order, keeping duplicates", "[parsers][sd]") {
  StructuredDataReader reader(R"([origin ip="192.0.2.1" ip="192.0.2.129"][meta][x@1 k="v"])");
  std::string_view id;
  SdParam p;
  REQUIRE(reader.next_element(&id));
  CHECK(id == "origin");
  REQUIRE(reader.next_param(&p));
  CHECK(p.name == "ip");
  CHECK(p.raw_value == "192.0.2.1");
  REQUIRE(reader.next_param(&p));
  CHECK(p.raw_value == "192.0.2.129");
  CHECK_FALSE(reader.next_param(&p));
  REQUIRE(reader.next_element(&id));
  CHECK(id == "meta");
  CHECK_FALSE(reader.next_param(&p));
  REQUIRE(reader.next_element(&id));
  CHECK(id == "x@1");
  CHECK_FALSE(reader.next_element(&id));  // skips the unread param
  CHECK_FALSE(reader.failed());
}

TEST_CASE("sd values are unescaped into the caller's buffer", "[parsers][sd]") {
  StructuredDataReader reader(R"([a k="q\"b\\s\]o\n"])");
  std::string_view id;
  SdParam p;
  REQUIRE(reader.next_element(&id));
  REQUIRE(reader.next_param(&p));
  CHECK(p.raw_value == R"(q\"b\\s\]o\n)");
  std::array<char, 64> buffer{};
  CHECK(unescape_sd_value(p.raw_value, buffer) == R"(q"b\s]o\n)");
  std::array<char, 3> small{};
  CHECK(unescape_sd_value(p.raw_value, small) == R"(q"b)");
}

TEST_CASE("sd reader stops at malformed text and says so", "[parsers][sd]") {
  for (std::string_view text : {"[a k=v]", "[ a]", "[a k=\"v\"", "x", "[a k=\"v\"]junk"}) {
    INFO(text);
    StructuredDataReader reader(text);
    std::string_view id;
    SdParam p;
    while (reader.next_element(&id)) {
      while (reader.next_param(&p)) {
      }
    }
    CHECK(reader.failed());
  }
}

TEST_CASE("sd element scan follows the RFC 5424 grammar", "[parsers][sd]") {
  CHECK(scan_sd_element(R"([a k="v"] rest)") == 9);
  CHECK(scan_sd_element("[a]") == 3);
  CHECK(scan_sd_element(R"([a k="v\"]"])") == 12);
  CHECK(scan_sd_element(R"([a k="unescaped ] inside"])") == 26);
  CHECK(scan_sd_element("[]") == 0);
  CHECK(scan_sd_element(R"([a k= "v"])") == 0);
  CHECK(scan_sd_element(R"([a  k="v"])") == 0);
  CHECK(scan_sd_element("[" + std::string(33, 'x') + "]") == 0);
  CHECK(scan_sd_element("[" + std::string(32, 'x') + "]") == 34);
}
