// Matching one record: Hyperscan over each scanned field collects candidate patterns, then each
// candidate's rule is checked (conditions, PCRE2 confirmation for prefiltered patterns, named
// captures) in rule order. All buffers are reused across records: no allocation in steady state.
#include <hs/hs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "rules/field.h"
#include "rules/rule_set_internal.h"

namespace logsift::rules {

namespace {

constexpr std::size_t kJitStackMaxBytes = 1 << 20;

// PCRE2 stopped at one of its resource bounds (not a malformed subject or an internal error).
bool is_limit_error(int rc) {
  return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
         rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

bool equal_ignore_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

[[noreturn]] void die(const char* what, hs_error_t rc) {
  std::fprintf(stderr, "logsift: %s failed with Hyperscan error %d on a valid database\n", what, rc);
  std::abort();
}

}  // namespace

struct Matcher::PcreState {
  struct MatchDataFree {
    void operator()(pcre2_match_data* p) const { pcre2_match_data_free(p); }
  };
  struct ContextFree {
    void operator()(pcre2_match_context* p) const { pcre2_match_context_free(p); }
  };
  struct JitStackFree {
    void operator()(pcre2_jit_stack* p) const { pcre2_jit_stack_free(p); }
  };
  std::unique_ptr<pcre2_match_data, MatchDataFree> match_data;
  std::unique_ptr<pcre2_match_context, ContextFree> context;
  std::unique_ptr<pcre2_jit_stack, JitStackFree> jit_stack;  // null: PCRE2's default JIT stack

