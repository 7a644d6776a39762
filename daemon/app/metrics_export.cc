#include "daemon/app/metrics_export.h"

#include "daemon/emit/json_text.h"

#include <array>
#include <charconv>
#include <cmath>

#include "daemon/ingest/ingest_server.h"
#include "parsers/base/clock.h"

namespace logsift::app {

using ops::MetricLabel;
using ops::MetricType;

void export_sink_metrics(ops::MetricsWriter& out, const pipeline::PipelineStats& p) {
  const std::int64_t now_us = base::system_clock_us();
  for (const auto& sink : p.sinks) {
    const std::array<MetricLabel, 2> labels{{{"sink", sink.name}, {"type", sink.type}}};
    auto counter = [&](std::string_view name, std::string_view help, std::uint64_t v) {
      out.sample(name, help, MetricType::kCounter, labels, v);
    };
    auto gauge = [&](std::string_view name, std::string_view help, double v) {
      out.sample(name, help, MetricType::kGauge, labels, v);
    };
    const auto& e = sink.emit;
    counter("logsift_sink_alerts_routed_total", "Alerts the sink's route took.", e.alerts);
    counter("logsift_sink_batches_stored_total", "Alert batches made durable (written to the folder or the spool).",
            e.batches_written);
    counter("logsift_sink_stored_bytes_total", "Compressed batch bytes made durable.", e.bytes_written);
    counter("logsift_sink_store_errors_total", "Failed batch writes to the folder or spool (retried or dropped by policy).",
            e.sink_errors);
    gauge("logsift_sink_batches_pending", "Closed batches the folder or spool has not taken yet (backpressure).",
          static_cast<double>(e.batches_pending));
    counter("logsift_sink_alerts_dropped_total", "Alerts lost to the drop_oldest policy of a full spool.", e.alerts_dropped);
    if (!sink.spooled) {
      // The folder is the destination: stored is delivered.
      counter("logsift_sink_batches_delivered_total", "Batches the destination confirmed.", e.batches_written);
      continue;
    }
    const auto& d = sink.delivery;
    counter("logsift_sink_batches_delivered_total", "Batches the destination confirmed.", d.batches_delivered);
    counter("logsift_sink_alerts_delivered_total", "Alerts the destination confirmed.", d.alerts_delivered);
    counter("logsift_sink_alerts_duplicate_total", "Alerts the destination already had (a resend).", d.alerts_duplicate);
    counter("logsift_sink_alerts_dead_lettered_total", "Alerts refused for good, kept in the dead-letter file.",
            d.alerts_dead_lettered);
    counter("logsift_sink_alerts_retried_total", "Alerts resent after a retryable refusal.", d.alerts_retried);
    counter("logsift_sink_delivery_failures_total", "Delivery attempts that failed (the batch is retried).",
            d.attempts_failed);
    counter("logsift_sink_requests_total", "Requests or produce calls made.", d.requests);
    counter("logsift_sink_sent_bytes_total", "Payload bytes handed to the transport.", d.bytes_sent);
    counter("logsift_sink_spool_corrupt_total", "Spooled batches set aside as corrupt.", d.batches_corrupt);
    gauge("logsift_sink_spool_batches", "Batches waiting in the spool for confirmation.",
          static_cast<double>(sink.spool.batches));
    gauge("logsift_sink_spool_bytes", "Bytes waiting in the spool.", static_cast<double>(sink.spool.bytes));
    gauge("logsift_sink_oldest_unconfirmed_seconds", "Age of the oldest batch the destination has not confirmed.",
          sink.spool.oldest_spooled_us > 0 ? static_cast<double>(now_us - sink.spool.oldest_spooled_us) / 1e6 : 0.0);
    gauge("logsift_sink_failing_seconds", "How long the destination has been failing; 0 when healthy.",
          d.failing_since_us > 0 ? static_cast<double>(now_us - d.failing_since_us) / 1e6 : 0.0);
    if (sink.polled) {
      const auto& r = sink.responses;
      counter("logsift_sink_ack_polls_total", "Polls that asked the destination who took open problems on.", r.polls);
      counter("logsift_sink_ack_poll_failures_total", "Polls that failed (asked again at the next interval).",
              r.poll_failures);
      counter("logsift_sink_acknowledgements_total", "Problems acknowledged from the destination (a Jira issue taken on).",
              r.acknowledged);
    }
    // Delivery latency, spooled -> confirmed.
    out.histogram("logsift_sink_delivery_latency_seconds", "Time from a batch entering the spool to its confirmation.",
                  labels, pipeline::kDeliveryLatencyBuckets, d.latency_counts, d.latency_sum_s);
  }
}

void export_metrics(ops::MetricsWriter& out, const std::vector<std::string>& listener_names,
                    const ingest::IngestStats& ingest, const pipeline::PipelineStats& p,
                    const QueueGauge& queue, std::size_t rules_loaded) {
  for (std::size_t i = 0; i < ingest.listeners.size() && i < listener_names.size(); ++i) {
    const auto& l = ingest.listeners[i];
    const std::array<MetricLabel, 1> labels{{{"listener", listener_names[i]}}};
    auto counter = [&](std::string_view name, std::string_view help, std::uint64_t v) {
      out.sample(name, help, MetricType::kCounter, labels, v);
    };
    counter("logsift_received_messages_total", "Messages accepted from the network.", l.messages);
    counter("logsift_received_bytes_total", "Message bytes accepted from the network.", l.bytes);
    counter("logsift_truncated_messages_total", "Messages cut to max_message_bytes.", l.truncated);
    counter("logsift_framing_errors_total", "Malformed stream frames (resynchronised).", l.framing_errors);
    counter("logsift_parse_failures_total", "Messages in which no known format was recognised.", l.parse_failures);
    counter("logsift_connections_accepted_total", "Stream connections accepted.", l.connections_accepted);
    counter("logsift_connections_rejected_total", "Stream connections refused over max_connections.", l.connections_rejected);
    counter("logsift_tls_handshake_failures_total", "TLS handshakes that failed or timed out.", l.tls_handshake_failures);
    counter("logsift_idle_timeouts_total", "Stream connections closed for idleness.", l.idle_timeouts);
    counter("logsift_read_errors_total", "Connection resets and socket errors.", l.read_errors);
    counter("logsift_backpressure_pauses_total", "Times a connection stopped being read for a full queue.", l.backpressure_pauses);
    counter("logsift_memory_pauses_total", "Times a connection stopped being read for the ingest memory budget.",
            l.memory_pauses);
    counter("logsift_connections_closed_for_memory_total",
            "Connections closed to free the ingest memory budget (oldest partial frame).", l.closed_for_memory);
    counter("logsift_partial_frame_bytes_dropped_total", "Bytes of partial frames dropped with those connections.",
            l.partial_bytes_dropped);
    counter("logsift_connections_cut_at_shutdown_total",
            "Connections still sending when the shutdown grace period ended.", l.connections_cut_at_shutdown);
    counter("logsift_relp_acknowledged_total", "RELP messages acknowledged (processed, their alerts stored).",
            l.relp_acknowledged);
    counter("logsift_relp_refused_total", "RELP frames answered with an error (500).", l.relp_refused);
    counter("logsift_relp_unanswered_at_close_total",
            "RELP messages not acknowledged when their connection closed (the sender resends them).",
            l.relp_unanswered_at_close);
    {
      const std::array<MetricLabel, 2> drop_labels{{{"listener", listener_names[i]}, {"cause", "shutdown"}}};
      out.sample("logsift_dropped_bytes_total",
                 "Bytes senders wrote that were not processed, by cause (shutdown: kernel queue and unframed).",
                 MetricType::kCounter, drop_labels, l.dropped_shutdown_bytes);
    }
    out.sample("logsift_connections_active", "Open stream connections.", MetricType::kGauge, labels, l.connections_active);
    for (auto [cause, value] : {std::pair<std::string_view, std::uint64_t>{"queue_full", l.dropped_queue_full},
                                {"kernel_overflow", l.dropped_kernel_overflow},
                                {"shutdown", l.dropped_shutdown}}) {
      const std::array<MetricLabel, 2> drop_labels{{{"listener", listener_names[i]}, {"cause", cause}}};
      out.sample("logsift_dropped_messages_total", "Messages dropped, by cause.", MetricType::kCounter, drop_labels, value);
    }
  }
  for (const auto& k : ingest.kafka) {
    if (k.listener_index >= listener_names.size()) continue;
    const std::string& name = listener_names[k.listener_index];
    const std::array<MetricLabel, 1> labels{{{"listener", name}}};
    auto counter = [&](std::string_view metric, std::string_view help, std::uint64_t v) {
      out.sample(metric, help, MetricType::kCounter, labels, v);
    };
    counter("logsift_kafka_records_consumed_total", "Records a kafka listener took from the brokers.", k.records);
    counter("logsift_kafka_commits_total", "Offset commits of a kafka listener the group accepted.", k.commits);
    counter("logsift_kafka_commit_failures_total", "Offset commits the group refused (retried at the next round).",
            k.commit_failures);
    counter("logsift_kafka_rebalances_total", "Partition assignment changes of a kafka listener.", k.rebalances);
    counter("logsift_kafka_consume_errors_total", "Error events from a kafka listener's fetcher (logged).",
            k.consume_errors);
    counter("logsift_kafka_offsets_skipped_total",
            "Offsets a partition's records jumped over (compaction, transaction markers, or records the brokers left out).",
            k.offsets_skipped);
    out.sample("logsift_kafka_partitions_assigned", "Partitions a kafka listener owns now.", MetricType::kGauge, labels,
               k.partitions);
    out.sample("logsift_kafka_paused", "1 while a kafka listener's partitions are paused for a full pipeline queue.",
               MetricType::kGauge, labels, k.paused ? 1 : 0);
    for (const auto& l : k.lag) {
      if (l.lag < 0) continue;
      const std::string partition = std::to_string(l.partition);
      const std::array<MetricLabel, 3> plabels{{{"listener", name}, {"topic", l.topic}, {"partition", partition}}};
      out.sample("logsift_kafka_consumer_lag", "Records behind the partition's end (high watermark - position).",
                 MetricType::kGauge, plabels, l.lag);
    }
  }
  for (const auto& peer : ingest.peers) {
    const std::array<MetricLabel, 1> labels{{{"peer", peer.address}}};
    out.sample("logsift_peer_received_messages_total", "Messages accepted per sender address (most active senders).",
               MetricType::kCounter, labels, peer.messages);
    out.sample("logsift_peer_received_bytes_total", "Message bytes accepted per sender address.",
               MetricType::kCounter, labels, peer.bytes);
    out.sample("logsift_peer_parse_failures_total", "Unparseable messages per sender address.",
               MetricType::kCounter, labels, peer.parse_failures);
  }
  out.gauge("logsift_ingest_memory_bytes", "Ingest memory budget in use (partial frames, batches being filled).",
            ingest.memory_used_bytes);
  out.gauge("logsift_ingest_memory_partial_bytes", "Of which partial frames.", ingest.memory_partial_bytes);
  out.gauge("logsift_ingest_memory_limit_bytes", "The ingest memory budget.", ingest.memory_limit_bytes);
  out.counter("logsift_peers_evicted_total", "Senders whose per-peer counters were dropped (bounded table).", ingest.peers_evicted);

  out.counter("logsift_processed_records_total", "Messages parsed and matched.", p.records);
  out.counter("logsift_processed_batches_total", "Raw batches processed.", p.batches);
  out.counter("logsift_matched_records_total", "Messages at least one rule matched.", p.matched_records);
  out.counter("logsift_incidents_total", "Rule matches (incidents).", p.incidents);
  out.counter("logsift_pcre_errors_total", "PCRE2 matches abandoned at their resource limit.", p.pcre_errors);
  for (std::size_t k = 1; k < p.parse_issues.size(); ++k) {
    const auto name = parsers::parse_issue_name(static_cast<parsers::ParseIssue>(k));
    const std::array<MetricLabel, 1> labels{{{"kind", name}}};
    out.sample("logsift_parse_errors_total", "Messages not parsed cleanly, by the first problem met.",
               MetricType::kCounter, labels, p.parse_issues[k]);
  }
  for (const auto& [rule, count] : p.matches_per_rule) {
    const std::array<MetricLabel, 1> labels{{{"rule", rule}}};
    out.sample("logsift_rule_matches_total", "Matches per rule since the rule set was loaded.",
               MetricType::kCounter, labels, count);
  }
  out.counter("logsift_capture_type_mismatches_total",
              "Captures whose value their ECS field cannot hold (kept under logsift.invalid_fields).",
              p.capture_type_mismatches);
  // Only rules PCRE2 ran for: thousands of Hyperscan-only rules add nothing to the scrape.
  for (const auto& r : p.pcre_per_rule) {
    const std::array<MetricLabel, 1> labels{{{"rule", r.rule_id}}};
    if (r.seconds > 0) {
      out.sample("logsift_rule_pcre_seconds_total", "Time inside PCRE2 per rule since the rule set was loaded.",
                 MetricType::kCounter, labels, r.seconds);
    }
    if (r.limit_hits > 0) {
      out.sample("logsift_rule_pcre_limit_hits_total",
                 "PCRE2 calls per rule abandoned at the match, depth, heap or JIT stack limit.", MetricType::kCounter,
                 labels, r.limit_hits);
    }
  }
  out.gauge("logsift_rules_suspended", "Rules suspended until the next reload for hitting PCRE2 limits.",
            p.suspended_rules.size());
  for (const auto& s : p.suspended_rules) {
    const std::array<MetricLabel, 1> labels{{{"rule", s.rule_id}}};
    out.sample("logsift_rule_suspended", "1 for each rule suspended until the next reload.", MetricType::kGauge,
               labels, 1);
  }
  out.gauge("logsift_rules_loaded", "Rules in the active rule set.", rules_loaded);
  out.counter("logsift_rule_reloads_total", "Rule sets swapped in by a reload.", p.reloads);

  const auto& d = p.detect;
  out.gauge("logsift_problems_open", "Problems open now.", d.problems_open);
  out.counter("logsift_problems_opened_total", "Problems opened.", d.problems_opened);
  out.counter("logsift_problems_reopened_total", "Resolved problems that came back.", d.problems_reopened);
  out.counter("logsift_problems_resolved_total", "Problems resolved (quiet period over, or their rule changed).",
              d.problems_resolved);
  out.counter("logsift_problems_closed_by_reload_total", "Open problems resolved because a reload changed or removed their rule.",
              d.problems_closed_by_reload);
  out.counter("logsift_event_time_fallbacks_total",
              "Incidents whose own timestamp was missing or implausible; @timestamp is their arrival.",
              d.event_time_fallbacks);
  out.counter("logsift_incidents_suppressed_total", "Incidents folded into a later alert's count.", d.incidents_suppressed);
  out.gauge("logsift_signatures", "Signatures tracked now.", d.signatures_live);
  out.counter("logsift_signature_evictions_total", "Signatures evicted at the max_signatures cap.", d.signature_evictions);
  out.counter("logsift_signatures_dropped_by_reload_total", "Signatures dropped because their rule changed or went away.",
              d.signatures_dropped_by_reload);
  out.gauge("logsift_templates", "Message templates held by the miner.", d.templates_live);
  out.counter("logsift_template_evictions_total", "Templates evicted at the max_templates cap.", d.template_evictions);
  out.counter("logsift_unmatched_trouble_total", "Unmatched messages that looked like trouble and were mined.", d.unmatched_trouble);

  const auto& sessions = p.sessions;
  out.gauge("logsift_sessions_open", "Sessions of rules with session: held now.", sessions.open);
  out.counter("logsift_sessions_started_total", "Sessions started.", sessions.started);
  out.counter("logsift_sessions_ended_total", "Sessions ended by a session_end line.", sessions.ended);
  out.counter("logsift_sessions_expired_total", "Sessions forgotten after their window without a line.", sessions.expired);
  out.counter("logsift_session_evictions_total", "Sessions dropped unexpired at the max_sessions cap.", sessions.evicted);
  out.counter("logsift_session_merges_total", "Incidents that took fields from earlier lines of their session.",
              sessions.merged);

  out.counter("logsift_alerts_total", "Alerts detection produced (before routing to sinks).", p.alerts);
  export_sink_metrics(out, p);
  out.counter("logsift_snapshots_written_total", "Detection state snapshots written.", p.snapshots_written);
  out.counter("logsift_snapshot_errors_total", "Detection state snapshots that failed.", p.snapshot_errors);
  out.gauge("logsift_snapshot_failing", "1 while the latest detection snapshot attempt failed (readyz degraded).",
            p.snapshot_failing ? 1 : 0);
  out.gauge("logsift_snapshot_generation", "Detection snapshot generation last written or restored.",
            p.snapshot_generation);

  out.gauge("logsift_queue_depth_batches", "Raw batches waiting for a worker.", queue.depth);
  out.gauge("logsift_queue_capacity_batches", "Capacity of the raw batch queue.", queue.capacity);
  out.gauge("logsift_processing_lag_seconds", "Arrival-to-processing delay of the latest batch.",
            static_cast<double>(p.lag_us) / 1e6);
}

void export_trend_metrics(ops::MetricsWriter& out, const pipeline::RateTracking& rates, std::size_t top) {
  const auto c = rates.counters();
  out.gauge("logsift_trend_series", "Rate series tracked now (signatures, hosts, listeners).", c.series_live);
  out.counter("logsift_trend_series_evicted_total", "Rate series evicted for the max_series cap.", c.series_evicted);
  out.gauge("logsift_trend_anomalies_open", "Rate anomalies open now.", c.anomalies_open);
  out.counter("logsift_trend_anomalies_total", "Rate anomalies opened.", c.anomalies_opened);
  out.counter("logsift_trend_rising_total", "trend.rising alerts.", c.trend_alerts);
  out.counter("logsift_trend_forecasts_total", "forecast.threshold alerts.", c.forecast_alerts);
  for (const auto& r : rates.top_series(top)) {
    const std::array<ops::MetricLabel, 2> labels{{{"series", trend::series_kind_name(r.kind)}, {"key", r.key}}};
    out.sample("logsift_rate_last_hour", "Occurrences in the last complete hour, busiest series.",
               ops::MetricType::kGauge, labels, r.last_hour);
    out.sample("logsift_rate_expected_last_hour", "What the seasonal baseline expected for that hour (0 in warm-up).",
               ops::MetricType::kGauge, labels, r.last_hour_baseline.expected_per_hour);
    out.sample("logsift_rate_anomaly", "1 while the series has an open anomaly.", ops::MetricType::kGauge, labels,
               r.anomaly.empty() ? 0 : 1);
    out.sample("logsift_rate_trend_per_day", "Daily total gained per day (seasonal Theil-Sen; 0 without a fit).",
               ops::MetricType::kGauge, labels, r.trend ? r.trend->slope_per_day : 0.0);
  }
}

std::string rates_json(const pipeline::RateTracking& rates, std::size_t top) {
  std::string out;
  auto number = [&out](double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, std::isfinite(v) ? std::round(v * 1000) / 1000 : 0.0);
    out.append(buf, r.ptr);
  };
  auto key = [&out](std::string_view k) {
    out.push_back(',');
    emit::append_json_string(k, out);
    out.push_back(':');
  };
  const auto c = rates.counters();
  out.append("{\"series_live\":");
  number(static_cast<double>(c.series_live));
  key("series_evicted");
  number(static_cast<double>(c.series_evicted));
  key("anomalies_open");
  number(static_cast<double>(c.anomalies_open));
  out.append(",\"series\":[");
  bool first = true;
  for (const auto& r : rates.top_series(top)) {
    out.append(first ? "{" : ",{");
    first = false;
    out.append("\"kind\":");
    emit::append_json_string(trend::series_kind_name(r.kind), out);
    key("key");
    emit::append_json_string(r.key, out);
    key("label");
    emit::append_json_string(r.label, out);
    key("first_seen");
    emit::append_rfc3339_us(r.first_seen_us, out);
    key("last_hour");
    number(static_cast<double>(r.last_hour));
    key("expected_last_hour");
    if (r.last_hour_baseline.mode == trend::BaselineMode::kNone) {
      out.append("null");
    } else {
      number(r.last_hour_baseline.expected_per_hour);
    }
    key("baseline");
    emit::append_json_string(r.last_hour_baseline.mode == trend::BaselineMode::kNone
                                 ? "warm-up"
                                 : trend::baseline_mode_name(r.last_hour_baseline.mode),
                             out);
    key("last_day");
    number(static_cast<double>(r.last_day));
    key("last_7_days");
    number(static_cast<double>(r.last_7_days));
    key("heartbeat");
    out.append(r.heartbeat ? "true" : "false");
    key("anomaly");
    if (r.anomaly.empty()) {
      out.append("null");
    } else {
      emit::append_json_string(r.anomaly, out);
    }
    key("trend");
    if (!r.trend) {
      out.append("null");
    } else {
      out.append("{\"per_day\":");
      number(r.trend->slope_per_day);
      key("per_day_low");
      number(r.trend->slope_low_per_day);
      key("per_day_high");
      number(r.trend->slope_high_per_day);
      key("days");
      number(r.trend->days);
      out.push_back('}');
    }
    key("crossing");
    if (r.crossing_us == 0) {
      out.append("null");
    } else {
      emit::append_rfc3339_us(r.crossing_us, out);
    }
    out.push_back('}');
  }
  out.append("]}\n");
  return out;
}

}  // namespace logsift::app
