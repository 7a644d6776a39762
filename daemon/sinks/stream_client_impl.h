// The Asio side of StreamClient, shared with http_client.cc (which reads and writes HTTP through
// the same streams). Internal to daemon/sinks.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "daemon/sinks/stream_client.h"

namespace logsift::sinks {

namespace asio = boost::asio;
namespace beast = boost::beast;

struct StreamClient::Impl {
  asio::io_context ioc{1};
  std::unique_ptr<asio::ssl::context> tls_context;
  std::optional<beast::tcp_stream> tcp;                        // plain connections
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;     // TLS connections
  asio::steady_timer wait_timer{ioc};
  std::chrono::milliseconds timeout{10'000};

  bool open() const { return tcp.has_value() || tls.has_value(); }
  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }

  // Calls f with the stream to read and write: the TLS stream or the plain one.
  template <typename F>
  auto with_stream(F&& f) {
    return tls ? f(*tls) : f(*tcp);
  }

  // Starts an operation with `start(handler)`, then runs the io_context until it completes
  // (its own timeout bounds it). Returns the operation's error; `bytes` gets its byte count.
  // The completion handler of every blocking call: records the error and the byte count.
  struct Completion {
    boost::system::error_code* ec;
    std::size_t* bytes;
    void operator()(boost::system::error_code e) const { *ec = e; }
    void operator()(boost::system::error_code e, std::size_t n) const {
      *ec = e;
      if (bytes != nullptr) *bytes = n;
    }
    template <typename Endpoint>
    void operator()(boost::system::error_code e, const Endpoint&) const { *ec = e; }
  };

  // Starts an operation with `start(handler)`, then runs the io_context until it completes
  // (its own timeout bounds it). Returns the operation's error; `bytes` gets its byte count.
  template <typename Start>
  boost::system::error_code run(Start&& start, std::size_t* bytes = nullptr) {
    boost::system::error_code result = asio::error::would_block;
    start(Completion{&result, bytes});
    ioc.restart();
    ioc.run();
    return result;
  }
};

}  // namespace logsift::sinks
