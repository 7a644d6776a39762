// FakeHttpServer and FakeSyslogServer; see fake_server.h.
#include "tests/sinks/fake_server.h"

#include <sys/socket.h>
#include <zlib.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <functional>

namespace logsift::sinks::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string inflate_gzip(const std::string& in) {
  z_stream z{};
  inflateInit2(&z, 15 + 32);
  std::string out;
  char chunk[65536];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - z.avail_out);
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string("<not gzip>");
}

std::unique_ptr<asio::ssl::context> server_tls(const FakeTls& tls) {
  if (tls.cert_file.empty()) return nullptr;
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  context->use_certificate_chain_file(tls.cert_file);
  context->use_private_key_file(tls.key_file, asio::ssl::context::pem);
  if (!tls.client_ca_file.empty()) {
    context->load_verify_file(tls.client_ca_file);
    context->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  return context;
}

}  // namespace

struct FakeHttpServer::Listener {
  asio::io_context ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::ssl::context> tls;
};

FakeHttpServer::FakeHttpServer(FakeTls tls) : tls_(std::move(tls)), listener_(std::make_unique<Listener>()) {
  listener_->tls = server_tls(tls_);
  listen();
}

FakeHttpServer::~FakeHttpServer() { stop(); }

std::string FakeHttpServer::url() const {
  return (tls_.cert_file.empty() ? "http://127.0.0.1:" : "https://localhost:") + std::to_string(port_);
}

void FakeHttpServer::listen() {
  auto acceptor = std::make_unique<tcp::acceptor>(listener_->ioc);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port_);
  acceptor->open(endpoint.protocol());
  acceptor->set_option(tcp::acceptor::reuse_address(true));
  acceptor->bind(endpoint);
  acceptor->listen();
  port_ = acceptor->local_endpoint().port();
  listener_->acceptor = std::move(acceptor);
  up_ = true;
  accept_thread_ = std::thread([this] { accept_loop(); });
}

void FakeHttpServer::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket(listener_->ioc);
    listener_->acceptor->accept(socket, ec);
    if (ec || !up_) return;
    ++connections_;
    const int fd = socket.release();
    std::lock_guard lock(mutex_);
    open_fds_.push_back(fd);
    connection_threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void FakeHttpServer::serve(int fd) {
  asio::io_context ioc;
  tcp::socket socket(ioc, tcp::v4(), fd);
  if (listener_->tls) {
    beast::ssl_stream<tcp::socket> stream(std::move(socket), *listener_->tls);
    boost::system::error_code ec;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (!ec) serve_stream(stream);
    beast::get_lowest_layer(stream).release();
  } else {
    serve_stream(socket);
    socket.release();
  }
  // The fd is closed by whoever removes it from open_fds_ (here, or stop()).
  std::lock_guard lock(mutex_);
  for (auto it = open_fds_.begin(); it != open_fds_.end(); ++it) {
    if (*it == fd) {
      open_fds_.erase(it);
      ::close(fd);
      break;
    }
  }
}

template <typename Stream>
void FakeHttpServer::serve_stream(Stream& stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(512ull * 1024 * 1024);
    boost::system::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec) return;
    auto req = parser.release();
    FakeRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers[name] = std::string(field.value());
    }
    request.wire_bytes = req.body().size();
    request.body = request.headers["content-encoding"] == "gzip" ? inflate_gzip(req.body()) : std::move(req.body());
    FakeResponse answer_ = answer(request);
    if (!up_) return;
    http::response<http::string_body> res{static_cast<http::status>(answer_.status), 11};
    res.set(http::field::content_type, answer_.content_type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(answer_.body);
    res.prepare_payload();
    http::write(stream, res, ec);
    if (ec || !req.keep_alive()) return;
  }
}

FakeResponse FakeHttpServer::answer(FakeRequest& request) {
  ++requests_;
  request_bytes_ += request.wire_bytes;
  FakeResponse response;
  bool failed = false;
  {
    std::lock_guard lock(mutex_);
    if (fail_requests_ > 0) {
      --fail_requests_;
      response = FakeResponse{fail_status_, fail_body_};
      failed = true;
    }
  }
  if (!failed) response = handle(request);
  // Slow: the work is done (stored), the answer comes late, as from an overloaded server.
  const int delay = delay_ms_;
  if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  return response;
}

void FakeHttpServer::fail_next(unsigned status, int requests, std::string body) {
  std::lock_guard lock(mutex_);
  fail_status_ = status;
  fail_requests_ = requests;
  fail_body_ = std::move(body);
}

void FakeHttpServer::go_down() {
  if (!up_.exchange(false)) return;
  ::shutdown(listener_->acceptor->native_handle(), SHUT_RDWR);
  accept_thread_.join();
  listener_->acceptor.reset();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(connection_threads_);
  }
  for (auto& t : threads) t.join();
}

