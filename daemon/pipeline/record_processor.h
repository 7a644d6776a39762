// RecordProcessor: one worker's parse -> match -> detect step for single log lines.
//
// Both the daemon's worker threads and `logsift replay` run every line through this, so the two
// produce the same alerts for the same input and times. Each record is matched and handed to
// detection before the next line is parsed: records are views into the line and into the
// parser's buffer, which the next parse reuses.
//
// Time: `now_us` is the detection time of the line (arrival time live). Passing kNoTime asks for
// event time: the record's own timestamp, or the latest event time seen when the record has none.
//
// Ownership and threads: owns its parsers (one per expected format) and a Matcher; one
// RecordProcessor per thread. The DetectShards it feeds is shared and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "daemon/detect/alert.h"
#include "daemon/pipeline/detect_shards.h"
#include "parsers/line_parser.h"
#include "rules/rule_set.h"

namespace logsift::pipeline {


struct ProcessCounters {
  std::uint64_t records = 0;
  std::uint64_t matched_records = 0;  // records at least one rule matched
  std::uint64_t incidents = 0;        // rule matches
  std::array<std::uint64_t, parsers::kParseIssueCount> parse_issues{};  // by parsers::ParseIssue
  std::vector<std::uint64_t> matches_per_rule;  // by rule index of the current rule set
};

class RecordProcessor {
 public:
  RecordProcessor(std::shared_ptr<const rules::RuleSet> rule_set, parsers::ParseOptions options,
                  DetectShards& detect);

  // Switches to another rule set between lines (reload). Per-rule counts restart.
  void set_rule_set(std::shared_ptr<const rules::RuleSet> rule_set);
  const std::shared_ptr<const rules::RuleSet>& rule_set() const { return matcher_->shared_rule_set(); }

  // Reference time for year-less timestamps; set once per batch.
  void set_reference_time_us(std::int64_t reference_time_us);

  // Parses, matches and detects one line; appends alerts. `padded`: the caller guarantees
  // simdjson's padding after the line (zero-copy JSON). Returns how well the line parsed.
  parsers::Quality process(std::string_view line, parsers::ExpectedFormat format, bool padded, std::int64_t now_us,
               std::vector<detect::Alert>& alerts);

  // Latest event time seen (kNoTime before any).
  std::int64_t latest_event_us() const { return latest_event_us_; }
  const ProcessCounters& counters() const { return counters_; }
  const rules::MatchCounters& match_counters() const { return matcher_->counters(); }

 private:
  void build_parsers();

  parsers::ParseOptions options_;
  std::array<std::unique_ptr<parsers::LineParser>, 4> parsers_;  // by ExpectedFormat
  std::unique_ptr<rules::Matcher> matcher_;
  DetectShards& detect_;
  std::int64_t latest_event_us_ = parsers::kNoTime;
  ProcessCounters counters_;
};

}  // namespace logsift::pipeline
