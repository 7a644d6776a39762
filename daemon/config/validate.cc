// Semantic checks on a DaemonConfig, and the names of its enums.
#include <arpa/inet.h>

#include <map>
#include <set>
#include <tuple>

#include "daemon/config/cluster_section.h"
#include "daemon/config/load.h"
#include "daemon/config/sink_sections.h"
#include "parsers/json.h"

namespace logsift::config {

std::string_view to_string(Protocol p) {
  switch (p) {
    case Protocol::kUdp: return "udp";
    case Protocol::kTcp: return "tcp";
    case Protocol::kTls: return "tls";
    case Protocol::kNdjson: return "ndjson";
    case Protocol::kRelp: return "relp";
    case Protocol::kKafka: return "kafka";
  }
  return "unknown";
}

std::string_view to_string(MessageFormat f) {
  switch (f) {
    case MessageFormat::kAuto: return "auto";
    case MessageFormat::kRfc5424: return "rfc5424";
    case MessageFormat::kRfc3164: return "rfc3164";
    case MessageFormat::kJson: return "json";
  }
  return "unknown";
}

std::string_view to_string(TlsVersion v) {
  return v == TlsVersion::kTls13 ? "1.3" : "1.2";
}

std::string_view to_string(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "unknown";
}

namespace {

class Problems {
 public:
  void add(const std::string& path, const std::string& message) {
    out_.push_back(path + ": " + message);
  }
  template <typename T>
  void range(const std::string& path, T value, T min, T max) {
    if (value < min || value > max) {
      add(path, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", got " + std::to_string(value));
    }
  }
  std::vector<std::string> take() { return std::move(out_); }

 private:
  std::vector<std::string> out_;
};

bool is_ip_literal(const std::string& address) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, address.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, address.c_str(), buffer) == 1;
}

bool is_listener_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

void check_kafka_listener(Problems& p, const ListenerConfig& l, const std::string& path) {
  if (l.brokers.empty()) p.add(path + ".brokers", "a kafka listener needs brokers (\"host:port\" list)");
  if (l.topics.empty()) p.add(path + ".topics", "a kafka listener needs at least one topic");
  for (std::size_t i = 0; i < l.topics.size(); ++i) {
    if (l.topics[i].empty()) p.add(path + ".topics[" + std::to_string(i) + "]", "empty topic name");
  }
  if (l.group.empty()) p.add(path + ".group", "a kafka listener needs a consumer group id");
  p.range<std::int64_t>(path + ".revoke_timeout", l.revoke_timeout_ms, 100, 3600 * 1000);
  for (const auto& [name, value] : l.properties) {
    if (name == "enable.auto.commit" || name == "enable.auto.offset.store") {
      p.add(path + ".properties." + name, "is refused: offsets are committed only once the records are durable");
    } else if (name == "bootstrap.servers" || name == "metadata.broker.list") {
      p.add(path + ".properties." + name, "is set by \"brokers\"");
    } else if (name == "group.id") {
      p.add(path + ".properties." + name, "is set by \"group\"");
    }
  }
}

void check_listener(Problems& p, const ListenerConfig& l, const std::string& path) {
  if (!is_listener_name(l.name)) {
    p.add(path + ".name", l.name.empty() ? "a name is required"
                                         : "\"" + l.name + "\" must be 1-64 of [A-Za-z0-9_.-]");
  }
  if (l.protocol == Protocol::kKafka) {
    check_kafka_listener(p, l, path);
  } else if (!l.brokers.empty() || !l.topics.empty() || !l.group.empty() || !l.instance_id.empty() ||
             !l.properties.empty()) {
    p.add(path, "brokers, topics, group, instance_id and properties are only allowed on a kafka listener");
  }
  if (!is_ip_literal(l.address)) {
    p.add(path + ".address", "\"" + l.address + "\" is not an IPv4 or IPv6 address");
  }
  p.range<std::uint64_t>(path + ".max_message_bytes", l.max_message_bytes, 256, 64ull << 20);
  p.range<std::uint32_t>(path + ".max_connections", l.max_connections, 1, 1000000);
  p.range<std::int64_t>(path + ".idle_timeout", l.idle_timeout_ms, 1000, kDayMs);
  if (l.protocol == Protocol::kNdjson && l.format != MessageFormat::kAuto &&
      l.format != MessageFormat::kJson) {
    p.add(path + ".format", "an ndjson listener reads JSON: use auto or json");
  }
  p.range<std::uint32_t>(path + ".relp_window", l.relp_window, 1, 1000000);
  if (l.protocol != Protocol::kRelp && l.relp_window != ListenerConfig{}.relp_window) {
    p.add(path + ".relp_window", "relp_window is only allowed on a relp listener");
  }
  const TlsConfig& t = l.tls;
  if (l.protocol == Protocol::kRelp && t != TlsConfig{}) {
    if (t.cert_file.empty()) p.add(path + ".tls.cert", "relp over tls needs a certificate file");
    if (t.key_file.empty()) p.add(path + ".tls.key", "relp over tls needs a private key file");
    if (t.verify_client && t.ca_file.empty()) {
      p.add(path + ".tls.ca", "verify_client needs a CA file to verify against");
    }
  } else if (l.protocol == Protocol::kTls) {
    if (t.cert_file.empty()) p.add(path + ".tls.cert", "a tls listener needs a certificate file");
    if (t.key_file.empty()) p.add(path + ".tls.key", "a tls listener needs a private key file");
    if (t.verify_client && t.ca_file.empty()) {
      p.add(path + ".tls.ca", "verify_client needs a CA file to verify against");
    }
  } else if (t != TlsConfig{}) {
    p.add(path + ".tls", "tls settings are only allowed on a tls or relp listener, this one is " +
                             std::string(to_string(l.protocol)));
  }
}

