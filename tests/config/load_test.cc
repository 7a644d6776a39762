#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "daemon/config/load.h"

using namespace logsift::config;

namespace {

constexpr std::string_view kMinimal = R"(listeners:
  - name: udp
    protocol: udp
    port: 5514
)";

// The one error of a text that should fail with exactly one.
std::string only_error(std::string_view yaml) {
  auto r = load_config(yaml, "test.yaml");
  REQUIRE_FALSE(r.has_value());
  INFO(r.error().front());
  REQUIRE(r.error().size() == 1);
  return r.error().front();
}

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the embedded default parses, validates and serves a first run", "[config]") {
  auto loaded = load_config(default_config_yaml(), "<default>");
  if (!loaded) {
    for (const auto& e : loaded.error()) UNSCOPED_INFO(e);
  }
  REQUIRE(loaded.has_value());
  const DaemonConfig& c = *loaded;
  REQUIRE(c.listeners.size() == 3);
  CHECK(c.listeners[0].protocol == Protocol::kUdp);
  CHECK(c.listeners[0].address == "127.0.0.1");
  CHECK(c.listeners[0].port == 5514);
  CHECK(c.listeners[1].protocol == Protocol::kTcp);
  CHECK(c.listeners[1].port == 5514);
  CHECK(c.listeners[2].protocol == Protocol::kNdjson);
  CHECK(c.listeners[2].port == 5515);
  CHECK(c.listeners[2].format == MessageFormat::kJson);
  CHECK(c.metrics.enabled);
  CHECK(c.metrics.address == "127.0.0.1");
  CHECK(c.metrics.port == 9514);
  CHECK(c.rules.paths.empty());
  CHECK(c.emit.dir == "./logsift-data/alerts");
  CHECK(c.detect.state_dir == "./logsift-data/state");
  CHECK(default_config() == c);
}

TEST_CASE("the embedded default states the same values as DaemonConfig's defaults", "[config]") {
  // Everything but the listeners (which have no implicit default) must agree, so the printed
  // default tells the truth about keys a config file leaves out.
  DaemonConfig from_text = default_config();
  DaemonConfig from_struct;
  from_struct.listeners = from_text.listeners;
  CHECK(from_text == from_struct);
  ListenerConfig plain;
  for (const ListenerConfig& l : from_text.listeners) {
    CHECK(l.max_message_bytes == plain.max_message_bytes);
    CHECK(l.max_connections == plain.max_connections);
    CHECK(l.idle_timeout_ms == plain.idle_timeout_ms);
  }
}

TEST_CASE("keys left out keep their defaults", "[config]") {
  auto r = load_config(kMinimal, "min.yaml");
  REQUIRE(r.has_value());
  DaemonConfig expected;
  ListenerConfig l;
  l.name = "udp";
  l.protocol = Protocol::kUdp;
  l.port = 5514;
  expected.listeners = {l};
  CHECK(*r == expected);
  CHECK(r->detect.default_count == 5);
  CHECK(r->detect.default_within_ms == 600000);
  CHECK(r->detect.default_resolve_after_ms == 1800000);
  CHECK(r->emit.max_bytes == 1048576);
  CHECK(r->emit.retention_bytes == 1073741824);
  CHECK(r->log.level == LogLevel::kInfo);
}

