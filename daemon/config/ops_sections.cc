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

void read_changes(YamlReader& r, const YAML::Node& n, ChangesConfig& out) {
  if (n.IsDefined() && n.IsScalar()) {
    out.file = n.Scalar();
    return;
  }
  if (!r.expect_map(n, "changes", {"file", "suspect_for", "max_windows"})) return;
  r.read_string(n, "changes", "file", out.file);
  r.read_duration_ms(n, "changes", "suspect_for", out.suspect_for_ms);
  r.read_u32(n, "changes", "max_windows", out.max_windows);
}

void read_sla(YamlReader& r, const YAML::Node& n, SlaConfig& out) {
  if (!r.expect_map(n, "sla", {"response"})) return;
  const YAML::Node response = r.child(n, "sla", "response");
  if (!response.IsDefined() || response.IsNull()) return;
  if (!response.IsMap()) {
    r.error(response, "sla.response: expected {severity: {tier: duration}}, e.g. critical: { gold: 15m, \"*\": 1h }");
    return;
  }
  out.response.clear();
  for (const auto& by_severity : response) {
    const std::string severity = by_severity.first.Scalar();
    const std::string path = "sla.response." + severity;
    if (severity != "informational" && severity != "low" && severity != "medium" && severity != "high" &&
        severity != "critical") {
      r.error(by_severity.first, path + ": not a severity (informational, low, medium, high, critical)");
      continue;
    }
    if (!by_severity.second.IsMap()) {
      r.error(by_severity.second, path + ": expected {tier: duration}; \"*\" for any tier");
      continue;
    }
    for (const auto& by_tier : by_severity.second) {
      SlaResponseConfig row{severity, by_tier.first.Scalar(), -1};
      r.read_duration_ms(by_severity.second, path, row.tier, row.response_ms);
      if (row.response_ms < 0) continue;  // reported by the reader
      if (row.response_ms == 0) {
        r.error(by_tier.second, path + "." + row.tier + ": expected a duration above zero");
        continue;
      }
      out.response.push_back(std::move(row));
    }
  }
}

}  // namespace logsift::config
