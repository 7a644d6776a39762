// pipeline_slice: a fixed slice of the worker step (parse, match, detect) for instruction counts.
//
// Generates 3,000 syslog lines (RFC 3164 and RFC 5424, 40 hosts, one line in twelve written
// from a rule) and 200 rules with a fixed generator, feeds the lines through
// RecordProcessor::process_batch in batches of 256, and checks the number of matches against the
// generator's own count. check_instructions.sh runs it under callgrind, counting only what runs
// inside process_batch minus Hyperscan's own scan, and compares with the recorded figure.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "daemon/pipeline/record_processor.h"
#include "rules/loader.h"

using namespace logsift;

namespace {

// A fixed linear congruential generator: the same sequence with every standard library.
class Lcg {
 public:
  std::uint32_t next() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state_ >> 33);
  }
  std::uint32_t below(std::uint32_t n) { return next() % n; }

 private:
  std::uint64_t state_ = 20261126;
};

constexpr int kRules = 200;
constexpr int kLines = 3000;
constexpr std::size_t kBatch = 256;

std::string rule_word(int r) { return "w" + std::to_string(r * 7919 % 100000) + "x"; }

std::string rules_yaml() {
  std::string y = "ruleset: slice\nrules:\n";
  for (int r = 0; r < kRules; ++r) {
    y += "  - id: r" + std::to_string(r) + "\n    name: rule " + std::to_string(r) + "\n";
    switch (r % 3) {
      case 0: y += "    match: '" + rule_word(r) + " failed for (?<user_name>\\S+) from (?<source_ip>\\S+)'\n"; break;
      case 1: y += "    match: '" + rule_word(r) + " (?:timeout|refused) after \\d+ms'\n"; break;
      default: y += "    match: '^" + rule_word(r) + ".*code=(?<code>\\d+)'\n"; break;
    }
    if (r % 3 == 0) y += "    group_by: [source_ip]\n";
  }
  return y;
}

std::string rule_message(int r, Lcg& g) {
  switch (r % 3) {
    case 0: return rule_word(r) + " failed for u" + std::to_string(g.below(50)) + " from 10.0." +
                   std::to_string(g.below(4)) + "." + std::to_string(g.below(200));
    case 1: return rule_word(r) + " timeout after " + std::to_string(g.below(900)) + "ms";
    default: return rule_word(r) + " then code=" + std::to_string(g.below(600));
  }
}

}  // namespace

int main() {
  rules::LoadedRules loaded;
  rules::load_rule_text(rules_yaml(), "slice.yaml", loaded);
  if (!loaded.ok()) return std::fputs("pipeline_slice: rules do not load\n", stderr), 1;
  auto set = rules::RuleSet::compile(std::move(loaded.rules), {});
  if (!set) return std::fputs("pipeline_slice: rules do not compile\n", stderr), 1;

  Lcg g;
  std::vector<std::string> lines;
  std::uint64_t expected = 0;
  static const char* kApps[] = {"sshd", "nginx", "postgres", "kernel", "cron", "app"};
  for (int i = 0; i < kLines; ++i) {
    const std::string host = "host" + std::to_string(g.below(40));
    const std::string app = kApps[g.below(6)];
    std::string message;
    if (g.below(12) == 0) {
      message = rule_message(static_cast<int>(g.below(kRules)), g);
      ++expected;
    } else {
      message = "request " + std::to_string(g.below(100000)) + " served in " + std::to_string(g.below(300)) +
                "ms status=" + (g.below(20) == 0 ? "error" : "ok");
    }
    if (i % 2 == 0) {
      lines.push_back("<38>Mar  9 07:12:" + std::to_string(10 + i % 50) + " " + host + " " + app + "[" +
                      std::to_string(100 + g.below(900)) + "]: " + message);
    } else {
      lines.push_back("<13>1 2026-03-09T07:12:44." + std::to_string(100 + i % 900) + "Z " + host + " " + app +
                      " " + std::to_string(g.below(999)) + " - - " + message);
    }
  }

  pipeline::DetectShards detect(4, detect::DetectOptions{});
  parsers::ParseOptions options;
  options.reference_time_us = 1'773'000'000LL * 1'000'000;
  pipeline::RecordProcessor processor(std::move(set).value(), options, detect);
  ingest::RawBatch batch(ingest::BatchLimits{});
  std::vector<detect::Alert> alerts;
  for (std::size_t i = 0; i < lines.size(); i += kBatch) {
    batch.reset();
    for (std::size_t j = i; j < lines.size() && j < i + kBatch; ++j) {
      batch.append(lines[j], options.reference_time_us + static_cast<std::int64_t>(j) * 1000, {}, 0, 0);
    }
    processor.process_batch(batch, alerts);
    alerts.clear();
  }
  const auto& c = processor.counters();
  if (c.records != lines.size() || c.matched_records != expected) {
    std::fprintf(stderr, "pipeline_slice: %llu records, %llu matched; expected %zu and %llu\n",
                 static_cast<unsigned long long>(c.records), static_cast<unsigned long long>(c.matched_records),
                 lines.size(), static_cast<unsigned long long>(expected));
    return 1;
  }
  std::printf("pipeline_slice: %llu records, %llu matched, %llu incidents\n",
              static_cast<unsigned long long>(c.records), static_cast<unsigned long long>(c.matched_records),
              static_cast<unsigned long long>(c.incidents));
  return 0;
}
