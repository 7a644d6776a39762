#include "daemon/app/daemon.h"

#include <malloc.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "daemon/app/cluster_node.h"
#include "daemon/app/metrics_export.h"
#include "daemon/app/ops_api.h"
#include "daemon/app/ops_context.h"
#include "daemon/app/settings.h"
#include "daemon/app/sink_set.h"
#include "daemon/app/status_pages.h"
#include "daemon/config/rules_search.h"
#include "daemon/emit/file_sink.h"
#include "daemon/ingest/ingest_server.h"
#include "daemon/ops/log.h"
#include "daemon/ops/metrics.h"
#include "daemon/ops/metrics_server.h"
#include "daemon/ops/systemd_notify.h"
#include "daemon/pipeline/pipeline.h"
#include "rules/loader.h"
#include "rules/rule_set_build.h"
#include "parsers/base/clock.h"

namespace logsift::app {

namespace {

ops::LogLevel log_level(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::kDebug: return ops::LogLevel::kDebug;
    case config::LogLevel::kInfo: return ops::LogLevel::kInfo;
    case config::LogLevel::kWarn: return ops::LogLevel::kWarn;
    case config::LogLevel::kError: return ops::LogLevel::kError;
  }
  return ops::LogLevel::kInfo;
}

std::uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
}

// A "Vm...:" line of /proc/self/status, in bytes; 0 when unreadable.
std::uint64_t memory_status_bytes(std::string_view field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.compare(0, field.size(), field) == 0) return std::strtoull(line.c_str() + field.size(), nullptr, 10) * 1024;
  }
  return 0;
}

// Resets the kernel's peak-RSS mark (VmHWM) to the current RSS and returns that RSS, so the peak
// read later is what happened since. Where the reset is not allowed the old peak stays, which
// only makes the growth look smaller.
std::uint64_t reset_peak_memory() {
  std::ofstream("/proc/self/clear_refs") << "5";
  return memory_status_bytes("VmRSS:");
}

std::string make_directories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return ec ? "cannot create folder " + dir + ": " + ec.message() : std::string();
}

// Names, modification times and sizes of the rule files: what reload_on_change compares.
std::string rule_files_fingerprint(const std::vector<std::string>& paths) {
  std::vector<rules::LoadError> ignored;
  std::string out;
  for (const auto& file : rules::rule_files(paths, ignored)) {
    struct stat st {};
    out += file;
    if (::stat(file.c_str(), &st) == 0) {
      out += ':' + std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec) + ':' +
             std::to_string(st.st_size);
    }
    out += '\n';
  }
  return out;
}

}  // namespace

struct Daemon::Parts {
  config::DaemonConfig config;
  AppEnvironment env;
  ops::Logger logger;
  ops::SystemdNotifier notifier;
  ops::MetricsRegistry registry;
  ops::Counter* reload_failures = nullptr;
  // Reload on its own thread: the main loop keeps serving signals and the watchdog meanwhile.
  std::thread reload_thread;
  std::atomic<bool> reload_finished{false};
  rules::RuleSetBuild reload_build;       // written by the reload thread until reload_finished
  std::uint64_t reload_peak_growth = 0;   // ... and the peak memory it added
  bool reload_running = false;
  bool reload_again = false;              // SIGHUP (or a file change) while one was running
  std::uint64_t trim_memory_at_us = 0;    // monotonic time to return freed memory; 0 = none due
  std::vector<std::string> rule_paths;
  std::string rule_files_seen;  // reload_on_change: names, times and sizes of the rule files
  rules::CompileOptions compile_options;
  std::vector<std::string> listener_names;
  std::unique_ptr<ingest::BatchQueue> queue;
  std::unique_ptr<ingest::BatchPool> pool;
  std::unique_ptr<SinkSet> sinks;
  std::unique_ptr<OpsContext> ops_context;  // CMDB, change windows
  std::unique_ptr<OpsApi> ops_api;          // /api/changes, /api/problems/ID/ack
  std::unique_ptr<ClusterNode> cluster;  // null for role all
  std::unique_ptr<pipeline::Pipeline> pipeline;
  std::unique_ptr<ingest::IngestServer> ingest;
  std::unique_ptr<TicketWatch> tickets;  // jira sinks' problem -> issue maps for the status page
  std::unique_ptr<ops::MetricsServer> metrics;
  std::vector<std::uint64_t> sink_errors_logged;    // per sink: store errors already logged
  std::vector<std::uint64_t> delivery_errors_logged;  // per sink: delivery failures already logged
  bool sinks_healthy = true;
  std::uint64_t snapshot_errors_logged = 0;
  bool stopped = false;

