// The status page as one server-rendered HTML document (see status_render.h).
#include <charconv>
#include <cmath>

#include "daemon/status/html_text.h"
#include "daemon/status/status_render.h"

namespace logsift::status {

namespace {

constexpr std::string_view kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em 2em;color:#1d232a;background:#fafbfc}
h1{font-size:1.4em;margin:.6em 0 0}h2{font-size:1.1em;margin:1.4em 0 .4em;border-bottom:1px solid #d5dae0}
.meta,.empty,.note{color:#5b6670}table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;vertical-align:top;padding:.35em .6em;border-bottom:1px solid #e4e8ec}
th{font-weight:600;color:#3d4852;background:#f1f3f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
pre.sample{margin:.3em 0 0;padding:.25em .4em;background:#f4f6f8;white-space:pre-wrap;word-break:break-all;font-size:12px;max-width:70em}
.rule{font-weight:600}.pid,.key{font:12px monospace;color:#5b6670}
.sev{display:inline-block;padding:0 .5em;border-radius:3px;background:#e4e8ec}
.sev-critical .sev{background:#b3261e;color:#fff}.sev-high .sev{background:#e8710a;color:#fff}
.sev-medium .sev{background:#f2c94c}.state-failing{color:#b3261e;font-weight:600}.state-backlogged{color:#e8710a}
svg.plot{background:#f4f6f8;vertical-align:middle}svg.plot polyline{fill:none;stroke-width:1.5}
svg.plot circle.obs{fill:#1a73e8}svg.plot circle.exp{fill:#7a8691}svg.plot circle.trend{fill:#e8710a}
.obs{stroke:#1a73e8}.exp{stroke:#7a8691;stroke-dasharray:3 2}.trend{stroke:#e8710a}.limit{stroke:#b3261e;stroke-dasharray:4 3}
.legend{font-size:12px;color:#5b6670}
)";

void append_hex16(std::uint64_t v, std::string& out) {
  char buf[16];
  for (int i = 15; i >= 0; --i) {
    buf[i] = "0123456789abcdef"[v & 0xF];
    v >>= 4;
  }
  out.append(buf, sizeof buf);
}

void append_count(double v, std::string& out) {
  char buf[32];
  const double r = std::isfinite(v) ? std::round(v * 10) / 10 : 0.0;
  const auto end = std::to_chars(buf, buf + sizeof buf, r).ptr;
  out.append(buf, end);
}

std::vector<double> as_doubles(const std::vector<std::int64_t>& v) {
  return std::vector<double>(v.begin(), v.end());
}

const SeriesPlot* find_series(const StatusView& view, std::uint64_t signature_id) {
  std::string hex;
  append_hex16(signature_id, hex);
  for (const auto& s : view.signatures) {
    if (s.key == hex) return &s;
  }
  return nullptr;
}

const std::string* find_ticket(std::span<const TicketLinks> tickets, std::uint64_t problem_id,
                               const TicketLinks** from) {
  for (const auto& t : tickets) {
    if (const std::string* key = t.find(problem_id)) {
      *from = &t;
      return key;
    }
  }
  return nullptr;
}

void minutes_plot(const SeriesPlot& s, std::string& out) {
  const auto obs = as_doubles(s.minutes);
  const PlotLine lines[] = {{obs, "obs"}};
  append_svg_plot(lines, 150, 28, "occurrences per minute, last 60 minutes", out);
}

void hours_plot(const SeriesPlot& s, std::string& out) {
  const auto obs = as_doubles(s.hours);
  const PlotLine lines[] = {{s.expected_hours, "exp"}, {obs, "obs"}};
  append_svg_plot(lines, 120, 28, "occurrences per hour, last 24 hours, against the seasonal baseline", out);
}

void days_plot(const SeriesPlot& s, std::string& out) {
  const auto obs = as_doubles(s.days);
  std::vector<double> limit;
  if (s.threshold_per_day > 0) limit.assign(s.days.size(), s.threshold_per_day);
  const PlotLine lines[] = {{obs, "obs"}, {s.trend_days, "trend"}, {limit, "limit"}};
  append_svg_plot(lines, 120, 28, "occurrences per day with the fitted trend and the threshold", out);
}

void ticket_cell(std::span<const TicketLinks> tickets, std::uint64_t problem_id, std::string& out) {
  out.append("<td class=\"ticket\">");
  const TicketLinks* from = nullptr;
  const std::string* key = find_ticket(tickets, problem_id, &from);
  if (key == nullptr) {
    out.append("\xE2\x80\x93");
  } else if (std::string url = ticket_url(from->base_url, *key); !url.empty()) {
    out.append("<a href=\"");
    append_html_text(url, out);
    out.append("\">");
    append_html_text(*key, out);
    out.append("</a>");
  } else {
    append_html_text(*key, out);
  }
  out.append("</td>");
}

void problem_row(const StatusView& view, const ProblemEntry& p, std::span<const TicketLinks> tickets,
                 std::string& out) {
  out.append("<tr class=\"problem sev-");
  append_html_text(p.severity, out);
  out.append("\" id=\"problem-");
  append_hex16(p.problem_id, out);
  out.append("\" data-rule=\"");
  append_html_text(p.rule_id, out);
  out.append("\"><td><span class=\"sev\">");
  append_html_text(p.severity, out);
  out.append("</span></td><td><div class=\"rule\">");
  append_html_text(p.rule_id, out);
  out.append("</div><div class=\"name\">");
  append_html_text(p.rule_name, out);
  out.append("</div><div class=\"pid\">problem ");
  append_hex16(p.problem_id, out);
  out.append(" \xC2\xB7 ");
  append_html_text(p.kind, out);
  out.append(" \xC2\xB7 signature ");
  append_hex16(p.signature_id, out);
  out.append("</div>");
  if (!p.service.empty() || !p.owner.empty() || !p.environment.empty()) {
    out.append("<div class=\"service\">service ");
    append_html_text(p.service.empty() ? std::string_view("\xE2\x80\x93") : std::string_view(p.service), out);
    for (const auto& [label, value] : {std::pair<std::string_view, const std::string*>{" \xC2\xB7 owner ", &p.owner},
                                       {" \xC2\xB7 ", &p.environment}}) {
      if (value->empty()) continue;
      out.append(label);
      append_html_text(*value, out);
    }
    out.append("</div>");
  }
  if (!p.detail.empty()) {
    out.append("<div class=\"detail\">");
    append_html_text(p.detail, out);
    out.append("</div>");
  }
  for (const auto& line : p.samples) {
    out.append("<pre class=\"sample\">");
    append_html_text(line, out);
    out.append("</pre>");
  }
  out.append("</td><td>opened ");
  append_utc_time(p.opened_us, out);
  out.append("<br>updated ");
  append_utc_time(p.updated_us, out);
  if (!p.open) {
    out.append("<br>resolved ");
    append_utc_time(p.resolved_us, out);
    out.append(" (");
    append_html_text(p.resolution, out);
    out.append(")");
  }
  out.append("<br>first seen ");
  append_utc_time(p.first_seen_us, out);
  if (p.sla_deadline_us != 0 || p.acknowledged_us != 0) {
    out.append("<div class=\"sla");
    out.append(p.acknowledged_us != 0 ? " acknowledged\">" : p.escalated ? " escalated\">" : "\">");
    if (p.sla_deadline_us != 0) {
      out.append("respond by ");
      append_utc_time(p.sla_deadline_us, out);
      out.append("<br>");
    }
    if (p.acknowledged_us != 0) {
      out.append("acknowledged by ");
      append_html_text(p.acknowledged_by, out);
      out.append(" at ");
      append_utc_time(p.acknowledged_us, out);
    } else {
      out.append(p.escalated ? "escalated: nobody acknowledged it in time" : "not acknowledged yet");
    }
    out.append("</div>");
  }
  if (const SeriesPlot* s = find_series(view, p.signature_id)) {
    out.append("<br>");
    minutes_plot(*s, out);
  }
  out.append("</td><td class=\"num\">");
  append_count(static_cast<double>(p.occurrences), out);
  out.append(" occurrences<br>");
  append_count(p.updates, out);
  out.append(" updates<br>reopened ");
  append_count(p.reopen_count, out);
  out.append("</td><td>");
  if (p.hosts_affected > 0) {
    append_count(p.hosts_affected, out);
    out.append(": ");
  }
  for (std::size_t i = 0; i < p.hosts.size(); ++i) {
    if (i > 0) out.append(", ");
    append_html_text(p.hosts[i], out);
  }
  out.append("</td>");
  ticket_cell(tickets, p.problem_id, out);
  out.append("</tr>\n");
}

void problems_section(const StatusView& view, std::span<const TicketLinks> tickets, std::string& out) {
  out.append("<section id=\"problems\"><h2>Open problems (");
  append_count(static_cast<double>(view.problems_open_total), out);
  out.append(")</h2>\n");
  constexpr std::string_view kHead =
      "<table><thead><tr><th>Severity</th><th>Problem and sample lines</th><th>Timeline</th>"
      "<th>Counts</th><th>Hosts</th><th>Ticket</th></tr></thead><tbody>\n";
  if (view.open.empty()) {
    out.append("<p class=\"empty\">No open problems.</p>");
  } else {
    out.append(kHead);
    for (const auto& p : view.open) problem_row(view, p, tickets, out);
    out.append("</tbody></table>");
  }
  out.append("</section>\n<section id=\"resolved\"><h2>Recently resolved</h2>\n");
  if (view.resolved.empty()) {
    out.append("<p class=\"empty\">None since the daemon started.</p>");
  } else {
    out.append(kHead);
    for (const auto& p : view.resolved) problem_row(view, p, tickets, out);
    out.append("</tbody></table>");
  }
  out.append("</section>\n");
}

void changes_section(const StatusView& view, std::string& out) {
  out.append("<section id=\"changes\"><h2>Changes in force</h2>\n");
  if (view.changes.empty()) {
    out.append("<p class=\"empty\">No change window is open.</p></section>\n");
    return;
  }
  out.append("<table><thead><tr><th>Change</th><th>By</th><th>Hosts and services</th><th>From</th>"
             "<th>Until</th><th>Rollback contact</th></tr></thead><tbody>\n");
  for (const auto& c : view.changes) {
    out.append("<tr class=\"change\" data-change=\"");
    append_html_text(c.id, out);
    out.append("\"><td><div class=\"rule\">");
    append_html_text(c.id, out);
    out.append("</div><div class=\"name\">");
    append_html_text(c.summary, out);
    out.append("</div></td><td>");
    append_html_text(c.by, out);
    out.append("</td><td>");
    bool first = true;
    for (const auto* list : {&c.hosts, &c.services}) {
      for (const auto& item : *list) {
        if (!first) out.append(", ");
        first = false;
        if (list == &c.services) out.append("service ");
        append_html_text(item, out);
      }
    }
    out.append("</td><td>");
    append_utc_time(c.from_us, out);
    out.append("</td><td>");
    append_utc_time(c.until_us, out);
    out.append("</td><td>");
    append_html_text(c.rollback_contact, out);
    out.append("</td></tr>\n");
  }
  out.append("</tbody></table></section>\n");
}

// `heading` names the first column: what the series are of ("Signature", "Listener", ...).
void series_rows(const std::vector<SeriesPlot>& series, std::string_view heading, std::string& out) {
  const bool signatures = heading == "Signature";
  out.append("<table><thead><tr><th>");
  out.append(heading);
  out.append("</th><th>Last 60 minutes</th><th class=\"num\">Last hour</th><th class=\"num\">Expected</th>"
             "<th>24 hours vs baseline</th><th>Days and trend</th><th>Anomaly, trend, forecast</th></tr></thead><tbody>\n");
  for (const auto& s : series) {
    out.append("<tr class=\"series\" data-key=\"");
    append_html_text(s.key, out);
    out.append("\"><td>");
    if (signatures) {
      out.append("<div class=\"rule\">");
      append_html_text(s.label, out);
      out.append("</div><div class=\"key\">");
      append_html_text(s.key, out);
      out.append("</div>");
    } else {
      append_html_text(s.key, out);
    }
    out.append("</td><td>");
    minutes_plot(s, out);
    out.append("</td><td class=\"num\">");
    append_count(static_cast<double>(s.last_hour), out);
    out.append("</td><td class=\"num\">");
    if (s.expected_last_hour < 0) out.append("warm-up");
    else append_count(s.expected_last_hour, out);
    out.append("</td><td>");
    hours_plot(s, out);
    out.append("</td><td>");
    days_plot(s, out);
    out.append("</td><td>");
    if (!s.anomaly.empty()) {
      out.append("anomaly: ");
      append_html_text(s.anomaly, out);
      out.append("<br>");
    }
    if (s.slope_per_day != 0) {
      out.append("trend ");
      append_count(s.slope_per_day, out);
      out.append("/day per day<br>");
    }
    if (s.crossing_us != 0) {
      out.append("reaches ");
      append_count(s.threshold_per_day, out);
      out.append("/day at ");
      append_utc_time(s.crossing_us, out);
    }
    out.append("</td></tr>\n");
  }
  out.append("</tbody></table>");
}

void rates_sections(const StatusView& view, std::string& out) {
  out.append("<section id=\"signatures\"><h2>Busiest signatures</h2>\n");
  if (!view.rates_enabled) {
    out.append("<p class=\"note\">Rate tracking is off: set <code>trend: {enabled: true}</code> for "
               "per-minute rates, baselines and forecasts.</p></section>\n");
    return;
  }
  out.append("<p class=\"legend\">Blue: observed; grey dashes: seasonal baseline; orange: trend; "
             "red dashes: threshold.</p>");
  if (view.signatures.empty()) out.append("<p class=\"empty\">No signature seen yet.</p>");
  else series_rows(view.signatures, "Signature", out);
  out.append("</section>\n<section id=\"listeners\"><h2>Rates per listener</h2>\n");
  if (view.listeners.empty()) out.append("<p class=\"empty\">No traffic yet.</p>");
  else series_rows(view.listeners, "Listener", out);
  out.append("</section>\n");
  if (view.services.empty()) return;  // no CMDB table places a host in a service
  out.append("<section id=\"services\"><h2>Rates per business service</h2>\n");
  series_rows(view.services, "Service", out);
  out.append("</section>\n");
}

void sinks_section(const StatusView& view, std::string& out) {
  out.append("<section id=\"sinks\"><h2>Sinks and spools</h2>\n<table><thead><tr><th>Sink</th><th>Type</th>"
             "<th>State</th><th class=\"num\">Spooled batches</th><th class=\"num\">Spooled bytes</th>"
             "<th>Oldest spooled</th><th class=\"num\">Batches written</th><th class=\"num\">Alerts delivered</th>"
             "<th class=\"num\">Failed attempts</th><th class=\"num\">Dead-lettered</th>"
             "<th class=\"num\">Dropped</th><th>Last error</th></tr></thead><tbody>\n");
  for (const auto& s : view.sinks) {
    out.append("<tr class=\"sink\"><td>");
    append_html_text(s.name, out);
    out.append("</td><td>");
    append_html_text(s.type, out);
    out.append("</td><td class=\"state-");
    append_html_text(s.state, out);
    out.append("\">");
    append_html_text(s.state, out);
    if (s.failing_since_us != 0) {
      out.append(" since ");
      append_utc_time(s.failing_since_us, out);
    }
    out.append("</td>");
    for (double v : {static_cast<double>(s.spool_batches), static_cast<double>(s.spool_bytes)}) {
      out.append("<td class=\"num\">");
      if (s.spooled) append_count(v, out);
      else out.append("\xE2\x80\x93");
      out.append("</td>");
    }
    out.append("<td>");
    append_utc_time(s.oldest_spooled_us, out);
    out.append("</td>");
    for (std::uint64_t v : {s.batches_written, s.alerts_delivered, s.attempts_failed, s.alerts_dead_lettered,
                            s.alerts_dropped}) {
      out.append("<td class=\"num\">");
      append_count(static_cast<double>(v), out);
      out.append("</td>");
    }
    out.append("<td>");
    append_html_text(s.last_error, out);
    out.append("</td></tr>\n");
  }
  out.append("</tbody></table></section>\n");
}

}  // namespace

std::string status_html(const StatusView& view, std::span<const TicketLinks> tickets) {
  std::string out;
  out.reserve(16 * 1024);
  out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width\">"
             "<meta http-equiv=\"refresh\" content=\"10\"><title>logsift status</title><style>");
  out.append(kStyle);
  out.append("</style></head>\n<body><header><h1>logsift status</h1><p class=\"meta\">as of ");
  append_utc_time(view.generated_us, out);
  out.append(" UTC \xC2\xB7 ");
  append_count(static_cast<double>(view.records), out);
  out.append(" records \xC2\xB7 ");
  append_count(static_cast<double>(view.incidents), out);
  out.append(" incidents \xC2\xB7 ");
  append_count(static_cast<double>(view.alerts), out);
  out.append(" alerts \xC2\xB7 <a href=\"/api/status\">JSON</a></p></header>\n");
  changes_section(view, out);
  problems_section(view, tickets, out);
  rates_sections(view, out);
  sinks_section(view, out);
  out.append("</body></html>\n");
  return out;
}

}  // namespace logsift::status
