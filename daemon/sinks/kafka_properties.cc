// kafka_producer_properties; see kafka_properties.h.
#include "daemon/sinks/kafka_properties.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace logsift::sinks {

Expected<KafkaProperties, std::string> kafka_producer_properties(const config::SinkConfig& sink) {
  const std::string where = "sink \"" + sink.name + "\"";
  if (sink.brokers.empty()) return Unexpected{where + ": brokers is required for a kafka sink"};
  if (sink.topic.empty()) return Unexpected{where + ": topic is required for a kafka sink"};
  if (sink.timeout_ms <= 0) return Unexpected{where + ": timeout must be positive"};

  KafkaProperties out;
  std::string brokers;
  for (const auto& b : sink.brokers) {
    if (!brokers.empty()) brokers += ',';
    brokers += b;
  }
  out.emplace_back("bootstrap.servers", brokers);
  out.emplace_back("client.id", "logsift");
  out.emplace_back("enable.idempotence", "true");
  out.emplace_back("acks", "all");
  out.emplace_back("compression.codec", "zstd");
  out.emplace_back("partitioner", "murmur2_random");
  out.emplace_back("message.timeout.ms", std::to_string(sink.timeout_ms));

  const config::SinkTlsConfig& tls = sink.tls;
  if (tls.enabled) {
    if (!tls.server_name.empty()) {
      return Unexpected{where + ": tls.server_name is not supported by kafka sinks (librdkafka "
                                "verifies the broker's own host name)"};
    }
    out.emplace_back("security.protocol", "ssl");
    if (!tls.ca_file.empty()) out.emplace_back("ssl.ca.location", tls.ca_file);
    if (!tls.cert_file.empty()) out.emplace_back("ssl.certificate.location", tls.cert_file);
    if (!tls.key_file.empty()) out.emplace_back("ssl.key.location", tls.key_file);
    if (!tls.verify) {
      out.emplace_back("enable.ssl.certificate.verification", "false");
      out.emplace_back("ssl.endpoint.identification.algorithm", "none");
    }
  }

  static constexpr std::array<std::string_view, 4> kRefused = {
      "bootstrap.servers", "metadata.broker.list", "delivery.report.only.error", "transactional.id"};
  for (const auto& [name, value] : sink.properties) {
    if (std::find(kRefused.begin(), kRefused.end(), name) != kRefused.end()) {
      return Unexpected{where + ": properties." + name +
                        (name == "bootstrap.servers" || name == "metadata.broker.list"
                             ? " is set by \"brokers\""
                             : " would stop the sink from confirming deliveries")};
    }
    out.emplace_back(name, value);
  }
  return out;
}

std::string kafka_property(const KafkaProperties& properties, const std::string& name,
                           const std::string& fallback) {
  for (auto it = properties.rbegin(); it != properties.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return fallback;
}

}  // namespace logsift::sinks
