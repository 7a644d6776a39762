// Daemon: logsiftd assembled from its modules, and its life from start to orderly stop.
//
//   start:  rules (compiled, examples run) -> sink -> pipeline (restores detection state)
//           -> listeners -> metrics endpoint -> READY=1
//   run:    waits for signals: SIGHUP reloads rules (loaded and compiled on a thread of its own,
//           swapped in by the main loop, which keeps pinging the watchdog meanwhile),
//           SIGTERM/SIGINT stop; pings the watchdog
//   stop:   not ready -> STOPPING=1 -> listeners stop (partial batches flushed into the queue)
//           -> pipeline drains the queue, flushes the open alert batch, snapshots detection
//           -> exit 0
//
// The application layer: the only code that reads files, the environment and signals, and that
// logs. Everything it learns from the outside comes in through AppEnvironment.
#pragma once

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "parsers/base/expected.h"

namespace logsift::app {

// What the process learned from its environment, read once in main().
struct AppEnvironment {
  std::string notify_socket;   // $NOTIFY_SOCKET
  std::string watchdog_usec;   // $WATCHDOG_USEC
  std::string watchdog_pid;    // $WATCHDOG_PID
  std::string journal_stream;  // $JOURNAL_STREAM: set when stderr goes to journald
  std::string working_dir;
  std::string executable_path;
  std::string host_name;
  std::string config_file;     // empty: the embedded default
};

class Daemon {
 public:
  // Builds and starts everything; an error says what failed (rules, a port, a folder).
  static Expected<std::unique_ptr<Daemon>, std::string> start(config::DaemonConfig config,
                                                              AppEnvironment env);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Serves until SIGTERM or SIGINT; returns the process exit status. The signals must be
  // blocked in every thread (block_daemon_signals() before start()).
  int run();

 private:
  struct Parts;
  explicit Daemon(std::unique_ptr<Parts> parts);
  void reload();         // starts loading and compiling on a thread of its own
  void finish_reload();  // on the main loop: swaps in (or refuses) a finished reload
  // Logs new store and delivery failures per sink; turns /readyz off while a sink has been
  // failing longer than its unhealthy_after.
  void watch_sinks();
  void watch_snapshots();  // logs failed snapshots, reports /readyz degraded while they fail
  void log_kafka_clients();  // librdkafka's lines from the Kafka listeners, through our logger
  void log_rule_suspensions();  // one line per rule suspended for hitting PCRE2 limits
  bool stop();
  std::unique_ptr<Parts> parts_;
};

// Blocks SIGHUP, SIGTERM and SIGINT in the calling thread and in every thread it starts later,
// so run() can take them with sigtimedwait.
void block_daemon_signals();

}  // namespace logsift::app
