// Reading the sections of the operations practice around detection (internal to config): the
// CMDB context (`enrich:`). parse.cc calls these so the keys live in one file of their own.
#pragma once

#include <yaml-cpp/yaml.h>

#include "daemon/config/config.h"
#include "daemon/config/yaml_reader.h"

namespace logsift::config {

// `enrich:` -> out.
void read_enrich(YamlReader& r, const YAML::Node& n, EnrichConfig& out);

}  // namespace logsift::config
