// Detector lifecycle: occurrences, suppression and the problem state machine.
//
//                 occurrence: count >= `count` within the window,
//                 or >= `spread_hosts` distinct hosts within the window
//     +------+    -> problem.opened                              +------+
//     | none | ------------------------------------------------> | open | <--+ occurrence:
//     +------+                                                   +------+    | problem.updated at
//        ^                                                        |    ^     | most once per
//        |  quiet for forget_after                                |    |     | update_interval;
//        |  (state dropped)            quiet for resolve_after    |    +-----+ the rest folded into
//        |                             -> problem.resolved        v            suppressed_count
//     +----------+ <---------------------------------------------+
//     | resolved |
//     +----------+ ------------------------------------------------> open
//                  occurrence -> problem.reopened, reopen_count + 1,
//                  severity + reopen_count / escalation_step (capped at critical)
//
// Every occurrence is reported by exactly one alert of its signature, so `occurrences` equals the
// alerts caused by an occurrence plus the sum of all `suppressed_count`s. While no problem is open
// each occurrence is an incident: the first one, and the first after each `suppression_ms`
// interval, is an incident alert; those in between are folded and carried by the next incident
// alert (which advance() emits when the interval ends) or by the problem.opened alert if the
// signature reaches its threshold first. From problem.opened on, the problem's alerts report the
// occurrences (updates at most once per update_interval) and no incident alert repeats them.
//
// Deadlines (end of a suppression interval, next allowed update, resolution) live in a min-heap
// with at most one valid entry per signature (the one equal to its scheduled_at_us); entries that
// a later reschedule superseded are skipped when popped. A deadline is rechecked against the state
// when it pops, so occurrences never have to touch the heap to push a resolution later.
#include "daemon/detect/detector.h"

#include <xxhash.h>

#include <algorithm>
#include <functional>
#include <utility>

#include "daemon/detect/detector_impl.h"