TEST_CASE("every section is read into its fields", "[config]") {
  constexpr std::string_view kFull = R"(
listeners:
  - name: tls-in
    protocol: tls
    address: "::"
    port: 6514
    format: rfc5424
    max_message_bytes: 128KiB
    max_connections: 10
    idle_timeout: 1h30m
    tls: { cert: /c.pem, key: /k.pem, ca: /ca.pem, verify_client: true, min_version: "1.3" }
rules: { paths: [/etc/logsift/rules.d, /opt/r.yaml], cache_dir: "" }
pipeline: { io_threads: 2, workers: 6, queue_batches: 8, batch_messages: 256 }
detect:
  default_count: 3
  default_within: 5m
  default_resolve_after: 2h
  spread_hosts: 4
  suppression: 30s
  max_signatures: 5000
  max_templates: 500
  max_sessions: 700
  snapshot_interval: 0
  state_dir: /var/lib/logsift/state
json: { message: [msg, log.message], host: host.name }
parse: { default_timezone_offset: "+02:00" }
emit:
  dir: /var/lib/logsift/alerts
  max_alerts: 50
  max_bytes: 64KiB
  max_age: 250ms
  retention_bytes: 0
  compression_level: 9
  producer_id: edge-1
metrics: { enabled: false, address: 0.0.0.0, port: 0 }
log: { level: debug, rate_limit: 0 }
)";
  auto r = load_config(kFull, "full.yaml");
  if (!r) {
    for (const auto& e : r.error()) UNSCOPED_INFO(e);
  }
  REQUIRE(r.has_value());
  const ListenerConfig& l = r->listeners.at(0);
  CHECK(l.protocol == Protocol::kTls);
  CHECK(l.address == "::");
  CHECK(l.format == MessageFormat::kRfc5424);
  CHECK(l.max_message_bytes == 131072);
  CHECK(l.max_connections == 10);
  CHECK(l.idle_timeout_ms == 5400000);
  CHECK(l.tls.cert_file == "/c.pem");
  CHECK(l.tls.key_file == "/k.pem");
  CHECK(l.tls.ca_file == "/ca.pem");
  CHECK(l.tls.verify_client);
  CHECK(l.tls.min_version == TlsVersion::kTls13);
  CHECK(r->rules.paths == std::vector<std::string>{"/etc/logsift/rules.d", "/opt/r.yaml"});
  CHECK(r->rules.cache_dir.empty());
  CHECK(r->pipeline.io_threads == 2);
  CHECK(r->pipeline.workers == 6);
  CHECK(r->pipeline.queue_batches == 8);
  CHECK(r->pipeline.batch_messages == 256);
  CHECK(r->detect.default_count == 3);
  CHECK(r->detect.default_within_ms == 300000);
  CHECK(r->detect.default_resolve_after_ms == 7200000);
  CHECK(r->detect.spread_hosts == 4);
  CHECK(r->detect.suppression_ms == 30000);
  CHECK(r->detect.max_signatures == 5000);
  CHECK(r->detect.max_templates == 500);
  CHECK(r->detect.max_sessions == 700);
  CHECK(r->detect.snapshot_interval_ms == 0);
  CHECK(r->detect.state_dir == "/var/lib/logsift/state");
  CHECK(r->json.message == std::vector<std::string>{"msg", "log.message"});
  CHECK(r->json.host == std::vector<std::string>{"host.name"});
  CHECK(r->json.app.empty());
  CHECK(r->parse.default_utc_offset_s == 7200);
  CHECK(r->emit.dir == "/var/lib/logsift/alerts");
  CHECK(r->emit.max_alerts == 50);
  CHECK(r->emit.max_bytes == 65536);
  CHECK(r->emit.max_age_ms == 250);
  CHECK(r->emit.retention_bytes == 0);
  CHECK(r->emit.compression_level == 9);
  CHECK(r->emit.producer_id == "edge-1");
  CHECK_FALSE(r->metrics.enabled);
  CHECK(r->metrics.address == "0.0.0.0");
  CHECK(r->metrics.port == 0);
  CHECK(r->log.level == LogLevel::kDebug);
  CHECK(r->log.rate_limit_per_s == 0);
}

TEST_CASE("YAML syntax errors name file and line", "[config]") {
  std::string e = only_error("listeners:\n  - name: a\n    port: [1, 2\n");
  CHECK(contains(e, "test.yaml:"));
  CHECK_FALSE(contains(e, "test.yaml:1:"));
}

