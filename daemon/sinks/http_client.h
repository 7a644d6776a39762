// HttpClient: a small blocking HTTP/1.1 client for the sinks (HEC, _bulk, webhooks).
//
// One keep-alive connection, reused across requests and reopened when the server closes it; a
// request that fails on a reused connection before any answer arrives is sent once more on a new
// one (the server may have closed an idle connection just then). TLS, timeouts and cancel() come
// from StreamClient (stream_client.h): CA and host name verification are on unless the config
// turns them off. Responses are read whole, up to max_response_bytes.
//
// One thread uses an HttpClient; cancel() may be called from any thread. Errors are values
// (emit::SinkError) whose message names the URL; nothing is logged.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "daemon/config/config.h"
#include "daemon/emit/sink.h"
#include "daemon/sinks/stream_client.h"
#include "parsers/base/expected.h"

namespace logsift::sinks {

// An http:// or https:// URL split into its parts.
struct Url {
  bool https = false;
  std::string host;        // without IPv6 brackets
  std::uint16_t port = 0;  // 80 or 443 when the URL has none
  std::string path;        // "/..." without query; "" when the URL has none
  std::string query;       // after '?', without it
};
[[nodiscard]] Expected<Url, std::string> parse_url(std::string_view url);

struct HttpHeader {
  std::string_view name;
  std::string_view value;
};

struct HttpResponse {
  unsigned status = 0;
  std::string body;
};

class HttpClient {
 public:
  // Prepares the connection to `url`'s host (TLS when https or `tls.enabled`); the error names
  // a TLS file that could not be loaded.
  [[nodiscard]] static Expected<std::unique_ptr<HttpClient>, std::string> make(
      const Url& url, const config::SinkTlsConfig& tls, std::int64_t timeout_ms);

  // Sends one request and reads its response. `body` is sent as it is (empty: no body); the
  // headers go after Host, User-Agent and Content-Length. Transport failures (connect, TLS,
  // timeout, a closed connection, a response over the limit) are errors; any HTTP status is a
  // response.
  [[nodiscard]] Expected<HttpResponse, emit::SinkError> request(std::string_view method,
                                                                std::string_view target,
                                                                std::span<const HttpHeader> headers,
                                                                std::string_view body);

  void cancel() { stream_->cancel(); }  // any thread
  bool cancelled() const { return stream_->cancelled(); }
  bool wait_ms(std::int64_t ms) { return stream_->wait_ms(ms); }
  void close() { stream_->close(); }
  const std::string& base_url() const { return base_url_; }  // "https://host:port", for messages

  std::uint64_t max_response_bytes = 64ull * 1024 * 1024;

 private:
  HttpClient(std::unique_ptr<StreamClient> stream, std::string base_url, std::string host_header);
  Expected<HttpResponse, emit::SinkError> request_once(std::string_view method, std::string_view target,
                                                       std::span<const HttpHeader> headers,
                                                       std::string_view body, bool& sent_nothing);
  std::unique_ptr<StreamClient> stream_;
  std::string base_url_;
  std::string host_header_;
};

// Base64 of `data` (standard alphabet, padded), for basic auth.
std::string base64_encode(std::string_view data);

}  // namespace logsift::sinks
