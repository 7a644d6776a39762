#include "daemon/pipeline/record_processor.h"

#include "daemon/emit/ecs_fields.h"
#include "parsers/base/hex.h"

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
  reported_.assign(rule_set->rules().size(), rules::RuleCost{});
  reported_limit_hits_ = 0;
  breaker_version_ = 0;  // the new matcher has none of the suspensions applied
  matches_ = {};
  matcher_ = std::make_unique<rules::Matcher>(std::move(rule_set));
}

void RecordProcessor::set_reference_time_us(std::int64_t reference_time_us) {
  options_.reference_time_us = reference_time_us;
  for (auto& p : parsers_) p->set_reference_time_us(reference_time_us);
}

void RecordProcessor::process_batch(const ingest::RawBatch& batch, std::vector<detect::Alert>& alerts) {
  parse_batch(batch);
  if (breaker_ != nullptr) apply_suspensions();
  matches_ = matcher_->match_batch(records_);
  if (breaker_ != nullptr && matcher_->counters().limit_hits != reported_limit_hits_) report_costs(alerts);
  detect_batch(alerts);
  if (rates_ != nullptr) count_rates(batch, alerts);
}

void RecordProcessor::parse_batch(const ingest::RawBatch& batch) {
  arena_.reset();
  sender_ = {};
  records_.clear();
  times_us_.clear();
  for (const ingest::RawMessage& m : batch.messages()) {
    const parsers::ExpectedFormat format = m.listener_index < listener_formats_.size()
                                               ? listener_formats_[m.listener_index]
                                               : options_.expected_format;
    const parsers::PaddedLine line = batch.line(m);
    parsers::Record& record = records_.emplace_back(parsers_[static_cast<std::size_t>(format)]->parse(line));
    if (record.format == parsers::Format::kJson) parsers::keep_record_strings(record, line.view(), arena_);
    if (m.peer.port != 0) {
      if (sender_.empty() || !m.peer.same_address(sender_peer_)) {
        std::array<char, ingest::PeerAddress::kAddressTextBytes> text{};
        sender_peer_ = m.peer;
        sender_ = arena_.copy(m.peer.write_address(text));
      }
      record.sender = sender_;
    }
    record.truncated = (m.flags & ingest::kMessageTruncated) != 0;
    if (contexts_.table()) record.context = contexts_.lookup(record.host, record.sender);
    ++counters_.parse_issues[static_cast<std::size_t>(record.issue)];
    if (record.time_us != parsers::kNoTime &&
        (latest_event_us_ == parsers::kNoTime || record.time_us > latest_event_us_)) {
      latest_event_us_ = record.time_us;
    }
    std::int64_t now_us = m.arrival_us;
    if (now_us == parsers::kNoTime) {
      now_us = record.time_us != parsers::kNoTime ? record.time_us : latest_event_us_;
      if (now_us == parsers::kNoTime) now_us = 0;
    }
    times_us_.push_back(now_us);
  }
  counters_.records += records_.size();
}

void RecordProcessor::detect_batch(std::vector<detect::Alert>& alerts) {
  const auto& rules = matcher_->rule_set().rules();
  const std::size_t shards = detect_.shard_count();
  incidents_.clear();
  trouble_.clear();
  held_.clear();
  shard_begin_.assign(shards + 1, 0);
  // Matches of rules with `session:` first go through the session table, in one call.
  session_matches_.clear();
  session_fields_.clear();
  for (const rules::RuleMatch& m : matches_) {
    const rules::Rule& rule = rules[m.rule_index];
    if (!rule.session.enabled()) continue;
    const parsers::Record& record = records_[m.record_index];
    const auto captures = matcher_->fields(m);
    // The session id is a capture or a record field, looked up as a group_by name is.
    const std::string_view id = detect::group_value(detect::Incident{&rule, &record, captures}, rule.session.id);
    session_matches_.push_back(
        detect::SessionMatch{&rule, detect::host_or_sender(record), captures, times_us_[m.record_index], id});
  }
  detect_.sessions().apply(session_matches_, arena_, session_fields_);
  std::size_t next_session = 0;
  std::size_t next_match = 0;
  for (std::uint32_t r = 0; r < records_.size(); ++r) {
    const parsers::Record& record = records_[r];
    if (next_match == matches_.size() || matches_[next_match].record_index != r) {
      if (detect_.looks_like_trouble(record)) trouble_.push_back({&record, times_us_[r]});
      continue;
    }
    ++counters_.matched_records;
    for (; next_match < matches_.size() && matches_[next_match].record_index == r; ++next_match) {
      const rules::RuleMatch& m = matches_[next_match];
      ++counters_.matches_per_rule[m.rule_index];
      std::span<const rules::Capture> fields = matcher_->fields(m);
      if (rules[m.rule_index].session.enabled()) {
        const detect::SessionMatch& s = session_matches_[next_session++];
        fields = std::span<const rules::Capture>(session_fields_).subspan(s.fields_begin, s.fields_end - s.fields_begin);
        if (s.step != detect::SessionStep::kIncident) {
          held_.push_back(HeldMatch{r, m.rule_index, s.step, fields});
          continue;
        }
      }
      detect::Incident& incident = incidents_.emplace_back(
          detect::Incident{&rules[m.rule_index], &record, fields, times_us_[r]});
      for (const rules::Capture& c : incident.fields) {
        counters_.capture_type_mismatches += emit::capture_fits_ecs(c.name, c.value) ? 0 : 1;
      }
      incident.signature = detect::signature_id(incident);
      incident.has_signature = true;
      ++shard_begin_[detect_.shard_of(incident.signature) + 1];
    }
  }
  counters_.incidents += incidents_.size();
  if (relay_ != nullptr) {
    relay_->relay(incidents_, trouble_);
    return;
  }
  // Group by shard, keeping match order within a shard (a counting sort).
  for (std::size_t s = 0; s < shards; ++s) shard_begin_[s + 1] += shard_begin_[s];
  by_shard_.resize(incidents_.size());
  shard_fill_.assign(shard_begin_.begin(), shard_begin_.end() - 1);
  for (const detect::Incident& incident : incidents_) {
    by_shard_[shard_fill_[detect_.shard_of(incident.signature)]++] = incident;
  }
  detect_.observe_grouped(by_shard_, shard_begin_, alerts);
  mined_.clear();
  detect_.observe_unmatched(trouble_, alerts, rates_ != nullptr ? &mined_ : nullptr);
}

