#include "daemon/app/settings.h"

#include <algorithm>

namespace logsift::app {

std::vector<ingest::ListenerConfig> listener_configs(const config::DaemonConfig& config) {
  std::vector<ingest::ListenerConfig> out;
  for (const auto& l : config.listeners) {
    ingest::ListenerConfig c;
    switch (l.protocol) {
      case config::Protocol::kUdp: c.protocol = ingest::Protocol::kUdp; break;
      case config::Protocol::kTcp: c.protocol = ingest::Protocol::kTcp; break;
      case config::Protocol::kTls: c.protocol = ingest::Protocol::kTls; break;
      case config::Protocol::kNdjson: c.protocol = ingest::Protocol::kNdjson; break;
      case config::Protocol::kRelp: c.protocol = ingest::Protocol::kRelp; break;
      case config::Protocol::kKafka: c.protocol = ingest::Protocol::kKafka; break;
    }
    switch (l.format) {
      case config::MessageFormat::kAuto: c.format = ingest::MessageFormat::kAuto; break;
      case config::MessageFormat::kRfc5424: c.format = ingest::MessageFormat::kRfc5424; break;
      case config::MessageFormat::kRfc3164: c.format = ingest::MessageFormat::kRfc3164; break;
      case config::MessageFormat::kJson: c.format = ingest::MessageFormat::kJson; break;
    }
    c.address = l.address;
    c.port = l.port;
    c.max_message_bytes = l.max_message_bytes;
    c.max_connections = l.max_connections;
    c.relp_window = l.relp_window;
    c.idle_timeout_ms = static_cast<std::uint32_t>(std::min<std::int64_t>(l.idle_timeout_ms, UINT32_MAX));
    c.tls.cert_file = l.tls.cert_file;
    c.tls.key_file = l.tls.key_file;
    c.tls.ca_file = l.tls.ca_file;
    c.tls.verify_client = l.tls.verify_client;
    c.tls.min_version = l.tls.min_version == config::TlsVersion::kTls13 ? "1.3" : "1.2";
    c.tls.handshake_timeout_ms = static_cast<std::uint32_t>(std::min<std::int64_t>(l.tls.handshake_timeout_ms, UINT32_MAX));
    c.kafka.brokers = l.brokers;
    c.kafka.topics = l.topics;
    c.kafka.group = l.group;
    c.kafka.instance_id = l.instance_id;
    c.kafka.properties = l.properties;
    c.kafka.revoke_timeout_ms = static_cast<std::uint32_t>(std::min<std::int64_t>(l.revoke_timeout_ms, UINT32_MAX));
    c.kafka.poll_records = std::max<std::uint32_t>(config.pipeline.batch_messages, 1);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<parsers::ExpectedFormat> listener_formats(const config::DaemonConfig& config) {
  std::vector<parsers::ExpectedFormat> out;
  for (const auto& l : listener_configs(config)) {
    out.push_back(l.protocol == ingest::Protocol::kNdjson ? parsers::ExpectedFormat::kJson : l.format);
  }
  return out;
}

detect::DetectOptions detect_options(const config::DaemonConfig& config) {
  detect::DetectOptions o;
  o.default_count = config.detect.default_count;
  o.default_within_ms = config.detect.default_within_ms;
  o.default_resolve_after_ms = config.detect.default_resolve_after_ms;
  o.default_spread_hosts = config.detect.spread_hosts;
  o.suppression_ms = config.detect.suppression_ms;
  o.update_interval_ms = config.detect.update_interval_ms;
  o.escalation_step = config.detect.escalation_step;
  o.forget_after_ms = config.detect.forget_after_ms;
  if (!config.detect.trouble_words.empty()) o.trouble_words = config.detect.trouble_words;
  o.max_event_ahead_ms = config.detect.event_time_max_ahead_ms;
  o.max_event_behind_ms = config.detect.event_time_max_behind_ms;
  o.max_signatures = config.detect.max_signatures;
  o.miner.max_templates = config.detect.max_templates;
  o.tier_severity_raise = config.enrich.tier_severity_raise;
  o.max_sessions = config.detect.max_sessions;
  for (const auto& row : config.sla.response) {
    detect::SlaTarget t;
    t.severity = row.severity == "informational" ? rules::Severity::kInformational
                 : row.severity == "low"         ? rules::Severity::kLow
                 : row.severity == "high"        ? rules::Severity::kHigh
                 : row.severity == "critical"    ? rules::Severity::kCritical
                                                 : rules::Severity::kMedium;
    t.tier = row.tier == "*" ? std::string() : row.tier;
    t.response_ms = row.response_ms;
    o.sla_response.push_back(std::move(t));
  }
  return o;
}

trend::TrendOptions trend_options(const config::DaemonConfig& config) {
  trend::TrendOptions o;
  o.max_series = static_cast<std::size_t>(config.trend.max_series);
  o.warmup_days = static_cast<int>(config.trend.warmup_days);
  o.forecast_horizon_days = static_cast<int>(config.trend.forecast_horizon_days);
  for (const auto& t : config.trend.thresholds) {
    trend::ForecastThreshold f;
    f.kind = t.series == "signature" ? trend::SeriesKind::kSignature
             : t.series == "listener" ? trend::SeriesKind::kListener
             : t.series == "service"  ? trend::SeriesKind::kService
                                      : trend::SeriesKind::kHost;
    f.key_pattern = t.key;
    f.daily_count = static_cast<double>(t.daily_count);
    o.thresholds.push_back(std::move(f));
  }
  return o;
}

parsers::ParseOptions parse_options(const config::DaemonConfig& config) {
  parsers::ParseOptions o;
  o.default_utc_offset_s = config.parse.default_utc_offset_s;
  o.json_fields.default_utc_offset_s = config.parse.default_utc_offset_s;
  auto override_paths = [](std::vector<std::string>& target, const std::vector<std::string>& configured) {
    if (!configured.empty()) target = configured;
  };
  override_paths(o.json_fields.message, config.json.message);
  override_paths(o.json_fields.time, config.json.timestamp);
  override_paths(o.json_fields.host, config.json.host);
  override_paths(o.json_fields.app, config.json.app);
  override_paths(o.json_fields.procid, config.json.procid);
  override_paths(o.json_fields.severity, config.json.severity);
  return o;
}

emit::BatchOptions batch_options(const config::DaemonConfig& config, const std::string& default_producer) {
  emit::BatchOptions o;
  o.max_alerts = config.emit.max_alerts;
  o.max_bytes = config.emit.max_bytes;
  o.max_age_ms = config.emit.max_age_ms;
  o.compression_level = config.emit.compression_level;
  o.producer_id = config.emit.producer_id.empty() ? default_producer : config.emit.producer_id;
  return o;
}

ingest::BatchLimits batch_limits(const config::DaemonConfig& config) {
  std::size_t largest = 0;
  for (const auto& l : config.listeners) largest = std::max<std::size_t>(largest, l.max_message_bytes);
  ingest::BatchLimits limits;
  limits.max_messages = std::max<std::size_t>(config.pipeline.batch_messages, 1);
  // Each busy stream connection fills a batch of its own, so batches stay small enough that a
  // thousand senders do not pin a gigabyte: at most 256 KiB unless messages need more.
  constexpr std::size_t kCapBytes = 256 * 1024;
  const std::size_t typical = std::min(limits.max_messages * (512 + ingest::kPadding), kCapBytes);
  limits.max_bytes = std::max(typical, 2 * (largest + ingest::kPadding));
  return limits;
}

std::size_t worker_count(const config::DaemonConfig& config, unsigned hardware_threads) {
  if (config.pipeline.workers > 0) return config.pipeline.workers;
  const unsigned cores = std::max(hardware_threads, 1u);
  return cores > config.pipeline.io_threads ? cores - config.pipeline.io_threads : 1;
}

}  // namespace logsift::app
