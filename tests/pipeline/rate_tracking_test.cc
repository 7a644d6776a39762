#include "daemon/pipeline/rate_tracking.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace logsift::pipeline {
namespace {

std::filesystem::path scratch(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("logsift-rate-tracking-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST_CASE("rate tracking saves beside the detection snapshots and restores what it saved", "[pipeline][trend]") {
  const auto dir = scratch("roundtrip");
  RateTracking a(trend::TrendOptions{});
  trend::BatchCounts counts;
  counts.add(trend::SeriesKind::kHost, "web1", "", 0, 7);
  counts.add(trend::SeriesKind::kListener, "syslog-udp", "", 0, 7);
  std::vector<detect::Alert> alerts;
  a.observe(counts, 1'773'000'000'000'000, alerts);
  CHECK(counts.empty());
  REQUIRE(a.save(dir.string()).empty());
  CHECK(std::filesystem::exists(dir / "trend.snapshot"));

  RateTracking b(trend::TrendOptions{});
  REQUIRE(b.restore(dir.string()).empty());
  CHECK(b.counters().series_live == 2);
  CHECK(b.top_series(1)[0].key == "syslog-udp");  // equal activity: by key
}

TEST_CASE("rate tracking starts empty without a snapshot and names a damaged one", "[pipeline][trend]") {
  const auto dir = scratch("damaged");
  RateTracking t(trend::TrendOptions{});
  CHECK(t.restore(dir.string()).empty());
  std::ofstream(dir / "trend.snapshot") << "LSTREND1 but nothing after it";
  const std::string e = t.restore(dir.string());
  CHECK(e.find("trend.snapshot") != std::string::npos);
  CHECK(t.counters().series_live == 0);
}

}  // namespace
}  // namespace logsift::pipeline