  Parts(config::DaemonConfig c, AppEnvironment e)
      : config(std::move(c)),
        env(std::move(e)),
        // journald stamps every line itself; a timestamp of our own would only repeat it.
        logger(ops::LoggerOptions{log_level(config.log.level), config.log.rate_limit_per_s,
                                  env.journal_stream.empty(), 1024},
               ops::system_log_clock(), ops::stderr_log_sink()),
        notifier(env.notify_socket) {}
};

Daemon::Daemon(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Daemon::~Daemon() { stop(); }

Expected<std::unique_ptr<Daemon>, std::string> Daemon::start(config::DaemonConfig config, AppEnvironment env) {
  auto parts = std::make_unique<Parts>(std::move(config), std::move(env));
  Parts& p = *parts;
  const auto& cfg = p.config;

  // Rules: the configured paths, or the bundled packs.
  config::RulesSearchContext search{LOGSIFT_INSTALL_PREFIX, p.env.working_dir, p.env.executable_path,
                                    LOGSIFT_SOURCE_DIR};
  const auto candidates = config::bundled_rules_candidates(search);
  auto paths = config::resolve_rules_paths(
      cfg.rules, candidates, [](const std::filesystem::path& path) {
        std::error_code ec;
        return std::filesystem::is_directory(path, ec);
      });
  if (!paths) return Unexpected{"rules: " + paths.error()};
  for (const auto& path : paths.value()) p.rule_paths.push_back(path.string());
  p.compile_options.cache_dir = cfg.rules.cache_dir;
  for (const auto& dir : {cfg.detect.state_dir, cfg.rules.cache_dir}) {
    if (dir.empty()) continue;
    if (auto err = make_directories(dir); !err.empty()) return Unexpected{err};
  }
  auto build = rules::build_rule_set(p.rule_paths, p.compile_options, true);
  for (const auto& w : build.warnings) p.logger.warn("rule cache not written", {{"error", w}});
  if (!build.rule_set) {
    std::string message = "rules do not load (" + std::to_string(build.errors.size()) + " problems):";
    for (const auto& e : build.errors) message += "\n  " + e.to_string();
    return Unexpected{message};
  }
  if (cfg.rules.reload_on_change) p.rule_files_seen = rule_files_fingerprint(p.rule_paths);
  p.logger.info("rules loaded", {{"rules", build.rule_set->rules().size()}, {"files", build.files},
                                 {"examples", build.examples}, {"cache_hits", build.rule_set->stats().cache_hits}});

  // Operations context: the CMDB and the change windows.
  auto ops_context = OpsContext::load(cfg);
  if (!ops_context) return Unexpected{ops_context.error()};
  p.ops_context = std::move(ops_context).value();
  if (const auto cmdb = p.ops_context->cmdb()) {
    p.logger.info("cmdb loaded", {{"file", cmdb->file()}, {"entries", cmdb->entries()}});
  }

  // Alert destinations: folders and spools, each continuing its own batch sequence.
  auto sinks = SinkSet::build(cfg);
  if (!sinks) return Unexpected{sinks.error()};
  p.sinks = std::move(sinks).value();
  p.sink_errors_logged.assign(p.sinks->configs().size(), 0);
  p.delivery_errors_logged.assign(p.sinks->configs().size(), 0);
  for (const auto& s : p.sinks->configs()) {
    p.logger.info("sink ready", {{"sink", s.name}, {"type", std::string(config::to_string(s.type))}});
  }

  // Queue, pool and pipeline.
  for (const auto& l : cfg.listeners) p.listener_names.push_back(l.name);
  const auto limits = batch_limits(cfg);
  p.queue = std::make_unique<ingest::BatchQueue>(std::max<std::size_t>(cfg.pipeline.queue_batches, 1));
  p.pool = std::make_unique<ingest::BatchPool>(limits, cfg.pipeline.queue_batches + 16);
  pipeline::PipelineOptions po;
  po.workers = worker_count(cfg, std::thread::hardware_concurrency());
  po.detect = detect_options(cfg);
  po.trend_enabled = cfg.trend.enabled;
  po.trend = trend_options(cfg);
  po.listener_names = p.listener_names;
  po.parse = parse_options(cfg);
  po.listener_formats = listener_formats(cfg);
  po.batch = batch_options(cfg, p.env.host_name.empty() ? "logsiftd" : p.env.host_name);
  po.stop_grace_ms = cfg.emit.stop_grace_ms;
  po.state_dir = cfg.detect.state_dir;
  po.snapshot_interval_ms = cfg.detect.snapshot_interval_ms;
  po.max_pending_alerts = cfg.pipeline.max_pending_alerts;
  po.max_pending_batches = cfg.pipeline.max_pending_batches;
  po.suspend.limit_hits = cfg.rules.suspend_limit_hits;
  po.suspend.within_ms = cfg.rules.suspend_within_ms;
  po.cmdb = p.ops_context->cmdb();
  po.changes = &p.ops_context->changes();

  // Cluster role: an ingest node hands its incidents to the incidents topic; a detect node
  // reads them from there.
  auto cluster = ClusterNode::create(cfg);
  if (!cluster) return Unexpected{cluster.error()};
  p.cluster = std::move(cluster).value();
  if (p.cluster) {
    p.cluster->configure(po);
    p.logger.info("cluster role ready", {{"role", std::string(config::to_string(cfg.cluster.role))},
                                         {"partitions", cfg.cluster.partitions}});
  }

  // Listeners are bound before the pipeline starts, so a taken port fails fast; they start
  // reading only after the pipeline runs.
  ingest::ServerOptions so;
  so.io_threads = std::max<std::uint32_t>(cfg.pipeline.io_threads, 1);
  so.memory_budget_bytes = cfg.pipeline.ingest_memory_bytes;
  so.shutdown_grace_ms = static_cast<std::uint32_t>(cfg.pipeline.shutdown_grace_ms);
  // Kafka listeners commit offsets only for batches the pipeline made durable, and ask it for a
  // durability round when their partitions are revoked.
  Parts* parts_for_hooks = &p;
  so.request_durability = [parts_for_hooks] {
    if (parts_for_hooks->pipeline) parts_for_hooks->pipeline->request_durability();
  };
  auto server = ingest::IngestServer::create(listener_configs(cfg), *p.queue, *p.pool, so);
  if (!server) return Unexpected{server.error().message};
  p.ingest = std::move(server).value();
  po.ingest_counters = &p.ingest->counters();
  p.pipeline = std::make_unique<pipeline::Pipeline>(po, build.rule_set, *p.queue, *p.pool, p.sinks->channels());
  for (const auto& err : p.pipeline->start()) p.logger.warn("detection snapshot skipped", {{"error", err}});
  if (const auto& restored = p.pipeline->restore_report(); restored.restored) {
    p.logger.info("detection state restored", {{"signatures", restored.signatures}, {"generation", restored.generation}});
  } else if (!restored.problems.empty()) {
    p.logger.warn("no complete detection snapshot; starting with empty detection state", {{"state_dir", cfg.detect.state_dir}});
  }
  p.ops_api = std::make_unique<OpsApi>(p.ops_context->changes(), *p.pipeline,
                                       cfg.detect.state_dir.empty() ? std::string() : cfg.detect.state_dir + "/changes-api.json",
                                       base::system_clock_us);
  if (std::string e = p.ops_api->restore(); !e.empty()) {
    p.logger.warn("change windows added through the API not restored", {{"error", e}});
  }
  p.ingest->start();
  for (std::size_t i = 0; i < cfg.listeners.size(); ++i) {
    const auto& l = cfg.listeners[i];
    if (l.protocol == config::Protocol::kKafka) {
      std::string topics;
      for (const auto& t : l.topics) topics += (topics.empty() ? "" : ",") + t;
      p.logger.info("listener ready", {{"listener", l.name}, {"protocol", "kafka"}, {"group", l.group},
                                       {"topics", topics}});
      continue;
    }
    p.logger.info("listener ready", {{"listener", l.name}, {"protocol", std::string(config::to_string(l.protocol))},
                                     {"address", l.address}, {"port", p.ingest->bound_port(i)}});
  }

  // Metrics.
  p.reload_failures = &p.registry.counter("logsift_rule_reload_failures_total",
                                          "Rule reloads refused because the new set failed.");
  Parts* raw = &p;
  p.registry.add_collector([raw](ops::MetricsWriter& w) {
    const auto stats = raw->pipeline->stats();
    export_metrics(w, raw->listener_names, raw->ingest->stats(), stats,
                   QueueGauge{raw->queue->depth(), raw->queue->capacity()},
                   raw->pipeline->rule_set()->rules().size());
    if (const auto* rates = raw->pipeline->rates()) export_trend_metrics(w, *rates, 10);
    raw->ops_context->export_metrics(w, stats);
    if (raw->cluster) raw->cluster->export_metrics(w);
  });
  if (cfg.metrics.enabled) {
    ops::MetricsServerOptions mo;
    mo.address = cfg.metrics.address;
    mo.port = cfg.metrics.port;
    if (cfg.trend.enabled) {
      mo.rates_json = [raw] {
        const auto* rates = raw->pipeline->rates();
        return rates != nullptr ? rates_json(*rates, 50) : std::string("{\"series\":[]}\n");
      };
    }
    mo.ops_api = [raw](const ops::ApiRequest& request) { return raw->ops_api->handle(request); };
    p.tickets = std::make_unique<TicketWatch>(cfg);
    p.tickets->refresh();
    mo.pages = status_pages(*p.pipeline, *p.tickets);
    auto metrics = ops::MetricsServer::start(mo, p.registry);
    if (!metrics) {
      p.ingest->stop();
      p.pipeline->stop();
      return Unexpected{"metrics: " + metrics.error()};
    }
    p.metrics = std::move(metrics).value();
    p.metrics->set_ready(true);
    p.logger.info("metrics ready", {{"address", cfg.metrics.address}, {"port", p.metrics->port()}});
  }
  (void)p.notifier.ready("serving");
  return std::unique_ptr<Daemon>(new Daemon(std::move(parts)));
}

void Daemon::reload() {
  Parts& p = *parts_;
  if (p.reload_running) {
    p.reload_again = true;  // one more once this one is done, with whatever the files say then
    return;
  }
  (void)p.notifier.reloading(monotonic_usec());
  if (const std::string error = p.ops_context->reload_cmdb(*p.pipeline); !error.empty()) {
    p.logger.error("cmdb reload failed; keeping the current table", {{"problems", error}});
  } else if (const auto cmdb = p.ops_context->cmdb()) {
    p.logger.info("cmdb reloaded", {{"file", cmdb->file()}, {"entries", cmdb->entries()}});
  }
  if (const std::string error = p.ops_context->reload_changes(); !error.empty()) {
    p.logger.error("changes reload failed; keeping the current windows", {{"problems", error}});
  }
  p.logger.info("reloading rules", {{"paths", p.rule_paths.size()}});
  p.reload_running = true;
  p.reload_finished = false;
  p.reload_thread = std::thread([&p] {
    const std::uint64_t before = reset_peak_memory();
    p.reload_build = rules::build_rule_set(p.rule_paths, p.compile_options, true);
    const std::uint64_t peak = memory_status_bytes("VmHWM:");
    p.reload_peak_growth = peak > before ? peak - before : 0;
    p.reload_finished = true;
  });
}

void Daemon::finish_reload() {
  Parts& p = *parts_;
  if (!p.reload_running || !p.reload_finished) return;
  p.reload_thread.join();
  p.reload_running = false;
  rules::RuleSetBuild build = std::move(p.reload_build);
  p.reload_build = {};
  const std::uint64_t limit = p.config.rules.reload_memory_bytes;
  if (build.rule_set && p.reload_peak_growth > limit) {
    p.reload_failures->increment();
    p.logger.error("rule reload refused: loading and compiling took more memory than rules.reload_memory; "
                   "keeping the current rules",
                   {{"peak_growth_bytes", p.reload_peak_growth}, {"limit_bytes", limit},
                    {"rules", build.rule_set->rules().size()}});
    build.rule_set.reset();
  } else if (!build.rule_set) {
    p.reload_failures->increment();
    p.logger.error("rule reload failed; keeping the current rules", {{"problems", build.errors.size()}});
    for (const auto& e : build.errors) p.logger.error("rule reload problem", {{"problem", e.to_string()}});
  } else {
    const std::size_t dropped = p.pipeline->set_rule_set(build.rule_set);
    p.logger.info("rules reloaded", {{"rules", build.rule_set->rules().size()},
                                     {"cache_hits", build.rule_set->stats().cache_hits},
                                     {"signatures_dropped", dropped}, {"peak_growth_bytes", p.reload_peak_growth}});
  }
  build = {};
  // The refused set, or the replaced one once the workers let go of it (within a batch), goes
  // back to the system rather than staying in the allocator's free lists.
  p.trim_memory_at_us = monotonic_usec() + 2'000'000;
  (void)p.notifier.ready("serving");
  if (p.reload_again) {
    p.reload_again = false;
    reload();
  }
}

int Daemon::run() {
  Parts& p = *parts_;
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  auto watchdog = ops::watchdog_interval(p.env.watchdog_usec, p.env.watchdog_pid, ::getpid());
  std::chrono::microseconds tick = std::chrono::seconds(1);
  if (watchdog && *watchdog / 2 < tick) tick = *watchdog / 2;
  std::uint64_t next_ping_us = 0;
  for (;;) {
    // While a reload compiles, look for its end often so the swap follows it closely.
    const auto wait = p.reload_running ? std::min(tick, std::chrono::microseconds(50'000)) : tick;
    timespec timeout{static_cast<time_t>(wait.count() / 1'000'000), static_cast<long>(wait.count() % 1'000'000) * 1000};
    const int sig = sigtimedwait(&signals, nullptr, &timeout);
    if (sig == SIGTERM || sig == SIGINT) {
      p.logger.info("stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      break;
    }
    if (sig == SIGHUP) {
      reload();
    } else if (p.config.rules.reload_on_change) {
      std::string seen = rule_files_fingerprint(p.rule_paths);
      if (seen != p.rule_files_seen) {
        p.rule_files_seen = std::move(seen);
        p.logger.info("rule files changed", {});
        reload();
      }
    }
    finish_reload();
    if (p.trim_memory_at_us != 0 && monotonic_usec() >= p.trim_memory_at_us) {
      p.trim_memory_at_us = 0;
      ::malloc_trim(0);
    }
    if (watchdog && monotonic_usec() >= next_ping_us) {
      (void)p.notifier.watchdog();
      next_ping_us = monotonic_usec() + static_cast<std::uint64_t>(tick.count());
    }
    p.logger.report_suppressed();  // floods that ended are summed up, once
    log_kafka_clients();
    log_rule_suspensions();
    watch_sinks();
    watch_snapshots();
    if (p.tickets) p.tickets->refresh();
  }
  return stop() ? 0 : 1;
}

void Daemon::watch_sinks() {
  Parts& p = *parts_;
  const auto stats = p.pipeline->stats();
  const auto& configs = p.sinks->configs();
  const std::int64_t now_us = base::system_clock_us();
  bool healthy = true;
  std::string unhealthy;
  for (std::size_t i = 0; i < stats.sinks.size() && i < configs.size(); ++i) {
    const auto& sink = stats.sinks[i];
    if (sink.emit.sink_errors > p.sink_errors_logged[i]) {
      p.sink_errors_logged[i] = sink.emit.sink_errors;
      p.logger.warn("alert batches not stored; retrying",
                    {{"sink", sink.name}, {"error", sink.emit.last_error}, {"pending", sink.emit.batches_pending}});
    }
    if (!sink.spooled) continue;
    if (sink.delivery.attempts_failed > p.delivery_errors_logged[i]) {
      p.delivery_errors_logged[i] = sink.delivery.attempts_failed;
      p.logger.warn("alert delivery failed; retrying",
                    {{"sink", sink.name}, {"error", sink.delivery.last_error}, {"spooled", sink.spool.batches}});
    }
    const std::int64_t failing_ms =
        sink.delivery.failing_since_us > 0 ? (now_us - sink.delivery.failing_since_us) / 1000 : 0;
    if (failing_ms >= configs[i].unhealthy_after_ms) {
      healthy = false;
      unhealthy = sink.name;
    }
  }
  if (healthy != p.sinks_healthy) {
    p.sinks_healthy = healthy;
    if (healthy) p.logger.info("all sinks deliver again", {});
    else p.logger.error("sink failing longer than unhealthy_after; not ready", {{"sink", unhealthy}});
    if (p.metrics) p.metrics->set_ready(healthy);
  }
}

void Daemon::log_kafka_clients() {
  Parts& p = *parts_;
  for (auto& [index, line] : p.ingest->take_client_log()) {
    const std::string& listener = index < p.listener_names.size() ? p.listener_names[index] : std::string();
    if (line.level <= 3) {
      p.logger.error("kafka client", {{"listener", listener}, {"facility", line.facility}, {"message", line.text}});
    } else if (line.level == 4) {
      p.logger.warn("kafka client", {{"listener", listener}, {"facility", line.facility}, {"message", line.text}});
    } else {
      p.logger.info("kafka client", {{"listener", listener}, {"facility", line.facility}, {"message", line.text}});
    }
  }
}

void Daemon::log_rule_suspensions() {
  Parts& p = *parts_;
  for (const auto& s : p.pipeline->take_rule_suspensions()) {
    p.logger.warn("rule suspended until the next reload: PCRE2 keeps hitting its limits on it",
                  {{"rule", s.rule_id},
                   {"limit_hits", s.why.limit_hits},
                   {"within_ms", s.why.within_ms},
                   {"pcre_ms", s.why.pcre_ns / 1'000'000}});
  }
}

void Daemon::watch_snapshots() {
  Parts& p = *parts_;
  const auto stats = p.pipeline->stats();
  if (stats.snapshot_errors > p.snapshot_errors_logged) {
    // At most one line per failed attempt, and attempts are snapshot_interval apart.
    p.snapshot_errors_logged = stats.snapshot_errors;
    p.logger.error("detection snapshot failed; the previous generation is kept",
                   {{"error", stats.last_snapshot_error}, {"failures", stats.snapshot_errors}});
  }
  if (p.metrics) p.metrics->set_degraded(stats.snapshot_failing ? "detection snapshots failing" : "");
}

bool Daemon::stop() {
  Parts& p = *parts_;
  if (p.stopped) return true;
  p.stopped = true;
  if (p.reload_thread.joinable()) p.reload_thread.join();  // a reload under way is abandoned
  if (p.metrics) p.metrics->set_ready(false);
  (void)p.notifier.stopping("draining");
  p.ingest->stop();
  {
    std::uint64_t bytes = 0, connections = 0;
    for (const auto& l : p.ingest->stats().listeners) {
      bytes += l.dropped_shutdown_bytes;
      connections += l.connections_cut_at_shutdown;
    }
    if (bytes > 0) {
      p.logger.warn("senders were still sending when the shutdown grace period ended; their unread bytes are dropped",
                    {{"bytes", bytes}, {"connections", connections},
                     {"grace_ms", p.config.pipeline.shutdown_grace_ms}});
    }
  }
  bool flushed = p.pipeline->stop();
  p.ingest->release_sources();  // Kafka listeners commit what the pipeline made durable, leave their groups
  log_kafka_clients();
  if (p.cluster && !p.cluster->stop()) {
    p.logger.error("incidents still queued for Kafka at stop were not acknowledged within cluster.timeout", {});
    flushed = false;
  }
  const auto stats = p.pipeline->stats();
  for (const auto& sink : stats.sinks) {
    if (sink.emit.batches_pending > 0) {
      p.logger.error("alert batches could not be stored at stop",
                     {{"sink", sink.name}, {"pending", sink.emit.batches_pending}, {"error", sink.emit.last_error}});
    }
    if (sink.spooled && sink.spool.batches > 0) {
      p.logger.info("undelivered batches stay spooled for the next start",
                    {{"sink", sink.name}, {"batches", sink.spool.batches}, {"bytes", sink.spool.bytes}});
    }
  }
  std::uint64_t received = 0;
  for (const auto& l : p.ingest->stats().listeners) received += l.messages;
  p.logger.info("stopped", {{"received", received}, {"records", stats.records}, {"incidents", stats.incidents},
                            {"alerts", stats.alerts}});
  if (p.metrics) p.metrics->stop();
  return flushed;
}

void block_daemon_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

}  // namespace logsift::app
