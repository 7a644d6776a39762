// Detector entry points: rule incidents, unmatched messages through the template miner, and the
// public methods forwarding to Detector::Impl.
#include <algorithm>
#include <string>

#include "daemon/detect/detector.h"
#include "daemon/detect/detector_impl.h"
#include "parsers/base/hex.h"

namespace logsift::detect {

std::string auto_rule_id(std::uint64_t template_id) { return "auto:" + base::hex_u64(template_id); }

std::string auto_rule_name(std::string_view template_text) {
  return "Recurring unknown message: " +
         std::string(template_text.substr(0, std::min<std::size_t>(template_text.size(), 200)));
}

std::uint64_t auto_signature_id(std::uint64_t template_id) {
  // The same text auto_rule_id() builds, on the stack: this runs for every mined message.
  char id[21] = {'a', 'u', 't', 'o', ':'};
  base::encode_hex_u64(template_id, id + 5);
  return signature_id(std::string_view(id, sizeof id), {});
}

void Detector::Impl::observe_one(const Incident& incident, std::int64_t now_us,
                                 std::vector<Alert>& out) {
  ++counters_.incidents;
  bool inserted = false;
  SignatureState& s = insert(incident.has_signature ? incident.signature : signature_id(incident), &inserted);
  if (inserted) {
    copy_rule(s, *incident.rule);
    const auto names = effective_group_by(*incident.rule);
    s.signature_values.reserve(names.size());
    for (const std::string& name : names) {
      s.signature_values.emplace_back(name, std::string(group_value(incident, name)));
    }
  }
  // Work that fell due before this occurrence happens first: a signature that returns after its
  // quiet period resolves and then reopens, whether or not advance() ran in between (replay
  // advances only every so many lines).
  if (!inserted && resolution_due(s, now_us)) process_due(s, now_us, out);
  record_occurrence(s, *incident.record, incident.fields, now_us);
  after_occurrence(s, incident.rule, now_us, options_.incident_alerts, out);
}

MinedOccurrence Detector::Impl::observe_unmatched(const parsers::Record& record, std::int64_t now_us,
                                                  std::vector<Alert>& out) {
  ++counters_.unmatched;
  if (!options_.mine_unmatched || !looks_like_trouble(record)) return {};
  ++counters_.unmatched_trouble;
  const TemplateRef ref = miner_.add(record.message);
  const std::uint64_t sig = auto_signature_id(ref.id);
  if (ref.changed) {
    // The template generalised; the cluster id, and so the signature, stays: keep the text current.
    if (SignatureState* old = table_.find(sig)) {
      old->rule_name = auto_rule_name(ref.text);
      old->template_text.assign(ref.text);
    }
  }
  bool inserted = false;
  SignatureState& s = insert(sig, &inserted);
  if (inserted) {
    rules::Rule synthetic;
    synthetic.id = auto_rule_id(ref.id);
    synthetic.name = auto_rule_name(ref.text);
    synthetic.ruleset = "auto";
    synthetic.severity = options_.auto_severity;
    synthetic.tags = {"auto", "template"};
    synthetic.recurrence = options_.auto_recurrence;
    copy_rule(s, synthetic);
    s.template_id = ref.id;
    s.template_text.assign(ref.text);
  } else if (resolution_due(s, now_us)) {
    process_due(s, now_us, out);  // as in observe_one
  }
  record_occurrence(s, record, {}, now_us);
  after_occurrence(s, nullptr, now_us, options_.auto_incident_alerts, out);
  return {sig, ref.id};
}

bool Detector::Impl::resolution_due(const SignatureState& s, std::int64_t now_us) const {
  return s.problem == ProblemState::kOpen && s.last_seen_us + s.resolve_after_ms * 1000 <= now_us;
}

DetectCounters Detector::Impl::counters() const {
  DetectCounters c = counters_;
  c.signatures_live = table_.size();
  const MinerCounters m = miner_.counters();
  c.templates_live = m.templates;
  c.templates_created = m.created;
  c.template_evictions = m.evictions;
  return c;
}

Detector::Detector(DetectOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Detector::~Detector() = default;
Detector::Detector(Detector&&) noexcept = default;
Detector& Detector::operator=(Detector&&) noexcept = default;

void Detector::observe(std::span<const Incident> incidents, std::int64_t now_us,
                       std::vector<Alert>& out) {
  for (const Incident& incident : incidents) {
    impl_->observe_one(incident, incident.time_us != parsers::kNoTime ? incident.time_us : now_us, out);
  }
}

MinedOccurrence Detector::observe_unmatched(const parsers::Record& record, std::int64_t now_us,
                                            std::vector<Alert>& out) {
  return impl_->observe_unmatched(record, now_us, out);
}

void Detector::advance(std::int64_t now_us, std::vector<Alert>& out) { impl_->advance(now_us, out); }

std::size_t Detector::forget_rules(const std::function<bool(std::string_view)>& changed,
                                   std::int64_t now_us, std::vector<Alert>& out) {
  return impl_->forget_rules(changed, now_us, out);
}

void Detector::report_folded(std::int64_t now_us, std::vector<Alert>& out) {
  impl_->report_folded(now_us, out);
}

bool Detector::acknowledge(std::uint64_t problem_id, const std::string& by, std::int64_t now_us) {
  return impl_->acknowledge(problem_id, by, now_us);
}

void Detector::describe_open_problems(std::int64_t now_us, std::vector<Alert>& out) const {
  impl_->describe_open_problems(now_us, out);
}

bool Detector::looks_like_trouble(const parsers::Record& record) const {
  return impl_->looks_like_trouble(record);
}

DetectCounters Detector::counters() const { return impl_->counters(); }
const DetectOptions& Detector::options() const { return impl_->options_; }
TemplateMiner& Detector::miner() { return impl_->miner_; }

}  // namespace logsift::detect
