// Reading the sections of the operations practice around detection (internal to config): the
// CMDB context (`enrich:`), change windows (`changes:`) and SLA clocks (`sla:`). parse.cc calls these so the keys live in one file of their own.
#pragma once

#include <yaml-cpp/yaml.h>

#include "daemon/config/config.h"
#include "daemon/config/yaml_reader.h"

namespace logsift::config {

// `enrich:` -> out.
void read_enrich(YamlReader& r, const YAML::Node& n, EnrichConfig& out);
// `changes:` (a file name, or a mapping) -> out.
void read_changes(YamlReader& r, const YAML::Node& n, ChangesConfig& out);
// `sla:` -> out.
void read_sla(YamlReader& r, const YAML::Node& n, SlaConfig& out);

}  // namespace logsift::config
