// TCP, TLS and NDJSON listeners: accept connections, enforce max_connections, hand each accepted
// socket to a StreamConnection (stream_connection.h) on its own strand.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <openssl/ssl.h>

#include "daemon/ingest/server_internal.h"
#include "daemon/ingest/stream_connection.h"

namespace logsift::ingest::internal {
namespace {

using asio::ip::tcp;

class StreamListener final : public Listener, public ConnectionRegistry,
                             public std::enable_shared_from_this<StreamListener> {
 public:
  explicit StreamListener(ListenerContext context)
      : context_(std::move(context)),
        strand_(asio::make_strand(context_.shared->io_context)),
        acceptor_(strand_),
        retry_timer_(strand_) {
    settings_.framer.max_message_bytes = context_.config.max_message_bytes;
    settings_.framer.detect_octet_counting = context_.config.protocol != Protocol::kNdjson;
    settings_.relp = context_.config.protocol == Protocol::kRelp;
    settings_.relp_options.max_message_bytes = context_.config.max_message_bytes;
    settings_.relp_options.window = context_.config.relp_window;
    settings_.idle_timeout = std::chrono::milliseconds(context_.config.idle_timeout_ms);
    settings_.handshake_timeout = std::chrono::milliseconds(context_.config.tls.handshake_timeout_ms);
  }

  Expected<bool, IngestError> bind() {
    const std::string where = describe(context_.config, context_.index);
    auto fail = [&](IngestError::Code code, const std::string& what, const boost::system::error_code& ec) {
      return Unexpected{IngestError{code, context_.index, where + ": " + what + ": " + ec.message()}};
    };
    asio::ip::address address;
    if (!parse_address(context_.config.address, address)) {
      return Unexpected{IngestError{IngestError::Code::kAddress, context_.index, where + ": not an IP address"}};
    }
    boost::system::error_code ec;
    if (uses_tls(context_.config)) {
      const TlsConfig& tls = context_.config.tls;
      tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                            asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use,
                        ec);
      SSL_CTX_set_min_proto_version(tls_->native_handle(), tls.min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
      tls_->use_certificate_chain_file(tls.cert_file, ec);
      if (ec) return fail(IngestError::Code::kTls, "cert_file " + tls.cert_file, ec);
      tls_->use_private_key_file(tls.key_file, asio::ssl::context::pem, ec);
      if (ec) return fail(IngestError::Code::kTls, "key_file " + tls.key_file, ec);
      if (!tls.ca_file.empty()) {
        tls_->load_verify_file(tls.ca_file, ec);
        if (ec) return fail(IngestError::Code::kTls, "ca_file " + tls.ca_file, ec);
      }
      if (tls.verify_client) {
        tls_->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert, ec);
      }
    }
    tcp::endpoint endpoint(address, context_.config.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) return fail(IngestError::Code::kBind, "socket", ec);
    acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (context_.config.receive_buffer_bytes > 0) {
      acceptor_.set_option(asio::socket_base::receive_buffer_size(static_cast<int>(context_.config.receive_buffer_bytes)), ec);
      if (ec) return fail(IngestError::Code::kBind, "SO_RCVBUF", ec);
    }
    acceptor_.bind(endpoint, ec);
    if (ec) return fail(IngestError::Code::kBind, "bind", ec);
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return fail(IngestError::Code::kBind, "listen", ec);
    port_ = acceptor_.local_endpoint(ec).port();
    return true;
  }

  void start() override {
    running_ = true;
    asio::post(strand_, [self = shared_from_this()] { self->accept(); });
  }

  void close() override {
    if (!running_) {
      listener_closed_ = true;
      return;
    }
    asio::post(strand_, [self = shared_from_this()] {
      self->stop_accepting_here();
      for (auto& connection : self->open_connections()) connection->close_for_shutdown();
    });
  }

  void stop_accepting() override {
    if (!running_) {
      listener_closed_ = true;
      return;
    }
    asio::post(strand_, [self = shared_from_this()] { self->stop_accepting_here(); });
  }

  bool done() const override {
    if (!listener_closed_) return false;
    std::lock_guard lock(mutex_);
    return connections_.empty();
  }

  std::uint16_t port() const override { return port_; }

  void forget(ConnectionBase* connection) override {
    std::lock_guard lock(mutex_);
    connections_.erase(connection);
  }

 private:
  void stop_accepting_here() {
    closing_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    listener_closed_ = true;
    for (auto& connection : open_connections()) connection->drain_for_shutdown();
  }

  std::vector<std::shared_ptr<ConnectionBase>> open_connections() {
    std::vector<std::shared_ptr<ConnectionBase>> open;
    std::lock_guard lock(mutex_);
    for (auto& [raw, weak] : connections_) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
    return open;
  }

  void accept() {
    if (closing_) return;
    acceptor_.async_accept(asio::make_strand(context_.shared->io_context),
                           [self = shared_from_this()](const boost::system::error_code& ec, tcp::socket socket) {
                             self->on_accept(ec, std::move(socket));
                           });
  }

  void on_accept(const boost::system::error_code& ec, tcp::socket socket) {
    if (closing_ || ec == asio::error::operation_aborted) return;
    ListenerCounters& c = *context_.counters;
    if (ec) {
      // Out of descriptors or a connection reset before accept: try again shortly, not in a spin.
      c.add(c.read_errors);
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& wait_ec) {
        if (!wait_ec) self->accept();
      });
      return;
    }
    if (c.connections_active.load(std::memory_order_relaxed) >= context_.config.max_connections) {
      c.add(c.connections_rejected);
      boost::system::error_code ignored;
      socket.close(ignored);
      accept();
      return;
    }
    boost::system::error_code endpoint_ec;
    tcp::endpoint remote = socket.remote_endpoint(endpoint_ec);
    if (endpoint_ec) {  // reset between accept and now
      c.add(c.read_errors);
      accept();
      return;
    }
    c.add(c.connections_accepted);
    c.add(c.connections_active);
    ConnectionContext connection_context{context_.shared, context_.counters, this, shared_from_this(),
                                         to_peer(remote.address(), remote.port()), context_.index, &settings_};
    std::shared_ptr<ConnectionBase> connection =
        tls_ ? make_tls_connection(std::move(connection_context), std::move(socket), *tls_)
             : make_tcp_connection(std::move(connection_context), std::move(socket));
    {
      std::lock_guard lock(mutex_);
      connections_.emplace(connection.get(), connection);
    }
    connection->start();
    accept();
  }

  ListenerContext context_;
  ConnectionSettings settings_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  std::unique_ptr<asio::ssl::context> tls_;
  std::uint16_t port_ = 0;
  bool closing_ = false;
  std::atomic<bool> running_{false};
  std::atomic<bool> listener_closed_{false};
  mutable std::mutex mutex_;
  std::unordered_map<ConnectionBase*, std::weak_ptr<ConnectionBase>> connections_;
};

}  // namespace

Expected<std::shared_ptr<Listener>, IngestError> make_stream_listener(ListenerContext context) {
  auto listener = std::make_shared<StreamListener>(std::move(context));
  auto bound = listener->bind();
  if (!bound) return Unexpected{std::move(bound).error()};
  return std::shared_ptr<Listener>(std::move(listener));
}

}  // namespace logsift::ingest::internal
