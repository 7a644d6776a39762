// YAML text -> DaemonConfig, section by section; load_config() adds validate() with locations.
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>

#include "daemon/config/cluster_section.h"
#include "daemon/config/load.h"
#include "daemon/config/ops_sections.h"
#include "daemon/config/sink_sections.h"
#include "daemon/config/yaml_reader.h"

namespace logsift::config {
namespace {

void read_tls(YamlReader& r, const YAML::Node& node, const std::string& path, TlsConfig& tls) {
  if (!r.expect_map(node, path, {"cert", "key", "ca", "verify_client", "min_version", "handshake_timeout"})) return;
  r.read_string(node, path, "cert", tls.cert_file);
  r.read_string(node, path, "key", tls.key_file);
  r.read_string(node, path, "ca", tls.ca_file);
  r.read_bool(node, path, "verify_client", tls.verify_client);
  r.read_enum(node, path, "min_version", tls.min_version,
              {{"1.2", TlsVersion::kTls12}, {"1.3", TlsVersion::kTls13}});
  r.read_duration_ms(node, path, "handshake_timeout", tls.handshake_timeout_ms);
}

void read_listener(YamlReader& r, const YAML::Node& node, const std::string& path,
                   ListenerConfig& l) {
  if (!r.expect_map(node, path,
                    {"name", "protocol", "address", "port", "format", "max_message_bytes",
                     "max_connections", "idle_timeout", "relp_window", "tls", "brokers", "topics",
                     "group", "instance_id", "properties", "revoke_timeout"})) {
    return;
  }
  if (!node.IsMap() || !node["protocol"]) r.error(node, path + ": \"protocol\" is required");
  const bool kafka = node.IsMap() && node["protocol"] && node["protocol"].IsScalar() &&
                     node["protocol"].Scalar() == "kafka";
  if (!kafka && (!node.IsMap() || !node["port"])) r.error(node, path + ": \"port\" is required");
  r.read_string(node, path, "name", l.name);
  r.read_enum(node, path, "protocol", l.protocol,
              {{"udp", Protocol::kUdp},
               {"tcp", Protocol::kTcp},
               {"tls", Protocol::kTls},
               {"ndjson", Protocol::kNdjson},
               {"relp", Protocol::kRelp},
               {"kafka", Protocol::kKafka}});
  r.read_string(node, path, "address", l.address);
  r.read_u16(node, path, "port", l.port);
  r.read_enum(node, path, "format", l.format,
              {{"auto", MessageFormat::kAuto},
               {"rfc5424", MessageFormat::kRfc5424},
               {"rfc3164", MessageFormat::kRfc3164},
               {"json", MessageFormat::kJson}});
  r.read_size_bytes(node, path, "max_message_bytes", l.max_message_bytes);
  r.read_u32(node, path, "max_connections", l.max_connections);
  r.read_duration_ms(node, path, "idle_timeout", l.idle_timeout_ms);
  r.read_u32(node, path, "relp_window", l.relp_window);
  YAML::Node tls = r.child(node, path, "tls");
  if (tls.IsDefined()) read_tls(r, tls, path + ".tls", l.tls);
  read_brokers(r, node, path, l.brokers);
  r.read_string_list(node, path, "topics", l.topics);
  r.read_string(node, path, "group", l.group);
  r.read_string(node, path, "instance_id", l.instance_id);
  if (const YAML::Node props = r.child(node, path, "properties"); props.IsDefined()) {
    read_properties(r, props, path + ".properties", l.properties);
  }
  r.read_duration_ms(node, path, "revoke_timeout", l.revoke_timeout_ms);
}

void read_listeners(YamlReader& r, const YAML::Node& root, std::vector<ListenerConfig>& out) {
  YAML::Node list = r.child(root, "", "listeners");
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) {
    r.error(list, "listeners: expected a list of listeners (\"- name: ...\")");
    return;
  }
  out.clear();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    ListenerConfig listener;
    std::string path = "listeners[" + std::to_string(i) + "]";
    r.note_line(path, item);
    read_listener(r, item, path, listener);
    out.push_back(std::move(listener));
  }
}

