// StreamClient: one outgoing TCP or TLS connection with timeouts, for the network sinks.
//
// Blocking calls built on Boost.Asio: each call runs the client's own io_context until its
// operation finishes or `timeout_ms` passes, so a dead or slow peer costs at most one timeout per
// call. TLS verifies the server certificate against the CA file (or the system trust store) and
// the host name by default, sends SNI, and presents a client certificate when one is configured.
//
//   closed ──connect()──> open ──write()/read_some()──> open
//     ^                    │ error, timeout, cancel(), close()
//     └────────────────────┘
//
// One thread uses a StreamClient; cancel() alone may be called from any thread: it closes the
// socket so that a blocked call returns at once, and every later call fails (a cancelled client
// is being stopped). Errors are values naming the endpoint; nothing is logged.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/config/config.h"
#include "parsers/base/expected.h"

namespace logsift::sinks {

struct StreamEndpoint {
  std::string host;           // DNS name or IP literal (IPv6 without brackets)
  std::uint16_t port = 0;
  bool tls = false;           // connect with TLS (config `tls`, or an https:// URL)
  config::SinkTlsConfig tls_config;  // CA, client certificate, verify, server name
  std::int64_t timeout_ms = 10'000;  // bound for resolve+connect+handshake, and for each I/O call
};

class StreamClient {
 public:
  // Prepares the TLS context (loads CA, client certificate and key); the error names the file.
  [[nodiscard]] static Expected<std::unique_ptr<StreamClient>, std::string> make(StreamEndpoint endpoint);
  ~StreamClient();
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  // Connects (and handshakes) unless already connected.
  [[nodiscard]] Expected<bool, std::string> connect();
  bool is_open() const;
  // True when the peer closed its side or reset the connection since the last call (a readable
  // socket with nothing or an error to read): checked before reusing an idle connection.
  bool peer_closed();

  // Writes all of `data`.
  [[nodiscard]] Expected<bool, std::string> write(std::string_view data);

  // Sleeps `ms` milliseconds (polling intervals) unless cancelled; false when cancelled.
  bool wait_ms(std::int64_t ms);

  void close();
  void cancel();  // any thread
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

  const StreamEndpoint& endpoint() const { return endpoint_; }
  std::string describe() const;  // "host:port" or "tls://host:port", for messages

  // The implementation (Asio streams); http_client.cc reads and writes HTTP through it.
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  explicit StreamClient(StreamEndpoint endpoint);
  StreamEndpoint endpoint_;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace logsift::sinks
