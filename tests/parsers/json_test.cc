#include <string>

#include <catch2/catch.hpp>

#include "parsers/json.h"
#include "tests/parsers/test_util.h"

using namespace logsift::parsers;
using logsift::parsers::testing::format_utc;

TEST_CASE("json maps the default fields of a flat log object", "[parsers][json]") {
  JsonParser parser;
  const std::string line =
      R"({"ts":1700000000.5,"level":"warn","msg":"disk \"sda\" full","host":"db-1",)"
      R"("app":"pg","pid":4242})";
  const Record r = parser.parse(line);
  CHECK(parser.last_error() == JsonError::kNone);
  CHECK(r.format == Format::kJson);
  CHECK(r.quality == Quality::kClean);
  CHECK(r.original == line);
  CHECK(r.message == "disk \"sda\" full");
  CHECK(r.host == "db-1");
  CHECK(r.app == "pg");
  CHECK(r.procid == "4242");
  CHECK(r.severity == 4);
  CHECK(format_utc(r.time_us) == "2023-11-14T22:13:20.500000Z");
}

TEST_CASE("json follows nested ECS paths and literal dotted keys", "[parsers][json]") {
  JsonParser parser;
  const Record a = parser.parse(
      R"({"@timestamp":"2026-03-09T07:12:44.123Z","log":{"level":"ERROR"},)"
      R"("host":{"name":"web-2"},"service":{"name":"api"},"process":{"pid":17},"message":"boom"})");
  CHECK(a.quality == Quality::kClean);
  CHECK(a.severity == 3);
  CHECK(a.host == "web-2");
  CHECK(a.app == "api");
  CHECK(a.procid == "17");
  CHECK(format_utc(a.time_us) == "2026-03-09T07:12:44.123000Z");
  const Record b = parser.parse(R"({"log.level":"info","host.name":"web-3","message":"ok"})");
  CHECK(b.severity == 6);
  CHECK(b.host == "web-3");
}

TEST_CASE("json prefers the earlier candidate path whatever the key order", "[parsers][json]") {
  JsonParser parser;
  const Record r = parser.parse(R"({"msg":"second choice","message":"first choice"})");
  CHECK(r.message == "first choice");
  const Record s = parser.parse(R"({"message":null,"msg":"used when message is null"})");
  CHECK(s.message == "used when message is null");
}

TEST_CASE("json reads journald export fields", "[parsers][json]") {
  JsonParser parser;
  const Record r = parser.parse(
      R"({"MESSAGE":"Started Session 3.","PRIORITY":"6","_HOSTNAME":"node1",)"
      R"("SYSLOG_IDENTIFIER":"systemd","_PID":"1","__REALTIME_TIMESTAMP":"1700000000000000"})");
  CHECK(r.message == "Started Session 3.");
  CHECK(r.severity == 6);
  CHECK(r.host == "node1");
  CHECK(r.app == "systemd");
  CHECK(r.procid == "1");
}

TEST_CASE("json maps severity names and numbers to syslog severities", "[parsers][json]") {
  JsonParser parser;
  const auto severity = [&](const std::string& value) {
    return parser.parse(R"({"message":"x","level":)" + value + "}").severity;
  };
  CHECK(severity(R"("emerg")") == 0);
  CHECK(severity(R"("FATAL")") == 2);
  CHECK(severity(R"("crit")") == 2);
  CHECK(severity(R"("error")") == 3);
  CHECK(severity(R"("Warning")") == 4);
  CHECK(severity(R"("notice")") == 5);
  CHECK(severity(R"("info")") == 6);
  CHECK(severity(R"("debug")") == 7);
  CHECK(severity("3") == 3);
  CHECK(severity("50") == 3);  // pino/bunyan "error"
  CHECK(severity(R"("verbose-ish")") == -1);
  CHECK(severity("99") == -1);
}

TEST_CASE("json reads epoch times in seconds, milliseconds and microseconds", "[parsers][json]") {
  JsonParser parser;
  const auto time = [&](const std::string& value) {
    return format_utc(parser.parse(R"({"message":"x","time":)" + value + "}").time_us);
  };
  CHECK(time("1700000000") == "2023-11-14T22:13:20Z");
  CHECK(time("1700000000123") == "2023-11-14T22:13:20.123000Z");
  CHECK(time("1700000000123456") == "2023-11-14T22:13:20.123456Z");
  CHECK(time(R"("2023-11-14T23:13:20+01:00")") == "2023-11-14T22:13:20Z");
  CHECK(time(R"("not a time")") == "none");
}

