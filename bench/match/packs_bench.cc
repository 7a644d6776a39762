// The bundled rule packs (rules/packs) on real log lines (the loghub samples in ../shared): the
// realistic counterpart of the generated workloads in match_bench.cc. Skipped, with a message,
// when the samples are not there.
//
// Checks before timing: the bare scans must report exactly the (line, pattern) pairs that plain
// PCRE2 finds in the same texts, and parse + match must agree with match on pre-parsed records.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "match_bench_support.h"
#include "parsers/line_parser.h"
#include "rules/loader.h"
#include "rules/rule_set.h"

namespace {

using namespace logsift;
using bench::bare_scan;
using bench::check;

constexpr std::int64_t kReferenceUs = 1'773'000'000LL * 1'000'000;
const char* const kSamples[] = {"Linux", "OpenSSH", "Apache", "Thunderbird"};

struct PacksWorkload {
  std::string skip_reason;  // non-empty: the benchmarks skip
  std::shared_ptr<const rules::RuleSet> set;
  hs_database_t* bare = nullptr;           // every message pattern of the packs, no conditions
  std::vector<std::string> lines;
  std::vector<std::string_view> messages;  // as the parser cuts them out of `lines`
  std::size_t line_bytes = 0;
  std::size_t expected_line_pairs = 0;     // (line, pattern) pairs PCRE2 finds in whole lines
  std::size_t expected_message_pairs = 0;  // ... in messages
  std::size_t rule_matches = 0;            // Matcher results over the parsed records
};

std::size_t pcre_pairs(const std::vector<pcre2_code*>& codes, const std::vector<std::string_view>& texts) {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  std::size_t pairs = 0;
  for (auto t : texts) {
    for (auto* code : codes) {
      pairs += pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(t.data()), t.size(), 0, 0, data, nullptr) >= 0 ? 1 : 0;
    }
  }
  pcre2_match_data_free(data);
  return pairs;
}

PacksWorkload load_packs_workload() {
  PacksWorkload w;
  for (const char* name : kSamples) {
    std::ifstream in(std::string(LOGSIFT_SHARED_DIR) + "/corpora/loghub-2k/" + name + "/" + name + "_2k.log");
    for (std::string line; std::getline(in, line);) w.lines.push_back(line);
  }
  if (w.lines.empty()) {
    w.skip_reason = "loghub samples not found under " LOGSIFT_SHARED_DIR;
    return w;
  }
  const std::vector<std::string> paths = {std::string(LOGSIFT_SOURCE_DIR) + "/rules/packs"};
  auto loaded = rules::load_rule_paths(paths);
  auto compiled = rules::RuleSet::compile(std::move(loaded.rules), {});
  if (!loaded.errors.empty() || !compiled) {
    w.skip_reason = "the bundled packs do not load";
    return w;
  }
  w.set = compiled.value();

  std::vector<std::string> expressions;
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  std::vector<pcre2_code*> codes;
  const auto& rules = w.set->rules();
  for (std::size_t r = 0; r < rules.size(); ++r) {
    for (std::size_t p = 0; p < rules[r].patterns.size(); ++p) {
      const auto& pattern = rules[r].patterns[p];
      if (pattern.field.kind != rules::FieldRef::Kind::kMessage || w.set->engine(r, p) != rules::PatternEngine::kHyperscan) continue;
      expressions.push_back(rules::pattern_expression(pattern));
      flags.push_back(HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY | (pattern.case_insensitive ? HS_FLAG_CASELESS : 0u));
      int error = 0;
      PCRE2_SIZE offset = 0;
      codes.push_back(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expressions.back().data()), expressions.back().size(),
                                    pattern.case_insensitive ? PCRE2_CASELESS : 0u, &error, &offset, nullptr));
    }
  }
  for (std::size_t i = 0; i < expressions.size(); ++i) {
    exprs.push_back(expressions[i].c_str());
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       nullptr, &w.bare, &error) != HS_SUCCESS) {
    w.skip_reason = std::string("bare database does not compile: ") + error->message;
    return w;
  }

  parsers::ParseOptions options;
  options.reference_time_us = kReferenceUs;
  parsers::LineParser parser(options);
  rules::Matcher matcher(w.set);
  std::vector<std::string_view> whole;
  for (const auto& line : w.lines) {
    const auto record = parser.parse(line);
    // 3164 messages are views into the line; anything else is scanned whole.
    const bool inside = record.message.data() >= line.data() && record.message.data() <= line.data() + line.size();
    w.messages.push_back(inside ? record.message : std::string_view(line));
    w.rule_matches += matcher.match(record).size();
    whole.push_back(line);
    w.line_bytes += line.size();
  }
  w.expected_line_pairs = pcre_pairs(codes, whole);
  w.expected_message_pairs = pcre_pairs(codes, w.messages);
  for (auto* code : codes) pcre2_code_free(code);
  return w;
}

PacksWorkload& packs() {
  static PacksWorkload workload = load_packs_workload();
  return workload;
}

bool skipped(benchmark::State& state, const PacksWorkload& w) {
  if (w.skip_reason.empty()) return false;
  state.SkipWithError(w.skip_reason.c_str());
  return true;
}

void BM_PacksBareScanLine(benchmark::State& state) {
  auto& w = packs();
  if (skipped(state, w)) return;
  std::vector<std::string_view> lines(w.lines.begin(), w.lines.end());
  bare_scan(state, w.bare, lines, w.expected_line_pairs, "packs: bare hs_scan of lines", lines.size(), w.line_bytes);
}

void BM_PacksBareScanMessage(benchmark::State& state) {
  auto& w = packs();
  if (skipped(state, w)) return;
  bare_scan(state, w.bare, w.messages, w.expected_message_pairs, "packs: bare hs_scan of messages", w.lines.size(),
            w.line_bytes);
}

void BM_PacksParseAndMatch(benchmark::State& state) {
  auto& w = packs();
  if (skipped(state, w)) return;
  parsers::ParseOptions options;
  options.reference_time_us = kReferenceUs;
  parsers::LineParser parser(options);
  rules::Matcher matcher(w.set);
  std::size_t matches = 0;
  for (const auto& line : w.lines) matches += matcher.match(parser.parse(line)).size();
  check("packs: parse + match", matches, w.rule_matches, state);
  for (auto _ : state) {
    for (const auto& line : w.lines) {
      auto found = matcher.match(parser.parse(line));
      benchmark::DoNotOptimize(found.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * w.lines.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * w.line_bytes));
}

}  // namespace

BENCHMARK(BM_PacksBareScanLine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PacksBareScanMessage)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PacksParseAndMatch)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
