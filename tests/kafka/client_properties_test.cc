// Tests for daemon/kafka/client_properties.cc: what a consumer-group member is configured with.
#include "daemon/kafka/client_properties.h"

#include <catch2/catch.hpp>

namespace logsift::kafka {
namespace {

ConsumerSettings settings() {
  ConsumerSettings s;
  s.where = "listener \"k\"";
  s.brokers = {"k1:9092", "k2:9092,k3:9092"};
  s.group = "logsift";
  return s;
}

TEST_CASE("a consumer is cooperative-sticky, commits nothing by itself and reads a new group from the start",
          "[kafka]") {
  auto p = consumer_properties(settings());
  REQUIRE(p);
  CHECK(property(*p, "bootstrap.servers") == "k1:9092,k2:9092,k3:9092");
  CHECK(property(*p, "group.id") == "logsift");
  CHECK(property(*p, "partition.assignment.strategy") == "cooperative-sticky");
  CHECK(property(*p, "enable.auto.commit") == "false");
  CHECK(property(*p, "enable.auto.offset.store") == "false");
  CHECK(property(*p, "auto.offset.reset") == "earliest");
  CHECK(property(*p, "group.instance.id", "unset") == "unset");
}

TEST_CASE("a consumer with an instance id is a static member, and properties override the defaults", "[kafka]") {
  auto s = settings();
  s.instance_id = "node-a";
  s.properties = {{"auto.offset.reset", "latest"}, {"security.protocol", "sasl_ssl"}, {"sasl.mechanisms", "PLAIN"}};
  auto p = consumer_properties(s);
  REQUIRE(p);
  CHECK(property(*p, "group.instance.id") == "node-a");
  CHECK(property(*p, "auto.offset.reset") == "latest");
  CHECK(property(*p, "security.protocol") == "sasl_ssl");
  CHECK(p->back().first == "sasl.mechanisms");
}

TEST_CASE("a consumer's tls becomes librdkafka's ssl settings", "[kafka]") {
  auto s = settings();
  s.tls = ClientTls{true, "/etc/ca.pem", "/etc/client.pem", "/etc/client.key", false};
  auto p = consumer_properties(s);
  REQUIRE(p);
  CHECK(property(*p, "security.protocol") == "ssl");
  CHECK(property(*p, "ssl.ca.location") == "/etc/ca.pem");
  CHECK(property(*p, "ssl.certificate.location") == "/etc/client.pem");
  CHECK(property(*p, "ssl.key.location") == "/etc/client.key");
  CHECK(property(*p, "enable.ssl.certificate.verification") == "false");
}

TEST_CASE("consumer properties that would commit early or bypass brokers and group are refused by name", "[kafka]") {
  for (const char* name : {"bootstrap.servers", "metadata.broker.list", "group.id", "enable.auto.commit",
                           "enable.auto.offset.store"}) {
    auto s = settings();
    s.properties = {{name, "x"}};
    auto p = consumer_properties(s);
    REQUIRE_FALSE(p);
    CHECK(p.error().find(std::string("listener \"k\": properties.") + name) != std::string::npos);
  }
}

TEST_CASE("a consumer without brokers or group is refused", "[kafka]") {
  auto s = settings();
  s.brokers.clear();
  CHECK_FALSE(consumer_properties(s));
  s = settings();
  s.group.clear();
  auto p = consumer_properties(s);
  REQUIRE_FALSE(p);
  CHECK(p.error() == "listener \"k\": group is required");
}

}  // namespace
}  // namespace logsift::kafka
