// Benchmarks for daemon/emit: ECS JSON encoding alone, and encode-plus-compress of whole batches.
//
// The alerts are realistic: SSH failures and web errors from a few hundred addresses and users,
// with varying ids, times and counters, so the compression ratio is not flattered by identical
// lines. Before timing, each benchmark decodes one batch and checks it against the encoder.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/emit/alert_json.h"
#include "daemon/emit/batch_reader.h"
#include "daemon/emit/batch_writer.h"
#include "daemon/emit/delivery.h"
#include "daemon/emit/spool.h"

namespace logsift::emit {
namespace {

constexpr std::int64_t kStartUs = 1773040364123456;

// A small deterministic generator (no <random> distributions: stable across libraries).
struct Lcg {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  std::uint64_t next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 17;
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

std::vector<detect::Alert> make_alerts(std::size_t count) {
  static const char* const kUsers[] = {"root", "admin", "oracle", "deploy", "ubuntu", "postgres",
                                       "test", "git", "jenkins", "backup"};
  static const char* const kHosts[] = {"edge1", "edge2", "edge3", "web-01", "web-02", "db-01"};
  Lcg rng;
  std::vector<detect::Alert> alerts;
  alerts.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    detect::Alert a;
    const bool ssh = rng.below(3) != 0;
    const std::string ip = "203.0." + std::to_string(rng.below(4) + 112) + "." +
                           std::to_string(rng.below(250) + 1);
    const std::string user = kUsers[rng.below(10)];
    const std::string port = std::to_string(40000 + rng.below(25000));
    const std::string pid = std::to_string(1000 + rng.below(30000));
    a.host = kHosts[rng.below(6)];
    a.time_us = kStartUs + static_cast<std::int64_t>(i) * 1700 + static_cast<std::int64_t>(rng.below(999));
    a.action = rng.below(8) == 0 ? detect::AlertAction::kProblemUpdated
                                 : detect::AlertAction::kIncident;
    char id[17];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(rng.next() * 2654435761u));
    a.id = id;
    a.signature_id = rng.next() * 0x9E3779B97F4A7C15ull;
    a.occurrences = rng.below(500) + 1;
    a.window_count = rng.below(20) + 1;
    a.suppressed_count = rng.below(5);
    a.first_seen_us = a.time_us - static_cast<std::int64_t>(rng.below(600'000'000));
    a.last_seen_us = a.time_us;
    a.window_ms = 600000;
    a.hosts_affected = static_cast<std::uint32_t>(rng.below(3) + 1);
    a.hosts = {a.host};
    if (a.action == detect::AlertAction::kProblemUpdated) {
      a.problem_id = rng.next() | 1;
      a.problem_state = detect::ProblemState::kOpen;
    }
    if (ssh) {
      a.rule_id = "sshd.failed_password";
      a.rule_name = "SSH password authentication failed";
      a.ruleset = "linux.sshd";
      a.severity = rules::Severity::kMedium;
      a.tags = {"authentication"};
      a.message = "Failed password for invalid user " + user + " from " + ip + " port " + port +
                  " ssh2";
      a.original = "<38>Mar  9 07:12:44 " + a.host + " sshd[" + pid + "]: " + a.message;
      a.fields = {{"user_name", user}, {"source_ip", ip}, {"source_port", port}, {"pid", pid}};
      a.signature_values = {{"source_ip", ip}};
    } else {
      const std::string path = "/api/v1/orders/" + std::to_string(rng.below(100000));
      a.rule_id = "nginx.upstream_timeout";
      a.rule_name = "Upstream timed out while reading response header";
      a.ruleset = "web.nginx";
      a.severity = rules::Severity::kHigh;
      a.tags = {"web", "availability"};
      a.message = "upstream timed out (110: Connection timed out) while reading response header "
                  "from upstream, client: " + ip + ", request: \"GET " + path + " HTTP/1.1\"";
      a.original = "<27>Mar  9 07:12:44 " + a.host + " nginx: " + a.message;
      a.fields = {{"client_ip", ip}, {"url_path", path}, {"upstream", "10.0.3.7:8080"}};
      a.signature_values = {{"upstream", "10.0.3.7:8080"}};
    }
    alerts.push_back(std::move(a));
  }
  return alerts;
}

const std::vector<detect::Alert>& alerts() {
  static const std::vector<detect::Alert> kAlerts = make_alerts(4096);
  return kAlerts;
}

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "emit_bench: output check failed: %s\n", why.c_str());
  std::abort();
}

// Encodes one batch of `count` alerts and checks that it decodes to exactly the encoder's lines.
void check_batch(int level, std::size_t count) {
  BatchWriter writer(BatchOptions{.max_alerts = count, .max_bytes = SIZE_MAX,
                                  .producer_id = "bench", .compression_level = level},
                     1);
  std::vector<EncodedBatch> closed;
  std::string expected;
  for (std::size_t i = 0; i < count; ++i) {
    const detect::Alert& a = alerts()[i % alerts().size()];
    append_alert_json(a, expected);
    writer.add(a, 0, closed);
  }
  if (closed.size() != 1) fail("expected one batch");
  auto decoded = decode_batch(closed[0].bytes);
  if (!decoded) fail(decoded.error());
  if (decoded->header.alerts != count) fail("header count");
  if (decoded->alert_lines() != expected) fail("decoded lines differ from the encoder's");
}

