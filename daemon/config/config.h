// DaemonConfig: everything `logsiftd` can be told in its YAML configuration file.
//
// Every field states its YAML key, meaning, default and trade-off. The defaults written here are
// the defaults of a config file that omits the key; the embedded default configuration
// (default_config_yaml(), what `logsiftd` runs with no --config) is one YAML document parsed by
// the same code, so there is one source of truth for how text becomes a config. Durations are
// held in milliseconds (`_ms`), sizes in bytes (`_bytes`). Relative paths are kept as written
// and so resolve against the daemon's working directory (systemd starts it in /).
//
// Ownership: plain values, copyable. Thread-safety: none needed (immutable after load); the app
// loads a config and hands copies or const references to the modules.
#pragma once

#include <compare>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/detect/detect_options.h"

namespace logsift::config {

enum class Protocol {
  kUdp,     // syslog over UDP, one message per datagram
  kTcp,     // syslog over TCP: newline or RFC 6587 octet-counted framing, detected per frame
  kTls,     // syslog over TLS (RFC 5425), same framing as kTcp
  kNdjson,  // newline-delimited JSON objects over TCP
  kRelp,    // RELP (rsyslog omrelp): acknowledged once processed; TLS when `tls` is given
  kKafka,   // records of Kafka topics read in a consumer group, one log line per record
};

enum class MessageFormat {
  kAuto,     // sniff each message: JSON object, RFC 5424, else RFC 3164
  kRfc5424,
  kRfc3164,
  kJson,
};

enum class TlsVersion { kTls12, kTls13 };

enum class LogLevel { kDebug, kInfo, kWarn, kError };  // ordered: a level logs itself and above

std::string_view to_string(Protocol p);
std::string_view to_string(MessageFormat f);
std::string_view to_string(TlsVersion v);
std::string_view to_string(LogLevel l);

struct TlsConfig {
  std::string cert_file;       // `cert`: PEM certificate chain. Required for a tls listener.
  std::string key_file;        // `key`: PEM private key. Required for a tls listener.
  std::string ca_file;         // `ca`: PEM CA bundle for client certificates. Required with
                               // verify_client.
  bool verify_client = false;  // `verify_client`: require and verify client certificates
                               // (mutual TLS). Off by default: most syslog senders have none.
  TlsVersion min_version = TlsVersion::kTls12;  // `min_version`: "1.2" or "1.3". 1.3 is stricter
                                                // but locks out older rsyslog/gnutls senders.
  std::int64_t handshake_timeout_ms = 10 * 1000;  // `handshake_timeout`: a client that has not
                                                // finished its handshake by then is closed and
                                                // counted; it holds a connection slot until then.
  bool operator==(const TlsConfig&) const = default;
};

struct ListenerConfig {
  std::string name;         // `name`: required, unique; the `listener` label on metrics.
  Protocol protocol = Protocol::kUdp;  // `protocol`: udp | tcp | tls | ndjson | relp | kafka.
                            // relp: rsyslog's omrelp, each message acknowledged once processed
                            // (README "Sending logs with RELP"); over TLS when `tls` has a cert.
                            // kafka: records of Kafka topics in a consumer group (below).
  std::string address = "127.0.0.1";  // `address`: IPv4/IPv6 literal to bind. 0.0.0.0 or :: to
                                       // accept from the network; loopback by default so a first
                                       // run exposes nothing.
  std::uint16_t port = 0;   // `port`: required (not for kafka). 0 binds any free port (tests);
                            // the app reports it.
  MessageFormat format = MessageFormat::kAuto;  // `format`: auto | rfc5424 | rfc3164 | json.
                            // Fixing the format skips sniffing and reports senders that deviate.
  std::uint64_t max_message_bytes = 64 * 1024;  // `max_message_bytes`: longer messages are
                            // truncated and counted. Larger costs memory per connection/batch.
                            // A UDP datagram never exceeds 65535 bytes whatever this says.
  std::uint32_t max_connections = 1024;  // `max_connections`: stream listeners refuse (and
                            // count) connections beyond this. Bounds file descriptors and memory.
  std::int64_t idle_timeout_ms = 5 * 60 * 1000;  // `idle_timeout`: a stream connection silent
                            // this long is closed. Too short drops quiet senders' connections.
  std::uint32_t relp_window = 1024;  // `relp_window`: relp only. Messages of one connection that
                            // may wait for their acknowledgement; reading stops there. Keep it at
                            // or above omrelp's windowSize (128 by default).
  TlsConfig tls;            // `tls`: only allowed on tls and relp listeners.
  // Kafka listeners (`protocol: kafka`) only; address, port, max_connections and idle_timeout do
  // not apply. Offsets are committed after each detection snapshot (detect.snapshot_interval)
  // once the records before them are processed, their alerts stored and the snapshot written:
  // after a crash at most that much input is read again (at-least-once).
  std::vector<std::string> brokers;  // `brokers`: bootstrap "host:port" list or one
                            // comma-separated string. Required.
  std::vector<std::string> topics;   // `topics`: topics to read (one log line per record:
                            // syslog or JSON as `format` says). Required.
  std::string group;        // `group`: consumer group id; nodes with the same group share the
                            // topics' partitions. Required.
  std::string instance_id;  // `instance_id`: group.instance.id (static membership): a restart
                            // within the session timeout keeps this node's partitions. Empty =
                            // dynamic membership.
  std::vector<std::pair<std::string, std::string>> properties;  // `properties`: librdkafka
                            // consumer settings applied last (TLS: security.protocol, ssl.*;
                            // SASL; session.timeout.ms, fetch sizes ...). enable.auto.commit,
                            // enable.auto.offset.store, group.id and bootstrap.servers are refused.
  std::int64_t revoke_timeout_ms = 10 * 1000;  // `revoke_timeout`: when the group takes
                            // partitions away, how long to wait for what was read from them to
                            // become durable before committing what is and letting them go.
                            // Keep it below the group's max.poll.interval.ms (300 s default).
  bool operator==(const ListenerConfig&) const = default;
};

struct RulesConfig {
  std::vector<std::string> paths;  // `paths`: rule files and folders (folders: every *.yaml,
                            // *.yml inside). Empty (the default) means the bundled packs: the app
                            // resolves them with find_bundled_rules() (see rules_search.h).
  std::string cache_dir = "./logsift-data/cache";  // `cache_dir`: compiled Hyperscan databases,
                            // keyed by rule hash. Empty disables the cache (every start compiles).
  std::uint64_t reload_memory_bytes = 2ull << 30;  // `reload_memory`: a reload whose loading
                            // and compiling raised the process's peak memory by more than this
                            // is refused (the old set stays) and its memory returned.
  bool reload_on_change = false;  // `reload_on_change`: reload the rules (as SIGHUP does) when a
                            // rule file's time or size changes, checked every second. For rule
                            // files delivered by Kubernetes ConfigMaps or configuration
                            // management; a failing set is refused and the old one kept.
  // `suspend_after: { limit_hits, within }`: a rule whose patterns PCRE2 abandoned at its match,
  // depth or heap limit `limit_hits` times within `within` (all workers together) is suspended
  // until the next reload: one rule.suspended alert, no more matches. 0 hits disables it.
  std::uint32_t suspend_limit_hits = 100;
  std::int64_t suspend_within_ms = 60 * 1000;
  bool operator==(const RulesConfig&) const = default;
};

struct PipelineConfig {
  std::uint32_t io_threads = 1;    // `io_threads`: Asio threads for all listeners. One handles
                                   // hundreds of thousands of messages/s; more for many TLS peers.
  std::uint32_t workers = 0;       // `workers`: parse+match threads; 0 = one per core left after
                                   // io_threads (at least 1).
  std::uint32_t queue_batches = 64;  // `queue_batches`: bounded queue depth between stages.
                                   // Deeper absorbs bursts but raises memory and latency.
  std::uint32_t batch_messages = 1024;  // `batch_messages`: messages per raw batch. Larger
                                   // amortises per-batch costs; smaller lowers latency.
  std::uint32_t max_pending_alerts = 100000;  // `max_pending_alerts`: alerts waiting for the
                                   // emitter before workers pause (and ingest stops reading TCP).
  std::uint32_t max_pending_batches = 64;  // `max_pending_batches`: closed alert batches waiting
                                   // for a slow or failing sink before the emitter stops taking
                                   // alerts. Together they turn a dead sink into backpressure
                                   // instead of unbounded memory.
  std::uint64_t ingest_memory_bytes = 256ull << 20;  // `ingest_memory`: what all stream
                                   // connections may hold in partial frames and batches being
                                   // filled; reading pauses when it is used up, and stalled
                                   // partial frames past half of it are closed (counted).
  std::int64_t shutdown_grace_ms = 3000;  // `shutdown_grace`: at SIGTERM, established
                                   // connections are read on this long (or until their senders
                                   // close) before what is left is counted as dropped.
  bool operator==(const PipelineConfig&) const = default;
};

// Defaults come from daemon/detect/detect_options.h (detect::defaults), their one home.
struct DetectConfig {
  std::uint32_t default_count = detect::defaults::kCount;  // `default_count`: a rule without `problem:` opens a problem
                                    // after this many incidents of one signature...
  std::int64_t default_within_ms = detect::defaults::kWithinMs;  // `default_within`: ...within this window.
  std::int64_t default_resolve_after_ms = detect::defaults::kResolveAfterMs;  // `default_resolve_after`: a problem
                                    // quiet this long resolves. Short resolves flap; long ones
                                    // hide a recurrence as "still open".
  std::uint32_t spread_hosts = detect::defaults::kSpreadHosts;  // `spread_hosts`: a signature seen on this many hosts is a
                                    // spreading problem (escalated).
  std::int64_t suppression_ms = detect::defaults::kSuppressionMs;  // `suppression`: at most one
                                    // incident alert per signature per this interval; further
                                    // incidents are folded into the next alert's count.
  std::int64_t update_interval_ms = detect::defaults::kUpdateIntervalMs;  // `update_interval`: at
                                    // most one problem.updated alert per problem per interval.
                                    // Fewer alerts vs. fresher counts.
  std::uint32_t escalation_step = detect::defaults::kEscalationStep;  // `escalation_step`: every
                                    // this many reopenings raise a problem's severity one level;
                                    // 0 never escalates.
  std::int64_t forget_after_ms = detect::defaults::kForgetAfterMs;  // `forget_after`: a resolved
                                    // problem quiet this long is forgotten (a return opens a new
                                    // problem instead of reopening).
  std::vector<std::string> trouble_words;  // `trouble_words`: unmatched messages containing one
                                    // of these word prefixes are mined; empty = the built-in list
                                    // (detect_options.h).
  std::uint64_t max_signatures = detect::defaults::kMaxSignatures;  // `max_signatures`: tracked
                                    // signatures, the daemon's total over all shards; the least
                                    // recently seen are evicted (counted). Bounds memory.
  std::uint64_t max_templates = 10000;  // `max_templates`: template-miner cap, same policy.
  std::uint64_t max_sessions = detect::defaults::kMaxSessions;  // `max_sessions`: open sessions
                                    // of rules with `session:`, same policy.
  std::int64_t snapshot_interval_ms = 60 * 1000;  // `snapshot_interval`: detection state is
                                    // written this often (and at shutdown); 0 = shutdown only. A
                                    // crash loses at most this much history.
  std::string state_dir = "./logsift-data/state";  // `state_dir`: snapshot folder.
  std::int64_t event_time_max_ahead_ms = 5 * 60 * 1000;  // `event_time_max_ahead` and
  std::int64_t event_time_max_behind_ms = 24LL * 60 * 60 * 1000;  // `event_time_max_behind`: a
                                    // message's own time becomes its alert's @timestamp when it
                                    // is at most this far after / before its arrival; otherwise
                                    // the arrival time does (counted).
  bool operator==(const DetectConfig&) const = default;
};

// `json`: where the NDJSON/JSON parser finds the standard fields. Each entry is a list of
// dotted paths tried in order ("log.level", "host.name"); an empty list keeps the parser's
// built-in mapping for that field.
struct JsonFieldsConfig {
  std::vector<std::string> message;    // `message`
  std::vector<std::string> timestamp;  // `timestamp`
  std::vector<std::string> host;       // `host`
  std::vector<std::string> app;        // `app`
  std::vector<std::string> procid;     // `procid`
  std::vector<std::string> severity;   // `severity`
  bool operator==(const JsonFieldsConfig&) const = default;
};

struct ParseConfig {
  std::int32_t default_utc_offset_s = 0;  // `default_timezone_offset`: "+02:00", "-0530", "Z" or
                            // "UTC". Applied to timestamps that carry no offset (RFC 3164). Set
                            // it to the senders' zone if they log local time.
  bool operator==(const ParseConfig&) const = default;
};

struct EmitConfig {
  std::string dir = "./logsift-data/alerts";  // `dir`: where alert batch files are written.
  std::uint32_t max_alerts = 1000;      // `max_alerts`: a batch closes at this many alerts...
  std::uint64_t max_bytes = 1024 * 1024;  // `max_bytes`: ...or this many uncompressed bytes...
  std::int64_t max_age_ms = 1000;       // `max_age`: ...or when its oldest alert is this old.
                                        // Bigger batches compress better; younger reach SIEMs
                                        // sooner.
  std::uint64_t retention_bytes = 1024ull * 1024 * 1024;  // `retention_bytes`: oldest batch
                                        // files are deleted beyond this total. 0 = keep all.
  std::int32_t compression_level = 3;   // `compression_level`: zstd 1..19. Higher is smaller
                                        // and slower; 3 is zstd's own default.
  std::string producer_id;              // `producer_id`: names this daemon in batch headers.
                                        // Empty = the host name (the app fills it in).
  std::int64_t stop_grace_ms = 5 * 1000;  // `stop_grace`: at SIGTERM, how long sinks keep
                                        // delivering spooled batches before the rest is left
                                        // spooled for the next start (never discarded).
  std::string spool_dir = "./logsift-data/spool";  // `spool_dir`: one folder per network sink
                                        // holding batches not yet confirmed by it. Must survive
                                        // restarts (it is the delivery guarantee).
  bool operator==(const EmitConfig&) const = default;
};

enum class SinkType {
  kFile,           // batch files in a folder (the format of docs/alerts.md)
  kKafka,          // one Kafka record per alert, keyed by signature id (librdkafka)
  kSplunkHec,      // Splunk HTTP Event Collector, one HEC event per alert
  kElasticsearch,  // Elasticsearch/OpenSearch _bulk, `create` with _id = event.id
  kHttp,           // POST of the whole batch file (zstd NDJSON) to a URL
  kSyslog,         // RFC 5424 over TCP or TLS, octet counted, the alert JSON as MSG
  kWebhook,        // one POST per alert, body from a template (Slack, PagerDuty, ServiceNow...)
  kJira,           // one Jira issue per problem: created, commented, resolved, reopened
};
std::string_view to_string(SinkType t);

enum class SpoolWhenFull {
  kBlock,       // stop taking alerts: backpressure reaches the senders (nothing is dropped)
  kDropOldest,  // delete the oldest spooled batch (counted, logged, reported in batch headers)
};

// Which alerts a sink takes. Every list that is not empty must match; empty lists match all.
struct SinkRoute {
  std::vector<std::string> actions;    // `actions`: event.action globs ("problem.*", "incident")
  std::string min_severity;            // `min_severity`: low | medium | high | critical; "" = all
  std::vector<std::string> rulesets;   // `rulesets`: ruleset globs ("linux.*")
  std::vector<std::string> rules;      // `rules`: rule id globs ("sshd.*", "auto:*")
  std::optional<bool> during_change;   // `during_change`: take alerts marked during a declared
                                       // change window. Default: false for jira (no tickets for
                                       // what a change is expected to cause), true otherwise.
  bool operator==(const SinkRoute&) const = default;
};

struct SinkSpoolConfig {
  std::uint64_t max_bytes = 1024ull * 1024 * 1024;  // `max_bytes`: unconfirmed batches kept on
                                       // disk for this sink; beyond it `when_full` applies.
  SpoolWhenFull when_full = SpoolWhenFull::kBlock;  // `when_full`: block | drop_oldest
  bool operator==(const SinkSpoolConfig&) const = default;
};

// Client TLS for network sinks.
struct SinkTlsConfig {
  bool enabled = false;        // `tls: true` or a map: connect with TLS (https:// URLs imply it)
  std::string ca_file;         // `ca`: PEM CA bundle; empty = the system's default trust store
  std::string cert_file;       // `cert`: client certificate (mutual TLS), optional
  std::string key_file;        // `key`: client key, optional
  bool verify = true;          // `verify`: check the server certificate and name. Turning it off
                               // is for tests only: anyone on the path can read the alerts.
  std::string server_name;     // `server_name`: name to verify and send as SNI; default the host
  bool operator==(const SinkTlsConfig&) const = default;
};

struct SinkConfig {
  std::string name;            // `name`: required, unique; the `sink` label on metrics and the
                               // spool folder name.
  SinkType type = SinkType::kFile;  // `type`: file | kafka | splunk_hec | elasticsearch | http |
                               // syslog. Required.
  SinkRoute route;             // `route`: which alerts this sink takes (default: all)
  SinkSpoolConfig spool;       // `spool`: {max_bytes, when_full}
  // file
  std::string dir;             // `dir`: folder of batch files (file sinks)
  std::uint64_t retention_bytes = 1024ull * 1024 * 1024;  // `retention_bytes`: file sinks
                               // delete their oldest batch files beyond this. 0 = keep all.
  // kafka
  std::vector<std::string> brokers;  // `brokers`: "host:port" list or one comma-separated string
  std::string topic;           // `topic`: Kafka topic
  std::vector<std::pair<std::string, std::string>> properties;  // `properties`: librdkafka
                               // settings passed as they are (TLS, SASL, tuning)
  // HTTP family (splunk_hec, elasticsearch, http)
  std::string url;             // `url`: http:// or https:// endpoint (HEC: the server's base URL
                               // or the full /services/collector/event URL; _bulk: the cluster)
  std::string token_file;      // `token_file`: file holding the HEC token, the API key or the
                               // bearer token; never the secret itself in the config
  std::string username;        // `username`: basic auth (elasticsearch, http)
  std::string password_file;   // `password_file`: basic auth password, from a file
  std::string index;           // `index`: HEC index, or the _bulk index pattern with strftime
                               // fields of the alert's own time (default logsift-alerts-%Y.%m.%d)
  std::string sourcetype;      // `sourcetype`: HEC sourcetype (default "logsift:alert")
  bool indexer_ack = false;    // `indexer_ack`: HEC indexer acknowledgement on a channel
  std::int64_t ack_timeout_ms = 300 * 1000;  // `ack_timeout`: resend unacknowledged HEC events
  bool gzip = true;            // `gzip`: gzip request bodies (elasticsearch)
  // webhook
  std::string body_template;   // `template`: the request body with {{ field | filter }}
                               // expressions (docs/webhooks.md); or
  std::string template_file;   // `template_file`: the same, read from a file at start
  std::string content_type = "application/json";  // `content_type`: of the webhook body
  // jira
  std::string project;         // `project`: Jira project key (e.g. OPS)
  std::string issue_type = "Bug";  // `issue_type`: issue type name for new issues
  std::uint32_t api_version = 2;   // `api_version`: 2 (Server/Data Center) or 3 (Cloud, ADF text)
  std::string resolve_transition = "Done";   // `resolve_transition`: transition name on
                               // problem.resolved
  std::string reopen_transition = "Reopen";  // `reopen_transition`: transition name when a
                               // resolved problem comes back, or its issue was closed by hand
  bool new_issue_when_closed = false;  // `new_issue_when_closed`: when a problem recurs on an
                               // issue that is done, open a new issue linked to it instead of
                               // reopening the old one
  std::int64_t comment_interval_ms = 60 * 60 * 1000;  // `comment_interval`: at most one
                               // problem.updated comment per issue per this interval
  std::vector<std::pair<std::string, std::string>> priorities;  // `priorities`: severity ->
                               // Jira priority name; default critical: Highest, high: High,
                               // medium: Medium, low: Low, informational: Lowest
  std::int64_t ack_poll_ms = 0;  // `ack_poll`: how often the issues of open, unacknowledged
                               // problems are looked up (one JQL search); an issue assigned to
                               // somebody or in one of ack_statuses acknowledges its problem
                               // (its SLA clock stops). 0 = off
  std::vector<std::string> ack_statuses;  // `ack_statuses`: status names that acknowledge
                               // (case-insensitive), e.g. ["In Progress"]
  bool ack_on_assign = true;   // `ack_on_assign`: an assignee acknowledges; turn it off when the
                               // project assigns new issues to somebody by default
  // syslog
  std::string address;         // `address`: syslog receiver host or IP
  std::uint16_t port = 0;      // `port`: syslog receiver port
  SinkTlsConfig tls;           // `tls`: client TLS (syslog, and https URLs)
  // delivery, every network sink
  std::int64_t timeout_ms = 10 * 1000;        // `timeout`: connect/request/ack-wait bound
  std::int64_t retry_initial_ms = 500;        // `retry_initial`: first backoff after a failure
  std::int64_t retry_max_ms = 60 * 1000;      // `retry_max`: backoff cap (jittered, doubling)
  std::int64_t unhealthy_after_ms = 60 * 1000;  // `unhealthy_after`: /readyz reports the sink
                               // once it has been failing this long
  bool operator==(const SinkConfig&) const = default;
};

struct MetricsConfig {
  bool enabled = true;                  // `enabled`: serve /metrics, /healthz, /readyz.
  std::string address = "127.0.0.1";   // `address`: loopback by default: metrics reveal hosts
                                        // and rule names.
  std::uint16_t port = 9514;            // `port`: 0 binds any free port.
  bool operator==(const MetricsConfig&) const = default;
};

struct LogConfig {
  LogLevel level = LogLevel::kInfo;     // `level`: debug | info | warn | error.
  std::uint32_t rate_limit_per_s = 10;  // `rate_limit`: lines per second per message key, with
                                        // a burst of the same size; the rest are counted and
                                        // reported as suppressed=N. 0 = unlimited.
  bool operator==(const LogConfig&) const = default;
};

// `trend`: predictive monitoring (docs/predictive.md). One `thresholds` entry is a daily count
// a series should not reach; forecast.threshold alerts say when its trend will.
struct TrendThresholdConfig {
  std::string series = "host";   // `series`: signature | host | listener | service
  std::string key = "*";         // `key`: exact, a prefix ending in '*', or "*"
  std::uint64_t daily_count = 0; // `daily_count`: occurrences per UTC day
  bool operator==(const TrendThresholdConfig&) const = default;
};

struct TrendConfig {
  bool enabled = false;            // `enabled`: track rates per signature, host and listener.
  std::uint64_t max_series = 4096; // `max_series`: series cap (~4.4 KiB each); the least active
                                   // are evicted (counted).
  std::uint32_t warmup_days = 3;   // `warmup_days`: history before a baseline is trusted.
  std::uint32_t forecast_horizon_days = 180;  // `forecast_horizon_days`
  std::vector<TrendThresholdConfig> thresholds;  // `thresholds`
  bool operator==(const TrendConfig&) const = default;
};

// `enrich`: the business context of hosts, from a CMDB file (daemon/enrich/README.md).
struct EnrichConfig {
  std::string cmdb_file;  // `cmdb`: a CSV (*.csv) or YAML table mapping host names (exact or
                          // glob) and sender addresses (CIDR) to service, environment, owner,
                          // sla_tier and labels. Read at start (a bad file stops the start) and
                          // at SIGHUP (a bad file is refused, the old table kept). Empty (the
                          // default): alerts carry no business context.
  std::vector<std::pair<std::string, std::uint32_t>> tier_severity_raise;  // `tier_severity_raise`:
                          // {tier: levels}: problems on hosts of that SLA tier are raised that
                          // many severity levels (up to critical). Default: none.
  bool operator==(const EnrichConfig&) const = default;
};

// `cluster`: scale-out on Kafka (docs/scale-out.md). `role: all` (the default) is the single
// process; `ingest` nodes parse and match and produce incidents to `incidents_topic`; `detect`
// nodes consume it in one consumer group, one detection shard per partition, with each shard's
// snapshot and input offset in `state_topic`.
enum class ClusterRole { kAll, kIngest, kDetect };
std::string_view to_string(ClusterRole r);

struct ClusterConfig {
  ClusterRole role = ClusterRole::kAll;  // `role`: all | ingest | detect.
  std::vector<std::string> brokers;      // `brokers`: bootstrap list; required for ingest/detect.
  std::string group = "logsift-detect";  // `group`: the detect nodes' consumer group.
  std::string incidents_topic = "logsift.incidents";  // `incidents_topic`: ingest -> detect.
  std::string state_topic = "logsift.detect.state";   // `state_topic`: per-partition snapshots;
                                         // same partition count, cleanup.policy=compact.
  std::uint32_t partitions = 0;          // `partitions`: the incidents topic's partition count,
                                         // fixed for the cluster's life (it decides where every
                                         // signature's state lives); checked against the topic at
                                         // start. Required for ingest/detect.
  std::string instance_id;               // `instance_id`: static group membership
                                         // (group.instance.id); a restart within the session
                                         // timeout keeps the node's partitions. Empty: dynamic.
  std::int64_t timeout_ms = 30 * 1000;   // `timeout`: bound on a produce (message.timeout.ms),
                                         // a snapshot acknowledgement and a state restore.
  std::int64_t revoke_timeout_ms = 10 * 1000;  // `revoke_timeout`: a revoked partition is
                                         // snapshotted, committed and released within this.
  std::vector<std::pair<std::string, std::string>> properties;  // `properties`: librdkafka
                                         // settings for every client (SASL, TLS, tuning).
  bool operator==(const ClusterConfig&) const = default;
};

// `changes`: declared change windows (daemon/enrich/change_calendar.h). `changes: FILE` is short
// for `changes: { file: FILE }`.
struct ChangesConfig {
  std::string file;       // `file`: YAML list of windows (id, summary, by, hosts, services, from,
                          // to, rollback_contact), read at start and at SIGHUP (a bad file is
                          // refused, the old windows kept). Windows can also be added and ended
                          // through POST /api/changes on the ops port. Empty: only the API.
  std::int64_t suspect_for_ms = 24LL * 60 * 60 * 1000;  // `suspect_for`: after a window ends,
                          // problems of signatures first seen since it began, on its hosts, are
                          // flagged logsift.change.suspected for this long.
  std::uint32_t max_windows = 1000;  // `max_windows`: windows held; the API's oldest ended ones
                          // are dropped beyond it (counted).
  bool operator==(const ChangesConfig&) const = default;
};

// `sla`: response targets per problem (SLA clocks). `response: { critical: { gold: 15m, "*": 1h } }`
// gives a problem of that severity on a host of that CMDB tier ("*": any other tier) a deadline
// that long after it opens; unacknowledged by then it is escalated (problem.escalated).
struct SlaResponseConfig {
  std::string severity;   // informational | low | medium | high | critical
  std::string tier;       // a CMDB sla_tier, or "*"
  std::int64_t response_ms = 0;
  bool operator==(const SlaResponseConfig&) const = default;
};
struct SlaConfig {
  std::vector<SlaResponseConfig> response;  // `response`; empty (default): no SLA clocks
  bool operator==(const SlaConfig&) const = default;
};

struct DaemonConfig {
  std::vector<ListenerConfig> listeners;  // `listeners`: required, at least one. No implicit
                                          // listeners: the daemon opens only what it is told.
  RulesConfig rules;                      // `rules`
  PipelineConfig pipeline;                // `pipeline`
  DetectConfig detect;                    // `detect`
  TrendConfig trend;                      // `trend`
  EnrichConfig enrich;                    // `enrich`
  ChangesConfig changes;                  // `changes`
  SlaConfig sla;                          // `sla`
  JsonFieldsConfig json;                  // `json`
  ParseConfig parse;                      // `parse`
  EmitConfig emit;                        // `emit`
  std::vector<SinkConfig> sinks;          // `sinks`: where alerts go. Empty = one file sink on
                                          // emit.dir (the embedded default).
  MetricsConfig metrics;                  // `metrics`
  LogConfig log;                          // `log`
  ClusterConfig cluster;                  // `cluster`
  bool operator==(const DaemonConfig&) const = default;
};

}  // namespace logsift::config
