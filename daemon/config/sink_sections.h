// Reading and checking the `sinks:` section (internal to config): parse.cc and validate.cc call
// these so the sink keys, which are many, live in one file of their own.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "daemon/config/config.h"
#include "daemon/config/yaml_reader.h"

namespace logsift::config {

// `sinks:` -> out (cleared when the key is present).
void read_sinks(YamlReader& r, const YAML::Node& root, std::vector<SinkConfig>& out);

// Semantic checks of each sink; appends "sinks[i].key: message" lines.
void validate_sinks(const std::vector<SinkConfig>& sinks, std::vector<std::string>& problems);

}  // namespace logsift::config