TEST_CASE("unknown keys are rejected with their line", "[config]") {
  std::string e = only_error(std::string(kMinimal) + "detect:\n  default_cuont: 3\n");
  CHECK(contains(e, "test.yaml:6: unknown key \"detect.default_cuont\""));
  CHECK(contains(e, "default_count"));  // the message lists what is allowed

  e = only_error(std::string(kMinimal) + "    colour: blue\n");
  CHECK(contains(e, "test.yaml:5: unknown key \"listeners[0].colour\""));

  e = only_error(std::string(kMinimal) + "metric:\n  port: 1\n");
  CHECK(contains(e, "test.yaml:5: unknown key \"metric\""));
}

TEST_CASE("duplicate keys are rejected", "[config]") {
  std::string e = only_error(std::string(kMinimal) + "log:\n  level: warn\n  level: error\n");
  CHECK(contains(e, "test.yaml:7: duplicate key \"log.level\""));
}

TEST_CASE("wrong value types and malformed values name the key and line", "[config]") {
  auto with = [](std::string_view tail) { return std::string(kMinimal) + std::string(tail); };
  CHECK(contains(only_error(with("pipeline:\n  workers: many\n")),
                 "test.yaml:6: pipeline.workers: expected a whole number"));
  CHECK(contains(only_error(with("pipeline:\n  workers: -1\n")),
                 "test.yaml:6: pipeline.workers: expected a whole number"));
  CHECK(contains(only_error(with("metrics:\n  port: 70000\n")),
                 "test.yaml:6: metrics.port: 70000 is larger than 65535"));
  CHECK(contains(only_error(with("metrics:\n  enabled: maybe\n")),
                 "test.yaml:6: metrics.enabled: expected true or false"));
  CHECK(contains(only_error(with("detect:\n  default_within: 10\n")),
                 "test.yaml:6: detect.default_within: invalid duration \"10\""));
  CHECK(contains(only_error(with("emit:\n  max_bytes: 1MB5\n")),
                 "test.yaml:6: emit.max_bytes: invalid size"));
  CHECK(contains(only_error(with("log:\n  level: loud\n")),
                 "test.yaml:6: log.level: unknown value \"loud\"; expected one of: debug"));
  CHECK(contains(only_error(with("parse:\n  default_timezone_offset: CET\n")),
                 "test.yaml:6: parse.default_timezone_offset: invalid UTC offset"));
  CHECK(contains(only_error(with("emit:\n  dir: [a, b]\n")),
                 "test.yaml:6: emit.dir: expected a single value"));
  CHECK(contains(only_error(with("emit:\n  dir:\n")), "test.yaml:6: emit.dir: a value is required"));
  CHECK(contains(only_error(with("rules: [a]\n")), "test.yaml:5: rules: expected a mapping"));
  CHECK(contains(only_error("listeners: {name: x}\n"), "test.yaml:1: listeners: expected a list"));
  CHECK(contains(only_error("- a\n- b\n"), "the configuration: expected a mapping"));
}

TEST_CASE("every error in a file is reported, not just the first", "[config]") {
  auto r = load_config("listeners:\n  - name: a\n    protocol: carrier-pigeon\n    port: x\n"
                       "bogus: 1\n",
                       "multi.yaml");
  REQUIRE_FALSE(r.has_value());
  REQUIRE(r.error().size() == 3);
  CHECK(contains(r.error()[0], "multi.yaml:5: unknown key \"bogus\""));
  CHECK(contains(r.error()[1], "multi.yaml:3: listeners[0].protocol: unknown value"));
  CHECK(contains(r.error()[2], "multi.yaml:4: listeners[0].port: expected a whole number"));
}

TEST_CASE("a listener needs a protocol and a port", "[config]") {
  std::string e = only_error("listeners:\n  - name: a\n    port: 1\n");
  CHECK(contains(e, "test.yaml:2: listeners[0]: \"protocol\" is required"));
  e = only_error("listeners:\n  - name: a\n    protocol: udp\n");
  CHECK(contains(e, "test.yaml:2: listeners[0]: \"port\" is required"));
}

