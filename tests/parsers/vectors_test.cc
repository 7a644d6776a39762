// Runs every vector of shared/corpora/syslog-vectors/vectors.jsonl (examples printed in RFC 5424,
// RFC 3164 and RFC 3339) through the parsers and checks the fields each kind defines.
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <simdjson.h>

#include "parsers/pri.h"
#include "parsers/rfc3164.h"
#include "parsers/rfc5424.h"
#include "parsers/structured_data.h"
#include "parsers/timestamp.h"
#include "tests/parsers/test_util.h"

namespace {

using namespace logsift::parsers;
using logsift::parsers::testing::format_utc;
using logsift::parsers::testing::utc_us;

struct SdElement {
  std::string id;
  std::vector<std::pair<std::string, std::string>> params;
  bool operator==(const SdElement&) const = default;
};

std::vector<SdElement> read_sd(std::string_view sd, bool* failed) {
  std::vector<SdElement> elements;
  StructuredDataReader reader(sd);
  std::string_view id;
  while (reader.next_element(&id)) {
    SdElement element{std::string(id), {}};
    SdParam param;
    while (reader.next_param(&param)) {
      std::string value(param.raw_value.size(), '\0');
      value.resize(unescape_sd_value(param.raw_value, value).size());
      element.params.emplace_back(std::string(param.name), value);
    }
    elements.push_back(std::move(element));
  }
  *failed = reader.failed();
  return elements;
}

std::vector<SdElement> expected_sd(simdjson::dom::element list) {
  std::vector<SdElement> elements;
  for (simdjson::dom::element e : list.get_array()) {
    SdElement element{std::string{std::string_view(e["id"])}, {}};
    for (simdjson::dom::element p : e["params"].get_array()) {
      element.params.emplace_back(std::string(std::string_view(p.at(0))),
                                  std::string(std::string_view(p.at(1))));
    }
    elements.push_back(std::move(element));
  }
  return elements;
}

// A JSON string or null ("" for null), as the Record represents absent fields.
std::string str_or_empty(simdjson::dom::element e) {
  return e.is_null() ? std::string() : std::string(std::string_view(e));
}

std::int16_t int_or_minus_one(simdjson::dom::element e) {
  return e.is_null() ? std::int16_t{-1} : static_cast<std::int16_t>(int64_t(e));
}

constexpr std::string_view kSdPrefix = "<165>1 2003-10-11T22:14:15.003Z host app - ID47 ";

void check_pri(simdjson::dom::element v, std::string_view input) {
  const auto expected = v["expected"];
  const Pri pri = parse_pri(input);
  if (bool(v["valid"])) {
    CHECK_FALSE(pri.malformed);
    CHECK(pri.value == int64_t(expected["pri"]));
    const std::string line = std::string(input) + "Oct 11 22:14:15 host app: x";
    const Record record = parse_rfc3164(line, {});
    CHECK(record.facility == int64_t(expected["facility"]));
    CHECK(record.severity == int64_t(expected["severity"]));
  } else {
    CHECK(pri.malformed);
    CHECK(pri.value == -1);
    const Record record = parse_rfc3164(input, {});
    CHECK(record.pri == -1);
    CHECK(record.message.starts_with(std::string_view(expected["content_starts_with"])));
  }
}

void check_timestamp(simdjson::dom::element v, std::string_view input) {
  const auto expected = v["expected"];
  const Rfc3339Time time = parse_rfc3339(input);
  if (bool(v["valid"])) {
    CHECK(time.error == TimeError::kNone);
    CHECK(time.length == input.size());
    CHECK(format_utc(time.time_us) == std::string_view(expected["utc"]));
    int64_t digits = 0;
    if (expected["fraction_digits"].get(digits) == simdjson::SUCCESS) {
      CHECK(time.fraction_digits == digits);
    }
  } else {
    CHECK(time.error != TimeError::kNone);
    // Invalid as RFC 5424 but still readable: the parser keeps a time and marks the record.
    const std::string line = "<13>1 " + std::string(input) + " h a - - -";
    const Record record = parse_rfc5424(line);
    CHECK(record.quality == Quality::kRecovered);
    CHECK(record.issue == ParseIssue::kBadTimestamp);
  }
}

void check_fragment(simdjson::dom::element v, std::string_view input) {
  const Rfc3339Time time = parse_rfc3339(input);
  CHECK(time.error == TimeError::kMissingOffset);
  const double fraction = std::stod(std::string(std::string_view(v["expected"]["fraction_seconds"])));
  CHECK(time.time_us % 1'000'000 == static_cast<std::int64_t>(fraction * 1e6 + 0.5));
}

void check_structured_data(simdjson::dom::element v, std::string_view input) {
  const auto expected = v["expected"];
  const bool valid = bool(v["valid"]);
  const std::string line = std::string(kSdPrefix) + std::string(input);  // outlives `record`
  const Record record = parse_rfc5424(line);
  std::string_view remainder;
  if (valid) {
    CHECK(scan_sd_element(input) > 0);
    CHECK(record.quality == Quality::kClean);
    CHECK(record.structured_data == input);
    CHECK(record.message.empty());
  } else if (expected["remainder_becomes_msg"].get(remainder) == simdjson::SUCCESS) {
    // RFC 5424 6.3.5 example 3: the SD ends at the SP; the second element is MSG.
    CHECK(record.message == remainder);
  } else {
    // Example 4: the SD is malformed from its first byte: recovered, the text becomes MSG.
    CHECK(record.quality == Quality::kRecovered);
    CHECK(record.issue == ParseIssue::kBadStructuredData);
    CHECK(record.structured_data.empty());
    CHECK(record.message == input);
  }
  simdjson::dom::element elements;
  if (expected["elements"].get(elements) == simdjson::SUCCESS && !elements.is_null()) {
    bool failed = false;
    CHECK(read_sd(record.structured_data, &failed) == expected_sd(elements));
    CHECK_FALSE(failed);
  }
}

void check_rfc5424_message(simdjson::dom::element v, std::string_view input) {
  const auto expected = v["expected"];
  const Record record = parse_rfc5424(input);
  CHECK(record.format == Format::kRfc5424);
  CHECK(record.quality == Quality::kClean);
  CHECK(record.pri == int64_t(expected["pri"]));
  CHECK(record.facility == int64_t(expected["facility"]));
  CHECK(record.severity == int64_t(expected["severity"]));
  CHECK(format_utc(record.time_us) == std::string_view(expected["timestamp_utc"]));
  CHECK(record.host == str_or_empty(expected["hostname"]));
  CHECK(record.app == str_or_empty(expected["app_name"]));
  CHECK(record.procid == str_or_empty(expected["procid"]));
  CHECK(record.msgid == str_or_empty(expected["msgid"]));
  CHECK(record.structured_data == str_or_empty(expected["structured_data"]));
  CHECK(record.message == str_or_empty(expected["msg"]));
  CHECK(record.message_has_bom == bool(expected["msg_bom"]));
  if (!expected["sd_elements"].is_null()) {
    bool failed = false;
    CHECK(read_sd(record.structured_data, &failed) == expected_sd(expected["sd_elements"]));
    CHECK_FALSE(failed);
  }
}

void check_rfc3164_message(simdjson::dom::element v, std::string_view input) {
  const auto expected = v["expected"];
  Rfc3164Options options;
  options.reference_time_us = utc_us(2026, 6, 1);
  const Record record = parse_rfc3164(input, options);
  CHECK(record.pri == int_or_minus_one(expected["pri"]));
  CHECK(record.facility == int_or_minus_one(expected["facility"]));
  CHECK(record.severity == int_or_minus_one(expected["severity"]));
  CHECK(record.host == str_or_empty(expected["hostname"]));
  if (expected["timestamp"].is_null()) {
    CHECK(record.time_us == kNoTime);
  } else {
    // "Oct 11 22:14:15": the year comes from the reference time, 1 June 2026: months after June
    // are last year's.
    const std::string_view ts = expected["timestamp"];
    const unsigned month = month_from_abbrev(ts);
    const int year = month > 6 ? 2025 : 2026;
    const unsigned day = static_cast<unsigned>(std::stoi(std::string(ts.substr(4, 2))));
    const std::int64_t want = utc_us(year, month, day, std::stoi(std::string(ts.substr(7, 2))),
                                     std::stoi(std::string(ts.substr(10, 2))),
                                     std::stoi(std::string(ts.substr(13, 2))));
    CHECK(format_utc(record.time_us) == format_utc(want));
  }
  const std::string tag = str_or_empty(expected["tag"]);
  if (tag != "(unspecified)") {
    CHECK(record.app == tag);
    CHECK(record.procid == str_or_empty(expected["pid"]));
    std::string_view conventional;
    if (v["conventional"]["message"].get(conventional) == simdjson::SUCCESS) {
      CHECK(record.message == conventional);
    } else {
      CHECK(record.message == str_or_empty(expected["content"]));
    }
  } else {
    CHECK(record.message == std::string_view(expected["msg_part"]));
  }
}

}  // namespace

