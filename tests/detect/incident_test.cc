#include "daemon/detect/incident.h"
#include "parsers/base/hex.h"

#include <catch2/catch.hpp>

#include "tests/detect/detect_fixture.h"

using namespace logsift;
using namespace logsift::detect;
using namespace logsift::detect::testing;

TEST_CASE("a signature id is the XXH3 of the length-prefixed rule id and group values", "[detect]") {
  // Pinned: the id must be the same on every machine and in every release that keeps format 1.
  const std::pair<std::string_view, std::string_view> values[] = {{"host", "edge3"}};
  CHECK(base::hex_u64(signature_id("sshd.failed_password", values)) == "50e38d8e178d9315");
}

TEST_CASE("an empty group_by groups by host", "[detect]") {
  auto rule = make_rule();
  parsers::Record rec;
  rec.host = "edge3";
  Incident inc{&rule, &rec, {}};
  const std::pair<std::string_view, std::string_view> values[] = {{"host", "edge3"}};
  CHECK(signature_id(inc) == signature_id("sshd.failed_password", values));
  rec.host = "edge4";
  CHECK(signature_id(inc) != signature_id("sshd.failed_password", values));
}

TEST_CASE("group_by names resolve to captures before record fields", "[detect]") {
  auto rule = make_rule();
  rule.group_by = {"app", "host", "user_name", "missing"};
  parsers::Record rec;
  rec.host = "edge3";
  rec.app = "sshd";
  const std::vector<rules::Capture> caps = {{"user_name", "oracle"}, {"host", "captured-host"}};
  Incident inc{&rule, &rec, caps};
  CHECK(group_value(inc, "app") == "sshd");
  CHECK(group_value(inc, "host") == "captured-host");
  CHECK(group_value(inc, "user_name") == "oracle");
  CHECK(group_value(inc, "missing").empty());
  const std::pair<std::string_view, std::string_view> values[] = {
      {"app", "sshd"}, {"host", "captured-host"}, {"user_name", "oracle"}, {"missing", ""}};
  CHECK(signature_id(inc) == signature_id("sshd.failed_password", values));
}

TEST_CASE("length prefixes keep shifted boundaries apart", "[detect]") {
  const std::pair<std::string_view, std::string_view> a[] = {{"host", "ab"}};
  const std::pair<std::string_view, std::string_view> b[] = {{"hosta", "b"}};
  CHECK(signature_id("r", a) != signature_id("r", b));
}
