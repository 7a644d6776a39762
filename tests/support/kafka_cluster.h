// Kafka in tests: the kafka_mock_cluster helper (tests/support) as a child process, and kcat as an
// independent consumer reading a topic back. Used by tests/sinks and tests/integration; a test
// binary that includes this defines KAFKA_MOCK_CLUSTER_PATH and KCAT_PATH.
//
// Nothing here sleeps to assert: conditions are polled until they hold or a deadline passes.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>
#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace logsift::kafka_testing {

// librdkafka's mock brokers in a child process (tests/support/kafka_mock_cluster.cc).
class MockCluster {
 public:
  // Starts `brokers` brokers with `topics` ("name:partitions") and reads the bootstrap list.
  explicit MockCluster(int brokers, const std::vector<std::string>& topics) {
    int in[2], out[2];
    REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(in[0], STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      std::vector<std::string> args = {"kafka_mock_cluster", "--exit-with-parent", "--brokers", std::to_string(brokers)};
      args.insert(args.end(), topics.begin(), topics.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(KAFKA_MOCK_CLUSTER_PATH, argv.data());
      _exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    commands_ = in[1];
    replies_ = out[0];
    bootstrap_ = read_line(10000);
    REQUIRE(bootstrap_.rfind("127.0.0.1:", 0) == 0);
  }
  ~MockCluster() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    ::close(commands_);
    ::close(replies_);
  }
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  const std::string& bootstrap() const { return bootstrap_; }
  pid_t pid() const { return pid_; }

  // Runs one helper command ("down all", "up 1", ...) and returns its answer once applied.
  std::string command(const std::string& line) {
    const std::string text = line + "\n";
    REQUIRE(::write(commands_, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    return read_line(10000);
  }

 private:
  std::string read_line(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      if (const auto end = buffer_.find('\n'); end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return "";
      pollfd p{replies_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::read(replies_, chunk, sizeof chunk);
      if (n <= 0) return "";
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int commands_ = -1;
  int replies_ = -1;
  std::string buffer_;
  std::string bootstrap_;
};

// One record as kcat (-J) printed it.
struct ConsumedRecord {
  int partition = -1;
  std::int64_t offset = -1;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

struct Consumed {
  std::vector<ConsumedRecord> records;
  std::map<std::string, std::uint64_t> records_by_codec;  // from kcat's "msg" debug lines
  int exit_status = -1;
};

// Reads every record of `topic` from the beginning to the current end with kcat, an independent
// consumer (its own librdkafka client, no consumer group).
inline Consumed kcat_consume(const std::string& bootstrap, const std::string& topic) {
  char dir_template[] = "/tmp/logsift-kcat-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  const std::string command = std::string(KCAT_PATH) + " -C -b " + bootstrap + " -t " + topic +
                              " -o beginning -e -J -q -m 10 -X fetch.wait.max.ms=10 -d msg > " + dir + "/out 2> " + dir + "/err";
  Consumed result;
  const int status = std::system(command.c_str());
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

  simdjson::ondemand::parser parser;
  std::ifstream out(dir + "/out");
  for (std::string line; std::getline(out, line);) {
    if (line.empty()) continue;
    simdjson::padded_string padded(line);
    simdjson::ondemand::document doc;
    REQUIRE(parser.iterate(padded).get(doc) == simdjson::SUCCESS);
    ConsumedRecord r;
    std::int64_t partition = -1;
    REQUIRE(doc["partition"].get_int64().get(partition) == simdjson::SUCCESS);
    r.partition = static_cast<int>(partition);
    REQUIRE(doc["offset"].get_int64().get(r.offset) == simdjson::SUCCESS);
    simdjson::ondemand::array headers;
    if (doc["headers"].get_array().get(headers) == simdjson::SUCCESS) {
      std::string name;
      bool is_name = true;
      for (auto h : headers) {
        std::string_view text;
        REQUIRE(h.get_string().get(text) == simdjson::SUCCESS);
        if (is_name) name = std::string(text);
        else r.headers[name] = std::string(text);
        is_name = !is_name;
      }
    }
    std::string_view text;
    if (doc["key"].get_string().get(text) == simdjson::SUCCESS) r.key = std::string(text);
    REQUIRE(doc["payload"].get_string().get(text) == simdjson::SUCCESS);
    r.value = std::string(text);
    result.records.push_back(std::move(r));
  }
  // "Enqueue 17 message(s) (1680 bytes, 17 ops) on alerts [1] fetch queue (..., zstd)"
  std::ifstream err(dir + "/err");
  const std::regex enqueue(R"(Enqueue ([0-9]+) message\(s\) .* on (\S+) \[[0-9]+\] fetch queue \(.*, (\w+)\)$)");
  for (std::string line; std::getline(err, line);) {
    std::smatch m;
    if (std::regex_search(line, m, enqueue) && m[2] == topic) result.records_by_codec[m[3]] += std::stoull(m[1]);
  }
  std::filesystem::remove_all(dir);
  return result;
}

// Produces `text` (one record per line) to `topic` with kcat, an independent producer. With
// `key_delimiter` set, each line is "key<delimiter>value". Returns kcat's exit status.
inline int kcat_produce(const std::string& bootstrap, const std::string& topic, const std::string& text,
                        char key_delimiter = 0) {
  char path_template[] = "/tmp/logsift-kcat-in-XXXXXX";
  const int fd = ::mkstemp(path_template);
  REQUIRE(fd >= 0);
  ::close(fd);
  { std::ofstream(path_template, std::ios::binary) << text; }
  std::string command = std::string(KCAT_PATH) + " -P -q -b " + bootstrap + " -t " + topic +
                        " -X linger.ms=20 -X batch.num.messages=10000";
  if (key_delimiter != 0) command += std::string(" -K") + key_delimiter;
  command += std::string(" < ") + path_template;
  const int status = std::system(command.c_str());
  std::filesystem::remove(path_template);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Per partition of `topic`: the end offset (high watermark) and what `group` committed (-1 none),
// asked of the brokers with a librdkafka client of the test's own that does not join the group.
struct PartitionOffsets {
  std::int64_t end = -1;
  std::int64_t committed = -1;
};
inline std::vector<PartitionOffsets> group_offsets(const std::string& bootstrap, const std::string& group,
                                                   const std::string& topic, int partitions) {
  char reason[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  REQUIRE(rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), reason, sizeof reason) == RD_KAFKA_CONF_OK);
  REQUIRE(rd_kafka_conf_set(conf, "group.id", group.c_str(), reason, sizeof reason) == RD_KAFKA_CONF_OK);
  REQUIRE(rd_kafka_conf_set(conf, "log_level", "3", reason, sizeof reason) == RD_KAFKA_CONF_OK);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, reason, sizeof reason);
  REQUIRE(rk != nullptr);
  std::vector<PartitionOffsets> out(static_cast<std::size_t>(partitions));
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
    std::int64_t low = -1, high = -1;
    REQUIRE(rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
    out[static_cast<std::size_t>(p)].end = high;
  }
  REQUIRE(rd_kafka_committed(rk, list, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  for (int i = 0; i < list->cnt; ++i) {
    out[static_cast<std::size_t>(list->elems[i].partition)].committed = list->elems[i].offset >= 0 ? list->elems[i].offset : -1;
  }
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  return out;
}

// Kafka's murmur2 (the Java client's default partitioner and librdkafka's murmur2_random).
inline std::uint32_t murmur2(std::string_view key) {
  constexpr std::uint32_t m = 0x5bd1e995;
  std::uint32_t h = 0x9747b28c ^ static_cast<std::uint32_t>(key.size());
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  std::size_t len = key.size();
  for (; len >= 4; data += 4, len -= 4) {
    std::uint32_t k = data[0] | (data[1] << 8) | (data[2] << 16) | (static_cast<std::uint32_t>(data[3]) << 24);
    k *= m;
    k ^= k >> 24;
    k *= m;
    h = (h * m) ^ k;
  }
  switch (len) {
    case 3: h ^= static_cast<std::uint32_t>(data[2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<std::uint32_t>(data[1]) << 8; [[fallthrough]];
    case 1: h ^= data[0]; h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return h;
}

inline int murmur2_partition(std::string_view key, int partitions) {
  return static_cast<int>((murmur2(key) & 0x7fffffff) % static_cast<std::uint32_t>(partitions));
}

}  // namespace logsift::kafka_testing
