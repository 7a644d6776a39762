// Pieces shared by the matching benchmarks: the bare Hyperscan scan they compare against, and the
// check each benchmark runs on its output before it times anything.
#pragma once

#include <hs/hs.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string_view>
#include <vector>

namespace logsift::bench {

inline int count_match(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
  ++*static_cast<std::size_t*>(ctx);
  return 0;
}

inline void check(const char* what, std::size_t got, std::size_t want, benchmark::State& state) {
  if (got != want) {
    std::fprintf(stderr, "%s: %zu matches, expected %zu\n", what, got, want);
    state.SkipWithError("wrong match count");
  }
}

// hs_scan of each text with `database`: Hyperscan and nothing else. Items and bytes are counted
// per input line (`lines`, `line_bytes`) so every benchmark of a workload reports the same units.
inline void bare_scan(benchmark::State& state, const hs_database_t* database, const std::vector<std::string_view>& texts,
                      std::size_t expected, const char* what, std::size_t lines, std::size_t line_bytes) {
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(database, &scratch);
  std::size_t matches = 0;
  for (auto t : texts) hs_scan(database, t.data(), static_cast<unsigned>(t.size()), 0, scratch, count_match, &matches);
  check(what, matches, expected, state);
  for (auto _ : state) {
    for (auto t : texts) hs_scan(database, t.data(), static_cast<unsigned>(t.size()), 0, scratch, count_match, &matches);
  }
  benchmark::DoNotOptimize(matches);
  hs_free_scratch(scratch);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * lines));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * line_bytes));
}

}  // namespace logsift::bench
