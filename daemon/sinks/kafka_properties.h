// The librdkafka producer settings a `kafka` sink runs with, derived from its SinkConfig.
//
// Three layers, later ones overriding earlier ones:
//   1. what the delivery contract needs: bootstrap.servers from `brokers`, an idempotent producer
//      with acks=all (no reordering or loss inside librdkafka's retries), zstd compression, the
//      murmur2_random partitioner (the Java client's hash: one signature id stays in one
//      partition, and other Kafka clients agree on where it lands), message.timeout.ms from
//      the sink's `timeout`, client.id "logsift";
//   2. `tls:` mapped onto security.protocol=ssl and the ssl.* locations;
//   3. `properties:` as written, for SASL, TLS details and tuning (linger.ms, batch.size, ...).
// A few properties would silently break confirmation and are refused with a message naming them:
// bootstrap.servers / metadata.broker.list (use `brokers`), delivery.report.only.error (the sink
// needs the successful reports) and transactional.id (the sink does not run transactions).
// Whether librdkafka accepts a name and value is checked when the producer is created.
//
// The shared layers (brokers, TLS, refused names) are daemon/kafka/client_properties.h.
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/kafka/client_properties.h"
#include "parsers/base/expected.h"

namespace logsift::sinks {

using KafkaProperties = kafka::Properties;

// The settings in the order they are applied (a name may appear more than once; the last wins;
// kafka::property() reads one). The error names the sink and the offending key.
[[nodiscard]] Expected<KafkaProperties, std::string> kafka_producer_properties(const config::SinkConfig& sink);

}  // namespace logsift::sinks