namespace logsift::detect {
namespace {

std::int64_t ms_to_us(std::int64_t ms) { return ms * 1000; }

std::string_view cut(std::string_view s, std::size_t max) { return s.substr(0, std::min(s.size(), max)); }

}  // namespace

Detector::Impl::Impl(DetectOptions options)
    : options_(std::move(options)),
      table_(options_.max_signatures),
      miner_(options_.miner),
      trouble_(options_) {
  if (options_.host_sample_size == 0) options_.host_sample_size = 1;
}

bool Detector::Impl::looks_like_trouble(const parsers::Record& record) const {
  return trouble_.looks_like_trouble(record);
}

void Detector::Impl::copy_rule(SignatureState& s, const rules::Rule& rule) const {
  s.rule_id = rule.id;
  s.rule_name = rule.name;
  s.ruleset = rule.ruleset;
  s.severity = rule.severity;
  s.tags = rule.tags;
  s.rule_authors = rule.authors;
  s.rule_references = rule.references;
  s.rule_uuid = rule.uuid;
  s.techniques = rule.techniques;
  const rules::Recurrence& r = rule.recurrence;
  s.count = r.count ? r.count : options_.default_count;
  if (s.count == 0) s.count = 1;
  const std::int64_t within = r.within_ms > 0 ? r.within_ms : options_.default_within_ms;
  if (within != s.within_ms || s.occurrences == 0) {
    s.within_ms = within > 0 ? within : 1;
    s.window = RecurrenceWindow(s.within_ms);  // a changed window starts afresh
  }
  s.resolve_after_ms = r.resolve_after_ms > 0 ? r.resolve_after_ms : options_.default_resolve_after_ms;
  const std::uint32_t spread = r.spread_hosts ? r.spread_hosts : options_.default_spread_hosts;
  s.spread_hosts = static_cast<std::uint32_t>(std::min<std::size_t>(spread, options_.host_sample_size));
}

SignatureState& Detector::Impl::insert(std::uint64_t signature_id, bool* inserted) {
  SignatureState evicted;
  SignatureState& s = table_.find_or_insert(signature_id, inserted, &evicted);
  if (*inserted) {
    ++counters_.signatures_created;
    if (evicted.live) {
      ++counters_.signature_evictions;
      if (evicted.problem == ProblemState::kOpen) {
        ++counters_.open_problem_evictions;
        --counters_.problems_open;
      }
    }
  }
  return s;
}

void Detector::Impl::record_occurrence(SignatureState& s, const parsers::Record& record,
                                       std::span<const rules::Capture> fields,
                                       std::int64_t now_us) {
  if (s.occurrences == 0) s.first_seen_us = now_us;
  ++s.occurrences;
  s.last_seen_us = std::max(s.last_seen_us, now_us);
  s.window.add(now_us);

  const bool own_time_plausible = record.time_us != parsers::kNoTime &&
                                  record.time_us <= now_us + ms_to_us(options_.max_event_ahead_ms) &&
                                  record.time_us >= now_us - ms_to_us(options_.max_event_behind_ms);
  s.last_event_us = own_time_plausible ? record.time_us : now_us;
  counters_.event_time_fallbacks += own_time_plausible ? 0 : 1;

  const std::size_t max_text = options_.max_kept_text_bytes;
  const std::string_view host = host_or_sender(record);
  s.last_host.assign(cut(host, max_text));
  s.last_message.assign(cut(record.message, max_text));
  s.last_original.assign(cut(record.original, max_text));
  s.last_original_bytes = record.original.size();
  s.last_original_truncated = record.truncated || record.original.size() > max_text;
  s.last_message_truncated = record.truncated || record.message.size() > max_text;
  s.last_fields.resize(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    s.last_fields[i].first.assign(fields[i].name);
    s.last_fields[i].second.assign(cut(fields[i].value, max_text));
  }
  s.last_facility = record.facility;
  s.last_syslog_severity = record.severity;
  s.last_app.assign(cut(record.app, max_text));
  s.last_procid.assign(cut(record.procid, max_text));
  s.last_msgid.assign(cut(record.msgid, max_text));
  s.last_syslog_host.assign(cut(record.host, max_text));
  s.last_sender.assign(record.sender);
  // The CMDB context rarely changes between occurrences: it is copied only when it does.
  const std::uint64_t context_fingerprint = record.context != nullptr ? record.context->fingerprint : 0;
  if (context_fingerprint != s.last_context.fingerprint) {
    s.last_context = record.context != nullptr ? *record.context : parsers::ServiceContext{};
  }

  if (host.empty()) return;
  const std::uint64_t h = XXH3_64bits(host.data(), host.size());
  for (HostSeen& seen : s.hosts) {
    if (seen.hash == h) {
      seen.last_seen_us = std::max(seen.last_seen_us, now_us);
      return;
    }
  }
  ++s.hosts_affected;
  if (s.hosts.size() < options_.host_sample_size) {
    s.hosts.push_back({h, now_us, std::string(cut(host, max_text))});
    return;
  }
  auto oldest = std::min_element(s.hosts.begin(), s.hosts.end(), [](const HostSeen& a, const HostSeen& b) {
    return a.last_seen_us < b.last_seen_us;
  });
  *oldest = HostSeen{h, now_us, std::string(cut(host, max_text))};
}

std::uint32_t Detector::Impl::hosts_in_window(const SignatureState& s, std::int64_t now_us) const {
  const std::int64_t since = now_us - ms_to_us(s.within_ms);
  std::uint32_t n = 0;
  for (const HostSeen& h : s.hosts) n += h.last_seen_us > since ? 1 : 0;
  return n;
}

void Detector::Impl::after_occurrence(SignatureState& s, const rules::Rule* rule,
                                      std::int64_t now_us, bool incident_alerts,
                                      std::vector<Alert>& out) {
  switch (s.problem) {
    case ProblemState::kNone: {
      const bool recurred = s.window.count(now_us) >= s.count;
      const bool spread = s.spread_hosts > 0 && hosts_in_window(s, now_us) >= s.spread_hosts;
      if (recurred || spread) {
        if (rule) copy_rule(s, *rule);
        s.problem = ProblemState::kOpen;
        s.problem_id = XXH3_64bits_withSeed(&now_us, sizeof now_us, s.signature_id);
        s.opened_us = now_us;
        s.reopen_count = 0;
        s.update_seq = 0;
        s.last_problem_alert_us = now_us;
        s.problem_suppressed = 0;
        ++counters_.problems_opened;
        ++counters_.problems_open;
        start_sla_clock(s, now_us);
        // This alert reports the opening occurrence and carries the incidents folded since the
        // last incident alert, so no incident alert repeats them later.
        const std::uint64_t folded = std::exchange(s.incident_suppressed, 0);
        emit_problem(s, AlertAction::kProblemOpened, now_us, now_us, folded,
                     recurred ? "recurrence" : "spread", out);
      } else if (!incident_alerts) {
        ++s.incident_suppressed;  // reported by problem.opened, if the signature gets that far
      } else if (s.incident_interval_start_us == kNever ||
                 now_us - s.incident_interval_start_us >= ms_to_us(options_.suppression_ms)) {
        emit_incident(s, now_us, now_us, now_us, std::exchange(s.incident_suppressed, 0), out);
        s.incident_interval_start_us = now_us;
      } else {
        ++s.incident_suppressed;
        ++counters_.incidents_suppressed;
      }
      break;
    }
    case ProblemState::kOpen:
      // While a problem is open its alerts report the occurrences: no incident alerts.
      if (now_us - s.last_problem_alert_us >= ms_to_us(options_.update_interval_ms)) {
        ++s.update_seq;
        emit_problem(s, AlertAction::kProblemUpdated, now_us, now_us, s.problem_suppressed, {}, out);
        s.last_problem_alert_us = now_us;
        s.problem_suppressed = 0;
      } else {
        ++s.problem_suppressed;
      }
      break;
    case ProblemState::kResolved:
      if (rule) copy_rule(s, *rule);  // a reloaded rule takes effect when its problem reopens
      s.problem = ProblemState::kOpen;
      ++s.reopen_count;
      s.update_seq = 0;
      s.opened_us = now_us;
      s.last_problem_alert_us = now_us;
      s.problem_suppressed = 0;
      ++counters_.problems_reopened;
      ++counters_.problems_open;
      start_sla_clock(s, now_us);
      emit_problem(s, AlertAction::kProblemReopened, now_us, now_us,
                   std::exchange(s.incident_suppressed, 0), "recurrence", out);
      break;
  }
  schedule(s);
}

std::int64_t Detector::Impl::next_deadline_us(const SignatureState& s) const {
  std::int64_t at = INT64_MAX;
  if (incident_owed(s)) {
    at = std::min(at, s.incident_interval_start_us + ms_to_us(options_.suppression_ms));
  }
  if (s.problem == ProblemState::kOpen) {
    if (s.problem_suppressed > 0) {
      at = std::min(at, s.last_problem_alert_us + ms_to_us(options_.update_interval_ms));
    }
    at = std::min(at, s.last_seen_us + ms_to_us(s.resolve_after_ms));
    if (s.sla_deadline_us != 0 && !s.sla_escalated && s.acknowledged_us == 0) at = std::min(at, s.sla_deadline_us);
  }
  return at == INT64_MAX ? kNever : at;
}

void Detector::Impl::start_sla_clock(SignatureState& s, std::int64_t now_us) {
  s.sla_deadline_us = 0;
  s.sla_response_ms = 0;
  s.sla_escalated = false;
  s.acknowledged_us = 0;
  s.acknowledged_by.clear();
  if (options_.sla_response.empty()) return;
  // The severity the problem's alerts show: the rule's, escalated by reopenings and the tier.
  std::uint32_t levels = options_.escalation_step ? s.reopen_count / options_.escalation_step : 0;
  for (const auto& [tier, raise] : options_.tier_severity_raise) {
    if (!s.last_context.sla_tier.empty() && tier == s.last_context.sla_tier) levels += raise;
  }
  const auto top = static_cast<std::uint32_t>(rules::Severity::kCritical);
  const auto severity = static_cast<rules::Severity>(std::min(top, static_cast<std::uint32_t>(s.severity) + levels));
  const SlaTarget* any_tier = nullptr;
  const SlaTarget* found = nullptr;
  for (const SlaTarget& t : options_.sla_response) {
    if (t.severity != severity) continue;
    if (t.tier.empty()) any_tier = &t;
    else if (t.tier == s.last_context.sla_tier) found = &t;
  }
  if (found == nullptr) found = any_tier;
  if (found == nullptr || found->response_ms <= 0) return;
  s.sla_response_ms = found->response_ms;
  s.sla_deadline_us = now_us + ms_to_us(found->response_ms);
}

bool Detector::Impl::acknowledge(std::uint64_t problem_id, const std::string& by, std::int64_t now_us) {
  for (SignatureState* s = table_.oldest(); s != nullptr; s = table_.newer(*s)) {
    if (s->problem_id != problem_id || s->problem != ProblemState::kOpen) continue;
    if (s->acknowledged_us == 0) {
      s->acknowledged_us = now_us;
      s->acknowledged_by = by;
      ++counters_.problems_acknowledged;
    }
    return true;
  }
  return false;
}

void Detector::Impl::schedule(SignatureState& s) {
  const std::int64_t at = next_deadline_us(s);
  if (at == kNever) return;
  if (s.scheduled_at_us != kNever && s.scheduled_at_us <= at) return;  // an earlier entry rechecks
  s.scheduled_at_us = at;
  deadlines_.push_back({at, s.signature_id});
  std::push_heap(deadlines_.begin(), deadlines_.end(), std::greater<>{});
}

void Detector::Impl::emit_folded_incident(SignatureState& s, std::int64_t now_us, std::vector<Alert>& out) {
  // The folded incidents, shown with the latest of them; the interval they closed opens the next.
  const std::int64_t interval_end = s.incident_interval_start_us + ms_to_us(options_.suppression_ms);
  emit_incident(s, s.last_seen_us, now_us, interval_end, std::exchange(s.incident_suppressed, 0), out);
  s.incident_interval_start_us = interval_end;
}

void Detector::Impl::resolve(SignatureState& s, std::int64_t at_us, std::int64_t now_us,
                             std::string_view resolution, std::vector<Alert>& out) {
  s.problem = ProblemState::kResolved;
  s.resolved_us = at_us;
  ++counters_.problems_resolved;
  --counters_.problems_open;
  emit_problem(s, AlertAction::kProblemResolved, at_us, now_us, std::exchange(s.problem_suppressed, 0),
               resolution, out);
}

void Detector::Impl::process_due(SignatureState& s, std::int64_t now_us, std::vector<Alert>& out) {
  if (incident_owed(s) && s.incident_interval_start_us + ms_to_us(options_.suppression_ms) <= now_us) {
    emit_folded_incident(s, now_us, out);
  }
  if (s.problem != ProblemState::kOpen) return;
  const std::int64_t resolve_at = s.last_seen_us + ms_to_us(s.resolve_after_ms);
  if (resolve_at <= now_us) {
    resolve(s, resolve_at, now_us, "quiet", out);
    return;
  }
  if (sla_due(s, now_us)) {
    s.sla_escalated = true;
    ++counters_.problems_escalated;
    emit_problem(s, AlertAction::kProblemEscalated, s.sla_deadline_us, now_us, 0, {}, out);
  }
  const std::int64_t update_at = s.last_problem_alert_us + ms_to_us(options_.update_interval_ms);
  if (s.problem_suppressed > 0 && update_at <= now_us) {
    ++s.update_seq;
    emit_problem(s, AlertAction::kProblemUpdated, s.last_seen_us, now_us, s.problem_suppressed, {}, out);
    s.last_problem_alert_us = update_at;
    s.problem_suppressed = 0;
  }
}

void Detector::Impl::advance(std::int64_t now_us, std::vector<Alert>& out) {
  while (!deadlines_.empty() && deadlines_.front().at_us <= now_us) {
    std::pop_heap(deadlines_.begin(), deadlines_.end(), std::greater<>{});
    const Deadline d = deadlines_.back();
    deadlines_.pop_back();
    SignatureState* s = table_.find(d.signature_id);
    if (!s || s->scheduled_at_us != d.at_us) continue;  // gone, or superseded
    s->scheduled_at_us = kNever;
    process_due(*s, now_us, out);
    schedule(*s);
  }
  // Forget long-quiet signatures, oldest first; the recency list is ordered by last sight.
  while (SignatureState* oldest = table_.oldest()) {
    if (oldest->problem == ProblemState::kOpen || incident_owed(*oldest) ||
        now_us - oldest->last_seen_us < ms_to_us(options_.forget_after_ms)) {
      break;
    }
    ++counters_.signatures_forgotten;
    table_.erase(oldest->signature_id);
  }
}

void Detector::Impl::report_folded(std::int64_t now_us, std::vector<Alert>& out) {
  for (SignatureState* s = table_.oldest(); s != nullptr; s = table_.newer(*s)) {
    if (incident_owed(*s)) emit_folded_incident(*s, now_us, out);
    if (s->problem == ProblemState::kOpen && s->problem_suppressed > 0) {
      ++s->update_seq;
      emit_problem(*s, AlertAction::kProblemUpdated, s->last_seen_us, now_us, s->problem_suppressed, {}, out);
      s->last_problem_alert_us = std::max(s->last_problem_alert_us, s->last_seen_us);
      s->problem_suppressed = 0;
    }
  }
}

std::size_t Detector::Impl::forget_rules(const std::function<bool(std::string_view)>& changed,
                                         std::int64_t now_us, std::vector<Alert>& out) {
  std::vector<std::uint64_t> doomed;
  for (SignatureState* s = table_.oldest(); s != nullptr; s = table_.newer(*s)) {
    if (changed(s->rule_id)) doomed.push_back(s->signature_id);
  }
  for (const std::uint64_t id : doomed) {
    SignatureState& s = *table_.find(id);
    if (incident_owed(s)) emit_folded_incident(s, now_us, out);
    if (s.problem == ProblemState::kOpen) {
      ++counters_.problems_closed_by_reload;
      resolve(s, now_us, now_us, "rule_changed", out);
    }
    table_.erase(id);  // its heap entries find nothing when they pop
  }
  counters_.signatures_dropped_by_reload += doomed.size();
  return doomed.size();
}

}  // namespace logsift::detect
