#include "daemon/detect/flat_index.h"

#include <catch2/catch.hpp>

#include <random>
#include <unordered_map>

using logsift::detect::FlatIndex;

TEST_CASE("the flat index agrees with std::unordered_map under random inserts and erases", "[detect]") {
  FlatIndex index;
  std::unordered_map<std::uint64_t, std::uint32_t> oracle;
  std::mt19937_64 rng(1234);
  // A small key space forces long probe runs, collisions and erases inside runs.
  for (int step = 0; step < 200000; ++step) {
    const std::uint64_t key = (rng() % 3000) << (rng() % 2 ? 40 : 0);
    const int op = static_cast<int>(rng() % 3);
    if (op == 0) {
      const auto slot = static_cast<std::uint32_t>(rng() % 1000000);
      index.insert(key, slot);
      oracle[key] = slot;
    } else if (op == 1) {
      CHECK(index.erase(key) == (oracle.erase(key) == 1));
    } else {
      auto it = oracle.find(key);
      const std::uint32_t want = it == oracle.end() ? FlatIndex::kMissing : it->second;
      if (index.find(key) != want) FAIL("mismatch at step " << step);
    }
  }
  CHECK(index.size() == oracle.size());
  for (const auto& [k, v] : oracle) CHECK(index.find(k) == v);
}
