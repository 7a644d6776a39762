#include <string>

#include <catch2/catch.hpp>

#include "parsers/rfc5424.h"
#include "tests/parsers/test_util.h"

using namespace logsift::parsers;
using logsift::parsers::testing::format_utc;

TEST_CASE("rfc5424 reads every header field of a complete message", "[parsers][rfc5424]") {
  const Record r = parse_rfc5424(
      "<14>1 2026-03-09T07:12:44.123456+01:00 web-1.example.org nginx 4211 ACCESS "
      "[req@32473 path=\"/a\\\"b\" code=\"200\"] GET /a\"b 200");
  CHECK(r.format == Format::kRfc5424);
  CHECK(r.quality == Quality::kClean);
  CHECK(r.issue == ParseIssue::kNone);
  CHECK(r.pri == 14);
  CHECK(r.facility == 1);
  CHECK(r.severity == 6);
  CHECK(format_utc(r.time_us) == "2026-03-09T06:12:44.123456Z");
  CHECK(r.host == "web-1.example.org");
  CHECK(r.app == "nginx");
  CHECK(r.procid == "4211");
  CHECK(r.msgid == "ACCESS");
  CHECK(r.structured_data == "[req@32473 path=\"/a\\\"b\" code=\"200\"]");
  CHECK(r.message == "GET /a\"b 200");
  CHECK_FALSE(r.message_has_bom);
}

TEST_CASE("rfc5424 turns NILVALUE fields into empty views and no time", "[parsers][rfc5424]") {
  const Record r = parse_rfc5424("<13>1 - - - - - -");
  CHECK(r.quality == Quality::kClean);
  CHECK(r.time_us == kNoTime);
  CHECK(r.host.empty());
  CHECK(r.app.empty());
  CHECK(r.procid.empty());
  CHECK(r.msgid.empty());
  CHECK(r.structured_data.empty());
  CHECK(r.message.empty());
}

TEST_CASE("rfc5424 rejects a PRI above 191 but keeps the rest of the message",
          "[parsers][rfc5424]") {
  const Record r = parse_rfc5424("<192>1 2026-03-09T07:12:44Z h a p m - hello");
  CHECK(r.format == Format::kRfc5424);
  CHECK(r.quality == Quality::kRecovered);
  CHECK(r.issue == ParseIssue::kBadPri);
  CHECK(r.pri == -1);
  CHECK(r.severity == -1);
  CHECK(r.host == "h");
  CHECK(r.message == "hello");
}

TEST_CASE("rfc5424 rejects a PRI with leading zeros", "[parsers][rfc5424]") {
  const Record r = parse_rfc5424("<013>1 - h a p m - hello");
  CHECK(r.issue == ParseIssue::kBadPri);
  CHECK(r.pri == -1);
  CHECK(r.message == "hello");
  CHECK(parse_rfc5424("<0>1 - h a p m - x").pri == 0);
}

TEST_CASE("rfc5424 marks a version other than 1 as recovered", "[parsers][rfc5424]") {
  const Record r = parse_rfc5424("<13>2 - h a p m - hello");
  CHECK(r.quality == Quality::kRecovered);
  CHECK(r.issue == ParseIssue::kBadVersion);
  CHECK(r.message == "hello");
}

TEST_CASE("rfc5424 keeps microseconds and applies negative offsets", "[parsers][rfc5424]") {
  CHECK(format_utc(parse_rfc5424("<13>1 2003-08-24T05:14:15.000003-07:00 h a p m -").time_us) ==
        "2003-08-24T12:14:15.000003Z");
  CHECK(format_utc(parse_rfc5424("<13>1 2003-10-11T22:14:15.3Z h a p m -").time_us) ==
        "2003-10-11T22:14:15.300000Z");
}

TEST_CASE("rfc5424 keeps a nanosecond timestamp truncated to microseconds, marked recovered",
          "[parsers][rfc5424]") {
  const Record r = parse_rfc5424("<13>1 2003-08-24T05:14:15.123456789Z h a p m - x");
  CHECK(r.quality == Quality::kRecovered);
  CHECK(r.issue == ParseIssue::kBadTimestamp);
  CHECK(format_utc(r.time_us) == "2003-08-24T05:14:15.123456Z");
  CHECK(r.message == "x");
}