void read_rules(YamlReader& r, const YAML::Node& n, RulesConfig& rules) {
  if (!r.expect_map(n, "rules", {"paths", "cache_dir", "reload_on_change", "reload_memory", "suspend_after"})) {
    return;
  }
  r.read_size_bytes(n, "rules", "reload_memory", rules.reload_memory_bytes);
  r.read_string_list(n, "rules", "paths", rules.paths);
  r.read_string(n, "rules", "cache_dir", rules.cache_dir);
  r.read_bool(n, "rules", "reload_on_change", rules.reload_on_change);
  const YAML::Node suspend = r.child(n, "rules", "suspend_after");
  if (suspend.IsDefined() && !suspend.IsNull() && r.expect_map(suspend, "rules.suspend_after", {"limit_hits", "within"})) {
    r.read_u32(suspend, "rules.suspend_after", "limit_hits", rules.suspend_limit_hits);
    r.read_duration_ms(suspend, "rules.suspend_after", "within", rules.suspend_within_ms);
  }
}

void read_pipeline(YamlReader& r, const YAML::Node& n, PipelineConfig& p) {
  if (!r.expect_map(n, "pipeline", {"io_threads", "workers", "queue_batches", "batch_messages",
                                    "max_pending_alerts", "max_pending_batches", "ingest_memory",
                                    "shutdown_grace"})) {
    return;
  }
  r.read_u32(n, "pipeline", "io_threads", p.io_threads);
  r.read_u32(n, "pipeline", "workers", p.workers);
  r.read_u32(n, "pipeline", "queue_batches", p.queue_batches);
  r.read_u32(n, "pipeline", "batch_messages", p.batch_messages);
  r.read_u32(n, "pipeline", "max_pending_alerts", p.max_pending_alerts);
  r.read_u32(n, "pipeline", "max_pending_batches", p.max_pending_batches);
  r.read_size_bytes(n, "pipeline", "ingest_memory", p.ingest_memory_bytes);
  r.read_duration_ms(n, "pipeline", "shutdown_grace", p.shutdown_grace_ms);
}

void read_detect(YamlReader& r, const YAML::Node& n, DetectConfig& d) {
  if (!r.expect_map(n, "detect",
                    {"default_count", "default_within", "default_resolve_after", "spread_hosts",
                     "suppression", "update_interval", "escalation_step", "forget_after",
                     "trouble_words", "max_signatures", "max_templates", "max_sessions", "snapshot_interval",
                     "state_dir", "event_time_max_ahead", "event_time_max_behind"})) {
    return;
  }
  r.read_u32(n, "detect", "default_count", d.default_count);
  r.read_duration_ms(n, "detect", "default_within", d.default_within_ms);
  r.read_duration_ms(n, "detect", "default_resolve_after", d.default_resolve_after_ms);
  r.read_u32(n, "detect", "spread_hosts", d.spread_hosts);
  r.read_duration_ms(n, "detect", "suppression", d.suppression_ms);
  r.read_duration_ms(n, "detect", "update_interval", d.update_interval_ms);
  r.read_u32(n, "detect", "escalation_step", d.escalation_step);
  r.read_duration_ms(n, "detect", "forget_after", d.forget_after_ms);
  r.read_string_list(n, "detect", "trouble_words", d.trouble_words);
  r.read_u64(n, "detect", "max_signatures", d.max_signatures);
  r.read_u64(n, "detect", "max_templates", d.max_templates);
  r.read_u64(n, "detect", "max_sessions", d.max_sessions);
  r.read_duration_ms(n, "detect", "snapshot_interval", d.snapshot_interval_ms);
  r.read_string(n, "detect", "state_dir", d.state_dir);
  r.read_duration_ms(n, "detect", "event_time_max_ahead", d.event_time_max_ahead_ms);
  r.read_duration_ms(n, "detect", "event_time_max_behind", d.event_time_max_behind_ms);
}