void FakeHttpServer::come_back() {
  if (up_) return;
  listen();
}

void FakeHttpServer::stop() { go_down(); }

// ---------------------------------------------------------------------------------------------

struct FakeSyslogServer::State {
  asio::io_context ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::ssl::context> tls;
  std::thread accept_thread;
  mutable std::mutex mutex;
  std::vector<std::string> messages;
  std::vector<int> fds;
  std::vector<std::thread> threads;
  std::atomic<bool> up{true};
};

namespace {

// Reads frames from `stream` until it closes: "<digits> <msg>" or "<msg>\n".
template <typename Stream>
void read_syslog_frames(Stream& stream, const std::function<bool(std::string)>& deliver) {
  std::string buffer;
  char chunk[65536];
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = stream.read_some(asio::buffer(chunk), ec);
    if (n == 0 && ec) return;
    buffer.append(chunk, n);
    std::size_t pos = 0;
    for (;;) {
      std::size_t digits = pos;
      while (digits < buffer.size() && buffer[digits] >= '0' && buffer[digits] <= '9') ++digits;
      if (digits > pos && digits < buffer.size() && buffer[digits] == ' ') {
        const std::size_t length = std::stoul(buffer.substr(pos, digits - pos));
        if (buffer.size() < digits + 1 + length) break;
        if (!deliver(buffer.substr(digits + 1, length))) return;
        pos = digits + 1 + length;
      } else {
        const std::size_t nl = buffer.find('\n', pos);
        if (nl == std::string::npos || digits == buffer.size()) break;
        if (!deliver(buffer.substr(pos, nl - pos))) return;
        pos = nl + 1;
      }
    }
    buffer.erase(0, pos);
    if (ec) return;
  }
}

}  // namespace

FakeSyslogServer::FakeSyslogServer(FakeTls tls, std::uint16_t port) : state_(std::make_unique<State>()) {
  state_->tls = server_tls(tls);
  state_->acceptor = std::make_unique<tcp::acceptor>(state_->ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                                     true);
  port_ = state_->acceptor->local_endpoint().port();
  state_->accept_thread = std::thread([this] {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket(state_->ioc);
      state_->acceptor->accept(socket, ec);
      if (ec || !state_->up) return;
      ++connections_;
      const int fd = socket.release();
      std::lock_guard lock(state_->mutex);
      state_->fds.push_back(fd);
      state_->threads.emplace_back([this, fd] {
        asio::io_context ioc;
        tcp::socket s(ioc, tcp::v4(), fd);
        std::size_t read = 0;
        auto deliver = [&](std::string message) {
          std::lock_guard l(state_->mutex);
          state_->messages.push_back(std::move(message));
          const std::size_t limit = close_after_;
          return limit == 0 || ++read < limit;
        };
        if (state_->tls) {
          beast::ssl_stream<tcp::socket> stream(std::move(s), *state_->tls);
          boost::system::error_code ec2;
          stream.handshake(asio::ssl::stream_base::server, ec2);
          if (!ec2) read_syslog_frames(stream, deliver);
          beast::get_lowest_layer(stream).release();
        } else {
          read_syslog_frames(s, deliver);
          s.release();
        }
        std::lock_guard l(state_->mutex);
        for (auto it = state_->fds.begin(); it != state_->fds.end(); ++it) {
          if (*it == fd) {
            state_->fds.erase(it);
            ::shutdown(fd, SHUT_RDWR);
            ::close(fd);
            ++closed_;
            break;
          }
        }
      });
    }
  });
}

FakeSyslogServer::~FakeSyslogServer() {
  state_->up = false;
  ::shutdown(state_->acceptor->native_handle(), SHUT_RDWR);
  state_->accept_thread.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(state_->mutex);
    for (int fd : state_->fds) ::shutdown(fd, SHUT_RDWR);
    threads.swap(state_->threads);
  }
  for (auto& t : threads) t.join();
}

std::vector<std::string> FakeSyslogServer::messages() const {
  std::lock_guard lock(state_->mutex);
  return state_->messages;
}

std::size_t FakeSyslogServer::message_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->messages.size();
}

std::vector<FakeRequest> FakeWebhook::stored() const {
  std::lock_guard lock(mutex_);
  return stored_;
}

void FakeWebhook::clear() {
  std::lock_guard lock(mutex_);
  stored_.clear();
}

void FakeWebhook::require_authorization(std::string value) {
  std::lock_guard lock(mutex_);
  authorization_ = std::move(value);
}

FakeResponse FakeWebhook::handle(const FakeRequest& request) {
  std::lock_guard lock(mutex_);
  if (!authorization_.empty()) {
    const auto it = request.headers.find("authorization");
    if (it == request.headers.end() || it->second != authorization_) return FakeResponse{401, "unauthorized", "text/plain"};
  }
  stored_.push_back(request);
  return FakeResponse{202, "", "text/plain"};
}

}  // namespace logsift::sinks::testing
