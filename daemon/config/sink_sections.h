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

// Kafka keys, shared by kafka sinks and kafka listeners: `properties:` (a map of librdkafka
// settings, values kept as written) and `brokers:` (a list, or one comma-separated string).
void read_properties(YamlReader& r, const YAML::Node& n, const std::string& path,
                     std::vector<std::pair<std::string, std::string>>& out);
void read_brokers(YamlReader& r, const YAML::Node& n, const std::string& path, std::vector<std::string>& out);

// Semantic checks of each sink; appends "sinks[i].key: message" lines.
void validate_sinks(const std::vector<SinkConfig>& sinks, std::vector<std::string>& problems);

}  // namespace logsift::config
