// RuleSet: loaded rules compiled for matching, and Matcher, the per-thread object that scans.
//
// RuleSet::compile checks every pattern with PCRE2 (syntax errors come back as LoadErrors naming
// the rule), then builds one Hyperscan block-mode database per field that patterns look at.
// Each pattern runs in one of three ways:
//   kHyperscan   Hyperscan decides; PCRE2 runs only on a hit, and only if the pattern has named
//                captures to extract.
//   kPrefilter   Hyperscan cannot compile the pattern exactly (back-references, look-around), so it
//                runs a superset in PREFILTER mode and PCRE2 confirms every hit.
//   kPcreOnly    Hyperscan rejects even the prefilter form; PCRE2 runs on every record. Slow,
//                counted in CompileStats, and shown by `logsift check`.
// Compiled databases are cached in `CompileOptions::cache_dir`, keyed by a hash of the patterns,
// the Hyperscan version and the CPU, so a restart with unchanged rules skips the compile.
//
// Ownership and threads: a RuleSet is immutable once built and shared through
// std::shared_ptr<const RuleSet>; any number of threads may use it. A Matcher owns the mutable
// per-thread state (Hyperscan scratch, PCRE2 match data, result buffers) and must be used by one
// thread at a time. A Matcher keeps its RuleSet alive. The RuleSet holds one Hyperscan scratch
// sized for all its databases, allocated once at compile; each Matcher clones it
// (hs_clone_scratch), which is cheaper than allocating and is the same size by construction.
//
// Run-time cost per rule: a Matcher adds up, per rule, the time spent inside pcre2_match (read
// from the monotonic clock around each PCRE2 call only, so rules Hyperscan decides alone without
// captures cost nothing) and the calls PCRE2 abandoned at a resource limit. The daemon suspends a
// rule that keeps hitting limits (daemon/pipeline/rule_breaker.h) with Matcher::suspend().
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "parsers/base/expected.h"
#include "parsers/record.h"
#include "rules/hyperscan_handles.h"
#include "rules/loader.h"
#include "rules/rule.h"

namespace logsift::rules {

struct CompileOptions {
  // Folder for compiled Hyperscan databases; empty disables the cache. Created when missing.
  // A database that cannot be read back (corrupt, other Hyperscan build) is recompiled.
  std::string cache_dir;
};

struct CompileStats {
  std::size_t rules = 0;
  std::size_t patterns = 0;
  std::size_t hyperscan_patterns = 0;   // exact in Hyperscan
  std::size_t prefilter_patterns = 0;   // Hyperscan prefilter + PCRE2 confirmation
  std::size_t pcre_only_patterns = 0;   // PCRE2 on every record
  std::size_t databases = 0;            // one per field scanned
  std::size_t cache_hits = 0;
  std::size_t cache_misses = 0;
  std::vector<std::string> cache_errors;  // cache folder problems (compile still succeeded)
};

enum class PatternEngine : std::uint8_t { kHyperscan, kPrefilter, kPcreOnly };

// The regex both engines are given for a pattern: its source, or for a literal the same bytes
// with every character that is not an ASCII letter, digit or space written as \xHH.
std::string pattern_expression(const Pattern& pattern);

class RuleSet {
 public:
  // Compiles `rules` (already validated by the loader). On failure returns every pattern error.
  static Expected<std::shared_ptr<const RuleSet>, std::vector<LoadError>> compile(
      std::vector<Rule> rules, const CompileOptions& options);

  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  const std::vector<Rule>& rules() const { return rules_; }
  const CompileStats& stats() const { return stats_; }
  // JSON paths the rules read, in slot order: configure the JSON parser's extra fields with them.
  const std::vector<std::string>& json_paths() const { return json_paths_; }
  // How pattern `pattern_index` of rule `rule_index` runs (its `match` patterns, then its
  // `ignore` patterns: index patterns.size() + i is ignore pattern i).
  PatternEngine engine(std::size_t rule_index, std::size_t pattern_index) const;

 private:
  friend class Matcher;
  struct CompiledPattern;
  struct FieldScan;
  struct RuleConditions;
  RuleSet();

