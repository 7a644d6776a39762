// detect_bench: Detector::observe throughput (incidents/s) over many live signatures, and
// template miner throughput (lines/s) on generated lines and on Loghub-2k raw logs when present.
// Each benchmark checks its output before it times.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "daemon/detect/detector.h"
#include "daemon/detect/template_miner.h"

namespace {

using namespace logsift;
using namespace logsift::detect;

constexpr std::int64_t kT0 = 1'700'000'000LL * 1'000'000;

rules::Rule bench_rule() {
  rules::Rule r;
  r.id = "sshd.failed_password";
  r.name = "SSH password authentication failed";
  r.ruleset = "linux.sshd";
  r.tags = {"authentication"};
  r.group_by = {"source_ip"};
  return r;
}

// incidents/s for `signatures` live signatures, batches of 1000 incidents, 1 ms apart per batch.
void BM_DetectorObserve(benchmark::State& state) {
  const auto signatures = static_cast<std::size_t>(state.range(0));
  const rules::Rule rule = bench_rule();
  std::vector<std::string> ips(signatures);
  for (std::size_t i = 0; i < signatures; ++i) {
    ips[i] = "10." + std::to_string(i >> 16) + "." + std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255);
  }
  const std::string message = "Failed password for root from 10.0.0.1 port 51122 ssh2";
  constexpr std::size_t kBatch = 1000;
  std::vector<parsers::Record> records(kBatch);
  std::vector<rules::Capture> captures(kBatch);
  std::vector<Incident> incidents(kBatch);
  std::mt19937_64 rng(42);

  Detector detector;
  std::vector<Alert> alerts;
  std::int64_t now = kT0;
  std::size_t next = 0;
  auto fill = [&] {
    for (std::size_t i = 0; i < kBatch; ++i) {
      const std::string& ip = ips[(next++ * 7919 + rng() % 3) % signatures];
      records[i].host = "edge3";
      records[i].message = message;
      records[i].original = message;
      captures[i] = {"source_ip", ip};
      incidents[i] = {&rule, &records[i], {&captures[i], 1}};
    }
  };
  // Warm up: every signature seen, then check the state before timing.
  while (detector.counters().signatures_live < signatures) {
    fill();
    detector.observe(incidents, now, alerts);
    now += 1000;
  }
  if (detector.counters().signatures_live != signatures || alerts.empty()) {
    state.SkipWithError("warm-up did not create the expected signatures");
    return;
  }
  for (auto _ : state) {
    state.PauseTiming();
    fill();
    alerts.clear();
    state.ResumeTiming();
    detector.observe(incidents, now, alerts);
    detector.advance(now, alerts);
    now += 1000;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.counters["alerts_per_batch"] = static_cast<double>(alerts.size());
}
BENCHMARK(BM_DetectorObserve)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMicrosecond);

std::vector<std::string> generated_lines(std::size_t n) {
  static const char* kShapes[] = {
      "Accepted password for user%d from 10.0.%d.%d port %d ssh2",
      "Connection closed by 192.168.%d.%d port %d [preauth]",
      "PacketResponder %d for block blk_%d terminating",
      "Received block blk_%d of size %d from /10.251.%d.%d",
      "worker %d stopped after %d ms because of a timeout on shard %d",
      "disk /dev/sd%d at %d%% capacity, %d inodes free",
      "GET /api/v1/items/%d HTTP/1.1 200 %d bytes in %d ms",
      "session 0x%x opened for uid %d by pid %d"};
  std::mt19937 rng(7);
  std::vector<std::string> out;
  char buf[256];
  for (std::size_t i = 0; i < n; ++i) {
    const char* shape = kShapes[rng() % (sizeof kShapes / sizeof kShapes[0])];
    std::snprintf(buf, sizeof buf, shape, static_cast<int>(rng() % 1000), static_cast<int>(rng() % 100000),
                  static_cast<int>(rng() % 255), static_cast<int>(rng() % 65535));
    out.emplace_back(buf);
  }
  return out;
}

void run_miner(benchmark::State& state, const std::vector<std::string>& lines, std::size_t expect_max_templates) {
  TemplateMiner miner;
  for (const auto& l : lines) miner.add(l);
  const auto templates = miner.counters().templates;
  if (templates == 0 || templates > expect_max_templates) {
    state.SkipWithError("unexpected number of templates");
    return;
  }
  std::size_t i = 0;
  std::uint64_t sink = 0;
  for (auto _ : state) {
    sink += miner.add(lines[i]).id;
    if (++i == lines.size()) i = 0;
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["templates"] = static_cast<double>(miner.counters().templates);
}

void BM_MinerGenerated(benchmark::State& state) {
  static const auto lines = generated_lines(100'000);
  run_miner(state, lines, 16);
}
BENCHMARK(BM_MinerGenerated);

// Whole raw lines (headers included), as `logsift mine --format raw` sees them.
void BM_MinerLoghubRaw(benchmark::State& state, const char* dataset) {
  const std::string path = std::string(LOGSIFT_SHARED_DIR "/corpora/loghub-2k/") + dataset + "/" + dataset + "_2k.log";
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  if (lines.empty()) {
    state.SkipWithError(("corpus not present: " + path).c_str());
    return;
  }
  run_miner(state, lines, 2000);
}
BENCHMARK_CAPTURE(BM_MinerLoghubRaw, HDFS, "HDFS");
BENCHMARK_CAPTURE(BM_MinerLoghubRaw, Linux, "Linux");
BENCHMARK_CAPTURE(BM_MinerLoghubRaw, Android, "Android");

// observe_unmatched: trouble filter plus miner plus auto signature bookkeeping.
void BM_ObserveUnmatched(benchmark::State& state) {
  static const auto lines = generated_lines(100'000);
  Detector detector;
  std::vector<Alert> alerts;
  parsers::Record rec;
  rec.host = "db1";
  rec.severity = 3;  // error: always trouble
  std::int64_t now = kT0;
  for (const auto& l : lines) {
    rec.message = l;
    detector.observe_unmatched(rec, now, alerts);
  }
  if (detector.counters().unmatched_trouble != lines.size()) {
    state.SkipWithError("records were not mined");
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    rec.message = lines[i];
    detector.observe_unmatched(rec, now, alerts);
    if (++i == lines.size()) {
      i = 0;
      alerts.clear();
      now += 1000;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ObserveUnmatched);

}  // namespace

BENCHMARK_MAIN();
