#include "daemon/pipeline/rule_breaker.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>

#include "parsers/base/hex.h"

namespace logsift::pipeline {

RuleBreaker::RuleBreaker(SuspendPolicy policy) : policy_(policy) {}

void RuleBreaker::reset(std::shared_ptr<const rules::RuleSet> rule_set) {
  std::lock_guard lock(mutex_);
  rules_.assign(rule_set ? rule_set->rules().size() : 0, RuleState{detect::RecurrenceWindow(policy_.within_ms)});
  set_ = std::move(rule_set);
  suspended_.clear();
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void RuleBreaker::report(const rules::RuleSet* set, std::uint32_t rule_index, const rules::RuleCost& delta,
                         std::int64_t now_us, std::vector<detect::Alert>& alerts) {
  std::lock_guard lock(mutex_);
  if (set != set_.get() || rule_index >= rules_.size()) return;
  RuleState& r = rules_[rule_index];
  r.pcre_ns += delta.pcre_ns;
  if (r.suspended || policy_.limit_hits == 0 || delta.limit_hits == 0) return;
  r.hits.add(now_us, static_cast<std::uint32_t>(std::min<std::uint64_t>(delta.limit_hits, UINT32_MAX)));
  const std::uint64_t hits = r.hits.count(now_us);
  if (hits < policy_.limit_hits) return;
  r.suspended = true;
  SuspendedRule s{set_->rules()[rule_index].id, detect::RuleSuspension{hits, r.pcre_ns, policy_.within_ms}, now_us};
  alerts.push_back(make_alert(set_->rules()[rule_index], s));
  suspended_.push_back(s);
  untaken_.push_back(std::move(s));
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::uint64_t RuleBreaker::suspended_rules(const rules::RuleSet* set, std::vector<std::uint32_t>& out) const {
  std::lock_guard lock(mutex_);
  out.clear();
  if (set == set_.get()) {
    for (std::uint32_t r = 0; r < rules_.size(); ++r) {
      if (rules_[r].suspended) out.push_back(r);
    }
  }
  return version_.load(std::memory_order_acquire);
}

std::vector<SuspendedRule> RuleBreaker::suspended() const {
  std::lock_guard lock(mutex_);
  return suspended_;
}

std::vector<SuspendedRule> RuleBreaker::take_new() {
  std::lock_guard lock(mutex_);
  std::vector<SuspendedRule> out;
  out.swap(untaken_);
  return out;
}

detect::Alert RuleBreaker::make_alert(const rules::Rule& rule, const SuspendedRule& s) const {
  detect::Alert a;
  a.action = detect::AlertAction::kRuleSuspended;
  a.time_us = a.created_us = s.suspended_us;
  a.rule_id = rule.id;
  a.rule_name = rule.name;
  a.ruleset = rule.ruleset;
  // A rule that no longer runs is a blind spot in detection: worth a person's look.
  a.severity = a.base_severity = rules::Severity::kHigh;
  a.tags = {"rule_health"};
  a.rule_authors = rule.authors;
  a.rule_references = rule.references;
  a.rule_uuid = rule.uuid;
  a.window_ms = s.why.within_ms;
  a.window_count = s.why.limit_hits;
  char text[256];
  std::snprintf(text, sizeof text,
                "rule suspended until the next reload: %llu PCRE2 limit hits within %lld ms, %.3f s in PCRE2",
                static_cast<unsigned long long>(s.why.limit_hits), static_cast<long long>(s.why.within_ms),
                static_cast<double>(s.why.pcre_ns) / 1e9);
  a.message = text;
  a.suspension = s.why;
  // One suspension per rule content and moment: redelivered copies keep the id.
  const std::uint64_t words[3] = {rule.content_fingerprint, static_cast<std::uint64_t>(a.action),
                                  static_cast<std::uint64_t>(s.suspended_us)};
  a.id = base::hex_u64(XXH3_64bits(words, sizeof words));
  return a;
}

}  // namespace logsift::pipeline
