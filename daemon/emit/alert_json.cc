// Alert -> ECS NDJSON line; see alert_json.h and docs/alerts.md.
//
// Line layout (keys always present, in this order, so every line has the same shape):
//   @timestamp, ecs{version}, event{kind,action,severity,id,created,original,original_truncated},
//   rule{id,name,ruleset}, host{name,...}, log{syslog{...},source{address}}, message,
//   <ECS objects of mapped captures>, related{ip,user} (when any), labels{...}, tags[...],
//   logsift{...}
// Fields that do not apply are null (or 0, "", [], {}), never missing; problem_opened,
// resolve_after_ms and open_reason are null outside problems, template outside auto:* rules,
// prediction outside predictive-monitoring alerts (anomaly, trend.rising, forecast.threshold),
// suspension outside rule.suspended.
#include "daemon/emit/alert_json.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "daemon/emit/ecs_fields.h"
#include "daemon/emit/json_text.h"

namespace logsift::emit {
namespace {

using Field = std::pair<std::string, std::string>;

// Where one extracted capture is written: an ECS field, labels (no ECS field), or
// logsift.invalid_fields (an ECS field whose type the value does not fit).
struct Placement {
  const EcsFieldMapping* ecs = nullptr;
  bool invalid = false;
};

Placement place(const Field& f) {
  const EcsFieldMapping* m = find_ecs_field(f.first);
  if (m != nullptr && !fits_ecs_type(*m, f.second)) return {nullptr, true};
  return {m, false};
}

bool same_target(const Field& a, Placement pa, const Field& b, Placement pb) {
  if (pa.ecs == nullptr || pb.ecs == nullptr) {
    return pa.ecs == nullptr && pb.ecs == nullptr && pa.invalid == pb.invalid && a.first == b.first;
  }
  return pa.ecs->object == pb.ecs->object && pa.ecs->key == pb.ecs->key;
}

// Placements of an alert's captures, computed once per line. Alerts with more captures than the
// fixed array holds are placed again on demand (correct, only slower).
class Placements {
 public:
  explicit Placements(const std::vector<Field>& fields) : fields_(fields) {
    const std::size_t n = std::min(fields.size(), kCached);
    for (std::size_t i = 0; i < n; ++i) cached_[i] = place(fields[i]);
  }
  Placement at(std::size_t i) const { return i < kCached ? cached_[i] : place(fields_[i]); }
  // A capture is written only if no earlier capture went to the same key.
  bool shadowed(std::size_t i) const {
    const Placement p = at(i);
    for (std::size_t j = 0; j < i; ++j) {
      if (same_target(fields_[j], at(j), fields_[i], p)) return true;
    }
    return false;
  }

 private:
  static constexpr std::size_t kCached = 32;
  const std::vector<Field>& fields_;
  std::array<Placement, kCached> cached_{};
};

void append_key(std::string_view key, std::string& out) {
  append_json_string(key, out);
  out.push_back(':');
}

// Labels keys may not contain dots in ECS; captures from JSON paths might.
void append_label_key(std::string_view key, std::string& out) {
  const std::size_t start = out.size();
  append_json_string(key, out);
  std::replace(out.begin() + static_cast<std::ptrdiff_t>(start), out.end(), '.', '_');
  out.push_back(':');
}

void append_mapped_value(const Field& f, Placement p, std::string& out) {
  if (p.ecs->numeric) {
    out.append(f.second);  // is_json_integer() held when it was placed
  } else {
    append_json_string(f.second, out);
  }
}

// Writes the captures placed in `object` as `,"key":value` pairs; returns how many it wrote.
std::size_t append_object_members(EcsObject object, const std::vector<Field>& fields,
                                  const Placements& placements, bool leading_comma,
                                  std::string& out) {
  std::size_t written = 0;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Placement p = placements.at(i);
    if (p.ecs == nullptr || p.ecs->object != object || placements.shadowed(i)) continue;
    if (leading_comma || written > 0) out.push_back(',');
    append_key(p.ecs->key, out);
    append_mapped_value(fields[i], p, out);
    ++written;
  }
  return written;
}

bool object_has_members(EcsObject object, const std::vector<Field>& fields,
                        const Placements& placements) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Placement p = placements.at(i);
    if (p.ecs != nullptr && p.ecs->object == object) return true;
  }
  return false;
}

