#include "daemon/app/ops_context.h"

#include "parsers/base/file_io.h"

namespace logsift::app {

Expected<std::shared_ptr<const enrich::Cmdb>, std::string> load_cmdb(const std::string& path) {
  auto text = base::read_file(path);
  if (!text) return Unexpected{"cmdb: " + text.error().message};
  auto table = enrich::Cmdb::parse(*text, path);
  if (!table) {
    std::string message = "cmdb does not load (" + std::to_string(table.error().size()) + " problems):";
    for (const auto& e : table.error()) message += "\n  " + e.to_string();
    return Unexpected{message};
  }
  return std::move(table).value();
}

namespace {

enrich::ChangeOptions change_options(const config::ChangesConfig& c) {
  enrich::ChangeOptions o;
  o.suspect_for_ms = c.suspect_for_ms;
  o.max_windows = c.max_windows;
  return o;
}

Expected<std::vector<enrich::ChangeWindow>, std::string> load_changes(const std::string& path) {
  auto text = base::read_file(path);
  if (!text) return Unexpected{"changes: " + text.error().message};
  auto windows = enrich::parse_changes(*text, path);
  if (!windows) {
    std::string message = "changes file does not load (" + std::to_string(windows.error().size()) + " problems):";
    for (const auto& e : windows.error()) message += "\n  " + e.to_string();
    return Unexpected{message};
  }
  return std::move(windows).value();
}

}  // namespace

OpsContext::OpsContext(const config::ChangesConfig& changes)
    : changes_file_(changes.file), changes_(change_options(changes)) {}

std::string OpsContext::reload_changes() {
  if (changes_file_.empty()) return "";
  auto windows = load_changes(changes_file_);
  if (!windows) {
    change_reload_failures_.fetch_add(1);
    return windows.error();
  }
  changes_.set_declared(std::move(windows).value());
  return "";
}

Expected<std::unique_ptr<OpsContext>, std::string> OpsContext::load(const config::DaemonConfig& config) {
  std::unique_ptr<OpsContext> context(new OpsContext(config.changes));
  if (!context->changes_file_.empty()) {
    auto windows = load_changes(context->changes_file_);
    if (!windows) return Unexpected{windows.error()};
    context->changes_.set_declared(std::move(windows).value());
  }
  context->cmdb_file_ = config.enrich.cmdb_file;
  if (!context->cmdb_file_.empty()) {
    auto table = load_cmdb(context->cmdb_file_);
    if (!table) return Unexpected{table.error()};
    context->cmdb_ = std::move(table).value();
    context->cmdb_entries_ = context->cmdb_->entries();
  }
  return context;
}

std::string OpsContext::reload_cmdb(pipeline::Pipeline& pipeline) {
  if (cmdb_file_.empty()) return "";
  auto table = load_cmdb(cmdb_file_);
  if (!table) {
    cmdb_reload_failures_.fetch_add(1);
    return table.error();
  }
  cmdb_ = std::move(table).value();
  cmdb_entries_ = cmdb_->entries();
  cmdb_reloads_.fetch_add(1);
  pipeline.set_cmdb(cmdb_);
  return "";
}

void OpsContext::export_metrics(ops::MetricsWriter& out, const pipeline::PipelineStats& stats) const {
  const auto changes = changes_.counters();
  out.counter("logsift_change_alerts_during_total", "Alerts marked during a declared change window.", changes.alerts_during);
  out.counter("logsift_change_alerts_suspected_total", "Problem alerts flagged as suspected after a change window.",
              changes.alerts_suspected);
  out.counter("logsift_change_windows_evicted_total", "Change windows dropped for changes.max_windows.", changes.windows_evicted);
  out.counter("logsift_change_reload_failures_total", "Changes files refused at SIGHUP (the previous windows stay).",
              change_reload_failures_.load());
  out.counter("logsift_problems_escalated_total", "Problems open and unacknowledged at their SLA deadline.",
              stats.detect.problems_escalated);
  out.counter("logsift_problems_acknowledged_total", "Problems acknowledged (ops API or ticket).",
              stats.detect.problems_acknowledged);
  if (cmdb_file_.empty()) return;
  out.gauge("logsift_cmdb_entries", "Entries of the CMDB table in use.", cmdb_entries_.load());
  out.counter("logsift_cmdb_reloads_total", "CMDB files loaded again at SIGHUP.", cmdb_reloads_.load());
  out.counter("logsift_cmdb_reload_failures_total", "CMDB reloads refused (the previous table stays).",
              cmdb_reload_failures_.load());
  out.counter("logsift_context_lookups_total", "Records looked up in the CMDB (through the workers' caches).",
              stats.context_lookups);
  out.counter("logsift_context_lookup_misses_total", "Lookups the workers' caches did not hold.", stats.context_misses);
  out.counter("logsift_context_unmatched_total", "Lookups of hosts no CMDB entry matches.", stats.context_unmatched);
}

}  // namespace logsift::app
