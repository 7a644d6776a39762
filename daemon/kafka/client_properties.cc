// Kafka client settings; see client_properties.h.
#include "daemon/kafka/client_properties.h"

namespace logsift::kafka {

std::string join_brokers(const std::vector<std::string>& brokers) {
  std::string out;
  for (const auto& b : brokers) {
    if (b.empty()) continue;
    if (!out.empty()) out += ',';
    out += b;
  }
  return out;
}

void append_tls(const ClientTls& tls, Properties& out) {
  if (!tls.enabled) return;
  out.emplace_back("security.protocol", "ssl");
  if (!tls.ca_file.empty()) out.emplace_back("ssl.ca.location", tls.ca_file);
  if (!tls.cert_file.empty()) out.emplace_back("ssl.certificate.location", tls.cert_file);
  if (!tls.key_file.empty()) out.emplace_back("ssl.key.location", tls.key_file);
  if (!tls.verify) {
    out.emplace_back("enable.ssl.certificate.verification", "false");
    out.emplace_back("ssl.endpoint.identification.algorithm", "none");
  }
}

Expected<bool, std::string> append_user_properties(const Properties& user,
                                                   const std::vector<std::pair<std::string_view, std::string_view>>& refused,
                                                   const std::string& where, Properties& out) {
  for (const auto& [name, value] : user) {
    for (const auto& [refused_name, why] : refused) {
      if (name == refused_name) return Unexpected{where + ": properties." + name + " " + std::string(why)};
    }
    out.emplace_back(name, value);
  }
  return true;
}

std::string property(const Properties& properties, const std::string& name, const std::string& fallback) {
  for (auto it = properties.rbegin(); it != properties.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return fallback;
}

Expected<Properties, std::string> consumer_properties(const ConsumerSettings& settings) {
  const std::string brokers = join_brokers(settings.brokers);
  if (brokers.empty()) return Unexpected{settings.where + ": brokers is required"};
  if (settings.group.empty()) return Unexpected{settings.where + ": group is required"};
  Properties out;
  out.emplace_back("bootstrap.servers", brokers);
  out.emplace_back("group.id", settings.group);
  out.emplace_back("client.id", "logsift");
  out.emplace_back("partition.assignment.strategy", "cooperative-sticky");
  out.emplace_back("enable.auto.commit", "false");
  out.emplace_back("enable.auto.offset.store", "false");
  out.emplace_back("auto.offset.reset", "earliest");
  if (!settings.instance_id.empty()) out.emplace_back("group.instance.id", settings.instance_id);
  append_tls(settings.tls, out);
  static const std::vector<std::pair<std::string_view, std::string_view>> kRefused = {
      {"bootstrap.servers", "is set by \"brokers\""},
      {"metadata.broker.list", "is set by \"brokers\""},
      {"group.id", "is set by \"group\""},
      {"enable.auto.commit", "would commit offsets before the records are durable"},
      {"enable.auto.offset.store", "would commit offsets before the records are durable"},
  };
  if (auto ok = append_user_properties(settings.properties, kRefused, settings.where, out); !ok) {
    return Unexpected{std::move(ok).error()};
  }
  return out;
}

}  // namespace logsift::kafka
