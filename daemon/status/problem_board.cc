#include "daemon/status/problem_board.h"

#include <algorithm>

namespace logsift::status {

void ProblemBoard::apply(std::span<const detect::Alert> alerts) {
  for (const detect::Alert& a : alerts) {
    if (a.problem_id != 0) apply_one(a);
  }
}

void ProblemBoard::restore(std::span<const detect::Alert> open_problems) {
  for (const detect::Alert& a : open_problems) {
    if (a.problem_id == 0) continue;
    ProblemEntry& e = entry_for(a);
    e.opened_us = a.problem_opened_us != 0 ? a.problem_opened_us : a.time_us;
    e.updated_us = std::max(e.opened_us, a.last_seen_us);  // when it last changed, not when restored
    e.escalated = a.action == detect::AlertAction::kProblemEscalated;
  }
}

void ProblemBoard::acknowledge(std::uint64_t problem_id, const std::string& by, std::int64_t at_us) {
  auto it = open_.find(problem_id);
  if (it == open_.end() || it->second.acknowledged_us != 0) return;
  it->second.acknowledged_us = at_us;
  it->second.acknowledged_by = by;
}

void ProblemBoard::apply_one(const detect::Alert& a) {
  using detect::AlertAction;
  switch (a.action) {
    case AlertAction::kProblemResolved:
    case AlertAction::kAnomalyResolved:
      resolve(a);
      return;
    case AlertAction::kProblemOpened:
    case AlertAction::kProblemReopened:
    case AlertAction::kAnomaly: {
      ProblemEntry& e = entry_for(a);
      e.opened_us = a.problem_opened_us != 0 ? a.problem_opened_us : a.time_us;
      e.updates = 0;
      return;
    }
    case AlertAction::kProblemUpdated: {
      ProblemEntry& e = entry_for(a);
      ++e.updates;
      return;
    }
    case AlertAction::kProblemEscalated: {
      ProblemEntry& e = entry_for(a);  // still open: its response deadline passed
      e.escalated = true;
      return;
    }
    case AlertAction::kIncident: {
      // An incident of a signature whose problem is open carries the problem id: fresh samples.
      auto it = open_.find(a.problem_id);
      if (it != open_.end()) {
        it->second.updated_us = std::max(it->second.updated_us, a.created_us);
        it->second.occurrences = std::max(it->second.occurrences, a.occurrences);
        it->second.last_seen_us = std::max(it->second.last_seen_us, a.last_seen_us);
        add_sample(it->second, a);
      }
      return;
    }
    case AlertAction::kTrendRising:
    case AlertAction::kForecastThreshold:
      return;  // about a series, not a problem
    case AlertAction::kRuleSuspended:
      return;  // about a rule
  }
}

ProblemEntry& ProblemBoard::entry_for(const detect::Alert& a) {
  auto [it, inserted] = open_.try_emplace(a.problem_id);
  if (inserted && open_.size() > options_.max_open) {
    // Make room: the problem updated longest ago leaves the board.
    auto oldest = open_.end();
    for (auto o = open_.begin(); o != open_.end(); ++o) {
      if (o->first == a.problem_id) continue;
      if (oldest == open_.end() || o->second.updated_us < oldest->second.updated_us) oldest = o;
    }
    open_.erase(oldest);
    ++evicted_;
  }
  ProblemEntry& entry = it->second;  // erasing another element keeps references valid
  entry.problem_id = a.problem_id;
  entry.signature_id = a.signature_id;
  entry.open = true;
  entry.resolved_us = 0;
  entry.resolution.clear();
  entry.rule_id = a.rule_id;
  entry.rule_name = a.rule_name;
  entry.severity = std::string(rules::severity_name(a.severity));
  if (a.prediction) {
    entry.kind = "anomaly";
    entry.detail = a.message;
  } else if (!a.open_reason.empty()) {
    entry.kind = std::string(a.open_reason);
  } else if (entry.kind.empty()) {
    entry.kind = "recurrence";
  }
  if (entry.opened_us == 0) entry.opened_us = a.problem_opened_us != 0 ? a.problem_opened_us : a.time_us;
  entry.updated_us = std::max(entry.updated_us, a.created_us != 0 ? a.created_us : a.time_us);
  if (a.first_seen_us != 0) entry.first_seen_us = a.first_seen_us;
  entry.last_seen_us = std::max(entry.last_seen_us, a.last_seen_us);
  entry.occurrences = std::max(entry.occurrences, a.occurrences);
  entry.hosts_affected = a.hosts_affected;
  entry.reopen_count = a.reopen_count;
  if (!a.hosts.empty()) entry.hosts = a.hosts;
  else if (!a.host.empty() && entry.hosts.empty()) entry.hosts = {a.host};
  if (!a.prediction) add_sample(entry, a);
  if (!a.context.empty()) {
    entry.service = a.context.service;
    entry.owner = a.context.owner;
    entry.environment = a.context.environment;
  }
  if (a.sla_deadline_us != 0 && a.sla_deadline_us != entry.sla_deadline_us) {
    entry.escalated = false;  // a new clock: the problem (re)opened
    entry.sla_deadline_us = a.sla_deadline_us;
  }
  entry.sla_response_ms = a.sla_response_ms;
  if (a.acknowledged_us != 0 || a.action == detect::AlertAction::kProblemReopened) {
    entry.acknowledged_us = a.acknowledged_us;
    entry.acknowledged_by = a.acknowledged_by;
  }
  return entry;
}

void ProblemBoard::resolve(const detect::Alert& a) {
  ProblemEntry e;
  if (auto it = open_.find(a.problem_id); it != open_.end()) {
    e = std::move(it->second);
    open_.erase(it);
  } else {
    e.problem_id = a.problem_id;
    e.signature_id = a.signature_id;
    e.rule_id = a.rule_id;
    e.rule_name = a.rule_name;
    e.severity = std::string(rules::severity_name(a.severity));
    e.kind = a.prediction ? "anomaly" : "recurrence";
    e.opened_us = a.problem_opened_us;
    e.first_seen_us = a.first_seen_us;
  }
  if (a.prediction) {
    e.detail = a.message;
  } else {
    add_sample(e, a);
  }
  e.open = false;
  e.resolved_us = a.time_us;
  e.updated_us = std::max(e.updated_us, a.created_us != 0 ? a.created_us : a.time_us);
  e.last_seen_us = std::max(e.last_seen_us, a.last_seen_us);
  e.occurrences = std::max(e.occurrences, a.occurrences);
  e.resolution = a.prediction ? std::string("normal") : std::string(a.resolution);
  resolved_.push_front(std::move(e));
  while (resolved_.size() > options_.max_resolved) resolved_.pop_back();
}

void ProblemBoard::add_sample(ProblemEntry& e, const detect::Alert& a) const {
  const std::string& line = !a.original.empty() ? a.original : a.message;
  if (line.empty() || options_.max_samples == 0) return;
  std::string sample = line.substr(0, options_.max_sample_bytes);
  if (line.size() > sample.size() || a.original_truncated) sample += "\xE2\x80\xA6";  // "…"
  auto found = std::find(e.samples.begin(), e.samples.end(), sample);
  if (found != e.samples.end()) e.samples.erase(found);
  e.samples.insert(e.samples.begin(), std::move(sample));
  if (e.samples.size() > options_.max_samples) e.samples.resize(options_.max_samples);
}

void ProblemBoard::fill(StatusView& view, std::size_t max_shown) const {
  view.problems_open_total = open_.size();
  std::vector<const ProblemEntry*> order;
  order.reserve(open_.size());
  for (const auto& [id, e] : open_) order.push_back(&e);
  const std::size_t k = std::min(max_shown, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [](const ProblemEntry* x, const ProblemEntry* y) {
                      if (x->updated_us != y->updated_us) return x->updated_us > y->updated_us;
                      return x->problem_id < y->problem_id;
                    });
  view.open.clear();
  for (std::size_t i = 0; i < k; ++i) view.open.push_back(*order[i]);
  view.resolved.assign(resolved_.begin(), resolved_.end());
}

}  // namespace logsift::status