void append_time_or_null(std::int64_t time_us, std::string& out) {
  if (time_us == 0) {
    out.append("null");
  } else {
    append_rfc3339_us(time_us, out);
  }
}

void append_string_array(const std::vector<std::string>& values, std::string& out) {
  out.push_back('[');
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json_string(values[i], out);
  }
  out.push_back(']');
}

void append_string_or_null(std::string_view s, std::string& out) {
  if (s.empty()) {
    out.append("null");
  } else {
    append_json_string(s, out);
  }
}

// {"count":N,"within_ms":W,"spread_hosts":H}: what opens a problem for this signature. Detect
// always sets count >= 1, so a zero count means the alert carries no threshold: null.
void append_threshold(const detect::Alert& a, std::string& out) {
  if (a.threshold_count == 0) {
    out.append("null");
    return;
  }
  out.append("{\"count\":");
  append_json_uint(a.threshold_count, out);
  out.append(",\"within_ms\":");
  append_json_int(a.window_ms, out);
  out.append(",\"spread_hosts\":");
  append_json_uint(a.spread_hosts, out);
  out.push_back('}');
}

// {"id":"<16 hex>","text":"..."} for auto:* rules (those with a mined template), else null.
void append_template(const detect::Alert& a, std::string& out) {
  if (a.template_id.empty()) {
    out.append("null");
    return;
  }
  out.append("{\"id\":");
  append_json_string(a.template_id, out);
  out.append(",\"text\":");
  append_json_string(a.template_text, out);
  out.push_back('}');
}

// A number with at most three decimals, shortest form ("12", "0.25", "1234.567").
void append_json_double(double v, std::string& out) {
  if (!std::isfinite(v)) {
    out.append("null");
    return;
  }
  char buf[64];
  const double rounded = std::round(v * 1000) / 1000;
  const auto r = std::to_chars(buf, buf + sizeof buf, rounded == 0 ? 0.0 : rounded);
  out.append(buf, r.ptr);
}

// {"kind":...,"series":{...},...} for predictive-monitoring alerts (daemon/trend), else null.
void append_prediction(const detect::Alert& a, std::string& out) {
  if (!a.prediction) {
    out.append("null");
    return;
  }
  const detect::RatePrediction& p = *a.prediction;
  out.append("{\"kind\":");
  append_json_string(p.kind, out);
  out.append(",\"series\":{\"kind\":");
  append_json_string(p.series_kind, out);
  out.append(",\"key\":");
  append_json_string(p.series_key, out);
  out.append("},\"baseline\":");
  append_string_or_null(p.baseline, out);
  out.append(",\"window_ms\":");
  append_json_int(p.window_ms, out);
  out.append(",\"observed\":");
  append_json_double(p.observed, out);
  out.append(",\"expected\":");
  append_json_double(p.expected, out);
  out.append(",\"score\":");
  append_json_double(p.score, out);
  out.append(",\"trend\":");
  if (p.trend_days == 0) {
    out.append("null");
  } else {
    out.append("{\"days\":");
    append_json_int(p.trend_days, out);
    out.append(",\"per_day\":");
    append_json_double(p.slope_per_day, out);
    out.append(",\"per_day_low\":");
    append_json_double(p.slope_low_per_day, out);
    out.append(",\"per_day_high\":");
    append_json_double(p.slope_high_per_day, out);
    out.append(",\"level_per_day\":");
    append_json_double(p.level_per_day, out);
    out.push_back('}');
  }
  out.append(",\"forecast\":");
  if (p.threshold_per_day <= 0) {
    out.append("null");
  } else {
    out.append("{\"threshold_per_day\":");
    append_json_double(p.threshold_per_day, out);
    out.append(",\"crossing\":");
    append_time_or_null(p.crossing_us, out);
    out.append(",\"earliest\":");
    append_time_or_null(p.crossing_earliest_us, out);
    out.append(",\"latest\":");
    append_time_or_null(p.crossing_latest_us, out);
    out.push_back('}');
  }
  out.push_back('}');
}

