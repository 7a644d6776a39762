// OpsContext: the daemon's inputs from the operations practice that live beside the rules: the
// CMDB table that gives hosts their business context (`enrich.cmdb`) and the declared change
// windows (`changes.file`, plus those the ops API adds).
//
// The app loads both at start (a bad file stops the start with every problem listed) and again
// at SIGHUP (a bad file is refused and counted, the old table or windows stay), and hands each
// loaded CMDB table to the pipeline, which swaps it in between two batches. The change calendar
// lives here and the pipeline's emitter reads it.
//
// Thread-safety: load() and reload() from the main loop only; export_metrics() from the metrics
// thread (it reads counters that are atomic or published under the pipeline's locks).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/enrich/change_calendar.h"
#include "daemon/enrich/cmdb.h"
#include "daemon/ops/metrics.h"
#include "daemon/pipeline/pipeline.h"
#include "parsers/base/expected.h"

namespace logsift::app {

// The CMDB file read and parsed; the error lists every problem ("file:line: message").
Expected<std::shared_ptr<const enrich::Cmdb>, std::string> load_cmdb(const std::string& path);

class OpsContext {
 public:
  // Reads what `config` names; nothing is read when it names nothing.
  static Expected<std::unique_ptr<OpsContext>, std::string> load(const config::DaemonConfig& config);

  std::shared_ptr<const enrich::Cmdb> cmdb() const { return cmdb_; }
  enrich::ChangeCalendar& changes() { return changes_; }

  // Reads the changes file again; "" on success (or without one), else the problems (the old
  // windows stay, and the failure is counted).
  std::string reload_changes();

  // Reads the CMDB file again; on success hands the new table to `pipeline` and returns "", on
  // failure keeps the old table, counts the failure and returns the problems.
  std::string reload_cmdb(pipeline::Pipeline& pipeline);

  void export_metrics(ops::MetricsWriter& out, const pipeline::PipelineStats& stats) const;

 private:
  explicit OpsContext(const config::ChangesConfig& changes);
  std::string cmdb_file_;
  std::string changes_file_;
  enrich::ChangeCalendar changes_;
  std::atomic<std::uint64_t> change_reload_failures_{0};
  std::shared_ptr<const enrich::Cmdb> cmdb_;
  std::atomic<std::uint64_t> cmdb_entries_{0};
  std::atomic<std::uint64_t> cmdb_reloads_{0};
  std::atomic<std::uint64_t> cmdb_reload_failures_{0};
};

}  // namespace logsift::app