TEST_CASE("validation errors are located at the offending key", "[config]") {
  CHECK(contains(only_error("log: {level: info}\n"),
                 "test.yaml: listeners: at least one listener is required"));
  CHECK(contains(only_error("listeners:\n  - name: a\n    protocol: udp\n    port: 1\n"
                            "  - name: a\n    protocol: tcp\n    port: 2\n"),
                 "test.yaml:5: listeners[1].name: \"a\" is already the name of listeners[0]"));
  CHECK(contains(only_error("listeners:\n  - name: a\n    protocol: tcp\n    port: 9514\n"),
                 "test.yaml:4: listeners[0].port: TCP 127.0.0.1:9514 is already used by "
                 "metrics"));
  CHECK(contains(only_error("listeners:\n  - name: a\n    protocol: tcp\n    port: 1\n"
                            "    address: localhost\n"),
                 "test.yaml:5: listeners[0].address: \"localhost\" is not an IPv4 or IPv6"));
  CHECK(contains(only_error(std::string(kMinimal) + "emit:\n  compression_level: 30\n"),
                 "test.yaml:6: emit.compression_level: must be between 1 and 19, got 30"));
  CHECK(contains(only_error("listeners:\n  - name: 'a b'\n    protocol: udp\n    port: 1\n"),
                 "test.yaml:2: listeners[0].name"));
}

TEST_CASE("UDP and TCP may share a port number, two TCP sockets may not", "[config]") {
  auto both = load_config("listeners:\n  - {name: u, protocol: udp, port: 514}\n"
                          "  - {name: t, protocol: tcp, port: 514}\n",
                          "t.yaml");
  CHECK(both.has_value());
  std::string e = only_error("listeners:\n  - {name: t, protocol: tcp, port: 514}\n"
                             "  - {name: j, protocol: ndjson, port: 514}\n");
  CHECK(contains(e, "test.yaml:3: listeners[1].port: TCP 127.0.0.1:514 is already used"));
  auto any_port = load_config("listeners:\n  - {name: t, protocol: tcp, port: 0}\n"
                              "  - {name: j, protocol: ndjson, port: 0}\n"
                              "metrics: {port: 0}\n",
                              "t.yaml");
  CHECK(any_port.has_value());
}

TEST_CASE("tls listeners need their files, and only tls listeners take tls settings",
          "[config]") {
  auto r = load_config("listeners:\n  - name: s\n    protocol: tls\n    port: 6514\n"
                       "    tls: {verify_client: true}\n",
                       "tls.yaml");
  REQUIRE_FALSE(r.has_value());
  REQUIRE(r.error().size() == 3);
  CHECK(contains(r.error()[0], "tls.yaml:5: listeners[0].tls.cert: a tls listener needs"));
  CHECK(contains(r.error()[1], "listeners[0].tls.key"));
  CHECK(contains(r.error()[2], "listeners[0].tls.ca: verify_client needs a CA"));

  CHECK(contains(only_error("listeners:\n  - name: s\n    protocol: tcp\n    port: 1\n"
                            "    tls: {cert: /c}\n"),
                 "test.yaml:5: listeners[0].tls: tls settings are only allowed on a tls or relp "
                 "listener, this one is tcp"));
  auto bare = load_config("listeners:\n  - name: s\n    protocol: tls\n    port: 6514\n", "t.yaml");
  REQUIRE_FALSE(bare.has_value());
  REQUIRE(bare.error().size() == 2);
  CHECK(contains(bare.error()[0], "t.yaml:2: listeners[0].tls.cert"));
  CHECK(contains(bare.error()[1], "t.yaml:2: listeners[0].tls.key"));
}

