// "No allocation per message in steady state": counts calls to the global operator new while
// parsing, after the parsers have seen the longest line once.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parsers/line_parser.h"
#include "parsers/structured_data.h"
#include "tests/allocation_counter.h"
#include "tests/parsers/test_util.h"

using namespace logsift::parsers;

TEST_CASE("parsing allocates nothing once the parser has warmed up", "[parsers][alloc]") {
  const std::vector<std::string> lines = {
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"] An application event",
      "<38>Mar  9 07:12:44 edge3 sshd[2211]: Failed password for invalid user oracle",
      "<189>123: *Mar  1 18:46:11.123: %LINK-3-UPDOWN: Interface Gi0/1, changed state to up",
      R"({"@timestamp":"2026-03-09T07:12:44.123Z","log":{"level":"error"},"host":{"name":"w"},)"
      R"("message":"boom \u00e9","process":{"pid":17},"user":{"name":"bob"}})",
      R"({"broken": )",
      "garbage \xff\xfe",
  };
  ParseOptions options;
  options.reference_time_us = testing::utc_us(2026, 3, 9);
  options.json_fields.extra = {"user.name"};
  LineParser parser(options);
  for (const std::string& line : lines) (void)parser.parse(line);  // warm-up

  const long before = static_cast<long>(logsift::testing::allocation_count());
  std::size_t clean = 0;
  for (int round = 0; round < 100; ++round) {
    for (const std::string& line : lines) {
      const Record r = parser.parse(line);
      clean += r.quality == Quality::kClean ? 1 : 0;
      StructuredDataReader reader(r.structured_data);
      std::string_view id;
      while (reader.next_element(&id)) {
      }
    }
  }
  const long allocations = static_cast<long>(logsift::testing::allocation_count()) - before;
  CHECK(clean == 400);
  CHECK(allocations == 0);

  // The counter does see allocations: a cold parser allocates its JSON buffers.
  const long cold_before = static_cast<long>(logsift::testing::allocation_count());
  LineParser cold(options);
  (void)cold.parse(lines[3]);
  CHECK(static_cast<long>(logsift::testing::allocation_count()) > cold_before);
}
