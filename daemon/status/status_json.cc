// /api/status and /api/problems (see status_render.h), and the jira sinks' ticket maps.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "daemon/emit/json_text.h"
#include "daemon/status/html_text.h"
#include "daemon/status/status_render.h"

namespace logsift::status {

namespace {

// A JSON object written field by field.
class JsonOut {
 public:
  explicit JsonOut(std::string& out) : out_(out) {}
  void key(std::string_view k) {
    if (!first_) out_.push_back(',');
    first_ = false;
    emit::append_json_string(k, out_);
    out_.push_back(':');
  }
  void str(std::string_view k, std::string_view v) {
    key(k);
    emit::append_json_string(v, out_);
  }
  void num(std::string_view k, double v) {
    key(k);
    number(v);
  }
  void num_or_null(std::string_view k, double v) {  // negative = unknown
    key(k);
    if (v < 0) out_.append("null");
    else number(v);
  }
  void time(std::string_view k, std::int64_t us) {
    key(k);
    if (us == 0) out_.append("null");
    else emit::append_rfc3339_us(us, out_);
  }
  void hex(std::string_view k, std::uint64_t v) {
    key(k);
    emit::append_hex16(v, out_);
  }
  void boolean(std::string_view k, bool v) {
    key(k);
    out_.append(v ? "true" : "false");
  }
  template <typename T>
  void array(std::string_view k, const std::vector<T>& values) {
    key(k);
    out_.push_back('[');
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out_.push_back(',');
      if (values[i] < 0) out_.append("null");
      else number(static_cast<double>(values[i]));
    }
    out_.push_back(']');
  }
  void strings(std::string_view k, const std::vector<std::string>& values) {
    key(k);
    out_.push_back('[');
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out_.push_back(',');
      emit::append_json_string(values[i], out_);
    }
    out_.push_back(']');
  }
  // An array of one object per element, each filled by `fill(element, object)`.
  template <typename T, typename Fill>
  void objects(const std::vector<T>& values, Fill fill) {
    out_.push_back('[');
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out_.push_back(',');
      JsonOut o(out_);
      o.begin();
      fill(values[i], o);
      o.end();
    }
    out_.push_back(']');
  }
  std::string& raw() { return out_; }
  void begin() {
    out_.push_back('{');
    first_ = true;
  }
  void end() {
    out_.push_back('}');
    first_ = false;
  }

 private:
  void number(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, std::isfinite(v) ? std::round(v * 1000) / 1000 : 0.0);
    out_.append(buf, r.ptr);
  }
  std::string& out_;
  bool first_ = true;
};

void problem_json(const ProblemEntry& p, std::span<const TicketLinks> tickets, JsonOut& j) {
  j.begin();
  j.hex("problem_id", p.problem_id);
  j.hex("signature_id", p.signature_id);
  j.str("state", p.open ? "open" : "resolved");
  j.str("kind", p.kind);
  j.str("rule_id", p.rule_id);
  j.str("rule_name", p.rule_name);
  j.str("severity", p.severity);
  j.time("opened", p.opened_us);
  j.time("updated", p.updated_us);
  j.time("resolved", p.resolved_us);
  j.time("first_seen", p.first_seen_us);
  j.time("last_seen", p.last_seen_us);
  j.num("occurrences", static_cast<double>(p.occurrences));
  j.num("updates", p.updates);
  j.num("reopen_count", p.reopen_count);
  j.num("hosts_affected", p.hosts_affected);
  j.strings("hosts", p.hosts);
  j.strings("samples", p.samples);
  if (!p.resolution.empty()) j.str("resolution", p.resolution);
  if (!p.detail.empty()) j.str("detail", p.detail);
  j.key("service");
  if (p.service.empty() && p.owner.empty() && p.environment.empty()) {
    j.raw().append("null");
  } else {
    JsonOut s(j.raw());
    s.begin();
    s.str("name", p.service);
    s.str("owner", p.owner);
    s.str("environment", p.environment);
    s.end();
  }
  j.key("sla");
  if (p.sla_deadline_us == 0 && p.acknowledged_us == 0) {
    j.raw().append("null");
  } else {
    JsonOut s(j.raw());
    s.begin();
    s.time("deadline", p.sla_deadline_us);
    s.num("response_ms", static_cast<double>(p.sla_response_ms));
    s.boolean("escalated", p.escalated);
    s.boolean("acknowledged", p.acknowledged_us != 0);
    s.time("acknowledged_at", p.acknowledged_us);
    s.key("acknowledged_by");
    if (p.acknowledged_us == 0) s.raw().append("null");
    else emit::append_json_string(p.acknowledged_by, s.raw());
    s.end();
  }
  j.key("ticket");
  const std::string* key = nullptr;
  const TicketLinks* from = nullptr;
  for (const auto& t : tickets) {
    if ((key = t.find(p.problem_id)) != nullptr) {
      from = &t;
      break;
    }
  }
  if (key == nullptr) {
    j.raw().append("null");
  } else {
    JsonOut t(j.raw());
    t.begin();
    t.str("sink", from->sink);
    t.str("key", *key);
    t.str("url", ticket_url(from->base_url, *key));
    t.end();
  }
  j.end();
}