TEST_CASE("validate checks a config built in code", "[config]") {
  DaemonConfig c = default_config();
  CHECK(validate(c).empty());
  c.listeners[0].max_message_bytes = 100;
  c.pipeline.io_threads = 0;
  c.emit.retention_bytes = 10;
  c.detect.snapshot_interval_ms = 10;
  auto problems = validate(c);
  REQUIRE(problems.size() == 4);
  CHECK(problems[0] == "listeners[0].max_message_bytes: must be between 256 and 67108864, got 100");
  CHECK(contains(problems[1], "pipeline.io_threads: must be between 1 and 64"));
  CHECK(contains(problems[2], "detect.snapshot_interval"));
  CHECK(contains(problems[3], "emit.retention_bytes"));
}

TEST_CASE("an empty file parses to the defaults but does not validate", "[config]") {
  auto parsed = parse_config("", "empty.yaml");
  REQUIRE(parsed.has_value());
  CHECK(*parsed == DaemonConfig{});
  CHECK(only_error("# nothing but a comment\n") ==
        "test.yaml: listeners: at least one listener is required");
}

TEST_CASE("several YAML documents in one file are rejected", "[config]") {
  CHECK(contains(only_error(std::string(kMinimal) + "---\nlog: {level: info}\n"),
                 "expected one YAML document, found 2"));
}

TEST_CASE("the production config shipped for systemd loads", "[config]") {
  std::ifstream in(std::string(LOGSIFT_SOURCE_DIR) + "/systemd/logsiftd.yaml");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  auto r = load_config(text.str(), "systemd/logsiftd.yaml");
  if (!r) {
    for (const auto& e : r.error()) UNSCOPED_INFO(e);
  }
  REQUIRE(r.has_value());
  REQUIRE(r->listeners.size() >= 2);
  CHECK(r->listeners[0].address == "0.0.0.0");
  CHECK(r->listeners[0].port == 514);
  CHECK(r->rules.paths == std::vector<std::string>{"/usr/share/logsift/rules"});
  CHECK(r->emit.dir.starts_with("/var/lib/logsift/"));
  CHECK(r->detect.state_dir.starts_with("/var/lib/logsift/"));
  CHECK(r->metrics.address == "127.0.0.1");
}

TEST_CASE("the trend section reads thresholds and names a bad series kind", "[config]") {
  auto r = load_config(std::string(kMinimal) + R"(trend:
  enabled: true
  max_series: 100
  thresholds:
    - { series: host, key: "db*", daily_count: 60000 }
    - { series: signature, daily_count: 500 }
    - { series: service, key: payments, daily_count: 9000 }
)", "trend.yaml");
  REQUIRE(r.has_value());
  CHECK(r.value().trend.enabled);
  CHECK(r.value().trend.max_series == 100);
  REQUIRE(r.value().trend.thresholds.size() == 3);
  CHECK(r.value().trend.thresholds[0].key == "db*");
  CHECK(r.value().trend.thresholds[1].key == "*");
  CHECK(r.value().trend.thresholds[1].daily_count == 500);
  CHECK(r.value().trend.thresholds[2].series == "service");
  const std::string e = only_error(std::string(kMinimal) + R"(trend:
  thresholds:
    - { series: team, daily_count: 5 }
)");
  CHECK(contains(e, "trend.thresholds[0].series"));
}

TEST_CASE("a JSON field path with an empty segment is an error at its line", "[config]") {
  CHECK(contains(only_error(std::string(kMinimal) + "json:\n  host: [host.name, \"a..b\"]\n"),
                 "test.yaml:6: json.host: a path is empty or has an empty segment"));
  CHECK(contains(only_error(std::string(kMinimal) + "json:\n  message: [\"\"]\n"),
                 "test.yaml:6: json.message:"));
}

TEST_CASE("detection defaults are the detector's own, written once", "[config]") {
  const DetectConfig d;
  const logsift::detect::DetectOptions o;
  CHECK(d.default_count == o.default_count);
  CHECK(d.default_within_ms == o.default_within_ms);
  CHECK(d.default_resolve_after_ms == o.default_resolve_after_ms);
  CHECK(d.spread_hosts == o.default_spread_hosts);
  CHECK(d.suppression_ms == o.suppression_ms);
  CHECK(d.update_interval_ms == o.update_interval_ms);
  CHECK(d.escalation_step == o.escalation_step);
  CHECK(d.forget_after_ms == o.forget_after_ms);
  CHECK(d.max_signatures == o.max_signatures);
  CHECK(d.max_templates == o.miner.max_templates);
  CHECK(d.max_sessions == o.max_sessions);
  CHECK(d.trouble_words.empty());  // = the detector's built-in list
}

