// logsift: the operator's tool for rule files, log lines and alert batches.
#include <cstring>
#include <iostream>

#include "daemon/cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: logsift COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  check PATH...                      load rule files/folders, compile them, run their examples\n"
    "  test --rules PATH [FILE|-]         print the rules each log line matches, one JSON object a line\n"
    "  explain --rules PATH LINE|-        the fields of a line and, per rule that came close, why it\n"
    "                                     did or did not match\n"
    "  replay --rules PATH [--out DIR] [--config logsiftd.yaml] FILE...\n"
    "                                     run parse, match, detect and emit over log files on event time\n"
    "                                     with the daemon's settings (its config file, or the default)\n"
    "  decode FILE|DIR...                 alert batches back to NDJSON; verifies checksums and sequences\n"
    "  mine [--format auto|raw] [FILE|-]  the message template of every line, one JSON object a line\n"
    "  import fail2ban [--mode MODE] [--option NAME=VALUE] [--jail JAIL.conf] FILTER.conf|filter.d/ --out DIR\n"
    "  import sigma [--mapping FILE] RULE.yml|DIR --out DIR\n"
    "                                     fail2ban filters or Sigma rules into logsift rule files\n"
    "\n"
    "logsift COMMAND --help shows a command's options.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  if (command == "check") return logsift::cli::run_check(argc, argv, 2);
  if (command == "test") return logsift::cli::run_test(argc, argv, 2);
  if (command == "replay") return logsift::cli::run_replay(argc, argv, 2);
  if (command == "decode") return logsift::cli::run_decode(argc, argv, 2);
  if (command == "mine") return logsift::cli::run_mine(argc, argv, 2);
  if (command == "import") return logsift::cli::run_import(argc, argv, 2);
  if (command == "explain") return logsift::cli::run_explain(argc, argv, 2);
  std::cerr << "logsift: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
