// Pipeline::publish_status: the emitter thread turns what it holds into the status page's view.
//
// Runs on the emitter thread every status_interval_ms. It reads the problem board (its own),
// the rate tracker's reports (RateTracking's lock, held by workers for one batch's counts at a
// time), the sinks' counters and the workers' published counters; never a detection shard's
// lock, so neither a scrape nor the page ever waits on detection or on a snapshot being written.
#include "daemon/pipeline/pipeline.h"

namespace logsift::pipeline {

namespace {

status::SeriesPlot series_plot(trend::SeriesReport&& r) {
  status::SeriesPlot p;
  p.kind = std::string(trend::series_kind_name(r.kind));
  p.key = std::move(r.key);
  p.label = std::move(r.label);
  p.last_hour = r.last_hour;
  p.expected_last_hour =
      r.last_hour_baseline.mode == trend::BaselineMode::kNone ? -1.0 : r.last_hour_baseline.expected_per_hour;
  p.last_day = r.last_day;
  p.anomaly = std::string(r.anomaly);
  p.slope_per_day = r.trend ? r.trend->slope_per_day : 0.0;
  p.threshold_per_day = r.threshold_per_day;
  p.crossing_us = r.crossing_us;
  if (r.plot) {
    p.minutes = std::move(r.plot->minutes);
    p.hours = std::move(r.plot->hours);
    p.expected_hours = std::move(r.plot->expected_hours);
    p.days = std::move(r.plot->days);
    p.trend_days = std::move(r.plot->trend_days);
  }
  return p;
}

std::vector<status::SeriesPlot> series_plots(const RateTracking& rates, trend::SeriesKind kind, std::size_t n) {
  trend::ReportQuery query;
  query.n = n;
  query.kind = kind;
  query.plots = true;
  std::vector<status::SeriesPlot> out;
  for (auto& r : rates.reports(query)) out.push_back(series_plot(std::move(r)));
  return out;
}

status::SinkEntry sink_entry(const PipelineStats::Sink& s) {
  status::SinkEntry e;
  e.name = s.name;
  e.type = s.type;
  e.spooled = s.spooled;
  e.spool_batches = s.spool.batches;
  e.spool_bytes = s.spool.bytes;
  e.oldest_spooled_us = s.spool.oldest_spooled_us;
  e.batches_written = s.emit.batches_written;
  e.batches_pending = s.emit.batches_pending;
  e.alerts_delivered = s.delivery.alerts_delivered;
  e.attempts_failed = s.delivery.attempts_failed;
  e.alerts_dead_lettered = s.delivery.alerts_dead_lettered;
  e.alerts_dropped = s.emit.alerts_dropped + s.spool.dropped_alerts;
  e.failing_since_us = s.delivery.failing_since_us;
  if (s.delivery.failing_since_us != 0) {
    e.state = "failing";
    e.last_error = s.delivery.last_error;
  } else if (s.emit.batches_pending > 0) {
    e.state = "backlogged";  // the store refuses batches (a full disk or spool)
    e.last_error = s.emit.last_error;
  } else {
    e.state = "ok";
  }
  return e;
}

}  // namespace

void Pipeline::publish_status(std::int64_t now_us) {
  auto view = std::make_shared<status::StatusView>();
  view->generated_us = now_us;
  std::vector<BoardAcknowledgement> acks;
  {
    std::lock_guard lock(board_acks_mutex_);
    acks.swap(board_acks_);
  }
  for (const auto& a : acks) board_.acknowledge(a.problem_id, a.by, a.at_us);
  board_.fill(*view);
  if (options_.changes != nullptr) {
    for (auto& w : options_.changes->in_force(now_us)) {
      status::ChangeEntry c;
      c.id = std::move(w.id);
      c.summary = std::move(w.summary);
      c.by = std::move(w.requested_by);
      c.hosts = std::move(w.hosts);
      c.services = std::move(w.services);
      c.from_us = w.from_us;
      c.until_us = w.end_us();
      c.rollback_contact = std::move(w.rollback_contact);
      view->changes.push_back(std::move(c));
    }
  }
  if (rates_) {
    view->rates_enabled = true;
    view->signatures = series_plots(*rates_, trend::SeriesKind::kSignature, options_.status_series);
    view->listeners = series_plots(*rates_, trend::SeriesKind::kListener, options_.status_series);
    view->services = series_plots(*rates_, trend::SeriesKind::kService, options_.status_series);
  }
  for (const auto& sink : sinks_) view->sinks.push_back(sink_entry(sink_stats(sink)));
  worker_totals(view->records, view->incidents);
  view->alerts = alerts_emitted_.load(std::memory_order_relaxed);
  status_.publish(std::move(view));
}

}  // namespace logsift::pipeline