TEST_CASE("update interval, escalation, forgetting and trouble words are configurable", "[config]") {
  auto r = load_config(std::string(kMinimal) +
                           "detect:\n  update_interval: 10m\n  escalation_step: 0\n  forget_after: 2d\n"
                           "  trouble_words: [oops, kaputt]\n",
                       "test.yaml");
  REQUIRE(r.has_value());
  CHECK(r->detect.update_interval_ms == 600000);
  CHECK(r->detect.suppression_ms == DetectConfig{}.suppression_ms);
  CHECK(r->detect.escalation_step == 0);
  CHECK(r->detect.forget_after_ms == 2 * 86400000LL);
  CHECK(r->detect.trouble_words == std::vector<std::string>{"oops", "kaputt"});
}

TEST_CASE("relp listeners take a window and optional tls; other listeners take neither", "[config]") {
  auto r = load_config("listeners:\n  - name: r\n    protocol: relp\n    port: 2514\n    relp_window: 128\n"
                       "    tls: {cert: /c.crt, key: /c.key}\n",
                       "relp.yaml");
  REQUIRE(r.has_value());
  CHECK(r->listeners[0].protocol == Protocol::kRelp);
  CHECK(r->listeners[0].relp_window == 128);
  CHECK(r->listeners[0].tls.cert_file == "/c.crt");
  CHECK(contains(only_error("listeners:\n  - name: s\n    protocol: tcp\n    port: 1\n    relp_window: 5\n"),
                 "test.yaml:5: listeners[0].relp_window: relp_window is only allowed on a relp listener"));
  CHECK(contains(only_error("listeners:\n  - name: s\n    protocol: relp\n    port: 1\n    tls: {cert: /c}\n"),
                 "listeners[0].tls.key: relp over tls needs a private key file"));
}

TEST_CASE("a kafka listener reads brokers, topics, group and properties and needs no port", "[config]") {
  auto r = load_config(R"(listeners:
  - name: kafka
    protocol: kafka
    brokers: k1:9092, k2:9092
    topics: [syslog-raw, json-raw]
    group: logsift
    instance_id: node-a
    format: rfc5424
    revoke_timeout: 5s
    properties: { security.protocol: sasl_ssl, session.timeout.ms: 6000 }
)",
                       "test.yaml");
  if (!r) {
    for (const auto& e : r.error()) UNSCOPED_INFO(e);
  }
  REQUIRE(r.has_value());
  const ListenerConfig& l = r->listeners.at(0);
  CHECK(l.protocol == Protocol::kKafka);
  CHECK(l.brokers == std::vector<std::string>{"k1:9092", "k2:9092"});
  CHECK(l.topics == std::vector<std::string>{"syslog-raw", "json-raw"});
  CHECK(l.group == "logsift");
  CHECK(l.instance_id == "node-a");
  CHECK(l.format == MessageFormat::kRfc5424);
  CHECK(l.revoke_timeout_ms == 5000);
  REQUIRE(l.properties.size() == 2);
  CHECK(l.properties[1] == std::pair<std::string, std::string>{"session.timeout.ms", "6000"});
}

TEST_CASE("a kafka listener without brokers, topics or group is refused, each named", "[config]") {
  auto r = load_config("listeners:\n  - name: kafka\n    protocol: kafka\n", "test.yaml");
  REQUIRE_FALSE(r.has_value());
  std::string all;
  for (const auto& e : r.error()) all += e + "\n";
  INFO(all);
  CHECK(contains(all, "listeners[0].brokers"));
  CHECK(contains(all, "listeners[0].topics"));
  CHECK(contains(all, "listeners[0].group"));
  CHECK_FALSE(contains(all, "\"port\" is required"));
}

