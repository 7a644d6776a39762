// Matching when PCRE2 runs for every message: what the per-rule accounting (a monotonic clock
// read around each pcre2_match, a limit-hit check) costs on the path it touches.
//
// Three shapes of 50 generated rules, each line written from one rule so every line matches:
//   captures    exact in Hyperscan, PCRE2 extracts two named groups per line
//   prefilter   a back-reference: Hyperscan prefilters, PCRE2 confirms every line
//   hyperscan   exact in Hyperscan, no captures: PCRE2 never runs (the accounting costs nothing)
// Before timing, each benchmark checks that every line matched exactly its rule.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "match_bench_support.h"
#include "parsers/line_parser.h"
#include "rules/loader.h"
#include "rules/rule_set.h"

namespace {

using namespace logsift;

constexpr int kRules = 50;
constexpr int kLines = 10000;

enum Shape : int { kCaptures, kPrefilter, kHyperscan };

struct Workload {
  std::shared_ptr<const rules::RuleSet> set;
  std::vector<parsers::Record> records;
  std::vector<std::string> lines;  // the records view into these
};

std::string rule_yaml(int shape) {
  std::string yaml = "ruleset: bench\nrules:\n";
  for (int r = 0; r < kRules; ++r) {
    const std::string word = "w" + std::to_string(r) + "q";
    yaml += "  - id: bench.p" + std::to_string(r) + "\n    name: rule " + std::to_string(r) + "\n    match: '";
    switch (shape) {
      case kCaptures: yaml += word + R"( user (?<user_name>\S+) from (?<source_ip>\S+)')"; break;
      case kPrefilter: yaml += word + R"( (\w+) again \1')" "\n    allow_slow: true"; break;
      default: yaml += word + R"( user \S+ from \S+')"; break;
    }
    yaml += "\n";
  }
  return yaml;
}

Workload& workload(int shape) {
  static Workload built[3];
  Workload& w = built[shape];
  if (w.set) return w;
  rules::LoadedRules loaded;
  rules::load_rule_text(rule_yaml(shape), "bench.yaml", loaded);
  if (!loaded.ok()) std::abort();
  auto set = rules::RuleSet::compile(std::move(loaded.rules), {});
  if (!set) std::abort();
  w.set = std::move(set).value();
  for (int i = 0; i < kLines; ++i) {
    const std::string word = "w" + std::to_string(i % kRules) + "q";
    const std::string token = "token" + std::to_string(i % 977);
    w.lines.push_back(shape == kPrefilter ? word + " " + token + " again " + token
                                          : word + " user " + token + " from 10.0." + std::to_string(i % 250) + ".7");
  }
  for (const auto& line : w.lines) {
    parsers::Record r;
    r.original = r.message = line;
    r.host = "web1";
    r.app = "app";
    w.records.push_back(r);
  }
  return w;
}

void BM_MatchEveryLine(benchmark::State& state) {
  Workload& w = workload(static_cast<int>(state.range(0)));
  rules::Matcher matcher(w.set);
  std::size_t right = 0;
  for (std::size_t i = 0; i < w.records.size(); ++i) {
    auto found = matcher.match(w.records[i]);
    right += found.size() == 1 && found[0].rule_index == i % kRules ? 1 : 0;
  }
  bench::check("every line matches its rule", right, w.records.size(), state);
  std::size_t bytes = 0;
  for (const auto& l : w.lines) bytes += l.size();
  for (auto _ : state) {
    for (const auto& r : w.records) {
      auto found = matcher.match(r);
      benchmark::DoNotOptimize(found.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * w.records.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

}  // namespace

BENCHMARK(BM_MatchEveryLine)
    ->ArgName("shape")
    ->Arg(kCaptures)
    ->Arg(kPrefilter)
    ->Arg(kHyperscan)
    ->Unit(benchmark::kMicrosecond);
