// The embedded default configuration: what `logsiftd` runs without --config, and what
// `logsiftd --print-default-config` prints as a file to start from. It is parsed by the same code
// as any config file (see default_config() in parse.cc), so this text is the one source of truth.
#include "daemon/config/load.h"

namespace logsift::config {
namespace {

constexpr std::string_view kDefaultConfigYaml = R"yaml(# logsiftd configuration.
#
# This is the built-in default: loopback listeners on high ports, the bundled rule packs, and
# data under ./logsift-data/ (relative to the working directory). Save it with
#   logsiftd --print-default-config > logsiftd.yaml
# edit, check with `logsiftd --check-config logsiftd.yaml`, run with `logsiftd --config ...`.
#
# Durations: 500ms, 30s, 10m, 1h, 2d, 1h30m.  Sizes: 65536, 64KiB, 1MiB, 1GiB (or KB, MB, GB).
# Unknown keys are errors. A key left out keeps the default shown here.

# Where logs come in. Required: at least one listener; only these sockets are opened.
listeners:
  - name: syslog-udp          # unique; the `listener` label on metrics
    protocol: udp             # udp | tcp | tls | ndjson | relp | kafka
    address: 127.0.0.1        # 0.0.0.0 or :: to accept from the network
    port: 5514                # 514 needs CAP_NET_BIND_SERVICE; 0 = any free port
    format: auto              # auto | rfc5424 | rfc3164 | json
    max_message_bytes: 64KiB  # longer messages are truncated (and counted)
  - name: syslog-tcp
    protocol: tcp             # newline or octet-counted framing, detected per frame
    address: 127.0.0.1
    port: 5514
    format: auto
    max_message_bytes: 64KiB
    max_connections: 1024     # further connections are refused (and counted)
    idle_timeout: 5m          # silent connections are closed after this
  - name: ndjson
    protocol: ndjson          # one JSON object per line over TCP
    address: 127.0.0.1
    port: 5515
    format: json
    max_message_bytes: 64KiB
    max_connections: 1024
    idle_timeout: 5m
  # A TLS listener (RFC 5425) looks like this:
  # - name: syslog-tls
  #   protocol: tls
  #   address: 0.0.0.0
  #   port: 6514
  #   tls:
  #     cert: /etc/logsift/tls/server.crt
  #     key: /etc/logsift/tls/server.key
  #     ca: /etc/logsift/tls/clients-ca.crt   # needed with verify_client
  #     verify_client: false                  # true = mutual TLS
  #     min_version: "1.2"                    # "1.2" or "1.3"
  #     handshake_timeout: 10s                # unfinished handshakes are closed and counted
  # A RELP listener (rsyslog omrelp; a message is answered once processed and its alerts stored):
  # - name: relp
  #   protocol: relp
  #   address: 0.0.0.0
  #   port: 2514
  #   relp_window: 1024                       # unanswered messages per connection
  #   tls: {cert: /etc/logsift/tls/server.crt, key: /etc/logsift/tls/server.key}  # optional
  # A Kafka listener reads records (one log line each) in a consumer group; offsets are committed
  # after each detection snapshot, once what they cover is processed and durable:
  # - name: kafka
  #   protocol: kafka
  #   brokers: kafka-1:9092,kafka-2:9092      # or a list
  #   topics: [syslog-raw]
  #   group: logsift                          # nodes with one group share the partitions
  #   format: auto                            # auto | rfc5424 | rfc3164 | json
  #   instance_id: ""                         # group.instance.id: static membership when set
  #   revoke_timeout: 10s                     # on rebalance: wait this long for durability
  #   properties: {}                          # librdkafka consumer settings (TLS, SASL, ...)

rules:
  # Rule files and folders (every *.yaml / *.yml inside). Empty = the bundled packs, looked up in
  # <prefix>/share/logsift/rules, then ./rules/packs and the source tree of the executable.
  paths: []
  # Compiled Hyperscan databases, reused while the rules are unchanged. "" disables the cache.
  cache_dir: ./logsift-data/cache
  reload_on_change: false     # reload when a rule file changes (checked every second)
  # Run-time breaker for slow rules: a rule PCRE2 gave up on (match, depth or heap limit) this
  # many times within `within`, all workers together, stops running until the next reload, with
  # one rule.suspended alert. limit_hits: 0 never suspends.
  suspend_after: { limit_hits: 100, within: 1m }

pipeline:
  io_threads: 1               # network threads for all listeners
  workers: 0                  # parse+match threads; 0 = one per remaining core
  queue_batches: 64           # queue depth between stages: bursts vs. memory and latency
  batch_messages: 1024        # messages per batch: throughput vs. latency
  max_pending_alerts: 100000  # alerts queued for the emitter before workers pause
  max_pending_batches: 64     # alert batches queued for a slow or failing sink before
                              # the emitter pauses: a dead sink becomes backpressure
  ingest_memory: 256MiB       # partial frames + batches being filled, all connections;
                              # reading pauses at it (see systemd/README.md for sizing)
  shutdown_grace: 3s          # at SIGTERM, read established connections this long first

detect:
  # For rules without their own `problem:`: open a problem when one signature (rule + group_by
  # values) recurs default_count times within default_within; resolve it after
  # default_resolve_after without a recurrence.
  default_count: 5
  default_within: 10m
  default_resolve_after: 30m
  spread_hosts: 3             # seen on this many hosts = a spreading problem
  suppression: 1m             # at most one incident alert per signature per interval
  update_interval: 1m         # at most one problem.updated alert per problem per interval
  escalation_step: 2          # every 2nd reopening raises the severity one level; 0 = never
  forget_after: 7d            # a resolved problem quiet this long is forgotten
  trouble_words: []           # unmatched lines with these words are mined; [] = built-in list
  max_signatures: 100000      # memory caps (daemon totals); least recently seen are evicted
  max_templates: 10000
  max_sessions: 65536         # open sessions of rules with session: (rules/README.md)
  snapshot_interval: 60s      # state written this often and at shutdown; 0 = shutdown only
  state_dir: ./logsift-data/state
  # An alert's @timestamp is the message's own time when that lies at most this far after /
  # before its arrival (clock drift, a sender's queue replayed after an outage); else arrival.
  event_time_max_ahead: 5m
  event_time_max_behind: 24h

# Predictive monitoring (docs/predictive.md): occurrence rates per signature, host, listener and
# business service (enrich.cmdb) against their hour-of-week baselines (anomaly alerts), and their
# daily trends (trend.rising, forecast.threshold against thresholds such as
#   - { series: host, key: "db*", daily_count: 60000 }; series: signature | host | listener | service).
trend:
  enabled: false
  max_series: 4096            # ~4.4 KiB each; the least active are evicted
  warmup_days: 3              # history before a baseline is trusted
  forecast_horizon_days: 180
  thresholds: []

# Business context of hosts from a CMDB file, CSV or YAML (daemon/enrich/README.md): host names,
# globs and sender address ranges -> service, environment, owner, sla_tier, labels. Rules use it
# in when/match/group_by (service.name, labels.rack, ...); alerts carry it. Reloaded at SIGHUP.
enrich:
  cmdb: ""                    # "" = none
  tier_severity_raise: {}     # e.g. { gold: 1 }: problems on gold-tier hosts one level higher

# Declared change windows (daemon/enrich/change_calendar.h): a YAML file of
#   changes: [{id, summary, by, hosts, services, from, to, rollback_contact}]
# read at start and SIGHUP, plus windows added over POST /api/changes on the ops port. Alerts in
# a window on its hosts carry logsift.change.during_change (jira sinks leave them by default);
# after it, problems of signatures new since its start are logsift.change.suspected.
changes:
  file: ""                    # "" = only the API
  suspect_for: 24h            # how long after a window new recurring signatures are suspected
  max_windows: 1000

# SLA clocks: a response deadline per problem from its severity and its host's CMDB tier
# ("*" = any tier), e.g. response: { critical: { gold: 15m, "*": 1h }, high: { "*": 4h } }.
# Unacknowledged at the deadline (POST /api/problems/<id>/ack), a problem escalates once.
sla:
  response: {}                # {} = no SLA clocks

# Where JSON messages keep the standard fields: lists of dotted paths, tried in order.
# Empty = the built-in mapping (message/msg, @timestamp/timestamp/time, host.name/host, ...).
json:
  message: []
  timestamp: []
  host: []
  app: []
  procid: []
  severity: []

parse:
  default_timezone_offset: Z  # for timestamps without an offset (RFC 3164): Z, +02:00, -0530

emit:
  dir: ./logsift-data/alerts  # alert batches: zstd-compressed NDJSON files
  max_alerts: 1000            # a batch closes at this many alerts,
  max_bytes: 1MiB             # or this many uncompressed bytes,
  max_age: 1s                 # or when its oldest alert is this old
  retention_bytes: 1GiB       # oldest batch files are deleted beyond this; 0 = keep all
  compression_level: 3        # zstd 1..19: higher = smaller and slower
  producer_id: ""             # names this daemon in batch headers; "" = the host name
  spool_dir: ./logsift-data/spool  # per network sink: batches not yet confirmed (keep it)
  stop_grace: 5s              # at SIGTERM, sinks deliver this long; the rest stays spooled

# Where alerts go. Without this section: one file sink on emit.dir (as below). Each sink has a
# name, a type (file | kafka | splunk_hec | elasticsearch | http | syslog), an optional route
# (actions, min_severity, rulesets, rules: globs) and, for network sinks, a durable spool
# (max_bytes, when_full: block | drop_oldest). README.md "Sinks" has an example of each type.
# sinks:
#   - name: file
#     type: file
#     dir: ./logsift-data/alerts
#   - name: siem
#     type: kafka
#     brokers: [kafka-1:9092, kafka-2:9092]
#     topic: logsift.alerts
#     route: { actions: ["problem.*"], min_severity: medium }
#     spool: { max_bytes: 1GiB, when_full: block }

metrics:
  enabled: true               # /metrics (Prometheus), /healthz, /readyz over HTTP
  address: 127.0.0.1          # keep on loopback: metrics name hosts and rules
  port: 9514

log:
  level: info                 # debug | info | warn | error (logfmt lines on stderr)
  rate_limit: 10              # lines per second per message; the rest are counted; 0 = unlimited
)yaml";

}  // namespace

std::string_view default_config_yaml() { return kDefaultConfigYaml; }

}  // namespace logsift::config
