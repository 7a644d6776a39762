// RuleBreaker: suspends a rule PCRE2 keeps giving up on, in every worker, until the next reload.
//
// A pattern PCRE2 decides (prefiltered or PCRE2-only) can take time exponential in the line
// length (rules/slow_pattern.h); PCRE2 then stops at its match limit and the record does not match
// that rule. One such line costs a worker milliseconds; a stream of them stalls the daemon. Each
// worker's RecordProcessor reports, after a batch, the limit hits and PCRE2 time its Matcher
// counted per rule since its last report (only when its total of limit hits moved, so a batch
// without hits costs one comparison). The breaker sums hits per rule over all workers in a sliding
// window; when a rule reaches `limit_hits` within `within_ms`:
//
//   active ──limit_hits within within_ms──> suspended ──reload (reset)──> active
//
// the reporting worker gets the one rule.suspended alert, version() moves, and every worker
// applies the suspension (Matcher::suspend) before its next batch. reset() with the new rule set
// forgets every count and suspension.
//
// Ownership and threads: shared by the pipeline's workers; every method is thread-safe. State
// is sized when a rule set is installed (reset), so reports allocate nothing but the alert.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "daemon/detect/alert.h"
#include "daemon/detect/recurrence_window.h"
#include "rules/rule_set.h"

namespace logsift::pipeline {

struct SuspendPolicy {
  // Suspend a rule after this many PCRE2 limit hits within `within_ms` (all workers together).
  // 0 disables suspension; per-rule costs are still counted.
  std::uint32_t limit_hits = 100;
  std::int64_t within_ms = 60'000;
};

// One suspended rule, as metrics and the daemon's log show it.
struct SuspendedRule {
  std::string rule_id;
  detect::RuleSuspension why;
  std::int64_t suspended_us = 0;
};

class RuleBreaker {
 public:
  explicit RuleBreaker(SuspendPolicy policy);

  const SuspendPolicy& policy() const { return policy_; }
  // Installs `rule_set` (start, reload): every count and suspension is forgotten.
  void reset(std::shared_ptr<const rules::RuleSet> rule_set);

  // Adds one worker's costs of rule `rule_index` since its previous report. Ignored unless `set`
  // is the installed rule set (a worker still on the old set after a reload). When this report
  // suspends the rule, appends its rule.suspended alert to `alerts`.
  void report(const rules::RuleSet* set, std::uint32_t rule_index, const rules::RuleCost& delta,
              std::int64_t now_us, std::vector<detect::Alert>& alerts);

  // Moves whenever a rule is suspended or a set installed: workers compare it once per batch.
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }
  // Indices of the suspended rules of `set` (none unless it is the installed set); `out` is
  // replaced. Returns the version they belong to.
  std::uint64_t suspended_rules(const rules::RuleSet* set, std::vector<std::uint32_t>& out) const;

  // The suspended rules of the installed set, in suspension order.
  std::vector<SuspendedRule> suspended() const;
  // Suspensions not taken yet, in order; each is returned once (the daemon logs them).
  std::vector<SuspendedRule> take_new();

 private:
  struct RuleState {
    detect::RecurrenceWindow hits;
    std::uint64_t pcre_ns = 0;
    bool suspended = false;
  };
  detect::Alert make_alert(const rules::Rule& rule, const SuspendedRule& s) const;

  const SuspendPolicy policy_;
  mutable std::mutex mutex_;
  std::shared_ptr<const rules::RuleSet> set_;  // guarded by mutex_
  std::vector<RuleState> rules_;               // by rule index of set_
  std::vector<SuspendedRule> suspended_;       // of set_, in order
  std::vector<SuspendedRule> untaken_;         // for take_new(); survives reset()
  std::atomic<std::uint64_t> version_{0};
};

}  // namespace logsift::pipeline
