// Translating the daemon's configuration into the options of each module.
//
// config::DaemonConfig is what operators write; the modules each take their own option structs
// and know nothing of YAML or of each other. These pure functions are the one place where one
// becomes the other, so a config field's effect can be read here.
#pragma once

#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/detect/detect_options.h"
#include "daemon/trend/trend_options.h"
#include "daemon/emit/batch_writer.h"
#include "daemon/ingest/listener_config.h"
#include "daemon/ingest/raw_batch.h"
#include "parsers/line_parser.h"

namespace logsift::app {

std::vector<ingest::ListenerConfig> listener_configs(const config::DaemonConfig& config);
std::vector<parsers::ExpectedFormat> listener_formats(const config::DaemonConfig& config);
detect::DetectOptions detect_options(const config::DaemonConfig& config);
trend::TrendOptions trend_options(const config::DaemonConfig& config);
parsers::ParseOptions parse_options(const config::DaemonConfig& config);
emit::BatchOptions batch_options(const config::DaemonConfig& config, const std::string& default_producer);
// Raw batch size: room for `batch_messages` typical messages, capped at 256 KiB (every busy
// stream connection holds one), never less than two of the largest message any listener accepts.
ingest::BatchLimits batch_limits(const config::DaemonConfig& config);
// Worker threads: the configured count, or the cores left after the I/O threads (at least 1).
std::size_t worker_count(const config::DaemonConfig& config, unsigned hardware_threads);

}  // namespace logsift::app
