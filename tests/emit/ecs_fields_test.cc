// Tests for daemon/emit/ecs_fields.cc: which capture values ECS's typed fields can hold, and how
// alert lines place the rest (logsift.invalid_fields) and gather related.ip / related.user.
#include "daemon/emit/ecs_fields.h"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <string>

#include "daemon/emit/alert_json.h"
#include "tests/emit/sample_alerts.h"

namespace logsift::emit {
namespace {

std::string line_of(const detect::Alert& a) {
  std::string out;
  append_alert_json(a, out);
  return out;
}

TEST_CASE("an ip field takes IPv4 and IPv6 addresses and nothing else", "[emit]") {
  for (const char* good : {"203.0.113.45", "0.0.0.0", "2001:db8::17", "::1", "::ffff:192.0.2.1",
                           "fe80::1:2:3:4"}) {
    INFO(good);
    CHECK(is_ip_address(good));
  }
  for (const char* bad : {"", "edge3", "203.0.113", "203.0.113.256", "203.0.113.45:22", "[2001:db8::17]",
                          "fe80::1%eth0", "2001:db8::17 ", "01.2.3.4", "unknown",
                          "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc"}) {
    INFO(bad);
    CHECK_FALSE(is_ip_address(bad));
  }
  CHECK(capture_fits_ecs("source_ip", "192.0.2.1"));
  CHECK_FALSE(capture_fits_ecs("source_ip", "gateway.example.net"));
  CHECK_FALSE(capture_fits_ecs("src_port", "ssh"));
  CHECK(capture_fits_ecs("user_name", "anything at all"));
  CHECK(capture_fits_ecs("not_an_ecs_capture", "x"));
}

TEST_CASE("source.ip only ever holds an address; other values go to logsift.invalid_fields",
          "[emit]") {
  detect::Alert a = testing::incident_example();
  a.fields = {{"source_ip", "gateway.example.net"}, {"source_port", "51122"}, {"user_name", "root"}};
  simdjson::dom::parser parser;
  const simdjson::dom::element doc = parser.parse(line_of(a));
  CHECK(doc.at_pointer("/source/ip").error() == simdjson::NO_SUCH_FIELD);
  CHECK(doc.at_pointer("/source/port").get_int64().value() == 51122);
  CHECK(doc.at_pointer("/logsift/invalid_fields/source_ip").get_string().value() == "gateway.example.net");
  CHECK(doc.at_pointer("/labels/source_ip").error() == simdjson::NO_SUCH_FIELD);
  // Not an address, so not a related address either.
  CHECK(doc.at_pointer("/related/ip").error() == simdjson::NO_SUCH_FIELD);
  CHECK(doc.at_pointer("/related/user/0").get_string().value() == "root");
}

TEST_CASE("related gathers every captured address and user once, and is left out without any",
          "[emit]") {
  detect::Alert a = testing::incident_example();
  a.fields = {{"src_ip", "192.0.2.1"},     {"destination_ip", "2001:db8::2"}, {"client_ip", "192.0.2.1"},
              {"user_name", "alice"},      {"uid", "1000"},                   {"host_ip", "not-an-ip"},
              {"server_ip", "198.51.100.3"}};
  simdjson::dom::parser parser;
  const simdjson::dom::element doc = parser.parse(line_of(a));
  simdjson::dom::array ips = doc.at_pointer("/related/ip").get_array();
  std::vector<std::string> seen;
  for (auto ip : ips) seen.emplace_back(ip.get_string().value());
  CHECK(seen == std::vector<std::string>{"192.0.2.1", "2001:db8::2", "198.51.100.3"});
  seen.clear();
  for (auto user : doc.at_pointer("/related/user").get_array()) seen.emplace_back(user.get_string().value());
  CHECK(seen == std::vector<std::string>{"alice", "1000"});

  a.fields = {{"auth_method", "password"}};
  const simdjson::dom::element bare = parser.parse(line_of(a));
  CHECK(bare.at_pointer("/related").error() == simdjson::NO_SUCH_FIELD);
}

}  // namespace
}  // namespace logsift::emit