void read_trend(YamlReader& r, const YAML::Node& n, TrendConfig& t) {
  if (!r.expect_map(n, "trend", {"enabled", "max_series", "warmup_days", "forecast_horizon_days", "thresholds"})) return;
  r.read_bool(n, "trend", "enabled", t.enabled);
  r.read_u64(n, "trend", "max_series", t.max_series);
  r.read_u32(n, "trend", "warmup_days", t.warmup_days);
  r.read_u32(n, "trend", "forecast_horizon_days", t.forecast_horizon_days);
  const YAML::Node list = r.child(n, "trend", "thresholds");
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) {
    r.error(list, "trend.thresholds: expected a list of {series, key, daily_count}");
    return;
  }
  t.thresholds.clear();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = "trend.thresholds[" + std::to_string(i) + "]";
    TrendThresholdConfig th;
    if (!r.expect_map(list[i], path, {"series", "key", "daily_count"})) continue;
    r.read_string(list[i], path, "series", th.series);
    r.read_string(list[i], path, "key", th.key);
    r.read_u64(list[i], path, "daily_count", th.daily_count);
    if (th.series != "signature" && th.series != "host" && th.series != "listener" && th.series != "service") {
      r.error(list[i], path + ".series: expected signature, host, listener or service, got \"" + th.series + "\"");
    }
    t.thresholds.push_back(std::move(th));
  }
}

void read_json(YamlReader& r, const YAML::Node& n, JsonFieldsConfig& j) {
  if (!r.expect_map(n, "json", {"message", "timestamp", "host", "app", "procid", "severity"})) {
    return;
  }
  r.read_string_list(n, "json", "message", j.message);
  r.read_string_list(n, "json", "timestamp", j.timestamp);
  r.read_string_list(n, "json", "host", j.host);
  r.read_string_list(n, "json", "app", j.app);
  r.read_string_list(n, "json", "procid", j.procid);
  r.read_string_list(n, "json", "severity", j.severity);
}

void read_emit(YamlReader& r, const YAML::Node& n, EmitConfig& e) {
  if (!r.expect_map(n, "emit",
                    {"dir", "max_alerts", "max_bytes", "max_age", "retention_bytes",
                     "compression_level", "producer_id", "spool_dir", "stop_grace"})) {
    return;
  }
  r.read_string(n, "emit", "dir", e.dir);
  r.read_u32(n, "emit", "max_alerts", e.max_alerts);
  r.read_size_bytes(n, "emit", "max_bytes", e.max_bytes);
  r.read_duration_ms(n, "emit", "max_age", e.max_age_ms);
  r.read_size_bytes(n, "emit", "retention_bytes", e.retention_bytes);
  r.read_i32(n, "emit", "compression_level", e.compression_level);
  r.read_string(n, "emit", "producer_id", e.producer_id);
  r.read_string(n, "emit", "spool_dir", e.spool_dir);
  r.read_duration_ms(n, "emit", "stop_grace", e.stop_grace_ms);
}

void read_metrics(YamlReader& r, const YAML::Node& n, MetricsConfig& m) {
  if (!r.expect_map(n, "metrics", {"enabled", "address", "port"})) return;
  r.read_bool(n, "metrics", "enabled", m.enabled);
  r.read_string(n, "metrics", "address", m.address);
  r.read_u16(n, "metrics", "port", m.port);
}

void read_log(YamlReader& r, const YAML::Node& n, LogConfig& l) {
  if (!r.expect_map(n, "log", {"level", "rate_limit"})) return;
  r.read_enum(n, "log", "level", l.level,
              {{"debug", LogLevel::kDebug},
               {"info", LogLevel::kInfo},
               {"warn", LogLevel::kWarn},
               {"error", LogLevel::kError}});
  r.read_u32(n, "log", "rate_limit", l.rate_limit_per_s);
}

