#include "daemon/config/ops_sections.h"

#include <charconv>

namespace logsift::config {

void read_enrich(YamlReader& r, const YAML::Node& n, EnrichConfig& out) {
  if (!r.expect_map(n, "enrich", {"cmdb", "tier_severity_raise"})) return;
  r.read_string(n, "enrich", "cmdb", out.cmdb_file);
  const YAML::Node raise = r.child(n, "enrich", "tier_severity_raise");
  if (!raise.IsDefined() || raise.IsNull()) return;
  if (!raise.IsMap()) {
    r.error(raise, "enrich.tier_severity_raise: expected a map of SLA tier: levels (\"gold: 1\")");
    return;
  }
  out.tier_severity_raise.clear();
  for (const auto& kv : raise) {
    const std::string tier = kv.first.Scalar();
    const std::string text = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
    std::uint32_t levels = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), levels);
    if (ec != std::errc() || end != text.data() + text.size() || levels > 4) {
      r.error(kv.second, "enrich.tier_severity_raise." + tier + ": expected 0 to 4 severity levels");
      continue;
    }
    out.tier_severity_raise.emplace_back(tier, levels);
  }
}

}  // namespace logsift::config
