// Hostile input: every prefix of valid lines, invalid UTF-8, NULs, a 1 MiB line. Every parser must
// return a Record whose views stay inside the input (or the JSON parser's buffers), never crash.
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parsers/json.h"
#include "parsers/line_parser.h"
#include "parsers/rfc3164.h"
#include "parsers/rfc5424.h"
#include "parsers/structured_data.h"
#include "tests/parsers/test_util.h"

using namespace logsift::parsers;

namespace {

const std::vector<std::string>& sample_lines() {
  static const std::vector<std::string> lines = {
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
      "[examplePriority@32473 class=\"high\" q=\"a\\\"b\\]c\"] \xEF\xBB\xBF" "An application event",
      "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed",
      "<38>Mar  9 07:12:44 edge3 sshd[2211]: Failed password for invalid user oracle",
      "<189>123: *Mar  1 18:46:11.123: %LINK-3-UPDOWN: Interface Gi0/1, changed state to up",
      "<187>45: Mar  1 2026 18:46:11 UTC: %SYS-5-CONFIG_I: Configured from console",
      "<13>2026-03-09T07:12:44.123456+01:00 host app[1]: msg",
      "<6>Mar  9 07:12:44 host kernel: [   12.345678] usb 1-1: new device",
      "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure;",
      R"({"@timestamp":"2026-03-09T07:12:44.123Z","log":{"level":"error"},"host":{"name":"w"},)"
      R"("message":"boom \u00e9\"x\"","process":{"pid":17},"user":{"name":"bob"}})",
      R"({"ts":1700000000123,"level":30,"msg":"pino line","pid":4,"hostname":"h"})",
  };
  return lines;
}

bool inside(std::string_view view, std::string_view input) {
  return view.empty() ||
         (view.data() >= input.data() && view.data() + view.size() <= input.data() + input.size());
}

// Runs every parser over `line` and checks the invariants that hold for any input.
void parse_everything(std::string_view line, JsonParser& json, LineParser& line_parser) {
  Rfc3164Options options;
  options.reference_time_us = testing::utc_us(2026, 3, 9);
  for (const Record& r : {parse_rfc5424(line), parse_rfc3164(line, options)}) {
    REQUIRE(r.original == line);
    REQUIRE(inside(r.message, line));
    REQUIRE(inside(r.host, line));
    REQUIRE(inside(r.app, line));
    REQUIRE(inside(r.procid, line));
    REQUIRE(inside(r.msgid, line));
    REQUIRE(inside(r.structured_data, line));
    REQUIRE((r.quality == Quality::kClean) == (r.issue == ParseIssue::kNone));
    REQUIRE((r.format == Format::kRaw) == (r.quality == Quality::kRaw));
    REQUIRE(r.pri >= -1);
    REQUIRE(r.pri <= 191);
    // Walking the SD must terminate and stay inside the text.
    StructuredDataReader reader(r.structured_data);
    std::string_view id;
    SdParam p;
    char buffer[64];
    while (reader.next_element(&id)) {
      REQUIRE(inside(id, line));
      while (reader.next_param(&p)) {
        REQUIRE(inside(p.raw_value, line));
        (void)unescape_sd_value(p.raw_value, buffer);
      }
    }
  }
  const Record j = json.parse(line);
  REQUIRE(j.original == line);
  REQUIRE((j.format == Format::kRaw) == (j.quality == Quality::kRaw));
  const Record l = line_parser.parse(line);
  REQUIRE((l.quality == Quality::kClean) == (l.issue == ParseIssue::kNone));
  // The zero-copy JSON path on a padded copy.
  std::string padded(line);
  padded.resize(line.size() + kJsonPaddingBytes, '\0');
  const Record z = line_parser.parse(PaddedLine::assume_padded(std::string_view(padded.data(), line.size())));
  REQUIRE(z.format == l.format);
  REQUIRE(z.quality == l.quality);
}

}  // namespace

TEST_CASE("every parser survives valid lines cut at every byte offset", "[parsers][robust]") {
  JsonParser json;
  LineParser line_parser;
  for (const std::string& full : sample_lines()) {
    for (std::size_t length = 0; length <= full.size(); ++length) {
      // Copy to an exact-size heap buffer so ASan sees any read past the end.
      const std::vector<char> cut(full.begin(), full.begin() + static_cast<long>(length));
      INFO(full.substr(0, length));
      parse_everything(std::string_view(cut.data(), cut.size()), json, line_parser);
    }
  }
}

TEST_CASE("every parser survives random byte damage", "[parsers][robust]") {
  JsonParser json;
  LineParser line_parser;
  std::mt19937 rng(20260309);
  for (const std::string& full : sample_lines()) {
    for (int round = 0; round < 300; ++round) {
      std::vector<char> damaged(full.begin(), full.end());
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const std::size_t at = rng() % damaged.size();
        switch (rng() % 4) {
          case 0: damaged[at] = static_cast<char>(rng() % 256); break;  // includes NUL, 0x80+
          case 1: damaged[at] = '\0'; break;
          case 2: damaged.erase(damaged.begin() + static_cast<long>(at)); break;
          default: damaged.insert(damaged.begin() + static_cast<long>(at), "[\"\\ :<>"[rng() % 7]);
        }
        if (damaged.empty()) damaged.push_back('x');
      }
      parse_everything(std::string_view(damaged.data(), damaged.size()), json, line_parser);
    }
  }
}

TEST_CASE("a 1 MiB line parses as each format without trouble", "[parsers][robust]") {
  JsonParser json;
  LineParser line_parser;
  const std::string body(1 << 20, 'x');
  const std::string syslog = "<34>1 - h a - - - " + body;
  const Record a = line_parser.parse(syslog);
  CHECK(a.message.size() == body.size());
  const std::string bsd = "<34>Mar  9 07:12:44 h a: " + body;
  CHECK(line_parser.parse(bsd).message.size() == body.size());
  const std::string object = R"({"message":")" + body + R"("})";
  CHECK(line_parser.parse(object).message.size() == body.size());
  CHECK(line_parser.parse(body).message.size() == body.size());
  parse_everything(syslog.substr(0, 4096), json, line_parser);
}

TEST_CASE("invalid UTF-8 and NULs inside a line are carried, not rejected", "[parsers][robust]") {
  LineParser parser;
  const std::string line("<34>1 - h\xff a - - - bad \xc3\x28 utf8 \0 nul", 36);
  const Record r = parser.parse(line);
  CHECK(r.format == Format::kRfc5424);
  CHECK(r.host == "h\xff");
  CHECK(r.message == std::string_view("bad \xc3\x28 utf8 \0 nul", 17));
}