// {"limit_hits":...,"pcre_seconds":...,"within_ms":...} on rule.suspended, else null.
void append_suspension(const detect::Alert& a, std::string& out) {
  if (!a.suspension) {
    out.append("null");
    return;
  }
  out.append("{\"limit_hits\":");
  append_json_uint(a.suspension->limit_hits, out);
  out.append(",\"pcre_seconds\":");
  append_json_double(static_cast<double>(a.suspension->pcre_ns) / 1e9, out);
  out.append(",\"within_ms\":");
  append_json_int(a.suspension->within_ms, out);
  out.push_back('}');
}

// ECS version whose field set the alert lines follow.
constexpr std::string_view kEcsVersion = "8.11.0";

// RFC 5424 facility keywords, as syslog configurations name them.
constexpr std::array<std::string_view, 24> kFacilityNames = {
    "kern",     "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",     "cron",   "authpriv", "ftp",  "ntp",    "security", "console", "solaris-cron",
    "local0",   "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
// RFC 5424 severity names, as ECS examples and Filebeat write them.
constexpr std::array<std::string_view, 8> kSeverityNames = {
    "Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"};

void append_code_and_name(int code, std::string_view name, std::string& out) {
  out.append("{\"code\":");
  append_json_int(code, out);
  out.append(",\"name\":");
  append_json_string(name, out);
  out.push_back('}');
}

// log{syslog{facility,severity,priority,appname,procid,msgid,hostname},source{address}}: the
// occurrence's syslog header and the address it came from; null where unknown.
void append_log_object(const detect::Alert& a, std::string& out) {
  const int facility = a.syslog_facility;
  const int severity = a.syslog_severity;
  out.append(",\"log\":{\"syslog\":{\"facility\":");
  if (facility >= 0 && facility < static_cast<int>(kFacilityNames.size())) {
    append_code_and_name(facility, kFacilityNames[static_cast<std::size_t>(facility)], out);
  } else {
    out.append("null");
  }
  out.append(",\"severity\":");
  if (severity >= 0 && severity < static_cast<int>(kSeverityNames.size())) {
    append_code_and_name(severity, kSeverityNames[static_cast<std::size_t>(severity)], out);
  } else {
    out.append("null");
  }
  out.append(",\"priority\":");
  if (facility >= 0 && facility < 24 && severity >= 0 && severity < 8) {
    append_json_int(facility * 8 + severity, out);
  } else {
    out.append("null");
  }
  out.append(",\"appname\":");
  append_string_or_null(a.app, out);
  out.append(",\"procid\":");
  append_string_or_null(a.procid, out);
  out.append(",\"msgid\":");
  append_string_or_null(a.msgid, out);
  out.append(",\"hostname\":");
  append_string_or_null(a.syslog_host, out);
  out.append("},\"source\":{\"address\":");
  append_string_or_null(a.sender, out);
  out.append("}}");
}

// Values placed at the ECS fields `wanted` selects, each once, as a JSON array; false (nothing
// written) when there is none.
template <typename Wanted>
bool append_related(std::string_view key, const std::vector<Field>& fields,
                    const Placements& placements, Wanted wanted, bool leading_comma,
                    std::string& out) {
  bool any = false;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Placement p = placements.at(i);
    if (p.ecs == nullptr || !wanted(*p.ecs)) continue;
    bool seen = false;
    for (std::size_t j = 0; j < i && !seen; ++j) {
      const Placement q = placements.at(j);
      seen = q.ecs != nullptr && wanted(*q.ecs) && fields[j].second == fields[i].second;
    }
    if (seen) continue;
    if (!any) {
      if (leading_comma) out.push_back(',');
      append_key(key, out);
      out.push_back('[');
    } else {
      out.push_back(',');
    }
    append_json_string(fields[i].second, out);
    any = true;
  }
  if (any) out.push_back(']');
  return any;
}

// related{ip:[...],user:[...]}: every address and user the captures named, for pivoting; the
// object is left out when there is neither.
void append_related_object(const std::vector<Field>& fields, const Placements& placements,
                           std::string& out) {
  auto is_ip = [](const EcsFieldMapping& m) { return m.ip; };
  auto is_user = [](const EcsFieldMapping& m) {
    return m.object == EcsObject::kUser && (m.key == "name" || m.key == "id");
  };
  const std::size_t start = out.size();
  out.append(",\"related\":{");
  const std::size_t members = out.size();
  const bool ips = append_related("ip", fields, placements, is_ip, false, out);
  append_related("user", fields, placements, is_user, ips, out);
  if (out.size() == members) {
    out.resize(start);
  } else {
    out.push_back('}');
  }
}

