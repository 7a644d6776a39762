// Tests for daemon/sinks/kafka_properties.cc: what a kafka sink's config becomes for librdkafka.
#include "daemon/sinks/kafka_properties.h"

#include <catch2/catch.hpp>

namespace logsift::sinks {
namespace {

config::SinkConfig kafka_sink() {
  config::SinkConfig s;
  s.name = "siem";
  s.type = config::SinkType::kKafka;
  s.brokers = {"k1:9092", "k2:9092"};
  s.topic = "alerts";
  s.timeout_ms = 7000;
  return s;
}

TEST_CASE("a kafka sink's producer is idempotent, acks=all, zstd, murmur2 and bounded by the sink timeout",
          "[sinks]") {
  auto p = kafka_producer_properties(kafka_sink());
  REQUIRE(p);
  CHECK(kafka::property(*p, "bootstrap.servers") == "k1:9092,k2:9092");
  CHECK(kafka::property(*p, "enable.idempotence") == "true");
  CHECK(kafka::property(*p, "acks") == "all");
  CHECK(kafka::property(*p, "compression.codec") == "zstd");
  CHECK(kafka::property(*p, "partitioner") == "murmur2_random");
  CHECK(kafka::property(*p, "message.timeout.ms") == "7000");
  CHECK(kafka::property(*p, "security.protocol", "unset") == "unset");
}

TEST_CASE("kafka sink properties are applied after the defaults, so they tune and override them", "[sinks]") {
  auto sink = kafka_sink();
  sink.properties = {{"linger.ms", "20"}, {"security.protocol", "sasl_ssl"}, {"sasl.mechanisms", "SCRAM-SHA-512"},
                     {"compression.codec", "lz4"}};
  auto p = kafka_producer_properties(sink);
  REQUIRE(p);
  CHECK(kafka::property(*p, "linger.ms") == "20");
  CHECK(kafka::property(*p, "security.protocol") == "sasl_ssl");
  CHECK(kafka::property(*p, "sasl.mechanisms") == "SCRAM-SHA-512");
  CHECK(kafka::property(*p, "compression.codec") == "lz4");
  CHECK(p->back().first == "compression.codec");
}

TEST_CASE("a kafka sink's tls section becomes librdkafka's ssl settings", "[sinks]") {
  auto sink = kafka_sink();
  sink.tls.enabled = true;
  sink.tls.ca_file = "/etc/logsift/kafka-ca.pem";
  sink.tls.cert_file = "/etc/logsift/client.pem";
  sink.tls.key_file = "/etc/logsift/client.key";
  auto p = kafka_producer_properties(sink);
  REQUIRE(p);
  CHECK(kafka::property(*p, "security.protocol") == "ssl");
  CHECK(kafka::property(*p, "ssl.ca.location") == "/etc/logsift/kafka-ca.pem");
  CHECK(kafka::property(*p, "ssl.certificate.location") == "/etc/logsift/client.pem");
  CHECK(kafka::property(*p, "ssl.key.location") == "/etc/logsift/client.key");
  CHECK(kafka::property(*p, "enable.ssl.certificate.verification", "unset") == "unset");

  sink.tls.verify = false;
  p = kafka_producer_properties(sink);
  REQUIRE(p);
  CHECK(kafka::property(*p, "enable.ssl.certificate.verification") == "false");

  sink.tls.server_name = "kafka.example";
  p = kafka_producer_properties(sink);
  REQUIRE_FALSE(p);
  CHECK(p.error().find("tls.server_name") != std::string::npos);
}

TEST_CASE("kafka sink properties that would break confirmation are refused by name", "[sinks]") {
  for (const char* name : {"bootstrap.servers", "metadata.broker.list", "delivery.report.only.error", "transactional.id"}) {
    auto sink = kafka_sink();
    sink.properties = {{name, "x"}};
    auto p = kafka_producer_properties(sink);
    REQUIRE_FALSE(p);
    CHECK(p.error().find(std::string("sink \"siem\": properties.") + name) != std::string::npos);
  }
}

TEST_CASE("a kafka sink without brokers or topic is refused", "[sinks]") {
  auto sink = kafka_sink();
  sink.brokers.clear();
  CHECK_FALSE(kafka_producer_properties(sink));
  sink = kafka_sink();
  sink.topic.clear();
  CHECK_FALSE(kafka_producer_properties(sink));
}

}  // namespace
}  // namespace logsift::sinks
