// StreamClient: blocking TCP/TLS connection with timeouts; see stream_client.h.
#include "daemon/sinks/stream_client.h"

#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>

#include "daemon/sinks/stream_client_impl.h"

namespace logsift::sinks {

using tcp = asio::ip::tcp;

StreamClient::StreamClient(StreamEndpoint endpoint)
    : endpoint_(std::move(endpoint)), impl_(std::make_unique<Impl>()) {
  impl_->timeout = std::chrono::milliseconds(endpoint_.timeout_ms > 0 ? endpoint_.timeout_ms : 10'000);
}

StreamClient::~StreamClient() { close(); }

Expected<std::unique_ptr<StreamClient>, std::string> StreamClient::make(StreamEndpoint endpoint) {
  std::unique_ptr<StreamClient> client(new StreamClient(std::move(endpoint)));
  if (!client->endpoint_.tls) return client;
  const config::SinkTlsConfig& tls = client->endpoint_.tls_config;
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  if (tls.verify) {
    context->set_verify_mode(asio::ssl::verify_peer, ec);
    if (tls.ca_file.empty()) {
      context->set_default_verify_paths(ec);
      if (ec) return Unexpected{"tls: the system trust store: " + ec.message()};
    } else {
      context->load_verify_file(tls.ca_file, ec);
      if (ec) return Unexpected{"tls ca " + tls.ca_file + ": " + ec.message()};
    }
  } else {
    context->set_verify_mode(asio::ssl::verify_none, ec);
  }
  if (!tls.cert_file.empty()) {
    context->use_certificate_chain_file(tls.cert_file, ec);
    if (ec) return Unexpected{"tls cert " + tls.cert_file + ": " + ec.message()};
    const std::string& key = tls.key_file.empty() ? tls.cert_file : tls.key_file;
    context->use_private_key_file(key, asio::ssl::context::pem, ec);
    if (ec) return Unexpected{"tls key " + key + ": " + ec.message()};
  }
  client->impl_->tls_context = std::move(context);
  return client;
}

std::string StreamClient::describe() const {
  const bool v6 = endpoint_.host.find(':') != std::string::npos;
  std::string out = endpoint_.tls ? "tls://" : "";
  out += v6 ? "[" + endpoint_.host + "]" : endpoint_.host;
  return out + ":" + std::to_string(endpoint_.port);
}

bool StreamClient::is_open() const { return impl_->open(); }

Expected<bool, std::string> StreamClient::connect() {
  if (cancelled()) return Unexpected{describe() + ": cancelled"};
  if (impl_->open()) return true;
  Impl& im = *impl_;
  auto fail = [&](const char* what, const boost::system::error_code& ec) {
    close();
    return Unexpected{describe() + ": " + what + ": " + ec.message()};
  };

  // IP literals need no resolver; names go through getaddrinfo (bounded by the system resolver).
  std::vector<tcp::endpoint> endpoints;
  boost::system::error_code ec;
  const auto literal = asio::ip::make_address(endpoint_.host, ec);
  if (!ec) {
    endpoints.emplace_back(literal, endpoint_.port);
  } else {
    tcp::resolver resolver(im.ioc);
    const auto results = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), ec);
    if (ec) return fail("resolve", ec);
    for (const auto& r : results) endpoints.push_back(r.endpoint());
  }

  if (endpoint_.tls) {
    im.tls.emplace(im.ioc, *im.tls_context);
  } else {
    im.tcp.emplace(im.ioc);
  }
  im.lowest().expires_after(im.timeout);
  ec = im.run([&](auto handler) { im.lowest().async_connect(endpoints, std::move(handler)); });
  if (ec) return fail("connect", ec);
  im.lowest().socket().set_option(tcp::no_delay(true), ec);

  if (endpoint_.tls) {
    const config::SinkTlsConfig& tls = endpoint_.tls_config;
    const std::string& name = tls.server_name.empty() ? endpoint_.host : tls.server_name;
    boost::system::error_code not_ip;
    asio::ip::make_address(name, not_ip);
    // SSL_set_tlsext_host_name() without its C cast: SNI carries names, never addresses.
    if (not_ip && SSL_ctrl(im.tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                           const_cast<char*>(name.c_str())) != 1) {
      return fail("SNI", boost::system::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
    }
    if (tls.verify) im.tls->set_verify_callback(asio::ssl::host_name_verification(name));
    im.lowest().expires_after(im.timeout);
    ec = im.run([&](auto handler) { im.tls->async_handshake(asio::ssl::stream_base::client, std::move(handler)); });
    if (ec) return fail("tls handshake", ec);
  }
  return true;
}

bool StreamClient::peer_closed() {
  if (!impl_->open()) return true;
  const int fd = impl_->lowest().socket().native_handle();
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if ((p.revents & (POLLERR | POLLHUP)) != 0) return true;
  char byte;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // Bytes waiting (a TLS session ticket, say) do not tell: the next write finds out.
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

Expected<bool, std::string> StreamClient::write(std::string_view data) {
  if (cancelled()) return Unexpected{describe() + ": cancelled"};
  if (!impl_->open()) return Unexpected{describe() + ": not connected"};
  Impl& im = *impl_;
  im.lowest().expires_after(im.timeout);
  const auto ec = im.run([&](auto handler) {
    im.with_stream([&](auto& stream) {
      asio::async_write(stream, asio::buffer(data.data(), data.size()), std::move(handler));
    });
  });
  if (ec) {
    close();
    return Unexpected{describe() + ": write: " + ec.message()};
  }
  return true;
}

bool StreamClient::wait_ms(std::int64_t ms) {
  if (cancelled()) return false;
  Impl& im = *impl_;
  im.wait_timer.expires_after(std::chrono::milliseconds(ms));
  im.run([&](auto handler) { im.wait_timer.async_wait(std::move(handler)); });
  return !cancelled();
}

void StreamClient::close() {
  Impl& im = *impl_;
  boost::system::error_code ignored;
  if (im.open()) {
    im.lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    im.lowest().socket().close(ignored);
  }
  im.tls.reset();
  im.tcp.reset();
}

void StreamClient::cancel() {
  cancelled_.store(true, std::memory_order_relaxed);
  // Runs on the using thread inside its next (or current) io_context run.
  asio::post(impl_->ioc, [im = impl_.get()] {
    boost::system::error_code ignored;
    im->wait_timer.cancel();
    if (im->open()) im->lowest().socket().close(ignored);
  });
}

}  // namespace logsift::sinks