void append_invalid_fields(const std::vector<Field>& fields, const Placements& placements,
                           std::string& out) {
  out.push_back('{');
  bool first = true;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!placements.at(i).invalid || placements.shadowed(i)) continue;
    if (!first) out.push_back(',');
    first = false;
    append_label_key(fields[i].first, out);
    append_json_string(fields[i].second, out);
  }
  out.push_back('}');
}

// --- CMDB context (parsers::ServiceContext): service{name,environment}, labels, logsift.service.

bool has_cmdb_service(const parsers::ServiceContext& c) { return !c.service.empty() || !c.environment.empty(); }

// A capture the CMDB context takes the place of (service.name, service.environment): written
// under labels by its capture name instead, so it is not lost.
bool displaced_by_cmdb(const EcsFieldMapping& m, const parsers::ServiceContext& c) {
  if (m.object != EcsObject::kService) return false;
  return (m.key == "name" && !c.service.empty()) || (m.key == "environment" && !c.environment.empty());
}

void append_service_object(const detect::Alert& a, const Placements& placements, std::string& out) {
  const parsers::ServiceContext& c = a.context;
  out.append(",\"service\":{");
  bool first = true;
  auto member = [&](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    if (!first) out.push_back(',');
    first = false;
    append_key(key, out);
    append_json_string(value, out);
  };
  member("name", c.service);
  member("environment", c.environment);
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    const Placement p = placements.at(i);
    if (p.ecs == nullptr || p.ecs->object != EcsObject::kService || placements.shadowed(i)) continue;
    if (displaced_by_cmdb(*p.ecs, c)) continue;
    if (!first) out.push_back(',');
    first = false;
    append_key(p.ecs->key, out);
    append_mapped_value(a.fields[i], p, out);
  }
  out.push_back('}');
}

// True when a capture already wrote label `key` (captures describe the occurrence; the CMDB's
// label of the same name gives way).
bool capture_label_written(const detect::Alert& a, const Placements& placements, std::string_view key) {
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    const Placement p = placements.at(i);
    const bool displaced = p.ecs != nullptr && displaced_by_cmdb(*p.ecs, a.context);
    if ((p.ecs != nullptr && !displaced) || p.invalid || placements.shadowed(i)) continue;
    if (a.fields[i].first == key) return true;
  }
  return false;
}

void append_cmdb_labels(const detect::Alert& a, const Placements& placements, bool first, std::string& out) {
  for (const auto& [key, value] : a.context.labels) {
    if (capture_label_written(a, placements, key)) continue;
    if (!first) out.push_back(',');
    first = false;
    append_label_key(key, out);
    append_json_string(value, out);
  }
}

// logsift.service{owner,sla_tier,severity_raise,source}: only on alerts whose host has a CMDB entry.
void append_cmdb_details(const detect::Alert& a, std::string& out) {
  const parsers::ServiceContext& c = a.context;
  if (c.empty()) return;
  out.append(",\"service\":{\"owner\":");
  append_string_or_null(c.owner, out);
  out.append(",\"sla_tier\":");
  append_string_or_null(c.sla_tier, out);
  out.append(",\"severity_raise\":");
  append_json_uint(a.tier_raise, out);
  out.append(",\"source\":");
  append_string_or_null(c.source, out);
  out.push_back('}');
}

