// Matching throughput with 100, 1,000 and 10,000 generated rules, next to the bare hs_scan of the
// same lines with a database of the same patterns, so the ratio shows what parsing, conditions,
// capture extraction and result bookkeeping cost on top of Hyperscan itself.
//
// Rules and lines are generated with a fixed seed. Rule i looks for two words that only it uses
// followed by captures; 2% of lines are written from a rule (and must match exactly that rule),
// the rest are ordinary syslog traffic that matches nothing. Before timing, every benchmark
// checks the match counts against the generator and stops with a message when they differ.
#include <hs/hs.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "parsers/line_parser.h"
#include "rules/loader.h"
#include "rules/rule_set.h"
#include "match_bench_support.h"

namespace {

using namespace logsift;
using bench::bare_scan;
using bench::check;

constexpr std::size_t kLines = 20000;
constexpr std::int64_t kReferenceUs = 1'773'000'000LL * 1'000'000;

const char* const kCommon[] = {"connection", "from", "closed", "user", "session", "opened", "port",
                               "request", "GET", "200", "took", "ms", "for", "by", "the", "client"};
const char* const kApps[] = {"sshd", "nginx", "postfix/smtpd", "CRON", "kernel", "systemd"};

// A word no other rule uses: "k<rule>" with letters, e.g. "kqbd".
std::string rule_word(std::size_t rule, int which) {
  std::string w = which == 0 ? "svc" : "fault";
  for (std::size_t n = rule + 1; n > 0; n /= 26) w.push_back(static_cast<char>('a' + n % 26));
  return w;
}

struct Workload {
  std::vector<rules::Rule> rules;
  std::vector<std::string> expressions;  // as given to both engines
  std::vector<std::string> lines;
  std::vector<std::size_t> message_offsets;  // where each line's syslog MSG starts
  std::size_t expected_matches = 0;
};

Workload make_workload(std::size_t rule_count) {
  Workload w;
  std::mt19937 rng(42);
  for (std::size_t r = 0; r < rule_count; ++r) {
    rules::Rule rule;
    rule.id = "bench.r" + std::to_string(r);
    rule.name = "bench rule";
    rule.ruleset = "bench";
    std::string re;
    switch (r % 4) {
      case 0: re = rule_word(r, 0) + " " + rule_word(r, 1) + " for (?<user_name>\\S+) from (?<source_ip>[0-9.]+)"; break;
      case 1: re = rule_word(r, 0) + " [a-z]+ " + rule_word(r, 1) + " code=\\d+"; break;
      case 2: re = "(?:" + rule_word(r, 0) + "|" + rule_word(r, 1) + ") error (?<error_code>[A-Z]+\\d+)"; break;
      default: re = "^" + rule_word(r, 0) + ": .*" + rule_word(r, 1) + " (?<file_path>/\\S+)"; break;
    }
    rules::Pattern pattern;
    pattern.source = re;
    rule.patterns.push_back(std::move(pattern));
    w.expressions.push_back(re);
    w.rules.push_back(std::move(rule));
  }
  char head[96];
  for (std::size_t i = 0; i < kLines; ++i) {
    std::snprintf(head, sizeof head, "<%d>Mar %2d %02d:%02d:%02d host%02d %s[%d]: ", static_cast<int>(rng() % 191),
                  static_cast<int>(1 + rng() % 28), static_cast<int>(rng() % 24), static_cast<int>(rng() % 60),
                  static_cast<int>(rng() % 60), static_cast<int>(rng() % 40), kApps[rng() % 6],
                  static_cast<int>(rng() % 65000));
    std::string message;
    if (rng() % 50 == 0) {
      std::size_t r = rng() % rule_count;
      switch (r % 4) {
        case 0: message = rule_word(r, 0) + " " + rule_word(r, 1) + " for alice from 203.0.113." + std::to_string(rng() % 250); break;
        case 1: message = rule_word(r, 0) + " disk " + rule_word(r, 1) + " code=" + std::to_string(rng() % 999); break;
        case 2: message = rule_word(r, 1) + " error E" + std::to_string(rng() % 999); break;
        default: message = rule_word(r, 0) + ": write failed on " + rule_word(r, 1) + " /var/lib/x" + std::to_string(rng() % 99); break;
      }
      ++w.expected_matches;
    } else {
      const int words = 6 + static_cast<int>(rng() % 10);
      for (int k = 0; k < words; ++k) {
        if (k > 0) message += ' ';
        message += rng() % 4 == 0 ? std::to_string(rng() % 100000) : kCommon[rng() % 16];
      }
    }
    w.message_offsets.push_back(std::strlen(head));
    w.lines.push_back(head + message);
  }
  return w;
}

// Compiles once per rule count (Hyperscan compile of 10,000 rules takes a while), with the
// on-disk cache so repeated runs start fast.
struct Prepared {
  Workload workload;
  std::shared_ptr<const rules::RuleSet> set;
  hs_database_t* bare = nullptr;
};

Prepared& prepared(std::size_t rule_count) {
  static std::map<std::size_t, Prepared> cache;
  auto it = cache.find(rule_count);
  if (it != cache.end()) return it->second;
  Prepared p;
  p.workload = make_workload(rule_count);
  auto cache_dir = (std::filesystem::temp_directory_path() / "logsift-bench-cache").string();
  auto compiled = rules::RuleSet::compile(p.workload.rules, rules::CompileOptions{cache_dir});
  if (!compiled) {
    std::fprintf(stderr, "rule set does not compile: %s\n", compiled.error()[0].to_string().c_str());
    std::exit(1);
  }
  p.set = compiled.value();
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (std::size_t i = 0; i < p.workload.expressions.size(); ++i) {
    exprs.push_back(p.workload.expressions[i].c_str());
    flags.push_back(HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                       HS_MODE_BLOCK, nullptr, &p.bare, &error) != HS_SUCCESS) {
    std::fprintf(stderr, "bare database does not compile: %s\n", error->message);
    std::exit(1);
  }
  return cache.emplace(rule_count, std::move(p)).first->second;
}

std::size_t total_bytes(const Workload& w) {
  std::size_t bytes = 0;
  for (const auto& l : w.lines) bytes += l.size();
  return bytes;
}

// The whole raw line, as a tool that does not parse would scan it. The expected count comes from
// the Matcher applied to the same whole lines (anchored rules see the header and do not match).
void BM_BareScanLine(benchmark::State& state) {
  Prepared& p = prepared(static_cast<std::size_t>(state.range(0)));
  std::vector<std::string_view> lines(p.workload.lines.begin(), p.workload.lines.end());
  rules::Matcher matcher(p.set);
  std::size_t expected = 0;
  for (auto line : lines) {
    parsers::Record whole;
    whole.original = whole.message = line;
    expected += matcher.match(whole).size();
  }
  bare_scan(state, p.bare, lines, expected, "bare hs_scan of lines", lines.size(), total_bytes(p.workload));
}

// Exactly the text the rules look at: each line's message, cut out beforehand.
void BM_BareScanMessage(benchmark::State& state) {
  Prepared& p = prepared(static_cast<std::size_t>(state.range(0)));
  std::vector<std::string_view> messages;
  for (std::size_t i = 0; i < p.workload.lines.size(); ++i) {
    messages.push_back(std::string_view(p.workload.lines[i]).substr(p.workload.message_offsets[i]));
  }
  bare_scan(state, p.bare, messages, p.workload.expected_matches, "bare hs_scan of messages", messages.size(),
            total_bytes(p.workload));
}

void BM_ParseAndMatch(benchmark::State& state) {
  Prepared& p = prepared(static_cast<std::size_t>(state.range(0)));
  parsers::ParseOptions options;
  options.reference_time_us = kReferenceUs;
  parsers::LineParser parser(options);
  rules::Matcher matcher(p.set);
  std::size_t matches = 0;
  for (const auto& line : p.workload.lines) matches += matcher.match(parser.parse(line)).size();
  check("parse + match", matches, p.workload.expected_matches, state);
  for (auto _ : state) {
    for (const auto& line : p.workload.lines) {
      auto found = matcher.match(parser.parse(line));
      benchmark::DoNotOptimize(found.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.workload.lines.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * total_bytes(p.workload)));
}

void BM_MatchParsed(benchmark::State& state) {
  Prepared& p = prepared(static_cast<std::size_t>(state.range(0)));
  parsers::ParseOptions options;
  options.reference_time_us = kReferenceUs;
  parsers::LineParser parser(options);
  std::vector<parsers::Record> records;
  for (const auto& line : p.workload.lines) records.push_back(parser.parse(line));
  rules::Matcher matcher(p.set);
  std::size_t matches = 0;
  for (const auto& r : records) matches += matcher.match(r).size();
  check("match", matches, p.workload.expected_matches, state);
  for (auto _ : state) {
    for (const auto& r : records) {
      auto found = matcher.match(r);
      benchmark::DoNotOptimize(found.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * records.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * total_bytes(p.workload)));
}

}  // namespace

BENCHMARK(BM_BareScanLine)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BareScanMessage)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseAndMatch)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MatchParsed)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