  std::vector<Rule> rules_;
  std::vector<CompiledPattern> patterns_;        // all patterns, rule order
  // Each rule's patterns are contiguous: its `match` patterns, then its `ignore` patterns.
  std::vector<std::uint32_t> first_pattern_;     // rule index -> index of its first pattern
  std::vector<std::uint32_t> first_ignore_;      // rule index -> index of its first ignore pattern
  std::vector<FieldScan> fields_;                // one per distinct field scanned
  std::vector<RuleConditions> conditions_;       // rule index -> its `when`, resolved
  std::vector<std::string> json_paths_;
  std::uint32_t max_capture_groups_ = 0;
  HsScratchPtr scratch_prototype_;  // for every database in fields_; null when there are none
  CompileStats stats_;
};

// One rule that matched a record; its captures are Matcher::fields(match).
struct RuleMatch {
  std::uint32_t record_index = 0;  // match_batch(): index of the record in the batch; match(): 0
  std::uint32_t rule_index = 0;
  std::uint32_t capture_begin = 0;
  std::uint32_t capture_end = 0;
};

struct MatchCounters {
  std::uint64_t records = 0;
  std::uint64_t matches = 0;
  std::uint64_t prefilter_rejections = 0;  // Hyperscan prefilter hits PCRE2 did not confirm
  std::uint64_t pcre_errors = 0;           // PCRE2 gave up (match or depth limit): counted as no match
  std::uint64_t limit_hits = 0;            // of which at a match, depth, heap or JIT stack limit
};

// What PCRE2 cost one rule (all its patterns: confirmations, PCRE2-only runs, capture extraction,
// ignore patterns) since its Matcher was made.
struct RuleCost {
  std::uint64_t pcre_ns = 0;     // monotonic nanoseconds inside pcre2_match
  std::uint64_t limit_hits = 0;  // calls abandoned at a match, depth, heap or JIT stack limit
};

// Bounds on the work of one PCRE2 call: past them the call is abandoned, counted in
// MatchCounters::pcre_errors and limit_hits and in the rule's RuleCost, and is no match.
struct MatchLimits {
  std::uint32_t match_limit = 1'000'000;  // pcre2_set_match_limit
  std::uint32_t depth_limit = 100'000;    // pcre2_set_depth_limit (the interpreter only)
};

class Matcher {
 public:
  explicit Matcher(std::shared_ptr<const RuleSet> rule_set, MatchLimits limits = {});
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Every rule `record` matches, in rule order. Valid until the next call; views into `record`.
  std::span<const RuleMatch> match(const parsers::Record& record);
  // Every rule each record matches: record order, then rule order within a record. One call per
  // batch; valid until the next call; views into `records`.
  std::span<const RuleMatch> match_batch(std::span<const parsers::Record> records);
  std::span<const Capture> fields(const RuleMatch& m) const {
    return std::span<const Capture>(captures_).subspan(m.capture_begin, m.capture_end - m.capture_begin);
  }

  const RuleSet& rule_set() const { return *rule_set_; }
  const std::shared_ptr<const RuleSet>& shared_rule_set() const { return rule_set_; }
  const MatchCounters& counters() const { return counters_; }
  // By rule index; sized once here, so counting never allocates.
  std::span<const RuleCost> rule_costs() const { return costs_; }

  // The rule no longer matches through this Matcher: its Hyperscan hits are skipped and its
  // PCRE2 patterns no longer run. Lasts as long as the Matcher (a new rule set makes a new one).
  void suspend(std::uint32_t rule_index);
  bool suspended(std::uint32_t rule_index) const { return rule_done_[rule_index] == kSuspended; }

 private:
  // rule_done_ values: a rule is free, already matched for the current record, or suspended.
  static constexpr std::uint8_t kDone = 1;
  static constexpr std::uint8_t kSuspended = 2;
  struct PcreState;
  static int on_hyperscan_match(unsigned int id, unsigned long long from, unsigned long long to,
                                unsigned int flags, void* context);
  void match_into(const parsers::Record& record, std::uint32_t record_index);
  bool conditions_hold(std::uint32_t rule_index, const parsers::Record& record) const;
  // True when one of the rule's `ignore` patterns matches the record.
  bool ignored(std::uint32_t rule_index, const parsers::Record& record);
  // Runs PCRE2 for pattern `p` on `subject`; appends named captures when `capture`. True on match.
  bool run_pcre(std::uint32_t p, std::string_view subject, bool capture);

  std::shared_ptr<const RuleSet> rule_set_;
  HsScratchPtr scratch_;
  std::unique_ptr<PcreState> pcre_;
  std::vector<std::uint32_t> candidates_;  // pattern ids Hyperscan reported for this record
  std::vector<std::uint8_t> rule_done_;    // rule index -> 0, kDone this record, kSuspended
  std::vector<RuleMatch> matches_;
  std::vector<std::uint32_t> ignored_rules_;  // rules an ignore pattern vetoed for this record
  std::vector<Capture> captures_;
  MatchCounters counters_;
  std::vector<RuleCost> costs_;  // rule index -> its PCRE2 cost
};

}  // namespace logsift::rules
