// SyslogTarget; see syslog_target.h.
#include "daemon/sinks/syslog_target.h"

#include <simdjson.h>
#include <unistd.h>

#include "daemon/emit/json_text.h"
#include "daemon/sinks/stream_client.h"

namespace logsift::sinks {
namespace {

constexpr int kFacilityLocal0 = 16;

int syslog_severity(int score) {
  if (score >= 99) return 2;  // critical -> crit
  if (score >= 73) return 3;  // high -> err
  if (score >= 47) return 4;  // medium -> warning
  if (score >= 21) return 5;  // low -> notice
  return 6;                   // informational -> info
}

std::string local_hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "-";
  std::string out;
  for (const char* p = name; *p != '\0' && out.size() < 255; ++p) {
    if (*p > ' ' && *p < 127) out += *p;
  }
  return out.empty() ? "-" : out;
}

class SyslogTarget final : public emit::DeliveryTarget {
 public:
  explicit SyslogTarget(std::unique_ptr<StreamClient> stream) : stream_(std::move(stream)), hostname_(local_hostname()) {}

  std::string_view type() const override { return "syslog"; }
  void cancel() override { stream_->cancel(); }

  Expected<emit::DeliveryOutcome, emit::SinkError> deliver(const emit::DeliveryBatch& batch,
                                                           emit::DeadLetters&) override {
    frames_.clear();
    for (const emit::AlertLine& alert : batch.alerts) {
      append_syslog_frame(alert, severity_score(alert.json), hostname_, frames_);
    }
    auto fail = [&](std::string message) {
      return Unexpected{emit::SinkError{emit::SinkError::Kind::kUnavailable, 0, std::move(message)}};
    };
    if (stream_->is_open() && stream_->peer_closed()) stream_->close();
    if (auto connected = stream_->connect(); !connected) return fail(std::move(connected).error());
    if (auto written = stream_->write(frames_); !written) return fail(std::move(written).error());
    emit::DeliveryOutcome outcome;
    outcome.delivered = batch.alerts.size();
    outcome.requests = 1;
    outcome.bytes_sent = frames_.size();
    return outcome;
  }

 private:
  // event.severity of the alert (0 when absent), read from a reused padded copy.
  int severity_score(std::string_view json) {
    padded_.assign(json);
    padded_.append(simdjson::SIMDJSON_PADDING, ' ');
    simdjson::ondemand::document doc;
    if (parser_.iterate(padded_.data(), json.size(), padded_.size()).get(doc) != simdjson::SUCCESS) return 0;
    std::int64_t score = 0;
    if (doc["event"]["severity"].get_int64().get(score) != simdjson::SUCCESS) return 0;
    return static_cast<int>(score);
  }

  std::unique_ptr<StreamClient> stream_;
  std::string hostname_;
  std::string frames_;
  std::string padded_;
  simdjson::ondemand::parser parser_;
};

}  // namespace

void append_syslog_frame(const emit::AlertLine& alert, int severity_score, std::string_view hostname, std::string& out) {
  // The length prefix is known only once the message is written: leave room, then move it in.
  const std::size_t start = out.size();
  out.append(10, ' ');
  const std::size_t message_start = out.size();
  out += '<';
  emit::append_json_uint(static_cast<std::uint64_t>(kFacilityLocal0 * 8 + syslog_severity(severity_score)), out);
  out += ">1 ";
  const std::size_t time_at = out.size();
  emit::append_rfc3339_us(alert.time_us, out);  // quoted: drop the quotes
  out.erase(time_at, 1);
  out.pop_back();
  out += ' ';
  out += hostname.empty() ? std::string_view("-") : hostname;
  out += " logsift - ";
  if (alert.action.empty()) {
    out += '-';
  } else {
    out.append(alert.action.substr(0, 32));
  }
  out += " - ";
  out += alert.json;
  const std::size_t length = out.size() - message_start;
  char prefix[16];
  const int n = std::snprintf(prefix, sizeof prefix, "%zu ", length);
  out.replace(start, 10, prefix, static_cast<std::size_t>(n));
}

std::unique_ptr<emit::DeliveryTarget> make_syslog_target(const config::SinkConfig& config, std::string& error) {
  if (config.address.empty() || config.port == 0) {
    error = "syslog needs address and port";
    return nullptr;
  }
  StreamEndpoint endpoint;
  endpoint.host = config.address;
  endpoint.port = config.port;
  endpoint.tls = config.tls.enabled;
  endpoint.tls_config = config.tls;
  endpoint.timeout_ms = config.timeout_ms;
  auto stream = StreamClient::make(std::move(endpoint));
  if (!stream) {
    error = stream.error();
    return nullptr;
  }
  return std::make_unique<SyslogTarget>(std::move(stream).value());
}

}  // namespace logsift::sinks
