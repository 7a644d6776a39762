// Ordering of bundled rule-pack candidates and the choice among them (see rules_search.h).
#include "daemon/config/rules_search.h"

namespace logsift::config {

std::vector<std::filesystem::path> bundled_rules_candidates(const RulesSearchContext& context) {
  std::vector<std::filesystem::path> out;
  auto add = [&](std::filesystem::path p) {
    p = p.lexically_normal();
    for (const auto& existing : out) {
      if (existing == p) return;
    }
    out.push_back(std::move(p));
  };
  if (!context.install_prefix.empty()) add(context.install_prefix / "share/logsift/rules");
  if (!context.working_dir.empty()) add(context.working_dir / "rules/packs");
  if (!context.source_dir.empty()) add(context.source_dir / "rules/packs");
  if (!context.executable_path.empty()) {
    std::filesystem::path dir = context.executable_path.parent_path();
    for (int up = 0; up < 4 && !dir.empty() && dir != dir.root_path(); ++up) {
      dir = dir.parent_path();
      add(dir / "rules/packs");
    }
  }
  return out;
}

Expected<std::filesystem::path, std::string> find_bundled_rules(
    std::span<const std::filesystem::path> candidates, const IsDirectory& is_directory) {
  for (const auto& candidate : candidates) {
    if (is_directory(candidate)) return candidate;
  }
  std::string message = "no bundled rule packs found; set rules.paths in the config. Looked in:";
  if (candidates.empty()) message += " (no candidates)";
  for (const auto& candidate : candidates) {
    message += ' ';
    message += candidate.string();
  }
  return Unexpected{std::move(message)};
}

Expected<std::vector<std::filesystem::path>, std::string> resolve_rules_paths(
    const RulesConfig& rules, std::span<const std::filesystem::path> candidates,
    const IsDirectory& is_directory) {
  if (!rules.paths.empty()) {
    return std::vector<std::filesystem::path>(rules.paths.begin(), rules.paths.end());
  }
  auto bundled = find_bundled_rules(candidates, is_directory);
  if (!bundled) return Unexpected{bundled.error()};
  return std::vector<std::filesystem::path>{*bundled};
}

}  // namespace logsift::config
