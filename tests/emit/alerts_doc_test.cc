// Keeps docs/alerts.md honest: its example alerts and batch header must equal what the encoder
// writes today.
//
// Each example in the document is a fenced ```json block right after a marker line
// "<!-- example: NAME -->". The block is compared with append_alert_json() of the matching
// alert from sample_alerts.h, value by value and in key order. When the encoder changes on
// purpose, regenerate the block from the line this test prints on failure (e.g. with `jq .`).
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/emit/alert_json.h"
#include "daemon/emit/batch_reader.h"
#include "daemon/emit/batch_writer.h"
#include "tests/emit/sample_alerts.h"

namespace logsift::emit {
namespace {

std::string slurp(std::ifstream& in) {
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string read_doc() {
  std::ifstream in(std::string(LOGSIFT_SOURCE_DIR) + "/docs/alerts.md");
  REQUIRE(in);
  return slurp(in);
}

std::string example_block(const std::string& doc, const std::string& name) {
  const std::string marker = "<!-- example: " + name + " -->";
  const std::size_t at = doc.find(marker);
  INFO(marker);
  REQUIRE(at != std::string::npos);
  const std::size_t open = doc.find("```json\n", at);
  REQUIRE(open != std::string::npos);
  const std::size_t start = open + 8;
  const std::size_t close = doc.find("\n```", start);
  REQUIRE(close != std::string::npos);
  return doc.substr(start, close - start);
}

// Describes the first difference between two JSON values, or returns "" when they are equal.
std::string difference(simdjson::dom::element a, simdjson::dom::element b,
                       const std::string& path) {
  using T = simdjson::dom::element_type;
  if (a.type() != b.type()) return path + ": types differ";
  switch (a.type()) {
    case T::OBJECT: {
      std::vector<simdjson::dom::key_value_pair> ma;
      std::vector<simdjson::dom::key_value_pair> mb;
      const simdjson::dom::object oa = a.get_object().value_unsafe();
      const simdjson::dom::object ob = b.get_object().value_unsafe();
      for (const auto member : oa) ma.push_back(member);
      for (const auto member : ob) mb.push_back(member);
      if (ma.size() != mb.size()) return path + ": member counts differ";
      for (std::size_t i = 0; i < ma.size(); ++i) {
        const std::string key(ma[i].key);
        if (ma[i].key != mb[i].key) return path + ": key " + key + " vs " + std::string(mb[i].key);
        const std::string d = difference(ma[i].value, mb[i].value, path + "." + key);
        if (!d.empty()) return d;
      }
      return "";
    }
    case T::ARRAY: {
      std::vector<simdjson::dom::element> va;
      std::vector<simdjson::dom::element> vb;
      const simdjson::dom::array aa = a.get_array().value_unsafe();
      const simdjson::dom::array ab = b.get_array().value_unsafe();
      for (const auto e : aa) va.push_back(e);
      for (const auto e : ab) vb.push_back(e);
      if (va.size() != vb.size()) return path + ": lengths differ";
      for (std::size_t i = 0; i < va.size(); ++i) {
        const std::string d = difference(va[i], vb[i], path + "[" + std::to_string(i) + "]");
        if (!d.empty()) return d;
      }
      return "";
    }
    case T::STRING:
      return a.get_string().value_unsafe() == b.get_string().value_unsafe() ? ""
                                                                             : path + ": differs";
    case T::INT64:
      return a.get_int64().value_unsafe() == b.get_int64().value_unsafe() ? "" : path + ": differs";
    case T::UINT64:
      return a.get_uint64().value_unsafe() == b.get_uint64().value_unsafe() ? ""
                                                                             : path + ": differs";
    case T::DOUBLE:
      return a.get_double().value_unsafe() == b.get_double().value_unsafe() ? ""
                                                                             : path + ": differs";
    case T::BOOL:
      return a.get_bool().value_unsafe() == b.get_bool().value_unsafe() ? "" : path + ": differs";
    case T::NULL_VALUE:
      return "";
  }
  return path + ": unknown type";
}

void check_example(const std::string& doc, const std::string& name, const detect::Alert& alert) {
  std::string line;
  append_alert_json(alert, line);
  const std::string block = example_block(doc, name);
  simdjson::dom::parser p1;
  simdjson::dom::parser p2;
  simdjson::dom::element documented;
  simdjson::dom::element encoded;
  INFO("example " << name << "; the encoder now writes:\n" << line);
  REQUIRE(p1.parse(block).get(documented) == simdjson::SUCCESS);
  REQUIRE(p2.parse(line).get(encoded) == simdjson::SUCCESS);
  CHECK(difference(documented, encoded, "$") == "");
}

TEST_CASE("the documented batch header is what the writer writes for the two examples",
          "[emit]") {
  BatchOptions options;
  options.producer_id = "logsift-eu-1";
  BatchWriter writer(options, 42);
  std::vector<EncodedBatch> closed;
  writer.add(testing::incident_example(), 0, closed);
  writer.add(testing::problem_opened_example(), 0, closed);
  writer.flush(closed);
  REQUIRE(closed.size() == 1);
  const auto decoded = decode_batch(closed[0].bytes);
  REQUIRE(decoded.has_value());
  const std::string header = decoded->ndjson.substr(0, decoded->header_bytes);
  INFO(header);
  CHECK(read_doc().find("```json\n" + header + "```") != std::string::npos);
}

TEST_CASE("the documented incident example is what the encoder writes", "[emit]") {
  check_example(read_doc(), "incident", testing::incident_example());
}

TEST_CASE("the documented problem.opened example is what the encoder writes", "[emit]") {
  check_example(read_doc(), "problem.opened", testing::problem_opened_example());
}

TEST_CASE("the documented auto problem.reopened example is what the encoder writes", "[emit]") {
  check_example(read_doc(), "auto problem.reopened", testing::auto_problem_reopened_example());
}

TEST_CASE("the documented anomaly example is what the encoder writes", "[emit]") {
  check_example(read_doc(), "anomaly", testing::anomaly_example());
}

TEST_CASE("the documented forecast.threshold example is what the encoder writes", "[emit]") {
  check_example(read_doc(), "forecast.threshold", testing::forecast_example());
}

TEST_CASE("the documented rule.suspended example is what the encoder writes", "[emit]") {
  check_example(read_doc(), "rule.suspended", testing::rule_suspended_example());
}

TEST_CASE("the documented problem.resolved example is what the encoder writes", "[emit]") {
  check_example(read_doc(), "problem.resolved", testing::problem_resolved_example());
}

}  // namespace
}  // namespace logsift::emit
