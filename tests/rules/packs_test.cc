// The bundled packs against authentication failures as real servers print them: every line of
// tests/rules/packs/auth_failures.log (written from each program's own log format strings, across
// versions, platforms and file formats) must be caught by some rule, the way a new user would
// feed them: parsed with the default parser settings, matched against rules/packs.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "parsers/line_parser.h"
#include "rules/rule_set.h"
#include "rules/rule_set_build.h"

using namespace logsift;

TEST_CASE("the bundled packs catch every authentication failure of the written corpus", "[rules][packs]") {
  const std::vector<std::string> paths = {std::string(LOGSIFT_SOURCE_DIR) + "/rules/packs"};
  auto build = rules::build_rule_set(paths, rules::CompileOptions{}, false);
  for (const auto& e : build.errors) FAIL(e.to_string());
  REQUIRE(build.rule_set != nullptr);

  parsers::ParseOptions options;
  options.reference_time_us = 1'773'000'000LL * 1'000'000;  // March 2026, as the lines
  options.json_fields.extra = build.rule_set->json_paths();
  parsers::LineParser parser(options);
  rules::Matcher matcher(build.rule_set);

  std::ifstream in(std::string(LOGSIFT_SOURCE_DIR) + "/tests/rules/packs/auth_failures.log");
  REQUIRE(in);
  std::string line;
  std::size_t lines = 0, caught = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++lines;
    const parsers::Record record = parser.parse(line);
    const bool matched = !matcher.match(record).empty();
    caught += matched ? 1 : 0;
    INFO(line);
    CHECK(matched);
  }
  CHECK(lines >= 90);
  CHECK(caught == lines);
}
