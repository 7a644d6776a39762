#include "daemon/ingest/listener_config.h"

namespace logsift::ingest {

std::string_view protocol_name(Protocol protocol) {
  switch (protocol) {
    case Protocol::kUdp: return "udp";
    case Protocol::kTcp: return "tcp";
    case Protocol::kTls: return "tls";
    case Protocol::kNdjson: return "ndjson";
    case Protocol::kRelp: return "relp";
    case Protocol::kKafka: return "kafka";
  }
  return "unknown";
}

std::string_view format_name(MessageFormat format) {
  switch (format) {
    case MessageFormat::kAuto: return "auto";
    case MessageFormat::kRfc5424: return "rfc5424";
    case MessageFormat::kRfc3164: return "rfc3164";
    case MessageFormat::kJson: return "json";
  }
  return "unknown";
}

}  // namespace logsift::ingest
