// kafka_producer_properties; see kafka_properties.h.
#include "daemon/sinks/kafka_properties.h"

namespace logsift::sinks {

Expected<KafkaProperties, std::string> kafka_producer_properties(const config::SinkConfig& sink) {
  const std::string where = "sink \"" + sink.name + "\"";
  if (sink.brokers.empty()) return Unexpected{where + ": brokers is required for a kafka sink"};
  if (sink.topic.empty()) return Unexpected{where + ": topic is required for a kafka sink"};
  if (sink.timeout_ms <= 0) return Unexpected{where + ": timeout must be positive"};

  KafkaProperties out;
  out.emplace_back("bootstrap.servers", kafka::join_brokers(sink.brokers));
  out.emplace_back("client.id", "logsift");
  out.emplace_back("enable.idempotence", "true");
  out.emplace_back("acks", "all");
  out.emplace_back("compression.codec", "zstd");
  out.emplace_back("partitioner", "murmur2_random");
  out.emplace_back("message.timeout.ms", std::to_string(sink.timeout_ms));

  const config::SinkTlsConfig& tls = sink.tls;
  if (tls.enabled && !tls.server_name.empty()) {
    return Unexpected{where + ": tls.server_name is not supported by kafka sinks (librdkafka "
                              "verifies the broker's own host name)"};
  }
  kafka::append_tls(kafka::ClientTls{tls.enabled, tls.ca_file, tls.cert_file, tls.key_file, tls.verify}, out);

  static const std::vector<std::pair<std::string_view, std::string_view>> kRefused = {
      {"bootstrap.servers", "is set by \"brokers\""},
      {"metadata.broker.list", "is set by \"brokers\""},
      {"delivery.report.only.error", "would stop the sink from confirming deliveries"},
      {"transactional.id", "would stop the sink from confirming deliveries"},
  };
  if (auto ok = kafka::append_user_properties(sink.properties, kRefused, where, out); !ok) {
    return Unexpected{std::move(ok).error()};
  }
  return out;
}

}  // namespace logsift::sinks