TEST_CASE("json fills extra fields in configured order with raw number tokens",
          "[parsers][json]") {
  JsonFieldMap map;
  map.extra = {"user.name", "source.ip", "http.status", "ok", "missing"};
  JsonParser parser(map);
  const Record r = parser.parse(
      R"({"message":"m","user":{"name":"al\u00e9x"},"source.ip":"10.0.0.1",)"
      R"("http":{"status":503 },"ok":true})");
  CHECK(r.extra_count == 5);
  CHECK(r.extra[0] == "al\xC3\xA9x");
  CHECK(r.extra[1] == "10.0.0.1");
  CHECK(r.extra[2] == "503");
  CHECK(r.extra[3] == "true");
  CHECK(r.extra[4].empty());
}

TEST_CASE("json lets one path feed a standard field and an extra field", "[parsers][json]") {
  JsonFieldMap map;
  map.extra = {"host"};
  JsonParser parser(map);
  const Record r = parser.parse(R"({"message":"m","host":"h1"})");
  CHECK(r.host == "h1");
  CHECK(r.extra[0] == "h1");
}

TEST_CASE("json reports broken and non-object JSON as raw records", "[parsers][json]") {
  JsonParser parser;
  const Record a = parser.parse(R"({"message":"unterminated)");
  CHECK(a.format == Format::kRaw);
  CHECK(a.quality == Quality::kRaw);
  CHECK(a.issue == ParseIssue::kJsonSyntax);
  CHECK(a.message == R"({"message":"unterminated)");
  CHECK(parser.last_error() == JsonError::kSyntax);

  const Record b = parser.parse("[1,2,3]");
  CHECK(b.issue == ParseIssue::kJsonNotObject);
  CHECK(parser.last_error() == JsonError::kNotObject);

  const Record c = parser.parse("{\"message\":\"\xff\xfe\"}");
  CHECK(c.issue == ParseIssue::kJsonSyntax);
  CHECK(parser.last_error() == JsonError::kInvalidUtf8);

  const Record d = parser.parse("   ");
  CHECK(d.issue == ParseIssue::kEmpty);
  CHECK(parser.last_error() == JsonError::kEmpty);

  const Record e = parser.parse(R"({"message": tru})");
  CHECK(e.quality == Quality::kRaw);
}

TEST_CASE("json keeps the whole line as message when no message field exists",
          "[parsers][json]") {
  JsonParser parser;
  const std::string line = R"({"event":"login","user":"bob"})";
  const Record r = parser.parse(line);
  CHECK(r.format == Format::kJson);
  CHECK(r.quality == Quality::kRecovered);
  CHECK(r.issue == ParseIssue::kJsonNoMessage);
  CHECK(r.message == line);
}

TEST_CASE("json parses in place when the caller provides padding", "[parsers][json]") {
  JsonParser parser;
  std::string buffer = R"({"message":"in place","host":"h"})";
  const std::size_t length = buffer.size();
  buffer.resize(length + kJsonPaddingBytes, '\0');
  const Record r = parser.parse(PaddedLine::assume_padded(std::string_view(buffer.data(), length)));
  CHECK(r.message == "in place");
  CHECK(r.host == "h");
  CHECK(r.original.data() == buffer.data());
}

TEST_CASE("json accepts a message that is not a string", "[parsers][json]") {
  JsonParser parser;
  CHECK(parser.parse(R"({"message":42})").message == "42");
  const Record r = parser.parse(R"({"message":{"nested":"object"},"msg":"fallback"})");
  CHECK(r.message == "fallback");
}

TEST_CASE("json field maps with bad paths are reported", "[parsers][json]") {
  CHECK(validate_json_field_map(JsonFieldMap{}) == JsonMapError::kNone);
  JsonFieldMap bad_path;
  bad_path.extra = {"a..b"};
  CHECK(validate_json_field_map(bad_path) == JsonMapError::kEmptyPath);
  JsonFieldMap too_many;
  too_many.extra.assign(kMaxExtraFields + 1, "x");
  CHECK(validate_json_field_map(too_many) == JsonMapError::kTooManyExtraFields);
}
