// Alerts per second into a fake Splunk HEC and a fake _bulk endpoint on loopback, through the
// real targets (HTTP/1.1 keep-alive, JSON envelopes, gzip for _bulk, response parsing). The fakes
// parse every event on the other core, so this is the pair's rate, as a user would see it against
// a receiver that keeps up. Each benchmark first checks that the fake stored exactly the batch.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "daemon/sinks/elasticsearch_target.h"
#include "daemon/sinks/http_target.h"
#include "daemon/sinks/splunk_hec_target.h"
#include "tests/sinks/fake_bulk.h"
#include "tests/sinks/fake_hec.h"
#include "tests/sinks/sink_test_support.h"

namespace logsift::sinks {
namespace {

constexpr std::size_t kAlerts = 1000;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "sinks_bench: check failed: %s\n", what);
    std::exit(1);
  }
}

void BM_SplunkHec(benchmark::State& state) {
  testing::TempDir dir;
  const bool ack = state.range(0) != 0;
  testing::FakeHec hec("bench-token", ack);
  config::SinkConfig config = testing::http_sink_config(config::SinkType::kSplunkHec, hec.url());
  config.token_file = testing::write_file(dir, "token", "bench-token\n");
  config.indexer_ack = ack;
  std::string error;
  auto target = make_splunk_hec_target(config, error);
  require(target != nullptr, "target made");
  emit::DeliveryBatch batch;
  testing::make_batch(0, kAlerts, 1, batch);
  testing::RecordedDeadLetters dead;
  auto first = target->deliver(batch, dead);
  require(first && first->delivered == kAlerts, "first batch delivered");
  const auto stored = hec.stored();
  require(stored.size() == kAlerts && stored.front().event_id == testing::alert_id(0) &&
              stored.back().event_id == testing::alert_id(kAlerts - 1),
          "HEC stored every event in order");
  for (auto _ : state) {
    auto outcome = target->deliver(batch, dead);
    if (!outcome) state.SkipWithError("deliver failed");
    state.PauseTiming();
    hec.clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kAlerts));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * batch.decoded.alert_lines().size()));
}
BENCHMARK(BM_SplunkHec)->Arg(0)->Arg(1)->ArgName("indexer_ack")->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_ElasticsearchBulk(benchmark::State& state) {
  testing::FakeBulk bulk;
  config::SinkConfig config = testing::http_sink_config(config::SinkType::kElasticsearch, bulk.url());
  config.gzip = state.range(0) != 0;
  std::string error;
  auto target = make_elasticsearch_target(config, error);
  require(target != nullptr, "target made");
  emit::DeliveryBatch batch;
  testing::make_batch(0, kAlerts, 1, batch);
  testing::RecordedDeadLetters dead;
  auto first = target->deliver(batch, dead);
  require(first && first->delivered == kAlerts && bulk.documents().size() == kAlerts, "_bulk created every document");
  for (auto _ : state) {
    state.PauseTiming();
    bulk.clear();  // fresh index: every item a 201, as for new alerts
    state.ResumeTiming();
    auto outcome = target->deliver(batch, dead);
    if (!outcome || outcome->delivered != kAlerts) state.SkipWithError("deliver failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kAlerts));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * batch.decoded.alert_lines().size()));
}
BENCHMARK(BM_ElasticsearchBulk)->Arg(0)->Arg(1)->ArgName("gzip")->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_HttpBatchPost(benchmark::State& state) {
  testing::FakeWebhook hook;
  std::string error;
  auto target = make_http_target(testing::http_sink_config(config::SinkType::kHttp, hook.url() + "/in"), error);
  require(target != nullptr, "target made");
  emit::DeliveryBatch batch;
  testing::make_batch(0, kAlerts, 1, batch);
  testing::RecordedDeadLetters dead;
  require(target->deliver(batch, dead) && hook.stored().size() == 1 && hook.stored()[0].body == batch.encoded,
          "webhook got the batch file");
  for (auto _ : state) {
    if (!target->deliver(batch, dead)) state.SkipWithError("deliver failed");
    state.PauseTiming();
    hook.clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kAlerts));
}
BENCHMARK(BM_HttpBatchPost)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace logsift::sinks

BENCHMARK_MAIN();
