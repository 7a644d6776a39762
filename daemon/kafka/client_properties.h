// The librdkafka settings every logsift Kafka client shares, and those of a consumer-group member.
//
// Settings are an ordered list of (name, value); later entries override earlier ones, so callers
// build them in layers: what the client's contract needs, then `tls:` mapped onto librdkafka's
// ssl.* names, then the user's `properties:` as written (SASL, TLS details, tuning). A few names
// would silently break a contract and are refused with a message naming the property; whether
// librdkafka accepts the other names and values is only known when the client is created.
//
// Pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/base/expected.h"

namespace logsift::kafka {

using Properties = std::vector<std::pair<std::string, std::string>>;

// TLS towards the brokers, as a sink's `tls:` section says it.
struct ClientTls {
  bool enabled = false;
  std::string ca_file;    // ssl.ca.location; empty = librdkafka's default trust store
  std::string cert_file;  // ssl.certificate.location (mutual TLS)
  std::string key_file;   // ssl.key.location
  bool verify = true;     // false turns off certificate and host name verification (tests only)
};

// "host:port,host:port" from a list that may itself hold comma-separated entries.
std::string join_brokers(const std::vector<std::string>& brokers);

// security.protocol=ssl and the ssl.* locations; nothing when tls.enabled is false.
void append_tls(const ClientTls& tls, Properties& out);

// Appends `user` to `out`, refusing any name in `refused` with "<where>: properties.<name> <why>".
[[nodiscard]] Expected<bool, std::string> append_user_properties(const Properties& user,
                                                                 const std::vector<std::pair<std::string_view, std::string_view>>& refused,
                                                                 const std::string& where, Properties& out);

// The value the last `name` entry sets, or `fallback` when none does.
std::string property(const Properties& properties, const std::string& name, const std::string& fallback = "");

// What a consumer-group member needs (group_consumer.h).
struct ConsumerSettings {
  std::string where;                  // names the owner in errors: `listener "k"`
  std::vector<std::string> brokers;   // bootstrap.servers
  std::string group;                  // group.id (required)
  std::string instance_id;            // group.instance.id: static membership; empty = dynamic
  ClientTls tls;
  Properties properties;              // the user's, applied last
};

// bootstrap.servers, group.id, client.id "logsift", cooperative-sticky assignment, no automatic
// commits or offset stores (the owner commits what it made durable), auto.offset.reset=earliest
// (a new group reads a topic from its start), then TLS, then the user's properties. Refused in
// `properties`: bootstrap.servers / metadata.broker.list / group.id (set by their own keys) and
// enable.auto.commit / enable.auto.offset.store (automatic commits would acknowledge records
// before they are durable).
[[nodiscard]] Expected<Properties, std::string> consumer_properties(const ConsumerSettings& settings);

}  // namespace logsift::kafka