// logsift.change{...}: only on alerts in a declared change window or suspected after one.
void append_change(const detect::Alert& a, std::string& out) {
  if (!a.change) return;
  const detect::ChangeMark& c = *a.change;
  out.append(",\"change\":{\"id\":");
  append_json_string(c.id, out);
  out.append(",\"during_change\":");
  out.append(c.during ? "true" : "false");
  out.append(",\"suspected\":");
  out.append(c.suspected ? "true" : "false");
  out.append(",\"summary\":");
  append_string_or_null(c.summary, out);
  out.append(",\"by\":");
  append_string_or_null(c.requested_by, out);
  out.append(",\"rollback_contact\":");
  append_string_or_null(c.rollback_contact, out);
  out.append(",\"from\":");
  append_time_or_null(c.from_us, out);
  out.append(",\"to\":");
  append_time_or_null(c.to_us, out);
  out.append(",\"evidence\":");
  if (!c.suspected) {
    out.append("null");
  } else {
    // What a rollback decision needs: the signature is new since the change began, and recurs.
    out.append("{\"first_seen\":");
    append_time_or_null(a.first_seen_us, out);
    out.append(",\"after_change_start_ms\":");
    append_json_int((a.first_seen_us - c.from_us) / 1000, out);
    out.append(",\"occurrences\":");
    append_json_uint(a.occurrences, out);
    out.append(",\"hosts\":");
    append_string_array(a.hosts, out);
    out.push_back('}');
  }
  out.push_back('}');
}

// logsift.sla{...}: only on problem alerts with a response target.
void append_sla(const detect::Alert& a, std::string& out) {
  if (a.sla_deadline_us == 0) return;
  out.append(",\"sla\":{\"deadline\":");
  append_rfc3339_us(a.sla_deadline_us, out);
  out.append(",\"response_ms\":");
  append_json_int(a.sla_response_ms, out);
  out.append(",\"acknowledged\":");
  out.append(a.acknowledged_us != 0 ? "true" : "false");
  out.append(",\"acknowledged_at\":");
  append_time_or_null(a.acknowledged_us, out);
  out.append(",\"acknowledged_by\":");
  append_string_or_null(a.acknowledged_by, out);
  out.push_back('}');
}

void append_logsift_object(const detect::Alert& a, const Placements& placements, std::string& out) {
  const bool in_problem = a.problem_id != 0;
  out.append(",\"logsift\":{\"signature_id\":");
  append_hex16(a.signature_id, out);
  out.append(",\"signature\":{");
  for (std::size_t i = 0; i < a.signature_values.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_key(a.signature_values[i].first, out);
    append_json_string(a.signature_values[i].second, out);
  }
  out.append("},\"problem_id\":");
  if (a.problem_id == 0) {
    out.append("null");
  } else {
    append_hex16(a.problem_id, out);
  }
  out.append(",\"problem_state\":");
  switch (a.problem_state) {
    case detect::ProblemState::kNone: out.append("null"); break;
    case detect::ProblemState::kOpen: out.append("\"open\""); break;
    case detect::ProblemState::kResolved: out.append("\"resolved\""); break;
  }
  out.append(",\"problem_opened\":");
  append_time_or_null(in_problem ? a.problem_opened_us : 0, out);
  out.append(",\"open_reason\":");
  append_string_or_null(in_problem ? a.open_reason : std::string_view(), out);
  out.append(",\"reopen_count\":");
  append_json_uint(a.reopen_count, out);
  out.append(",\"occurrences\":");
  append_json_uint(a.occurrences, out);
  out.append(",\"window_count\":");
  append_json_uint(a.window_count, out);
  out.append(",\"suppressed_count\":");
  append_json_uint(a.suppressed_count, out);
  out.append(",\"first_seen\":");
  append_time_or_null(a.first_seen_us, out);
  out.append(",\"last_seen\":");
  append_time_or_null(a.last_seen_us, out);
  out.append(",\"window_ms\":");
  append_json_int(a.window_ms, out);
  out.append(",\"threshold\":");
  append_threshold(a, out);
  out.append(",\"resolve_after_ms\":");
  if (in_problem) {
    append_json_int(a.resolve_after_ms, out);
  } else {
    out.append("null");
  }
  out.append(",\"hosts_affected\":");
  append_json_uint(a.hosts_affected, out);
  out.append(",\"hosts\":");
  append_string_array(a.hosts, out);
  out.append(",\"severity\":");
  append_json_string(rules::severity_name(a.severity), out);
  out.append(",\"base_severity\":");
  append_json_string(rules::severity_name(a.base_severity), out);
  out.append(",\"escalation\":");
  append_json_uint(a.escalation, out);
  out.append(",\"template\":");
  append_template(a, out);
  out.append(",\"prediction\":");
  append_prediction(a, out);
  out.append(",\"resolution\":");
  append_string_or_null(a.action == detect::AlertAction::kProblemResolved ? a.resolution : std::string_view(),
                        out);
  out.append(",\"suspension\":");
  append_suspension(a, out);
  out.append(",\"original_bytes\":");
  append_json_uint(std::max<std::uint64_t>(a.original_bytes, a.original.size()), out);
  out.append(",\"message_truncated\":");
  out.append(a.message_truncated ? "true" : "false");
  out.append(",\"invalid_fields\":");
  append_invalid_fields(a.fields, placements, out);
  append_cmdb_details(a, out);
  append_change(a, out);
  append_sla(a, out);
  out.push_back('}');
}