void problems_fields(const StatusView& view, std::span<const TicketLinks> tickets, JsonOut& j) {
  j.num("problems_open", static_cast<double>(view.problems_open_total));
  for (const auto* list : {&view.open, &view.resolved}) {
    j.key(list == &view.open ? "problems" : "resolved");
    j.raw().push_back('[');
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (i > 0) j.raw().push_back(',');
      JsonOut p(j.raw());
      problem_json((*list)[i], tickets, p);
    }
    j.raw().push_back(']');
  }
}

void changes_json(const std::vector<ChangeEntry>& changes, JsonOut& j) {
  j.objects(changes, [](const ChangeEntry& c, JsonOut& o) {
    o.str("id", c.id);
    o.str("summary", c.summary);
    o.str("by", c.by);
    o.strings("hosts", c.hosts);
    o.strings("services", c.services);
    o.time("from", c.from_us);
    o.time("until", c.until_us);
    o.str("rollback_contact", c.rollback_contact);
  });
}

void series_json(const std::vector<SeriesPlot>& series, JsonOut& j) {
  j.objects(series, [](const SeriesPlot& s, JsonOut& o) {
    o.str("kind", s.kind);
    o.str("key", s.key);
    o.str("label", s.label);
    o.num("last_hour", static_cast<double>(s.last_hour));
    o.num_or_null("expected_last_hour", s.expected_last_hour);
    o.num("last_day", static_cast<double>(s.last_day));
    o.str("anomaly", s.anomaly);
    o.num("trend_per_day", s.slope_per_day);
    o.num("threshold_per_day", s.threshold_per_day);
    o.time("crossing", s.crossing_us);
    o.array("minutes", s.minutes);
    o.array("hours", s.hours);
    o.array("expected_hours", s.expected_hours);
    o.array("days", s.days);
    o.array("trend_days", s.trend_days);
  });
}

}  // namespace

const std::string* TicketLinks::find(std::uint64_t problem_id) const {
  auto it = std::lower_bound(issues.begin(), issues.end(), problem_id,
                             [](const auto& entry, std::uint64_t id) { return entry.first < id; });
  return it != issues.end() && it->first == problem_id ? &it->second : nullptr;
}

TicketLinks parse_ticket_links(std::string sink, std::string base_url, std::string_view tsv) {
  TicketLinks links{std::move(sink), std::move(base_url), {}};
  while (!tsv.empty()) {
    const auto eol = tsv.find('\n');
    std::string_view line = tsv.substr(0, eol);
    tsv.remove_prefix(eol == std::string_view::npos ? tsv.size() : eol + 1);
    const auto tab = line.find('\t');
    if (tab != 16) continue;
    std::uint64_t id = 0;
    const auto parsed = std::from_chars(line.data(), line.data() + 16, id, 16);
    if (parsed.ec != std::errc() || parsed.ptr != line.data() + 16) continue;
    std::string_view key = line.substr(17);
    key = key.substr(0, key.find('\t'));
    if (key.empty()) continue;
    links.issues.emplace_back(id, std::string(key));
  }
  std::sort(links.issues.begin(), links.issues.end());
  return links;
}

std::string status_json(const StatusView& view, std::span<const TicketLinks> tickets) {
  std::string out;
  JsonOut j(out);
  j.begin();
  j.time("generated", view.generated_us);
  j.num("records", static_cast<double>(view.records));
  j.num("incidents", static_cast<double>(view.incidents));
  j.num("alerts", static_cast<double>(view.alerts));
  problems_fields(view, tickets, j);
  j.key("changes");
  changes_json(view.changes, j);
  j.boolean("rates_enabled", view.rates_enabled);
  j.key("signatures");
  series_json(view.signatures, j);
  j.key("listeners");
  series_json(view.listeners, j);
  j.key("services");
  series_json(view.services, j);
  j.key("sinks");
  out.push_back('[');
  for (std::size_t i = 0; i < view.sinks.size(); ++i) {
    if (i > 0) out.push_back(',');
    const SinkEntry& s = view.sinks[i];
    JsonOut o(out);
    o.begin();
    o.str("name", s.name);
    o.str("type", s.type);
    o.str("state", s.state);
    o.boolean("spooled", s.spooled);
    o.num("spool_batches", static_cast<double>(s.spool_batches));
    o.num("spool_bytes", static_cast<double>(s.spool_bytes));
    o.time("oldest_spooled", s.oldest_spooled_us);
    o.num("batches_written", static_cast<double>(s.batches_written));
    o.num("batches_pending", static_cast<double>(s.batches_pending));
    o.num("alerts_delivered", static_cast<double>(s.alerts_delivered));
    o.num("attempts_failed", static_cast<double>(s.attempts_failed));
    o.num("alerts_dead_lettered", static_cast<double>(s.alerts_dead_lettered));
    o.num("alerts_dropped", static_cast<double>(s.alerts_dropped));
    o.time("failing_since", s.failing_since_us);
    o.str("last_error", s.last_error);
    o.end();
  }
  out.push_back(']');
  j.end();
  out.push_back('\n');
  return out;
}

std::string problems_json(const StatusView& view, std::span<const TicketLinks> tickets) {
  std::string out;
  JsonOut j(out);
  j.begin();
  j.time("generated", view.generated_us);
  problems_fields(view, tickets, j);
  j.end();
  out.push_back('\n');
  return out;
}

}  // namespace logsift::status
