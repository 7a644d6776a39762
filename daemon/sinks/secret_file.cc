// read_secret_file; see secret_file.h.
#include "daemon/sinks/secret_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "daemon/sinks/http_client.h"

namespace logsift::sinks {

Expected<std::string, std::string> read_secret_file(const std::string& path, const char* what) {
  const std::string where = std::string(what) + " " + path;
  if (path.empty()) return Unexpected{std::string(what) + ": no file named"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected{where + ": " + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ' ||
                             secret.back() == '\t')) {
    secret.pop_back();
  }
  if (secret.empty()) return Unexpected{where + ": empty"};
  if (secret.find_first_of("\r\n") != std::string::npos) return Unexpected{where + ": more than one line"};
  return secret;
}

Expected<std::string, std::string> read_authorization(const config::SinkConfig& config, const char* token_scheme) {
  if (!config.token_file.empty()) {
    auto token = read_secret_file(config.token_file, "token_file");
    if (!token) return Unexpected{std::move(token).error()};
    return std::string(token_scheme) + " " + token.value();
  }
  if (!config.username.empty()) {
    auto password = read_secret_file(config.password_file, "password_file");
    if (!password) return Unexpected{std::move(password).error()};
    return "Basic " + base64_encode(config.username + ":" + password.value());
  }
  return std::string();
}

}  // namespace logsift::sinks
