#include <catch2/catch.hpp>

#include <set>

#include "daemon/config/rules_search.h"

using namespace logsift::config;
namespace fs = std::filesystem;

TEST_CASE("bundled rule candidates go installed, working dir, source tree, build tree",
          "[config]") {
  RulesSearchContext context;
  context.install_prefix = "/usr";
  context.working_dir = "/home/op";
  context.source_dir = "/src/logsift";
  context.executable_path = "/src/logsift/build/daemon/app/logsiftd";
  auto c = bundled_rules_candidates(context);
  REQUIRE(c.size() >= 5);
  CHECK(c[0] == fs::path("/usr/share/logsift/rules"));
  CHECK(c[1] == fs::path("/home/op/rules/packs"));
  CHECK(c[2] == fs::path("/src/logsift/rules/packs"));
  CHECK(c[3] == fs::path("/src/logsift/build/daemon/rules/packs"));
  // The source tree reached again from the executable is not listed twice.
  CHECK(std::set<fs::path>(c.begin(), c.end()).size() == c.size());
}

TEST_CASE("empty context fields are skipped", "[config]") {
  RulesSearchContext context;
  context.working_dir = "/w";
  auto c = bundled_rules_candidates(context);
  REQUIRE(c.size() == 1);
  CHECK(c[0] == fs::path("/w/rules/packs"));
}

TEST_CASE("the first existing candidate wins, and a miss lists every candidate", "[config]") {
  std::vector<fs::path> candidates{"/a", "/b", "/c"};
  auto only_b_and_c = [](const fs::path& p) { return p == "/b" || p == "/c"; };
  auto found = find_bundled_rules(candidates, only_b_and_c);
  REQUIRE(found.has_value());
  CHECK(*found == fs::path("/b"));

  auto none = find_bundled_rules(candidates, [](const fs::path&) { return false; });
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().find("/a /b /c") != std::string::npos);
}

TEST_CASE("configured rule paths are used as given, bundled ones only when none", "[config]") {
  std::vector<fs::path> candidates{"/bundled"};
  auto yes = [](const fs::path&) { return true; };
  RulesConfig rules;
  rules.paths = {"/etc/logsift/rules.d", "/opt/extra.yaml"};
  auto configured = resolve_rules_paths(rules, candidates, yes);
  REQUIRE(configured.has_value());
  CHECK(configured->size() == 2);
  CHECK((*configured)[1] == fs::path("/opt/extra.yaml"));

  rules.paths.clear();
  auto bundled = resolve_rules_paths(rules, candidates, yes);
  REQUIRE(bundled.has_value());
  CHECK(*bundled == std::vector<fs::path>{"/bundled"});
  CHECK_FALSE(resolve_rules_paths(rules, candidates, [](const fs::path&) { return false; }));
}
