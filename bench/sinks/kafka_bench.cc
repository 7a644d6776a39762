// Alerts per second through the Kafka sink's target into librdkafka's mock brokers on loopback.
//
// One deliver() per iteration: a whole spooled batch produced record by record (idempotent,
// acks=all, zstd, murmur2), then every delivery report waited for, as the sink's delivery thread
// does. The mock cluster (3 brokers, topic of 6 partitions) runs in this process on its own
// threads; the brokers answer at once, so the figure is the client side's cost plus loopback, an
// upper bound for a real cluster, whose round trips dominate.
//
// Before timing, one batch is delivered and the topic's high watermarks must add up to its alerts.
#include <benchmark/benchmark.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "daemon/emit/batch_writer.h"
#include "daemon/emit/delivery.h"
#include "daemon/sinks/kafka_target.h"

namespace logsift::sinks {
namespace {

constexpr int kPartitions = 6;
constexpr std::int64_t kStartUs = 1773040364123456;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "kafka_bench: %s\n", why.c_str());
  std::exit(1);
}

// Three mock brokers in this process and one topic "alerts" of kPartitions partitions.
class InProcessCluster {
 public:
  InProcessCluster() {
    char reason[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "3", reason, sizeof reason);
    handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
    if (handle_ == nullptr) die(reason);
    cluster_ = rd_kafka_mock_cluster_new(handle_, 3);
    if (cluster_ == nullptr) die("cannot start mock brokers");
    if (rd_kafka_mock_topic_create(cluster_, "alerts", kPartitions, 3) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      die("cannot create topic");
    }
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  }
  ~InProcessCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(handle_);
  }
  const std::string& bootstrap() const { return bootstrap_; }

  // Records stored in the topic: the sum of the partitions' high watermarks.
  std::int64_t stored_records() const {
    char reason[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap_.c_str(), reason, sizeof reason);
    rd_kafka_t* client = rd_kafka_new(RD_KAFKA_CONSUMER, conf, reason, sizeof reason);
    if (client == nullptr) die(reason);
    std::int64_t total = 0;
    for (int p = 0; p < kPartitions; ++p) {
      std::int64_t low = 0, high = 0;
      if (rd_kafka_query_watermark_offsets(client, "alerts", p, &low, &high, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        die("cannot read watermarks");
      }
      total += high - low;
    }
    rd_kafka_destroy(client);
    return total;
  }

 private:
  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

// A batch of `count` SSH-failure incidents from 256 source addresses (256 signatures).
void make_batch(std::size_t count, emit::DeliveryBatch& out) {
  emit::BatchOptions options;
  options.max_alerts = count;
  options.max_bytes = 64 * 1024 * 1024;
  options.producer_id = "bench";
  emit::BatchWriter writer(options, 1);
  std::vector<emit::EncodedBatch> closed;
  for (std::size_t i = 0; i < count; ++i) {
    detect::Alert a;
    const std::string ip = "203.0.113." + std::to_string(i % 256);
    char id[17];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(0x5eed0000 + i));
    a.id = id;
    a.action = detect::AlertAction::kIncident;
    a.time_us = kStartUs + static_cast<std::int64_t>(i) * 1000;
    a.rule_id = "sshd.failed_password";
    a.rule_name = "SSH password authentication failed";
    a.ruleset = "linux.sshd";
    a.severity = rules::Severity::kMedium;
    a.host = "edge" + std::to_string(i % 7);
    a.message = "Failed password for invalid user u" + std::to_string(i % 97) + " from " + ip + " port " +
                std::to_string(40000 + i % 20000) + " ssh2";
    a.original = "<38>Mar  9 07:12:44 " + a.host + " sshd[2211]: " + a.message;
    a.fields = {{"user_name", "u" + std::to_string(i % 97)}, {"source_ip", ip}};
    a.signature_id = 0x9a3e5f0c12d40000ull + i % 256;
    a.signature_values = {{"source_ip", ip}};
    a.occurrences = 1;
    a.window_count = 1;
    a.first_seen_us = a.last_seen_us = a.time_us;
    a.window_ms = 600000;
    a.hosts_affected = 1;
    a.hosts = {a.host};
    writer.add(a, kStartUs, closed);  // one arrival time: the batch closes on count alone
  }
  writer.flush(closed);
  if (closed.size() != 1) die("expected one batch");
  if (auto ok = emit::load_delivery_batch(std::move(closed.front().bytes), out); !ok) die(ok.error());
}

class NoDeadLetters final : public emit::DeadLetters {
 public:
  void add(const emit::AlertLine&, std::string_view reason) override { die("dead letter: " + std::string(reason)); }
};

void BM_KafkaDeliver(benchmark::State& state) {
  const auto alerts = static_cast<std::size_t>(state.range(0));
  InProcessCluster cluster;
  config::SinkConfig sink;
  sink.name = "bench";
  sink.type = config::SinkType::kKafka;
  sink.brokers = {cluster.bootstrap()};
  sink.topic = "alerts";
  sink.timeout_ms = 30000;
  sink.properties = {{"linger.ms", std::to_string(state.range(1))}};
  auto target = KafkaTarget::create(sink);
  if (!target) die(target.error());
  emit::DeliveryBatch batch;
  make_batch(alerts, batch);
  NoDeadLetters dead;

  // Check: one batch in, exactly its alerts stored.
  auto first = (*target)->deliver(batch, dead);
  if (!first || first->delivered != alerts) die(first ? "short delivery" : first.error().message);
  if (cluster.stored_records() != static_cast<std::int64_t>(alerts)) die("stored records differ from the batch");

  std::uint64_t bytes = 0;
  for (const auto& a : batch.alerts) bytes += a.json.size();
  for (auto _ : state) {
    auto outcome = (*target)->deliver(batch, dead);
    if (!outcome || outcome->delivered != alerts) die("delivery failed while timing");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * alerts));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["alert_bytes"] = static_cast<double>(bytes) / static_cast<double>(alerts);
}
// Arguments: alerts per batch, linger.ms (librdkafka's default is 5 ms; the sink waits for every
// report anyway, so lingering only delays the last records of a batch).
BENCHMARK(BM_KafkaDeliver)
    ->ArgNames({"alerts", "linger_ms"})
    ->Args({100, 5})
    ->Args({1000, 5})
    ->Args({10000, 5})
    ->Args({100, 0})
    ->Args({1000, 0})
    ->Args({10000, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace logsift::sinks

BENCHMARK_MAIN();
