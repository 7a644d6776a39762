// StateStore; see state_store.h.
#include "daemon/cluster/state_store.h"

#include <librdkafka/rdkafka.h>

#include <chrono>

#include "parsers/base/coding.h"

namespace logsift::cluster {

namespace {

constexpr std::uint8_t kStateMagic = 0xC2;
constexpr std::uint8_t kStateVersion = 1;
constexpr std::size_t kHeaderBytes = 1 + 1 + 4 + 8 + 4 + 4 + 8 + 8;

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A snapshot being put together from its chunks, in order.
struct Assembly {
  bool active = false;
  std::uint64_t generation = 0;
  std::uint32_t chunks = 0;
  std::uint32_t next = 0;
  std::int64_t input_offset = 0;
  std::uint64_t total = 0;
  std::string bytes;
};

}  // namespace

Expected<std::unique_ptr<StateStore>, std::string> StateStore::create(const config::ClusterConfig& cluster,
                                                                      RecordProducer& producer) {
  std::unique_ptr<StateStore> store(new StateStore(cluster, producer));
  store->write_topic_ = producer.topic(cluster.state_topic);
  if (store->write_topic_ == nullptr) return Unexpected{"cluster: " + producer.counters().last_error};

  char reason[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::string brokers;
  for (const auto& b : cluster.brokers) brokers += (brokers.empty() ? "" : ",") + b;
  std::vector<std::pair<std::string, std::string>> settings = {{"bootstrap.servers", brokers},
                                                               {"client.id", "logsift-state-reader"},
                                                               {"enable.partition.eof", "true"}};
  settings.insert(settings.end(), cluster.properties.begin(), cluster.properties.end());
  for (const auto& [name, value] : settings) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), reason, sizeof reason) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Unexpected{"cluster: librdkafka refused " + name + "=" + value + " for the state reader: " + reason};
    }
  }
  // Producer-only properties in cluster.properties are harmless here; librdkafka's log is quiet.
  rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int, const char*, const char*) {});
  store->reader_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, reason, sizeof reason);
  if (store->reader_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Unexpected{std::string("cluster: cannot create the state reader: ") + reason};
  }
  return store;
}

StateStore::StateStore(const config::ClusterConfig& cluster, RecordProducer& producer)
    : cluster_(cluster), producer_(producer) {}

StateStore::~StateStore() {
  if (reader_ != nullptr) rd_kafka_destroy(reader_);
}

Expected<bool, std::string> StateStore::write(std::uint32_t partition, std::uint64_t generation,
                                              std::int64_t input_offset, std::string_view snapshot, int timeout_ms) {
  const std::uint32_t chunks = static_cast<std::uint32_t>(std::max<std::size_t>(1, (snapshot.size() + kChunkBytes - 1) / kChunkBytes));
  const std::int64_t now_ms = wall_ms();
  for (std::uint32_t i = 0; i < chunks; ++i) {
    const std::string_view part = snapshot.substr(std::min(snapshot.size(), std::size_t{i} * kChunkBytes), kChunkBytes);
    chunk_.clear();
    chunk_.push_back(static_cast<char>(kStateMagic));
    chunk_.push_back(static_cast<char>(kStateVersion));
    base::put_fixed32(chunk_, partition);
    base::put_fixed64(chunk_, generation);
    base::put_fixed32(chunk_, i);
    base::put_fixed32(chunk_, chunks);
    base::put_fixed64(chunk_, static_cast<std::uint64_t>(input_offset));
    base::put_fixed64(chunk_, snapshot.size());
    chunk_.append(part);
    const std::string key = std::to_string(partition) + "/" + std::to_string(i);
    auto acked = producer_.produce_and_wait(write_topic_, partition, key, chunk_, now_ms, timeout_ms);
    if (!acked) {
      return Unexpected{"snapshot of partition " + std::to_string(partition) + " not stored in \"" +
                        cluster_.state_topic + "\": " + acked.error()};
    }
  }
  return true;
}

Expected<PartitionSnapshot, std::string> StateStore::read_latest(std::uint32_t partition) {
  const auto where = [&] { return "state of partition " + std::to_string(partition) + " in \"" + cluster_.state_topic + "\""; };
  const int timeout_ms = static_cast<int>(cluster_.timeout_ms);
  std::int64_t low = 0, high = 0;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(reader_, cluster_.state_topic.c_str(),
                                                             static_cast<std::int32_t>(partition), &low, &high, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Unexpected{"cannot read the " + where() + ": " + rd_kafka_err2str(err)};
  PartitionSnapshot latest;
  if (high <= low) return latest;

  rd_kafka_topic_t* topic = rd_kafka_topic_new(reader_, cluster_.state_topic.c_str(), nullptr);
  if (topic == nullptr) return Unexpected{"cannot read the " + where() + ": " + rd_kafka_err2str(rd_kafka_last_error())};
  const auto p = static_cast<std::int32_t>(partition);
  if (rd_kafka_consume_start(topic, p, low) != 0) {
    const std::string why = rd_kafka_err2str(rd_kafka_last_error());
    rd_kafka_topic_destroy(topic);
    return Unexpected{"cannot read the " + where() + ": " + why};
  }
  Assembly a;
  std::string failure;
  const std::int64_t deadline = steady_ms() + timeout_ms;
  for (std::int64_t next = low; next < high;) {
    if (steady_ms() >= deadline) {
      failure = "cannot read the " + where() + " to its end within " + std::to_string(timeout_ms) + " ms";
      break;
    }
    rd_kafka_message_t* m = rd_kafka_consume(topic, p, 200);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      rd_kafka_message_destroy(m);
      break;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      failure = "cannot read the " + where() + ": " + rd_kafka_message_errstr(m);
      rd_kafka_message_destroy(m);
      break;
    }
    next = m->offset + 1;
    ++latest.records_read;
    base::ByteReader in(std::string_view(static_cast<const char*>(m->payload), m->len));
    const bool header_ok = m->len >= kHeaderBytes && in.u8() == kStateMagic && in.u8() == kStateVersion &&
                           in.u32() == partition;
    if (header_ok) {
      const std::uint64_t generation = in.u64();
      const std::uint32_t chunk = in.u32();
      const std::uint32_t chunks = in.u32();
      const std::int64_t input_offset = in.i64();
      const std::uint64_t total = in.u64();
      const std::string_view part = in.bytes(in.left());
      if (chunk == 0) {
        a = Assembly{true, generation, chunks, 0, input_offset, total, {}};
        a.bytes.reserve(total);
      }
      if (a.active && a.generation == generation && a.next == chunk && a.chunks == chunks) {
        a.bytes.append(part);
        ++a.next;
        if (a.next == a.chunks) {
          if (a.bytes.size() == a.total && a.generation >= latest.generation) {
            latest.generation = a.generation;
            latest.input_offset = a.input_offset;
            latest.bytes.swap(a.bytes);
          }
          a.active = false;
        }
      } else {
        a.active = false;  // a chunk out of order: that generation is incomplete here
      }
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consume_stop(topic, p);
  rd_kafka_topic_destroy(topic);
  if (!failure.empty()) return Unexpected{failure};
  return latest;
}

}  // namespace logsift::cluster
