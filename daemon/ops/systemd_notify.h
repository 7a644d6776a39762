// SystemdNotifier: the sd_notify(3) protocol without libsystemd.
//
// Under Type=notify, systemd passes $NOTIFY_SOCKET (a file system path, or "@name" for an
// abstract socket) and waits for "READY=1" before it calls the service started; "WATCHDOG=1" must
// then arrive more often than WatchdogSec, or systemd kills and restarts us. Each call sends one
// AF_UNIX datagram of newline-separated assignments. With no socket configured every call is a
// no-op returning false, so the daemon runs the same outside systemd.
//
// The app reads the environment ($NOTIFY_SOCKET, $WATCHDOG_USEC, $WATCHDOG_PID) and the clock and
// passes the values in. Thread-safety: const methods open a socket per call and share no state;
// safe from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/base/expected.h"

namespace logsift::ops {

class SystemdNotifier {
 public:
  // `notify_socket`: the value of $NOTIFY_SOCKET; empty disables notification.
  explicit SystemdNotifier(std::string notify_socket = {});

  bool enabled() const { return !socket_path_.empty(); }

  // Sends `state` ("READY=1\nSTATUS=serving") as one datagram. Returns true when sent, false
  // when disabled, or an error ("sendto /run/systemd/notify: Connection refused").
  [[nodiscard]] Expected<bool, std::string> notify(std::string_view state) const;

  // READY=1, with STATUS= when `status` is not empty. Also sent after a reload completes.
  [[nodiscard]] Expected<bool, std::string> ready(std::string_view status = {}) const;
  // STOPPING=1: shutdown has begun (draining).
  [[nodiscard]] Expected<bool, std::string> stopping(std::string_view status = {}) const;
  // RELOADING=1 with MONOTONIC_USEC= (CLOCK_MONOTONIC now, in microseconds), as systemd 253+
  // requires; older systemd ignores the extra field. Follow with ready() when the reload ends.
  [[nodiscard]] Expected<bool, std::string> reloading(std::uint64_t monotonic_usec) const;
  // WATCHDOG=1: the service is alive. Send every watchdog_interval() / 2.
  [[nodiscard]] Expected<bool, std::string> watchdog() const;
  // STATUS=...: free text shown by `systemctl status` (line breaks become spaces).
  [[nodiscard]] Expected<bool, std::string> status(std::string_view text) const;

 private:
  std::string socket_path_;
};

// The watchdog interval systemd expects of this process, from $WATCHDOG_USEC and $WATCHDOG_PID
// (empty strings when unset). None when no watchdog is configured, the value is not a positive
// number, or $WATCHDOG_PID names another process.
std::optional<std::chrono::microseconds> watchdog_interval(std::string_view watchdog_usec,
                                                           std::string_view watchdog_pid,
                                                           pid_t self_pid);

}  // namespace logsift::ops
