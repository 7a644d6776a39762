// Turning YAML text into a checked DaemonConfig, and the embedded default configuration.
//
// Reading files is the caller's job: these functions take the text and a file name used only in
// messages. Every error is one line, "file:line: message", so an operator can jump to it.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/config.h"
#include "parsers/base/expected.h"

namespace logsift::config {

using ConfigErrors = std::vector<std::string>;

// Parses YAML text: syntax, unknown or duplicate keys, value types, durations ("500ms", "30s",
// "10m", "1h30m", "2d"), sizes ("65536", "64KiB", "1MiB", "1GiB") and enums. Keys that are absent
// keep DaemonConfig's defaults. Collects every error it can rather than stopping at the first.
// Does not run validate(): use load_config() for what the daemon accepts.
[[nodiscard]] Expected<DaemonConfig, ConfigErrors> parse_config(std::string_view yaml_text,
                                                                std::string_view file_name);

// Semantic checks on a config however it was made: at least one listener, unique listener names,
// valid IP addresses, no two TCP (or two UDP) sockets on one address:port, TLS files given for tls
// listeners and only there, numbers within their ranges. Returns "key.path: message" lines;
// empty when the config is acceptable.
[[nodiscard]] std::vector<std::string> validate(const DaemonConfig& config);

// parse_config() then validate(), with validation errors also located as "file:line: key.path:
// message". This is what `logsiftd --config` and `--check-config` use.
[[nodiscard]] Expected<DaemonConfig, ConfigErrors> load_config(std::string_view yaml_text,
                                                               std::string_view file_name);

// The embedded default configuration: one commented YAML document, printed verbatim by
// `logsiftd --print-default-config`. Loopback listeners (syslog UDP+TCP 5514, NDJSON 5515),
// metrics on 127.0.0.1:9514, bundled rule packs, data under ./logsift-data/.
std::string_view default_config_yaml();

// load_config(default_config_yaml(), "<default>"). The embedded text is tested to load; should it
// ever fail, this aborts with the errors (a build defect, not an operator's mistake).
DaemonConfig default_config();

}  // namespace logsift::config
