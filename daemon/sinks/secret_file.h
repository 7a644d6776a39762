// Secrets (HEC tokens, API keys, passwords) come from files, never from the config itself.
// Stateless; safe from any thread.
#pragma once

#include <string>

#include "daemon/config/config.h"
#include "parsers/base/expected.h"

namespace logsift::sinks {

// Reads the secret in `path`: the whole file without trailing spaces, tabs and line ends. An
// unreadable, empty or multi-line file is an error naming `what` and the path
// ("token_file /etc/logsift/hec.token: empty").
[[nodiscard]] Expected<std::string, std::string> read_secret_file(const std::string& path, const char* what);

// The Authorization header value a sink sends: "<token_scheme> <token>" from `token_file` when it
// is set, else "Basic <base64 username:password>" from `username` and `password_file`, else "".
[[nodiscard]] Expected<std::string, std::string> read_authorization(const config::SinkConfig& config,
                                                                   const char* token_scheme);

}  // namespace logsift::sinks