// Each section's node is passed straight to its reader: never assign one yaml-cpp Node variable
// to another, which rebinds the node inside the document instead of the variable.
void read_sections(YamlReader& r, const YAML::Node& root, DaemonConfig& c) {
  read_listeners(r, root, c.listeners);
  read_rules(r, r.child(root, "", "rules"), c.rules);
  read_pipeline(r, r.child(root, "", "pipeline"), c.pipeline);
  read_detect(r, r.child(root, "", "detect"), c.detect);
  read_trend(r, r.child(root, "", "trend"), c.trend);
  read_enrich(r, r.child(root, "", "enrich"), c.enrich);
  read_changes(r, r.child(root, "", "changes"), c.changes);
  read_sla(r, r.child(root, "", "sla"), c.sla);
  read_json(r, r.child(root, "", "json"), c.json);
  const YAML::Node parse = r.child(root, "", "parse");
  if (r.expect_map(parse, "parse", {"default_timezone_offset"})) {
    r.read_utc_offset_s(parse, "parse", "default_timezone_offset", c.parse.default_utc_offset_s);
  }
  read_emit(r, r.child(root, "", "emit"), c.emit);
  read_sinks(r, root, c.sinks);
  read_metrics(r, r.child(root, "", "metrics"), c.metrics);
  read_log(r, r.child(root, "", "log"), c.log);
  read_cluster(r, r.child(root, "", "cluster"), c.cluster);
}

Expected<DaemonConfig, ConfigErrors> parse_with_lines(std::string_view yaml_text,
                                                      std::string_view file_name,
                                                      KeyLines& lines) {
  ConfigErrors errors;
  YAML::Node root;
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(yaml_text));
    if (docs.size() > 1) {
      errors.push_back(std::string(file_name) + ": expected one YAML document, found " +
                       std::to_string(docs.size()));
      return Unexpected{std::move(errors)};
    }
    if (!docs.empty()) root = docs.front();
  } catch (const YAML::Exception& e) {
    errors.push_back(std::string(file_name) + ":" + std::to_string(e.mark.line + 1) + ": " +
                     e.msg);
    return Unexpected{std::move(errors)};
  }
  DaemonConfig config;
  YamlReader reader(file_name, errors, lines);
  try {
    if (reader.expect_map(root, "",
                          {"listeners", "rules", "pipeline", "detect", "trend", "json", "parse", "emit",
                           "sinks", "metrics", "log", "enrich", "cluster", "changes", "sla"})) {
      read_sections(reader, root, config);
    }
  } catch (const YAML::Exception& e) {
    // yaml-cpp throws on shapes the reader did not anticipate; report rather than crash.
    errors.push_back(std::string(file_name) + ":" + std::to_string(e.mark.line + 1) + ": " +
                     e.msg);
  }
  if (!errors.empty()) return Unexpected{std::move(errors)};
  return config;
}

// "listeners[1].tls.cert" -> "listeners[1].tls" -> "listeners[1]" -> "listeners" -> "".
std::string parent_path(const std::string& path) {
  std::size_t cut = path.find_last_of(".[");
  return cut == std::string::npos ? std::string() : path.substr(0, cut);
}

}  // namespace

Expected<DaemonConfig, ConfigErrors> parse_config(std::string_view yaml_text,
                                                  std::string_view file_name) {
  KeyLines lines;
  return parse_with_lines(yaml_text, file_name, lines);
}

Expected<DaemonConfig, ConfigErrors> load_config(std::string_view yaml_text,
                                                 std::string_view file_name) {
  KeyLines lines;
  auto parsed = parse_with_lines(yaml_text, file_name, lines);
  if (!parsed) return parsed;
  std::vector<std::string> problems = validate(*parsed);
  if (problems.empty()) return parsed;
  ConfigErrors errors;
  for (const std::string& problem : problems) {
    std::string path = problem.substr(0, problem.find(": "));
    std::string located(file_name);
    for (std::string p = path; !p.empty(); p = parent_path(p)) {
      auto it = lines.find(p);
      if (it != lines.end()) {
        located += ':';
        located += std::to_string(it->second);
        break;
      }
    }
    errors.push_back(located + ": " + problem);
  }
  return Unexpected{std::move(errors)};
}

DaemonConfig default_config() {
  auto loaded = load_config(default_config_yaml(), "<default>");
  if (!loaded) {
    std::fputs("logsift: the embedded default configuration does not load:\n", stderr);
    for (const std::string& e : loaded.error()) std::fprintf(stderr, "  %s\n", e.c_str());
    std::abort();
  }
  return std::move(loaded).value();
}

}  // namespace logsift::config