// Two sockets of one transport on one address:port cannot both bind. Port 0 never collides.
void check_sockets(Problems& p, const DaemonConfig& c) {
  std::map<std::tuple<bool, std::string, std::uint16_t>, std::string> taken;
  auto claim = [&](bool udp, const std::string& address, std::uint16_t port,
                   const std::string& path) {
    if (port == 0) return;
    auto [it, inserted] = taken.emplace(std::tuple{udp, address, port}, path);
    if (!inserted) {
      p.add(path + ".port", std::string(udp ? "UDP" : "TCP") + " " + address + ":" +
                                std::to_string(port) + " is already used by " + it->second);
    }
  };
  // Metrics first, so a clash is reported at the listener, which is the one in the file.
  if (c.metrics.enabled) claim(false, c.metrics.address, c.metrics.port, "metrics");
  for (std::size_t i = 0; i < c.listeners.size(); ++i) {
    const ListenerConfig& l = c.listeners[i];
    claim(l.protocol == Protocol::kUdp, l.address, l.port, "listeners[" + std::to_string(i) + "]");
  }
}

}  // namespace

std::vector<std::string> validate(const DaemonConfig& c) {
  Problems p;
  // A detect node reads Kafka instead (validate_cluster).
  if (c.listeners.empty() && c.cluster.role != ClusterRole::kDetect) p.add("listeners", "at least one listener is required");
  std::map<std::string, std::size_t> names;
  for (std::size_t i = 0; i < c.listeners.size(); ++i) {
    std::string path = "listeners[" + std::to_string(i) + "]";
    check_listener(p, c.listeners[i], path);
    auto [it, inserted] = names.emplace(c.listeners[i].name, i);
    if (!inserted && !c.listeners[i].name.empty()) {
      p.add(path + ".name", "\"" + c.listeners[i].name + "\" is already the name of listeners[" +
                                std::to_string(it->second) + "]");
    }
  }
  check_sockets(p, c);

  for (std::size_t i = 0; i < c.rules.paths.size(); ++i) {
    if (c.rules.paths[i].empty()) p.add("rules.paths[" + std::to_string(i) + "]", "empty path");
  }

  p.range<std::uint32_t>("pipeline.io_threads", c.pipeline.io_threads, 1, 64);
  p.range<std::uint32_t>("pipeline.workers", c.pipeline.workers, 0, 1024);
  p.range<std::uint32_t>("pipeline.queue_batches", c.pipeline.queue_batches, 1, 65536);
  p.range<std::uint32_t>("pipeline.batch_messages", c.pipeline.batch_messages, 1, 1 << 20);
  p.range<std::uint32_t>("pipeline.max_pending_alerts", c.pipeline.max_pending_alerts, 1, 1u << 30);
  p.range<std::uint32_t>("pipeline.max_pending_batches", c.pipeline.max_pending_batches, 1, 1u << 20);
  p.range<std::uint64_t>("rules.reload_memory", c.rules.reload_memory_bytes, 16ull << 20, 1ull << 42);
  p.range<std::uint32_t>("rules.suspend_after.limit_hits", c.rules.suspend_limit_hits, 0, 1u << 30);
  p.range<std::int64_t>("rules.suspend_after.within", c.rules.suspend_within_ms, 1000, kDayMs);
  p.range<std::uint64_t>("pipeline.ingest_memory", c.pipeline.ingest_memory_bytes, 1ull << 20, 1ull << 40);
  p.range<std::int64_t>("pipeline.shutdown_grace", c.pipeline.shutdown_grace_ms, 0, 10 * 60 * 1000);

  const DetectConfig& d = c.detect;
  p.range<std::uint32_t>("detect.default_count", d.default_count, 1, 1000000);
  p.range<std::int64_t>("detect.default_within", d.default_within_ms, 1000, 30 * kDayMs);
  p.range<std::int64_t>("detect.default_resolve_after", d.default_resolve_after_ms, 1000,
                        30 * kDayMs);
  p.range<std::uint32_t>("detect.spread_hosts", d.spread_hosts, 1, 1000000);
  p.range<std::int64_t>("detect.suppression", d.suppression_ms, 0, kDayMs);
  p.range<std::int64_t>("detect.update_interval", d.update_interval_ms, 0, kDayMs);
  p.range<std::int64_t>("detect.forget_after", d.forget_after_ms, 60 * 1000, 365 * kDayMs);
  for (std::size_t i = 0; i < d.trouble_words.size(); ++i) {
    if (d.trouble_words[i].empty()) p.add("detect.trouble_words[" + std::to_string(i) + "]", "empty word");
  }
  p.range<std::uint64_t>("detect.max_signatures", d.max_signatures, 1, 100000000);
  p.range<std::uint64_t>("detect.max_templates", d.max_templates, 1, 10000000);
  p.range<std::uint64_t>("detect.max_sessions", d.max_sessions, 1, 10000000);
  p.range<std::int64_t>("detect.snapshot_interval", d.snapshot_interval_ms, 0, kDayMs);
  if (d.snapshot_interval_ms != 0 && d.snapshot_interval_ms < 1000) {
    p.add("detect.snapshot_interval", "must be 0 (shutdown only) or at least 1s");
  }
  if (d.state_dir.empty()) p.add("detect.state_dir", "a folder is required");
  for (const auto& l : c.listeners) {
    if (l.protocol == Protocol::kKafka && d.snapshot_interval_ms == 0) {
      p.add("detect.snapshot_interval", "must not be 0 with a kafka listener (\"" + l.name +
                                            "\"): its offsets are committed after each snapshot");
      break;
    }
  }
  p.range<std::int64_t>("detect.event_time_max_ahead", d.event_time_max_ahead_ms, 0, 365 * kDayMs);
  p.range<std::int64_t>("detect.event_time_max_behind", d.event_time_max_behind_ms, 0, 365 * kDayMs);

  // The JSON field map, checked as the parser will see it (it ignores what it cannot use).
  std::size_t json_paths = 0;
  for (const auto& [name, paths] : {std::pair{"message", &c.json.message}, std::pair{"timestamp", &c.json.timestamp},
                                    std::pair{"host", &c.json.host}, std::pair{"app", &c.json.app},
                                    std::pair{"procid", &c.json.procid}, std::pair{"severity", &c.json.severity}}) {
    parsers::JsonFieldMap one;
    one.message = *paths;
    if (parsers::validate_json_field_map(one) == parsers::JsonMapError::kEmptyPath) {
      p.add(std::string("json.") + name, "a path is empty or has an empty segment (\"a..b\", \".a\", \"a.\")");
    }
    json_paths += paths->size();
  }
  if (json_paths > parsers::kMaxJsonPaths) {
    p.add("json", "at most " + std::to_string(parsers::kMaxJsonPaths) + " paths in all, got " + std::to_string(json_paths));
  }

  const EmitConfig& e = c.emit;
  if (e.dir.empty()) p.add("emit.dir", "a folder is required");
  p.range<std::uint32_t>("emit.max_alerts", e.max_alerts, 1, 1000000);
  p.range<std::uint64_t>("emit.max_bytes", e.max_bytes, 1024, 256ull << 20);
  p.range<std::int64_t>("emit.max_age", e.max_age_ms, 10, 3600 * 1000);
  if (e.retention_bytes != 0 && e.retention_bytes < e.max_bytes) {
    p.add("emit.retention_bytes", "must be 0 (keep all) or at least emit.max_bytes");
  }
  p.range<std::int32_t>("emit.compression_level", e.compression_level, 1, 19);

  if (c.metrics.enabled && !is_ip_literal(c.metrics.address)) {
    p.add("metrics.address", "\"" + c.metrics.address + "\" is not an IPv4 or IPv6 address");
  }
  p.range<std::uint32_t>("log.rate_limit", c.log.rate_limit_per_s, 0, 1000000);
  std::vector<std::string> problems = p.take();
  validate_sinks(c.sinks, problems);
  validate_cluster(c, problems);
  return problems;
}

}  // namespace logsift::config