TEST_CASE("every RFC syslog vector parses to the fields the RFC text gives", "[parsers][vectors]") {
  const std::filesystem::path path =
      std::filesystem::path(LOGSIFT_SHARED_DIR) / "corpora/syslog-vectors/vectors.jsonl";
  if (!std::filesystem::exists(path)) {
    WARN("skipped: " << path << " is absent");
    return;
  }
  simdjson::dom::parser parser;
  simdjson::padded_string json;
  REQUIRE(simdjson::padded_string::load(path.string()).get(json) == simdjson::SUCCESS);
  simdjson::dom::document_stream stream;
  REQUIRE(parser.parse_many(json).get(stream) == simdjson::SUCCESS);
  std::size_t checked = 0;
  for (auto doc : stream) {
    simdjson::dom::element v;
    REQUIRE(doc.get(v) == simdjson::SUCCESS);
    const std::string id{std::string_view(v["id"])};
    const std::string input{std::string_view(v["input"])};
    const std::string_view kind = v["kind"];
    const std::string_view format = v["format"];
    bool literal = true;
    if (v["literal"].get(literal) == simdjson::SUCCESS && !literal) continue;
    INFO("vector " << id << ": " << input);
    if (kind == "pri") {
      check_pri(v, input);
    } else if (kind == "timestamp") {
      check_timestamp(v, input);
    } else if (kind == "timestamp-fragment") {
      check_fragment(v, input);
    } else if (kind == "structured-data") {
      check_structured_data(v, input);
    } else if (kind == "message" && format == "rfc5424") {
      check_rfc5424_message(v, input);
    } else if (kind == "message" && format == "rfc3164") {
      check_rfc3164_message(v, input);
    } else {
      FAIL("unknown vector kind " << kind);
    }
    ++checked;
  }
  CHECK(checked >= 33);
}
