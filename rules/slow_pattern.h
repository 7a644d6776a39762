// Slow-pattern screening: regex shapes that make a backtracking engine (PCRE2) take time
// exponential or high-polynomial in the line length, found from the pattern's text alone.
//
//   nested unbounded quantifiers     (a+)+  (.*)*  (?:\w+\s?)+    the same text splits many ways
//   back-reference over an unbounded (.+)\1  (?<w>\w+) \k<w>      every split of the group is
//   group                                                           tried against the reference
//
// Possessive quantifiers (a++) and atomic groups ((?>...)) do not backtrack and are not reported.
// The screen is syntactic and conservative: it may name a pattern that happens to be fast, never
// a pattern PCRE2 would reject (those fail compilation first). RuleSet::compile refuses such a
// pattern when PCRE2 decides its matches (prefilter or PCRE2-only) unless the rule says
// `allow_slow: true`.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace logsift::rules {

// Empty when the pattern has neither shape; otherwise what was found, for an error message.
std::string slow_pattern_reason(std::string_view regex);

}  // namespace logsift::rules
