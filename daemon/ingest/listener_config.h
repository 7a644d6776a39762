// ListenerConfig: what one ingest listener binds to, speaks and expects, with its limits.
//
// Plain values; the daemon's configuration layer fills them. Every field has a default that works
// on loopback. Listeners are identified by their index in the vector given to IngestServer, and
// every RawMessage carries that index so the consumer can look up `format`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/kafka/client_properties.h"
#include "parsers/line_parser.h"

namespace logsift::ingest {

enum class Protocol : std::uint8_t {
  kUdp,     // syslog over UDP: one datagram = one message
  kTcp,     // syslog over TCP, RFC 6587 framing detected per frame
  kTls,     // syslog over TLS (RFC 5425), same framing as kTcp
  kNdjson,  // newline-delimited JSON over TCP (newline framing only)
  kRelp,    // RELP (rsyslog omrelp), each message acknowledged once processed; over TLS when
            // tls.cert_file is set
  kKafka,   // records of Kafka topics, read in a consumer group: one record = one message
};

// What the listener's messages are expected to be: the parsers' own enum, so it reaches the parse
// stage unchanged; the parse stage decides what to do with it.
using MessageFormat = parsers::ExpectedFormat;

std::string_view protocol_name(Protocol protocol);     // "udp", "tcp", "tls", "ndjson", "relp",
                                                       // "kafka"
std::string_view format_name(MessageFormat format);    // "auto", "rfc5424", "rfc3164", "json"

struct TlsConfig {
  std::string cert_file;       // PEM server certificate chain (required)
  std::string key_file;        // PEM private key (required)
  std::string ca_file;         // PEM CA bundle for client certificates (required if verify_client)
  bool verify_client = false;  // mutual TLS: refuse clients without a certificate the CA signed
  std::string min_version = "1.2";  // "1.2" or "1.3"
  std::uint32_t handshake_timeout_ms = 10000;  // a client that has not finished is closed
};

// kKafka only: where the records come from (kafka_listener.h).
struct KafkaSourceConfig {
  std::vector<std::string> brokers;  // bootstrap servers, "host:port"
  std::vector<std::string> topics;
  std::string group;                 // consumer group id
  std::string instance_id;           // group.instance.id (static membership); empty = dynamic
  kafka::Properties properties;      // librdkafka settings, applied last (TLS, SASL, tuning)
  // On revocation: how long to wait for the records read from the revoked partitions to become
  // durable before committing what is and giving the partitions up anyway.
  std::uint32_t revoke_timeout_ms = 10000;
  std::size_t poll_records = 1024;   // records taken from librdkafka per poll (buffer capacity)
};

struct ListenerConfig {
  Protocol protocol = Protocol::kTcp;
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal ("::1", "0.0.0.0", "::")
  std::uint16_t port = 0;             // 0: the kernel picks one; see IngestServer::bound_port()
  MessageFormat format = MessageFormat::kAuto;  // kNdjson listeners always report kJson

  // Messages longer than this are truncated to it and flagged kMessageTruncated, never dropped.
  std::size_t max_message_bytes = 64 * 1024;
  // TCP/TLS/NDJSON: connections beyond this are accepted and closed at once (counted as rejected).
  std::size_t max_connections = 1024;
  // TCP/TLS/NDJSON: a connection that sends nothing for this long is closed (counted). A connection
  // paused by backpressure is never idle-closed: the wait is ours, not the sender's.
  std::uint32_t idle_timeout_ms = 300000;
  // SO_RCVBUF in bytes; 0 keeps the system default. UDP: room for bursts while the loop is busy.
  // TCP/TLS/NDJSON (set on the listening socket, inherited by connections): a fixed value turns off
  // the kernel's autotuning and bounds how much a paused connection lets the sender push ahead.
  std::size_t receive_buffer_bytes = 0;

  // kRelp: messages of one connection that may wait for their acknowledgement; reading stops
  // at this many (rsyslog's omrelp sends at most its windowSize, 128 by default).
  std::size_t relp_window = 1024;

  TlsConfig tls;  // kTls, and kRelp over TLS
  KafkaSourceConfig kafka;  // kKafka only; address and port are not used
};

// True when the listener speaks TLS: kTls, or kRelp with a certificate.
inline bool uses_tls(const ListenerConfig& config) {
  return config.protocol == Protocol::kTls || (config.protocol == Protocol::kRelp && !config.tls.cert_file.empty());
}

}  // namespace logsift::ingest
