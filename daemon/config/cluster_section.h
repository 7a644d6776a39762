// Reading and checking the `cluster:` section (internal to config): scale-out roles on Kafka.
// parse.cc and validate.cc call these; the fields are ClusterConfig's in config.h.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "daemon/config/config.h"
#include "daemon/config/yaml_reader.h"

namespace logsift::config {

// `cluster:` -> out (defaults stand for absent keys).
void read_cluster(YamlReader& r, const YAML::Node& n, ClusterConfig& out);

// Semantic checks of the cluster section against the rest of the config (an ingest node needs
// listeners, a detect node has none); appends "cluster.key: message" lines.
void validate_cluster(const DaemonConfig& config, std::vector<std::string>& problems);

}  // namespace logsift::config
