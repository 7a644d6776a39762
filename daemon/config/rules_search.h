// Where the bundled rule packs live, decided from candidates the app supplies.
//
// The config leaves `rules.paths` empty to mean "the bundled packs". Where those are depends on
// how logsiftd was started: installed (<prefix>/share/logsift/rules), from a checkout
// (./rules/packs), or from a build tree (the source tree above the executable). This module
// only orders candidates and picks the first folder that exists; the app supplies the prefix,
// working directory and executable path, and the existence check, so nothing here touches the
// file system or the environment. Pure functions; thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "parsers/base/expected.h"

namespace logsift::config {

struct RulesSearchContext {
  std::filesystem::path install_prefix;  // CMAKE_INSTALL_PREFIX baked into the app ("/usr");
                                         // empty skips the installed location.
  std::filesystem::path working_dir;     // the process's current directory; empty skips it.
  std::filesystem::path executable_path; // /proc/self/exe; empty skips the build-tree search.
  std::filesystem::path source_dir;      // the source tree baked in at build time (optional).
};

// Candidate folders for the bundled packs, most specific first:
//   <install_prefix>/share/logsift/rules, <working_dir>/rules/packs, <source_dir>/rules/packs,
//   then rules/packs in each of the executable's first four ancestor folders (a build tree
//   inside the checkout).
std::vector<std::filesystem::path> bundled_rules_candidates(const RulesSearchContext& context);

using IsDirectory = std::function<bool(const std::filesystem::path&)>;

// The first candidate that is a directory, or an error listing everything that was tried.
[[nodiscard]] Expected<std::filesystem::path, std::string> find_bundled_rules(
    std::span<const std::filesystem::path> candidates, const IsDirectory& is_directory);

// The rule paths to load: `rules.paths` as configured, or the bundled folder when it is empty.
[[nodiscard]] Expected<std::vector<std::filesystem::path>, std::string> resolve_rules_paths(
    const RulesConfig& rules, std::span<const std::filesystem::path> candidates,
    const IsDirectory& is_directory);

}  // namespace logsift::config
