// HttpClient: HTTP/1.1 over StreamClient with Boost.Beast; see http_client.h.
#include "daemon/sinks/http_client.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>

#include "daemon/sinks/stream_client_impl.h"

namespace logsift::sinks {

namespace http = beast::http;

Expected<Url, std::string> parse_url(std::string_view url) {
  Url out;
  std::string_view rest;
  if (url.starts_with("https://")) {
    out.https = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return Unexpected{"url " + std::string(url) + ": must start with http:// or https://"};
  }
  const std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  std::string_view path_query = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return Unexpected{"url " + std::string(url) + ": credentials belong in token_file or password_file"};
  }
  std::string_view port_text;
  if (authority.starts_with("[")) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Unexpected{"url " + std::string(url) + ": unclosed ["};
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Unexpected{"url " + std::string(url) + ": bad port"};
      port_text = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return Unexpected{"url " + std::string(url) + ": no host"};
  out.port = out.https ? 443 : 80;
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return Unexpected{"url " + std::string(url) + ": bad port"};
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  const std::size_t q = path_query.find('?');
  out.path = std::string(path_query.substr(0, q));
  if (q != std::string_view::npos) out.query = std::string(path_query.substr(q + 1));
  return out;
}

std::string base64_encode(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(data[i]) << 16 | static_cast<unsigned char>(data[i + 1]) << 8 |
                       static_cast<unsigned char>(data[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Expected<std::unique_ptr<HttpClient>, std::string> HttpClient::make(const Url& url,
                                                                   const config::SinkTlsConfig& tls,
                                                                   std::int64_t timeout_ms) {
  StreamEndpoint endpoint;
  endpoint.host = url.host;
  endpoint.port = url.port;
  endpoint.tls = url.https || tls.enabled;
  endpoint.tls_config = tls;
  endpoint.timeout_ms = timeout_ms;
  auto stream = StreamClient::make(std::move(endpoint));
  if (!stream) return Unexpected{std::move(stream).error()};
  const bool v6 = url.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + url.host + "]" : url.host;
  const bool default_port = url.port == (url.https ? 443 : 80);
  std::string host_header = default_port ? host : host + ":" + std::to_string(url.port);
  std::string base = std::string(url.https || tls.enabled ? "https://" : "http://") + host + ":" + std::to_string(url.port);
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(stream).value(), std::move(base), std::move(host_header)));
}

HttpClient::HttpClient(std::unique_ptr<StreamClient> stream, std::string base_url, std::string host_header)
    : stream_(std::move(stream)), base_url_(std::move(base_url)), host_header_(std::move(host_header)) {}

Expected<HttpResponse, emit::SinkError> HttpClient::request(std::string_view method, std::string_view target,
                                                            std::span<const HttpHeader> headers,
                                                            std::string_view body) {
  const bool reused = stream_->is_open();
  bool sent_nothing = false;
  auto result = request_once(method, target, headers, body, sent_nothing);
  // A keep-alive connection the server closed while idle fails at once; one fresh try.
  if (!result && reused && sent_nothing && !stream_->cancelled()) {
    result = request_once(method, target, headers, body, sent_nothing);
  }
  return result;
}

Expected<HttpResponse, emit::SinkError> HttpClient::request_once(std::string_view method, std::string_view target,
                                                                 std::span<const HttpHeader> headers,
                                                                 std::string_view body, bool& sent_nothing) {
  sent_nothing = true;
  auto fail = [&](std::string what) {
    stream_->close();
    return Unexpected{emit::SinkError{emit::SinkError::Kind::kUnavailable, 0,
                                      base_url_ + std::string(target) + ": " + what}};
  };
  if (stream_->is_open() && stream_->peer_closed()) stream_->close();
  if (auto connected = stream_->connect(); !connected) {
    return Unexpected{emit::SinkError{emit::SinkError::Kind::kUnavailable, 0, std::move(connected).error()}};
  }

  http::request<http::span_body<const char>> req;
  req.method_string(beast::string_view(method.data(), method.size()));
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, host_header_);
  req.set(http::field::user_agent, "logsift/0.1");
  for (const HttpHeader& h : headers) {
    req.set(beast::string_view(h.name.data(), h.name.size()), beast::string_view(h.value.data(), h.value.size()));
  }
  req.body() = beast::span<const char>(body.data(), body.size());
  req.keep_alive(true);
  req.prepare_payload();

  StreamClient::Impl& im = stream_->impl();
  std::size_t written = 0;
  im.lowest().expires_after(im.timeout);
  auto ec = im.run([&](auto handler) {
    im.with_stream([&](auto& stream) { http::async_write(stream, req, std::move(handler)); });
  }, &written);
  if (ec) {
    sent_nothing = written == 0 || ec == asio::error::broken_pipe || ec == asio::error::connection_reset;
    return fail("send: " + ec.message());
  }

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_bytes);
  im.lowest().expires_after(im.timeout);
  std::size_t read = 0;
  ec = im.run([&](auto handler) {
    im.with_stream([&](auto& stream) { http::async_read(stream, buffer, parser, std::move(handler)); });
  }, &read);
  if (ec) {
    sent_nothing = read == 0 && (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
                                 ec == asio::error::eof);
    return fail(ec == http::error::body_limit ? "response larger than " + std::to_string(max_response_bytes) + " bytes"
                                              : "receive: " + ec.message());
  }
  sent_nothing = false;
  auto response = parser.release();
  if (!response.keep_alive()) stream_->close();
  HttpResponse out;
  out.status = response.result_int();
  out.body = std::move(response.body());
  return out;
}

}  // namespace logsift::sinks