void RecordProcessor::apply_suspensions() {
  if (breaker_->version() == breaker_version_) return;  // the common case: one atomic load
  breaker_version_ = breaker_->suspended_rules(&matcher_->rule_set(), suspended_);
  for (std::uint32_t r : suspended_) matcher_->suspend(r);
}

// Only after a batch in which some rule hit a PCRE2 limit: the rules that did report what they
// cost since their previous report.
void RecordProcessor::report_costs(std::vector<detect::Alert>& alerts) {
  reported_limit_hits_ = matcher_->counters().limit_hits;
  std::int64_t now_us = 0;
  for (std::int64_t t : times_us_) now_us = std::max(now_us, t);
  const std::span<const rules::RuleCost> costs = matcher_->rule_costs();
  for (std::uint32_t r = 0; r < costs.size(); ++r) {
    if (costs[r].limit_hits == reported_[r].limit_hits) continue;
    const rules::RuleCost delta{costs[r].pcre_ns - reported_[r].pcre_ns, costs[r].limit_hits - reported_[r].limit_hits};
    reported_[r] = costs[r];
    breaker_->report(&matcher_->rule_set(), r, delta, now_us, alerts);
  }
  apply_suspensions();  // a suspension this report caused takes effect with the next batch
}

void RecordProcessor::count_rates(const ingest::RawBatch& batch, std::vector<detect::Alert>& alerts) {
  static constexpr std::string_view kUnnamed = "unnamed";
  std::int64_t now_us = 0;
  for (std::size_t r = 0; r < records_.size(); ++r) {
    now_us = std::max(now_us, times_us_[r]);
    if (!records_[r].host.empty()) rate_counts_.add(trend::SeriesKind::kHost, records_[r].host);
    if (const parsers::ServiceContext* c = records_[r].context; c != nullptr && !c->service.empty()) {
      rate_counts_.add(trend::SeriesKind::kService, c->service);
    }
    const std::uint16_t l = batch.messages()[r].listener_index;
    rate_counts_.add(trend::SeriesKind::kListener, l < listener_names_.size() ? std::string_view(listener_names_[l]) : kUnnamed);
  }
  char hex[16];
  for (const detect::Incident& incident : incidents_) {
    base::encode_hex_u64(incident.signature, hex);
    rate_counts_.add(trend::SeriesKind::kSignature, std::string_view(hex, sizeof hex), incident.rule->id,
                     incident.signature);
  }
  // Mined templates are signatures too, labelled with their synthetic rule "auto:<template id>".
  char label[21] = {'a', 'u', 't', 'o', ':'};
  for (const detect::MinedOccurrence& m : mined_) {
    base::encode_hex_u64(m.signature_id, hex);
    base::encode_hex_u64(m.template_id, label + 5);
    rate_counts_.add(trend::SeriesKind::kSignature, std::string_view(hex, sizeof hex),
                     std::string_view(label, sizeof label), m.signature_id);
  }
  rates_->observe(rate_counts_, now_us, alerts);
}

}  // namespace logsift::pipeline
