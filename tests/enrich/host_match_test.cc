#include <catch2/catch.hpp>

#include "daemon/enrich/host_match.h"

using namespace logsift::enrich;

TEST_CASE("host globs match whole names case-insensitively with * and ?", "[enrich]") {
  CHECK(glob_match("web-*.example.com", "WEB-12.example.com"));
  CHECK(glob_match("web-*", "web-"));
  CHECK(glob_match("db?", "db1"));
  CHECK_FALSE(glob_match("db?", "db12"));
  CHECK_FALSE(glob_match("web-*.example.com", "web-1.example.org"));
  CHECK(glob_match("*a*b*c*", "xxaxxbxxcxx"));
  CHECK_FALSE(glob_match("*a*b*c*d", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabc"));
  CHECK(is_glob("web-*"));
  CHECK_FALSE(is_glob("web-1"));
}

TEST_CASE("address ranges hold the addresses of their prefix, IPv4 also as mapped IPv6", "[enrich]") {
  auto r = parse_address_range("10.1.0.0/16");
  REQUIRE(r);
  CHECK(r->contains(*parse_ip("10.1.200.3")));
  CHECK(r->contains(*parse_ip("::ffff:10.1.0.9")));
  CHECK_FALSE(r->contains(*parse_ip("10.2.0.1")));
  auto one = parse_address_range("192.0.2.7");
  REQUIRE(one);
  CHECK(one->contains(*parse_ip("192.0.2.7")));
  CHECK_FALSE(one->contains(*parse_ip("192.0.2.8")));
  auto v6 = parse_address_range("2001:db8::/32");
  REQUIRE(v6);
  CHECK(v6->contains(*parse_ip("2001:db8:1::5")));
  CHECK_FALSE(v6->contains(*parse_ip("2001:db9::5")));
  auto odd = parse_address_range("10.1.2.3/13");  // host bits are masked off
  REQUIRE(odd);
  CHECK(odd->contains(*parse_ip("10.0.0.1")));
  CHECK_FALSE(odd->contains(*parse_ip("10.8.0.1")));
  CHECK_FALSE(parse_address_range("10.1.0.0/33"));
  CHECK_FALSE(parse_address_range("10.1.0.0/"));
  CHECK_FALSE(parse_address_range("web1/8"));
  CHECK_FALSE(parse_ip("300.1.1.1"));
}
