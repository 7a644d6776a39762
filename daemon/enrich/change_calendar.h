// ChangeCalendar: declared change windows, and what they mean for alerts.
//
// A change window says who changes which hosts or services from when to when, and whom to call
// for a rollback. Windows come from a file the change process writes (`changes.file`, read at
// start and at SIGHUP) and from the ops HTTP API (added, and ended early, while the daemon runs;
// those are kept in the state folder across restarts). After detection, annotate() marks each
// alert:
//   during     the occurrence happened inside a window, on a host the window covers (by name,
//              glob or address range, or by the CMDB service of the host): problems still open and
//              count, but the alert says `during_change` and ticket sinks leave it by default;
//   suspected  a problem alert within `suspect_for` after a window ended, on a host it covered,
//              whose signature was first seen after the window began: a new kind of trouble
//              that came with the change, the evidence for a rollback decision.
//
// Memory: at most `max_windows`; beyond it the window that ended longest ago is dropped (counted).
// Windows that ended more than `suspect_for` ago are pruned.
//
// Thread-safety: every method is safe from any thread (one mutex; annotate() holds it per batch
// of alerts, never across I/O).
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/detect/alert.h"
#include "daemon/enrich/host_match.h"
#include "parsers/base/expected.h"

namespace logsift::enrich {

struct ChangeWindow {
  std::string id;                     // unique, e.g. the change ticket "CHG0012345"
  std::string summary;
  std::string requested_by;           // who carries it out
  std::vector<std::string> hosts;     // host names, globs, address ranges
  std::vector<std::string> services;  // CMDB business services (every host of the service)
  std::int64_t from_us = 0;
  std::int64_t to_us = 0;
  std::int64_t ended_us = 0;          // ended early through the API; 0 = runs until to_us
  std::string rollback_contact;
  std::string origin;                 // "changes.yaml:12", or "api"

  std::int64_t end_us() const { return ended_us != 0 && ended_us < to_us ? ended_us : to_us; }
  bool active(std::int64_t t_us) const { return from_us <= t_us && t_us < end_us(); }
};

struct ChangeError {
  std::string file;
  int line = 0;
  std::string message;
  std::string to_string() const;  // "file:line: message"
};

// A changes file (YAML: `changes: [{id, summary, by, hosts, services, from, to, rollback_contact}]`,
// times RFC 3339). JSON is YAML, so the API's own state file reads the same way.
Expected<std::vector<ChangeWindow>, std::vector<ChangeError>> parse_changes(std::string_view text,
                                                                           const std::string& file);
// The windows as a changes file (JSON), for the API's state file.
std::string encode_changes(std::span<const ChangeWindow> windows);
// One window as the JSON object GET /api/changes lists.
void append_change_json(const ChangeWindow& w, std::int64_t now_us, std::string& out);

struct ChangeOptions {
  // How long after a window ends new recurring signatures on its hosts are suspected. Default 24 h.
  std::int64_t suspect_for_ms = 24LL * 60 * 60 * 1000;
  std::size_t max_windows = 1000;
};

struct ChangeCounters {
  std::uint64_t alerts_during = 0;
  std::uint64_t alerts_suspected = 0;
  std::uint64_t windows_evicted = 0;
};

class ChangeCalendar {
 public:
  explicit ChangeCalendar(ChangeOptions options = {});
  ~ChangeCalendar();
  ChangeCalendar(const ChangeCalendar&) = delete;
  ChangeCalendar& operator=(const ChangeCalendar&) = delete;

  // Replaces the windows that came from the file.
  void set_declared(std::vector<ChangeWindow> windows);
  // Adds a window (the API); an error when the id exists, the window is empty or names nothing.
  Expected<ChangeWindow, std::string> add(ChangeWindow window, std::int64_t now_us);
  // Ends a window now; an error when there is no such window or it already ended.
  Expected<ChangeWindow, std::string> end(std::string_view id, std::int64_t now_us);
  // The windows the API added (for the state file).
  std::vector<ChangeWindow> added() const;
  void restore_added(std::vector<ChangeWindow> windows);

  // The windows active at `now_us` (declared and added), earliest end first.
  std::vector<ChangeWindow> in_force(std::int64_t now_us) const;
  // GET /api/changes: {"changes":[...]} with each window and whether it is active at `now_us`.
  std::string to_json(std::int64_t now_us) const;

  void annotate(std::span<detect::Alert> alerts, std::int64_t now_us);

  ChangeCounters counters() const;

 private:
  struct Compiled;
  void rebuild_locked();
  void prune_locked(std::int64_t now_us);
  const ChangeOptions options_;
  mutable std::mutex mutex_;
  std::vector<ChangeWindow> declared_;
  std::vector<ChangeWindow> added_;
  std::vector<Compiled> compiled_;  // declared_ then added_
  ChangeCounters counters_;
};

}  // namespace logsift::enrich