  PcreState(std::uint32_t max_groups, const MatchLimits& limits)
      : match_data(pcre2_match_data_create(max_groups + 1, nullptr)),
        context(pcre2_match_context_create(nullptr)),
        jit_stack(pcre2_jit_stack_create(32 * 1024, kJitStackMaxBytes, nullptr)) {
    if (match_data == nullptr || context == nullptr) {
      std::fputs("logsift: out of memory creating PCRE2 match state\n", stderr);
      std::abort();
    }
    pcre2_set_match_limit(context.get(), limits.match_limit);
    pcre2_set_depth_limit(context.get(), limits.depth_limit);
    if (jit_stack != nullptr) pcre2_jit_stack_assign(context.get(), nullptr, jit_stack.get());
  }
};

Matcher::Matcher(std::shared_ptr<const RuleSet> rule_set, MatchLimits limits) : rule_set_(std::move(rule_set)) {
  if (rule_set_->scratch_prototype_ != nullptr) {
    hs_scratch_t* scratch = nullptr;
    hs_error_t rc = hs_clone_scratch(rule_set_->scratch_prototype_.get(), &scratch);
    if (rc != HS_SUCCESS) die("hs_clone_scratch", rc);
    scratch_.reset(scratch);
  }
  pcre_ = std::make_unique<PcreState>(rule_set_->max_capture_groups_, limits);
  rule_done_.assign(rule_set_->rules_.size(), 0);
  costs_.assign(rule_set_->rules_.size(), RuleCost{});
  candidates_.reserve(64);
  matches_.reserve(16);
  ignored_rules_.reserve(16);
  captures_.reserve(64);
}

Matcher::~Matcher() = default;

void Matcher::suspend(std::uint32_t rule_index) {
  // Between records no rule is kDone, and a suspended rule never matches, so nothing resets it:
  // the candidate loop's one check skips it at no extra cost.
  if (rule_index < rule_done_.size()) rule_done_[rule_index] = kSuspended;
}

int Matcher::on_hyperscan_match(unsigned int id, unsigned long long, unsigned long long,
                                unsigned int, void* context) {
  static_cast<Matcher*>(context)->candidates_.push_back(id);
  return 0;  // keep scanning: other patterns may match too (SINGLEMATCH reports each id once)
}

bool Matcher::conditions_hold(std::uint32_t rule_index, const parsers::Record& record) const {
  for (const auto& c : rule_set_->conditions_[rule_index].all_of) {
    std::string_view value = field_value(record, *c.field, c.json_slot);
    bool any = std::any_of(c.any_of->begin(), c.any_of->end(), [&](const std::string& want) {
      return c.case_insensitive ? equal_ignore_ascii_case(value, want) : value == want;
    });
    if (!any) return false;
  }
  return true;
}

bool Matcher::run_pcre(std::uint32_t p, std::string_view subject, bool capture) {
  const auto& cp = rule_set_->patterns_[p];
  // steady_clock is CLOCK_MONOTONIC read through the vDSO: tens of nanoseconds, no system call.
  const auto start = std::chrono::steady_clock::now();
  int rc = pcre2_match(cp.code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0,
                       pcre_->match_data.get(), pcre_->context.get());
  RuleCost& cost = costs_[cp.rule_index];
  cost.pcre_ns += static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) {
    ++counters_.pcre_errors;
    if (is_limit_error(rc)) {
      ++counters_.limit_hits;
      ++cost.limit_hits;
    }
    return false;
  }
  if (capture) {
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(pcre_->match_data.get());
    const std::uint32_t pairs = pcre2_get_ovector_count(pcre_->match_data.get());
    for (const auto& [group, name] : cp.names) {
      if (group >= pairs || ovector[2 * group] == PCRE2_UNSET) continue;
      captures_.push_back(Capture{name, subject.substr(ovector[2 * group], ovector[2 * group + 1] - ovector[2 * group])});
    }
  }
  return true;
}

bool Matcher::ignored(std::uint32_t rule_index, const parsers::Record& record) {
  const RuleSet& set = *rule_set_;
  for (std::uint32_t i = set.first_ignore_[rule_index]; i < set.first_pattern_[rule_index + 1]; ++i) {
    // Every ignore pattern that can match is among the candidates (Hyperscan hits and the
    // PCRE2-only patterns); only exact Hyperscan hits need no confirmation.
    if (!std::binary_search(candidates_.begin(), candidates_.end(), i)) continue;
    const auto& cp = set.patterns_[i];
    if (cp.engine == PatternEngine::kHyperscan) return true;
    const auto& scan = set.fields_[cp.field_scan];
    if (run_pcre(i, field_value(record, scan.field, scan.json_slot), false)) return true;
  }
  return false;
}

std::span<const RuleMatch> Matcher::match(const parsers::Record& record) {
  matches_.clear();
  captures_.clear();
  match_into(record, 0);
  return matches_;
}

std::span<const RuleMatch> Matcher::match_batch(std::span<const parsers::Record> records) {
  matches_.clear();
  captures_.clear();
  for (std::size_t i = 0; i < records.size(); ++i) match_into(records[i], static_cast<std::uint32_t>(i));
  return matches_;
}

// Appends the record's matches to matches_ (and their captures to captures_).
void Matcher::match_into(const parsers::Record& record, std::uint32_t record_index) {
  static constexpr char kEmpty[1] = {0};
  const RuleSet& set = *rule_set_;
  ++counters_.records;
  candidates_.clear();
  const std::size_t first_match = matches_.size();

  for (const auto& scan : set.fields_) {
    std::string_view value = field_value(record, scan.field, scan.json_slot);
    if (scan.database != nullptr) {
      const char* data = value.empty() ? kEmpty : value.data();
      hs_error_t rc = hs_scan(scan.database.get(), data, static_cast<unsigned>(value.size()), 0, scratch_.get(),
                              &Matcher::on_hyperscan_match, this);
      if (rc != HS_SUCCESS) die("hs_scan", rc);
    }
    // Patterns Hyperscan could not take at all are candidates on every record.
    candidates_.insert(candidates_.end(), scan.pcre_only.begin(), scan.pcre_only.end());
  }
  if (candidates_.empty()) return;
  // Pattern ids follow rule order, so sorting yields matches in rule order.
  std::sort(candidates_.begin(), candidates_.end());

  for (std::uint32_t p : candidates_) {
    const auto& cp = set.patterns_[p];
    if (cp.ignore || rule_done_[cp.rule_index] != 0) continue;  // matched already, or suspended
    if (!conditions_hold(cp.rule_index, record)) continue;
    const auto& scan = set.fields_[cp.field_scan];
    std::string_view subject = field_value(record, scan.field, scan.json_slot);
    const auto capture_begin = static_cast<std::uint32_t>(captures_.size());
    bool confirmed = true;
    if (cp.engine != PatternEngine::kHyperscan) {
      confirmed = run_pcre(p, subject, true);
      if (!confirmed && cp.engine == PatternEngine::kPrefilter) ++counters_.prefilter_rejections;
    } else if (!cp.names.empty()) {
      // Hyperscan already decided; PCRE2 runs only to extract the named groups.
      run_pcre(p, subject, true);
    }
    if (!confirmed) continue;
    rule_done_[cp.rule_index] = kDone;
    if (ignored(cp.rule_index, record)) {
      captures_.resize(capture_begin);
      ignored_rules_.push_back(cp.rule_index);
      continue;
    }
    matches_.push_back(RuleMatch{record_index, cp.rule_index, capture_begin,
                                 static_cast<std::uint32_t>(captures_.size())});
  }
  for (std::size_t m = first_match; m < matches_.size(); ++m) rule_done_[matches_[m].rule_index] = 0;
  for (std::uint32_t r : ignored_rules_) rule_done_[r] = 0;
  ignored_rules_.clear();
  counters_.matches += matches_.size() - first_match;
}

}  // namespace logsift::rules