void BM_EncodeAlertJson(benchmark::State& state) {
  const auto& input = alerts();
  std::string out;
  std::size_t i = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    append_alert_json(input[i++ % input.size()], out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_EncodeAlertJson);

// Whole batches of range(1) alerts at zstd level range(0): alerts/s, uncompressed MB/s, and the
// compression ratio (uncompressed NDJSON bytes / compressed frame bytes).
void BM_EncodeAndCompressBatch(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const auto per_batch = static_cast<std::size_t>(state.range(1));
  check_batch(level, per_batch);
  const auto& input = alerts();
  BatchWriter writer(BatchOptions{.max_alerts = per_batch, .max_bytes = SIZE_MAX,
                                  .producer_id = "bench", .compression_level = level},
                     1);
  std::vector<EncodedBatch> closed;
  std::size_t next = 0;
  std::uint64_t compressed = 0;
  std::uint64_t batches = 0;
  std::string line;
  std::uint64_t uncompressed = 0;
  for (auto _ : state) {
    for (std::size_t k = 0; k < per_batch; ++k) {
      writer.add(input[next++ % input.size()], 0, closed);
    }
    for (const auto& b : closed) compressed += b.bytes.size();
    batches += closed.size();
    closed.clear();
  }
  // Uncompressed size of what was encoded, measured outside the timed loop.
  for (std::size_t k = 0; k < next; ++k) {
    line.clear();
    append_alert_json(input[k % input.size()], line);
    uncompressed += line.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(next));
  state.SetBytesProcessed(static_cast<std::int64_t>(uncompressed));
  state.counters["ratio"] =
      compressed == 0 ? 0.0 : static_cast<double>(uncompressed) / static_cast<double>(compressed);
  state.counters["batch_kB"] =
      batches == 0 ? 0.0 : static_cast<double>(compressed) / static_cast<double>(batches) / 1e3;
}
BENCHMARK(BM_EncodeAndCompressBatch)
    ->ArgNames({"level", "alerts"})
    ->Args({1, 1000})
    ->Args({3, 1000})
    ->Args({9, 1000})
    ->Args({3, 100})
    ->Unit(benchmark::kMillisecond);


// A spool in a fresh folder under $TMPDIR (default /var/tmp: a real disk, not tmpfs, so fsync
// costs what it costs in production).
std::unique_ptr<Spool> bench_spool(benchmark::State& state) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr ? tmp : "/var/tmp") + "/logsift-spool-bench-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    state.SkipWithError("cannot create a spool folder");
    return nullptr;
  }
  auto spool = Spool::open(pattern, SpoolOptions{0, {}});
  if (!spool) {
    state.SkipWithError(spool.error().message.c_str());
    return nullptr;
  }
  return std::move(spool).value();
}

std::vector<EncodedBatch> bench_batches(std::size_t count, std::size_t alerts_per_batch) {
  BatchWriter writer(BatchOptions{.max_alerts = alerts_per_batch, .max_bytes = 64u << 20}, 1);
  std::vector<EncodedBatch> closed;
  const auto& alerts = make_alerts(alerts_per_batch);
  while (closed.size() < count) {
    for (const auto& a : alerts) writer.add(a, kStartUs, closed);
  }
  closed.resize(count);
  return closed;
}

// Spool write (atomic, fsynced) then removal after confirmation: the disk cost of a network
// sink's guarantee, per batch of range(0) alerts.
void BM_SpoolWriteAndRemove(benchmark::State& state) {
  const auto alerts_per_batch = static_cast<std::size_t>(state.range(0));
  auto batches = bench_batches(1, alerts_per_batch);
  auto spool = bench_spool(state);
  if (!spool) return;
  std::uint64_t sequence = 1;
  for (auto _ : state) {
    batches[0].sequence = sequence;
    if (!spool->write(batches[0])) {
      state.SkipWithError("spool write failed");
      break;
    }
    spool->remove(sequence++);
  }
  std::filesystem::remove_all(spool->dir());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(alerts_per_batch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(batches[0].bytes.size()));
}
BENCHMARK(BM_SpoolWriteAndRemove)->Arg(100)->Arg(1000)->UseRealTime();

// Replay: read a spooled batch back, verify it and split it into alert lines for a target.
void BM_SpoolReadAndSplit(benchmark::State& state) {
  const auto alerts_per_batch = static_cast<std::size_t>(state.range(0));
  auto batches = bench_batches(1, alerts_per_batch);
  auto spool = bench_spool(state);
  if (!spool) return;
  if (!spool->write(batches[0])) {
    state.SkipWithError("spool write failed");
    return;
  }
  DeliveryBatch loaded;
  auto check = load_delivery_batch(*spool->read(1), loaded);
  if (!check || loaded.alerts.size() != alerts_per_batch || loaded.alerts[0].event_id.size() != 16) {
    state.SkipWithError("spooled batch does not split into its alerts");
    return;
  }
  for (auto _ : state) {
    auto bytes = spool->read(1);
    auto ok = load_delivery_batch(std::move(bytes).value(), loaded);
    benchmark::DoNotOptimize(ok);
  }
  std::filesystem::remove_all(spool->dir());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(alerts_per_batch));
}
BENCHMARK(BM_SpoolReadAndSplit)->Arg(1000)->UseRealTime();

}  // namespace
}  // namespace logsift::emit

BENCHMARK_MAIN();