constexpr std::string_view kKafkaListener = R"(listeners:
  - name: kafka
    protocol: kafka
    brokers: k1:9092
    topics: [logs]
    group: logsift
)";

TEST_CASE("kafka properties that would commit before durability are refused by name", "[config]") {
  const std::string e = only_error(std::string(kKafkaListener) + "    properties: { enable.auto.commit: \"true\" }\n");
  CHECK(contains(e, "listeners[0].properties.enable.auto.commit"));
  CHECK(contains(e, "durable"));
}

TEST_CASE("kafka keys on another listener, and a kafka listener without periodic snapshots, are refused",
          "[config]") {
  CHECK(contains(only_error(std::string(kMinimal) + "    group: logsift\n"), "only allowed on a kafka listener"));
  const std::string e = only_error(std::string(kKafkaListener) + "detect:\n  snapshot_interval: 0\n");
  CHECK(contains(e, "detect.snapshot_interval"));
  CHECK(contains(e, "committed after each snapshot"));
}

TEST_CASE("a jira sink reads ack_poll, ack_statuses and ack_on_assign; other sinks take none", "[config]") {
  const std::string jira = std::string(kMinimal) +
                           "sinks:\n  - name: tickets\n    type: jira\n    url: https://jira.example.net\n"
                           "    project: OPS\n    token_file: /t\n";
  auto defaults = load_config(jira, "jira.yaml");
  REQUIRE(defaults.has_value());
  CHECK(defaults->sinks[0].ack_poll_ms == 0);
  CHECK(defaults->sinks[0].ack_on_assign);
  auto r = load_config(jira + "    ack_poll: 1m\n    ack_statuses: [\"In Progress\", Triaged]\n    ack_on_assign: false\n",
                       "jira.yaml");
  REQUIRE(r.has_value());
  CHECK(r->sinks[0].ack_poll_ms == 60'000);
  CHECK(r->sinks[0].ack_statuses == std::vector<std::string>{"In Progress", "Triaged"});
  CHECK_FALSE(r->sinks[0].ack_on_assign);
  CHECK(contains(only_error(std::string(kMinimal) + "sinks:\n  - name: h\n    type: http\n    url: http://x/\n"
                                                    "    ack_poll: 1m\n"),
                 "ack_poll: only jira sinks watch issues for acknowledgements"));
}

TEST_CASE("rules.suspend_after reads limit hits and a window, 0 disables, and bad values are named", "[config]") {
  auto r = load_config(std::string(kMinimal) + "rules:\n  suspend_after: { limit_hits: 20, within: 30s }\n",
                       "test.yaml");
  REQUIRE(r.has_value());
  CHECK(r->rules.suspend_limit_hits == 20);
  CHECK(r->rules.suspend_within_ms == 30000);
  r = load_config(std::string(kMinimal) + "rules:\n  suspend_after: { limit_hits: 0 }\n", "test.yaml");
  REQUIRE(r.has_value());
  CHECK(r->rules.suspend_limit_hits == 0);
  CHECK(r->rules.suspend_within_ms == RulesConfig{}.suspend_within_ms);
  CHECK(RulesConfig{}.suspend_limit_hits == 100);
  CHECK(contains(only_error(std::string(kMinimal) + "rules:\n  suspend_after: { limit_hits: 5, within: 10ms }\n"),
                 "rules.suspend_after.within: must be between"));
  CHECK(contains(only_error(std::string(kMinimal) + "rules:\n  suspend_after: { hits: 5 }\n"),
                 "test.yaml:6: unknown key \"rules.suspend_after.hits\""));
  CHECK(contains(only_error(std::string(kMinimal) + "rules:\n  suspend_after: 5\n"),
                 "test.yaml:6: rules.suspend_after: expected a mapping"));
}
