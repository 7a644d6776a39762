// peers_hs_scan PATTERNS CORPUS: the bare Hyperscan rate the peer comparison measures against.
//
// Compiles the patterns (one regex a line) into one block-mode database with the flags logsift
// gives rules (SINGLEMATCH, ALLOWEMPTY), then scans every corpus line whole, nothing else, and
// prints the matched-line count and the rate. The count must equal what every engine reports.
#include <hs/hs.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

int on_match(unsigned, unsigned long long, unsigned long long, unsigned, void* context) {
  *static_cast<bool*>(context) = true;
  return 1;  // one match decides the line
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fputs("usage: peers_hs_scan PATTERNS CORPUS\n", stderr);
    return 2;
  }
  std::vector<std::string> patterns;
  std::ifstream pf(argv[1]);
  for (std::string line; std::getline(pf, line);) {
    if (!line.empty()) patterns.push_back(line);
  }
  std::vector<std::string> lines;
  std::ifstream cf(argv[2]);
  for (std::string line; std::getline(cf, line);) lines.push_back(line);
  if (patterns.empty() || lines.empty()) {
    std::fputs("peers_hs_scan: no patterns or no lines\n", stderr);
    return 1;
  }
  std::vector<const char*> expressions;
  std::vector<unsigned> flags, ids;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    expressions.push_back(patterns[i].c_str());
    flags.push_back(HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* database = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                       HS_MODE_BLOCK, nullptr, &database, &error) != HS_SUCCESS) {
    std::fprintf(stderr, "peers_hs_scan: %s\n", error != nullptr ? error->message : "compile failed");
    return 1;
  }
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(database, &scratch) != HS_SUCCESS) return 1;
  std::size_t matched = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& line : lines) {
    bool hit = false;
    hs_scan(database, line.data(), static_cast<unsigned>(line.size()), 0, scratch, on_match, &hit);
    matched += hit ? 1 : 0;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("lines=%zu matched=%zu seconds=%.4f rate=%.0f\n", lines.size(), matched, seconds,
              static_cast<double>(lines.size()) / seconds);
  hs_free_scratch(scratch);
  hs_free_database(database);
  return 0;
}
