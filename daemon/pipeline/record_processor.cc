#include "daemon/pipeline/record_processor.h"

namespace logsift::pipeline {

RecordProcessor::RecordProcessor(std::shared_ptr<const rules::RuleSet> rule_set,
                                 parsers::ParseOptions options, DetectShards& detect)
    : options_(std::move(options)), detect_(detect) {
  set_rule_set(std::move(rule_set));
}

void RecordProcessor::build_parsers() {
  for (std::size_t f = 0; f < parsers_.size(); ++f) {
    parsers::ParseOptions o = options_;
    o.expected_format = static_cast<parsers::ExpectedFormat>(f);
    parsers_[f] = std::make_unique<parsers::LineParser>(o);
  }
}

void RecordProcessor::set_rule_set(std::shared_ptr<const rules::RuleSet> rule_set) {
  // The JSON parser extracts exactly the paths the rules read, so it follows the rule set.
  if (!matcher_ || options_.json_fields.extra != rule_set->json_paths()) {
    options_.json_fields.extra = rule_set->json_paths();
    build_parsers();
  }
  counters_.matches_per_rule.assign(rule_set->rules().size(), 0);
  matcher_ = std::make_unique<rules::Matcher>(std::move(rule_set));
}

void RecordProcessor::set_reference_time_us(std::int64_t reference_time_us) {
  options_.reference_time_us = reference_time_us;
  for (auto& p : parsers_) p->set_reference_time_us(reference_time_us);
}

parsers::Quality RecordProcessor::process(std::string_view line, parsers::ExpectedFormat format, bool padded,
                              std::int64_t now_us, std::vector<detect::Alert>& alerts) {
  parsers::LineParser& parser = *parsers_[static_cast<std::size_t>(format)];
  const parsers::Record record = padded ? parser.parse_padded(line) : parser.parse(line);
  ++counters_.records;
  ++counters_.parse_issues[static_cast<std::size_t>(record.issue)];
  if (record.time_us != parsers::kNoTime &&
      (latest_event_us_ == parsers::kNoTime || record.time_us > latest_event_us_)) {
    latest_event_us_ = record.time_us;
  }
  if (now_us == parsers::kNoTime) {
    now_us = record.time_us != parsers::kNoTime ? record.time_us : latest_event_us_;
    if (now_us == parsers::kNoTime) now_us = 0;
  }

  const auto matches = matcher_->match(record);
  if (matches.empty()) {
    detect_.observe_unmatched(record, now_us, alerts);
    return record.quality;
  }
  ++counters_.matched_records;
  const auto& rules = matcher_->rule_set().rules();
  for (const auto& m : matches) {
    ++counters_.incidents;
    ++counters_.matches_per_rule[m.rule_index];
    detect::Incident incident{&rules[m.rule_index], &record, matcher_->fields(m)};
    detect_.observe(incident, now_us, alerts);
  }
  return record.quality;
}

}  // namespace logsift::pipeline