// rule.uuid, rule.author, rule.reference: written only when the rule carries them.
void append_rule_provenance(const detect::Alert& a, std::string& out) {
  if (!a.rule_uuid.empty()) {
    out.append(",\"uuid\":");
    append_json_string(a.rule_uuid, out);
  }
  if (!a.rule_authors.empty()) {
    out.append(",\"author\":");
    append_string_array(a.rule_authors, out);
  }
  if (!a.rule_references.empty()) {
    out.append(",\"reference\":");
    append_string_array(a.rule_references, out);
  }
}

}  // namespace

void append_alert_json(const detect::Alert& a, std::string& out) {
  const Placements placements(a.fields);

  out.append("{\"@timestamp\":");
  append_rfc3339_us(a.time_us, out);
  out.append(",\"ecs\":{\"version\":");
  append_json_string(kEcsVersion, out);
  out.append("},\"event\":{\"kind\":\"alert\",\"action\":");
  append_json_string(detect::action_name(a.action), out);
  out.append(",\"severity\":");
  append_json_int(rules::severity_score(a.severity), out);
  out.append(",\"id\":");
  append_json_string(a.id, out);
  out.append(",\"created\":");
  append_rfc3339_us(a.created_us != 0 ? a.created_us : a.time_us, out);
  out.append(",\"original\":");
  append_json_string(a.original, out);
  out.append(",\"original_truncated\":");
  out.append(a.original_truncated ? "true" : "false");
  out.append("},\"rule\":{\"id\":");
  append_json_string(a.rule_id, out);
  out.append(",\"name\":");
  append_json_string(a.rule_name, out);
  out.append(",\"ruleset\":");
  append_json_string(a.ruleset, out);
  append_rule_provenance(a, out);
  out.append("},\"host\":{\"name\":");
  append_json_string(a.host, out);
  append_object_members(EcsObject::kHost, a.fields, placements, true, out);
  out.push_back('}');
  append_log_object(a, out);
  out.append(",\"message\":");
  append_json_string(a.message, out);

  for (std::size_t o = 1; o < kEcsObjectCount; ++o) {  // kHost (0) was written above
    const auto object = static_cast<EcsObject>(o);
    if (object == EcsObject::kService && has_cmdb_service(a.context)) {
      append_service_object(a, placements, out);
      continue;
    }
    if (!object_has_members(object, a.fields, placements)) continue;
    out.push_back(',');
    append_key(ecs_object_name(object), out);
    out.push_back('{');
    append_object_members(object, a.fields, placements, false, out);
    out.push_back('}');
  }

  append_related_object(a.fields, placements, out);

  out.append(",\"labels\":{");
  bool first_label = true;
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    const Placement p = placements.at(i);
    const bool displaced = p.ecs != nullptr && displaced_by_cmdb(*p.ecs, a.context) && !placements.shadowed(i);
    if (!displaced && (p.ecs != nullptr || p.invalid || placements.shadowed(i))) continue;
    if (!first_label) out.push_back(',');
    first_label = false;
    append_label_key(a.fields[i].first, out);
    append_json_string(a.fields[i].second, out);
  }
  append_cmdb_labels(a, placements, first_label, out);
  out.append("},\"tags\":");
  append_string_array(a.tags, out);
  if (!a.techniques.empty()) {
    out.append(",\"threat\":{\"framework\":\"MITRE ATT&CK\",\"technique\":{\"id\":");
    append_string_array(a.techniques, out);
    out.append("}}");
  }
  append_logsift_object(a, placements, out);
  out.append("}\n");
}

}  // namespace logsift::emit
