#include <string>

#include <catch2/catch.hpp>

#include "parsers/line_parser.h"
#include "parsers/sniff.h"
#include "tests/parsers/test_util.h"

using namespace logsift::parsers;
using logsift::parsers::testing::utc_us;

TEST_CASE("sniffing tells 5424, 3164 and JSON apart from the first bytes", "[parsers][sniff]") {
  CHECK(sniff_format("<34>1 2003-10-11T22:14:15.003Z h a - - -") == SniffedFormat::kRfc5424);
  CHECK(sniff_format("<34>Oct 11 22:14:15 h su: x") == SniffedFormat::kRfc3164);
  CHECK(sniff_format("<13>2026-03-09T07:12:44Z h a: x") == SniffedFormat::kRfc3164);
  CHECK(sniff_format("Oct 11 22:14:15 h su: x") == SniffedFormat::kRfc3164);
  CHECK(sniff_format(R"({"message":"x"})") == SniffedFormat::kJson);
  CHECK(sniff_format(R"(  {"message":"x"})") == SniffedFormat::kJson);
  CHECK(sniff_format("[INFO] started") == SniffedFormat::kRfc3164);
  CHECK(sniff_format("") == SniffedFormat::kRfc3164);
  CHECK(sniff_format("<") == SniffedFormat::kRfc3164);
  CHECK(sniff_format("<13>1") == SniffedFormat::kRfc3164);
}

TEST_CASE("line parser dispatches each line to the parser of its format", "[parsers][line]") {
  ParseOptions options;
  options.reference_time_us = utc_us(2026, 3, 9, 8);
  LineParser parser(options);
  CHECK(parser.parse("<34>1 2003-10-11T22:14:15.003Z h a - - - x").format == Format::kRfc5424);
  CHECK(parser.parse("<34>Mar  9 07:12:44 h su: x").format == Format::kRfc3164);
  CHECK(parser.parse(R"({"message":"x"})").format == Format::kJson);
  CHECK(parser.parse("just words").format == Format::kRaw);
}

TEST_CASE("line parser strips LF, CRLF and trailing NULs", "[parsers][line]") {
  LineParser parser;
  CHECK(parser.parse("<34>1 - h a - - - x\n").message == "x");
  CHECK(parser.parse("<34>1 - h a - - - x\r\n").message == "x");
  CHECK(parser.parse(std::string_view("<34>1 - h a - - - x\0\0", 21)).message == "x");
  CHECK(parser.parse(std::string_view("<34>1 - h a - - - x\n\0", 21)).message == "x");
  const Record empty = parser.parse("\r\n");
  CHECK(empty.issue == ParseIssue::kEmpty);
  CHECK(empty.quality == Quality::kRaw);
  CHECK(strip_line_terminator("a\n\n") == "a\n");
}

TEST_CASE("line parser honours a forced format", "[parsers][line]") {
  ParseOptions options;
  options.expected_format = ExpectedFormat::kJson;
  LineParser parser(options);
  const Record r = parser.parse("<34>Mar  9 07:12:44 h su: x");
  CHECK(r.format == Format::kRaw);
  CHECK(r.issue == ParseIssue::kJsonSyntax);
  CHECK(parser.last_json_error() == JsonError::kSyntax);
}

TEST_CASE("line parser uses the reference time set per batch", "[parsers][line]") {
  LineParser parser;
  CHECK(parser.parse("<13>Dec 31 23:00:00 h a: x").time_us == kNoTime);
  parser.set_reference_time_us(utc_us(2027, 1, 1, 0, 5));
  CHECK(parser.parse("<13>Dec 31 23:00:00 h a: x").time_us == utc_us(2026, 12, 31, 23));
}

TEST_CASE("line parser applies the default offset to JSON and 3164 alike", "[parsers][line]") {
  ParseOptions options;
  options.reference_time_us = utc_us(2026, 3, 9, 12);
  options.default_utc_offset_s = -5 * 3600;
  LineParser parser(options);
  CHECK(parser.parse("<13>Mar  9 07:00:00 h a: x").time_us == utc_us(2026, 3, 9, 12));
  CHECK(parser.parse(R"({"message":"x","time":"2026-03-09T07:00:00"})").time_us ==
        utc_us(2026, 3, 9, 12));
}

TEST_CASE("parse issues have stable metric labels", "[parsers][line]") {
  CHECK(parse_issue_name(ParseIssue::kNone) == "none");
  CHECK(parse_issue_name(ParseIssue::kBadStructuredData) == "bad_structured_data");
  CHECK(parse_issue_name(ParseIssue::kJsonSyntax) == "json_syntax");
  for (std::size_t i = 0; i < kParseIssueCount; ++i) {
    CHECK(parse_issue_name(static_cast<ParseIssue>(i)) != "unknown");
  }
  CHECK(parse_issue_name(static_cast<ParseIssue>(kParseIssueCount)) == "unknown");
}