TEST_CASE("rfc5424 drops an impossible timestamp but keeps the other fields",
          "[parsers][rfc5424]") {
  const Record r = parse_rfc5424("<13>1 2003-02-30T05:14:15Z h a p m - x");
  CHECK(r.issue == ParseIssue::kBadTimestamp);
  CHECK(r.time_us == kNoTime);
  CHECK(r.app == "a");
  CHECK(r.message == "x");
}

TEST_CASE("rfc5424 removes the BOM before MSG and says so", "[parsers][rfc5424]") {
  const Record r = parse_rfc5424("<13>1 - h a p m - \xEF\xBB\xBFhello");
  CHECK(r.message == "hello");
  CHECK(r.message_has_bom);
}

TEST_CASE("rfc5424 keeps several SD elements and the message after them", "[parsers][rfc5424]") {
  const Record r = parse_rfc5424(
      "<13>1 - h a p m [a@1 x=\"1\"][b@1 y=\"\\]\" z=\"\\\\\"][c] msg");
  CHECK(r.quality == Quality::kClean);
  CHECK(r.structured_data == "[a@1 x=\"1\"][b@1 y=\"\\]\" z=\"\\\\\"][c]");
  CHECK(r.message == "msg");
}

TEST_CASE("rfc5424 keeps the well-formed SD elements and makes a malformed one MSG",
          "[parsers][rfc5424]") {
  const Record r = parse_rfc5424("<13>1 - h a p m [a@1 x=\"1\"][b@1 y=unquoted] rest");
  CHECK(r.quality == Quality::kRecovered);
  CHECK(r.issue == ParseIssue::kBadStructuredData);
  CHECK(r.structured_data == "[a@1 x=\"1\"]");
  CHECK(r.message == "[b@1 y=unquoted] rest");
}

TEST_CASE("rfc5424 treats an unterminated SD value as MSG", "[parsers][rfc5424]") {
  const Record r = parse_rfc5424("<13>1 - h a p m [a@1 x=\"never closed");
  CHECK(r.issue == ParseIssue::kBadStructuredData);
  CHECK(r.structured_data.empty());
  CHECK(r.message == "[a@1 x=\"never closed");
}

TEST_CASE("rfc5424 does not accept a space between PARAM-NAME= and the value",
          "[parsers][rfc5424]") {
  // Some test suites join the RFC's wrapped example 3 with a space after "eventSource=". The ABNF
  // does not allow it: the element is malformed and becomes MSG, and the record says so.
  const Record r = parse_rfc5424(
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource= \"Application\" eventID=\"1011\"] msg");
  CHECK(r.quality == Quality::kRecovered);
  CHECK(r.issue == ParseIssue::kBadStructuredData);
  CHECK(r.structured_data.empty());
  CHECK(r.message.starts_with("[exampleSDID@32473"));
  CHECK(r.app == "evntslog");
}

TEST_CASE("rfc5424 marks a header cut short as recovered", "[parsers][rfc5424]") {
  const Record r = parse_rfc5424("<13>1 2026-03-09T07:12:44Z host app");
  CHECK(r.quality == Quality::kRecovered);
  CHECK(r.issue == ParseIssue::kBadHeader);
  CHECK(r.host == "host");
  CHECK(r.app == "app");
  CHECK(r.message.empty());
}

TEST_CASE("rfc5424 notes a field over its RFC length limit but keeps it", "[parsers][rfc5424]") {
  const std::string app(49, 'a');
  const std::string line = "<13>1 - h " + app + " p m - x";
  const Record r = parse_rfc5424(line);
  CHECK(r.issue == ParseIssue::kFieldTooLong);
  CHECK(r.app == app);
}

TEST_CASE("rfc5424 returns a raw record for text that has no 5424 header", "[parsers][rfc5424]") {
  for (std::string_view line : {"hello world", "<13>Oct 11 22:14:15 host app: x", "<13>", "<>1 x",
                                "<13>0 - - - - - -", ""}) {
    INFO(line);
    const Record r = parse_rfc5424(line);
    CHECK(r.format == Format::kRaw);
    CHECK(r.quality == Quality::kRaw);
    CHECK(r.message == line);
    CHECK(r.issue != ParseIssue::kNone);
  }
}
