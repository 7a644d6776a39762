// OpsApi: the operations endpoints on the loopback ops port, beside /metrics.
//
//   GET  /api/changes              200 {"changes":[...]}: every declared and added change window,
//                                  with "state": planned | active | ended
//   POST /api/changes              201 the window: body {"id","summary","by","hosts":[...],
//                                  "services":[...],"from","to","rollback_contact"} (RFC 3339
//                                  times; "from" defaults to now); 400 with the reason, 409 when
//                                  the id exists
//   POST /api/changes/ID/end       200 the window, ended now; 404 / 409 (already ended)
//   POST /api/problems/ID/ack      200 {"problem_id":ID,"acknowledged":true}: the open problem's
//                                  SLA clock stops; body {"by":"name"} optional; 404 when no such
//                                  open problem
//
// Windows added or ended here are kept in `<state_dir>/changes-api.json` (written atomically on
// every change, read at start), so they survive restarts like the detection state.
//
// Thread-safety: handle() runs on the metrics server's thread; the calendar and the pipeline are
// thread-safe. The state file is written after the calendar's lock is released.
#pragma once

#include <functional>
#include <string>

#include "daemon/enrich/change_calendar.h"
#include "daemon/ops/metrics_server.h"
#include "daemon/pipeline/pipeline.h"

namespace logsift::app {

class OpsApi {
 public:
  // `clock` gives UTC microseconds; `state_file` may be empty (nothing kept).
  OpsApi(enrich::ChangeCalendar& changes, pipeline::Pipeline& pipeline, std::string state_file,
         std::function<std::int64_t()> clock);

  // Reads the state file into the calendar; an error message when it exists but does not load.
  std::string restore();

  ops::ApiResponse handle(const ops::ApiRequest& request);

 private:
  ops::ApiResponse add_change(std::string_view body);
  ops::ApiResponse end_change(std::string_view id);
  ops::ApiResponse acknowledge(std::string_view id, std::string_view body);
  std::string save();

  enrich::ChangeCalendar& changes_;
  pipeline::Pipeline& pipeline_;
  std::string state_file_;
  std::function<std::int64_t()> clock_;
};

}  // namespace logsift::app
