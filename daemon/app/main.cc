// logsiftd: the log pattern analysis daemon.
//
//   logsiftd [--config FILE]         run (no --config: the embedded default configuration)
//   logsiftd --check-config FILE     validate a configuration file and exit
//   logsiftd --print-default-config  print the embedded default configuration
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemon/app/daemon.h"
#include "daemon/config/load.h"

namespace {

constexpr const char* kUsage =
    "usage: logsiftd [--config FILE]\n"
    "       logsiftd --check-config FILE\n"
    "       logsiftd --print-default-config\n";

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

logsift::Expected<logsift::config::DaemonConfig, std::vector<std::string>> read_config(const std::string& file) {
  if (file.empty()) return logsift::config::load_config(logsift::config::default_config_yaml(), "<default>");
  std::ifstream in(file, std::ios::binary);
  if (!in) return logsift::Unexpected{std::vector<std::string>{file + ": cannot open: " + std::strerror(errno)}};
  std::ostringstream text;
  text << in.rdbuf();
  return logsift::config::load_config(text.str(), file);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_file;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--print-default-config") {
      std::cout << logsift::config::default_config_yaml();
      return 0;
    }
    if ((arg == "--config" || arg == "--check-config") && i + 1 < argc) {
      config_file = argv[++i];
      check_only = arg == "--check-config";
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << "logsiftd: unexpected argument '" << arg << "'\n" << kUsage;
      return 2;
    }
  }

  auto config = read_config(config_file);
  if (!config) {
    for (const auto& e : config.error()) std::cerr << e << "\n";
    return 1;
  }
  if (check_only) {
    std::cout << config_file << ": ok\n";
    return 0;
  }

  logsift::app::AppEnvironment env;
  env.notify_socket = env_or_empty("NOTIFY_SOCKET");
  env.watchdog_usec = env_or_empty("WATCHDOG_USEC");
  env.watchdog_pid = env_or_empty("WATCHDOG_PID");
  env.journal_stream = env_or_empty("JOURNAL_STREAM");
  env.config_file = config_file;
  char buffer[PATH_MAX];
  if (getcwd(buffer, sizeof buffer) != nullptr) env.working_dir = buffer;
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n > 0) env.executable_path.assign(buffer, static_cast<std::size_t>(n));
  if (gethostname(buffer, sizeof buffer) == 0) env.host_name = buffer;

  logsift::app::block_daemon_signals();
  auto daemon = logsift::app::Daemon::start(std::move(config).value(), env);
  if (!daemon) {
    std::cerr << "logsiftd: cannot start: " << daemon.error() << "\n";
    return 1;
  }
  return daemon.value()->run();
}
