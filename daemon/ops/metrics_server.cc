// The metrics HTTP endpoint on Boost.Beast: one thread, one io_context, callback sessions.
#include "daemon/ops/metrics_server.h"

#include <atomic>
#include <mutex>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <optional>
#include <thread>

namespace logsift::ops {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {
class Session;
}  // namespace

struct MetricsServer::Impl {
  Impl(const MetricsServerOptions& o, const MetricsRegistry& r) : options(o), registry(r) {}

  MetricsServerOptions options;
  const MetricsRegistry& registry;
  std::atomic<bool> ready{false};
  std::mutex degraded_mutex;
  std::string degraded;  // empty: not degraded
  std::atomic<std::size_t> connections{0};
  std::atomic<std::uint64_t> idle_closed{0}, idle_evicted{0}, refused{0};
  // Sessions waiting for a request, oldest first; touched only on the server's one thread.
  std::list<std::weak_ptr<Session>> waiting;
  std::uint16_t bound_port = 0;
  // Declared after the state sessions use: the io_context destroys pending sessions first.
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::once_flag stopped;

  void accept();
  void make_room();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, MetricsServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    server_.connections.fetch_add(1, std::memory_order_relaxed);
  }
  ~Session() {
    stop_waiting();
    if (holds_slot_) server_.connections.fetch_sub(1, std::memory_order_relaxed);
  }

  // An evicted session no longer counts against the cap.
  void release_slot() { holds_slot_ = false; }

  void read() {
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    parser_->body_limit(8 * 1024);
    stream_.expires_after(server_.options.idle_timeout);
    waiting_at_ = server_.waiting.insert(server_.waiting.end(), weak_from_this());
    is_waiting_ = true;
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  // True while waiting for a request of which no byte has arrived.
  bool idle() const { return is_waiting_ && buffer_.size() == 0 && !parser_->got_some(); }

  void evict() {
    server_.idle_evicted.fetch_add(1, std::memory_order_relaxed);
    evicted_ = true;
    close();
  }

 private:
  void stop_waiting() {
    if (!is_waiting_) return;
    server_.waiting.erase(waiting_at_);
    is_waiting_ = false;
  }

  void on_read(beast::error_code ec) {
    const bool was_idle = idle();
    stop_waiting();
    if (ec) {  // closed, timed out, or malformed: nothing to answer
      if (ec == beast::error::timeout && was_idle && !evicted_) {
        server_.idle_closed.fetch_add(1, std::memory_order_relaxed);
      }
      close();
      return;
    }
    const auto& request = parser_->get();
    respond(request);
    stream_.expires_after(server_.options.io_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code wec, std::size_t) {
                        if (wec || !self->response_.keep_alive()) {
                          self->close();
                        } else {
                          self->read();
                        }
                      });
  }

  void respond(const http::request<http::string_body>& request) {
    response_ = {};
    response_.version(request.version());
    response_.keep_alive(request.keep_alive());
    response_.set(http::field::server, "logsiftd");
    std::string_view target(request.target().data(), request.target().size());
    target = target.substr(0, target.find('?'));
    auto reply = [&](http::status status, std::string_view type, std::string body) {
      response_.result(status);
      response_.set(http::field::content_type, beast::string_view(type.data(), type.size()));
      response_.set(http::field::cache_control, "no-store");
      response_.body() = std::move(body);
      response_.prepare_payload();
      if (request.method() == http::verb::head) response_.body().clear();
    };
    constexpr std::string_view kText = "text/plain; charset=utf-8";
    const bool read_only = request.method() == http::verb::get || request.method() == http::verb::head;
    const MetricsPage* page = read_only ? find_page(target) : nullptr;
    if (page != nullptr) {
      if (page->content_type.starts_with("text/html")) {
        response_.set("Content-Security-Policy",
                      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                      "form-action 'none'; frame-ancestors 'none'");
        response_.set("X-Content-Type-Options", "nosniff");
      }
      reply(http::status::ok, page->content_type, page->body());
    } else if (target.starts_with("/api/") && target != "/api/rates" && server_.options.ops_api) {
      const auto method = request.method_string();
      const ApiRequest api{std::string_view(method.data(), method.size()), target, request.body()};
      ApiResponse answer = server_.options.ops_api(api);
      reply(static_cast<http::status>(answer.status), answer.content_type, std::move(answer.body));
    } else if (!read_only) {
      response_.set(http::field::allow, "GET, HEAD");
      reply(http::status::method_not_allowed, kText, "method not allowed\n");
    } else if (target == "/metrics") {
      reply(http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
            server_.registry.scrape());
    } else if (target == "/api/rates" && server_.options.rates_json) {
      reply(http::status::ok, "application/json", server_.options.rates_json());
    } else if (target == "/healthz") {
      reply(http::status::ok, kText, "ok\n");
    } else if (target == "/readyz") {
      const bool is_ready = server_.ready.load(std::memory_order_relaxed);
      std::string degraded;
      {
        std::lock_guard lock(server_.degraded_mutex);
        degraded = server_.degraded;
      }
      if (is_ready && !degraded.empty()) {
        reply(http::status::service_unavailable, kText, "degraded: " + degraded + "\n");
      } else {
        reply(is_ready ? http::status::ok : http::status::service_unavailable, kText,
              is_ready ? "ready\n" : "not ready\n");
      }
    } else {
      reply(http::status::not_found, kText, "not found\n");
    }
  }

  const MetricsPage* find_page(std::string_view target) const {
    for (const auto& page : server_.options.pages) {
      if (page.path == target && page.body) return &page;
    }
    return nullptr;
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  MetricsServer::Impl& server_;
  std::list<std::weak_ptr<Session>>::iterator waiting_at_;
  bool is_waiting_ = false;
  bool evicted_ = false;
  bool holds_slot_ = true;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

}  // namespace

void MetricsServer::Impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      if (connections.load(std::memory_order_relaxed) >= options.max_connections) make_room();
      if (connections.load(std::memory_order_relaxed) >= options.max_connections) {
        refused.fetch_add(1, std::memory_order_relaxed);
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(std::move(socket), *this)->read();
      }
    }
    accept();
  });
}

void MetricsServer::Impl::make_room() {
  // The oldest waiting session that has not begun a request gives way. Its destructor (which
  // lowers `connections`) runs once its cancelled read completes, so the new connection may
  // briefly exceed the cap by the number of sessions evicted this way.
  for (auto it = waiting.begin(); it != waiting.end(); ++it) {
    auto session = it->lock();
    if (session && session->idle()) {
      session->evict();
      connections.fetch_sub(1, std::memory_order_relaxed);
      session->release_slot();
      return;
    }
  }
}

MetricsServerStats MetricsServer::stats() const {
  MetricsServerStats s;
  s.connections_open = impl_->connections.load(std::memory_order_relaxed);
  s.idle_closed = impl_->idle_closed.load(std::memory_order_relaxed);
  s.idle_evicted = impl_->idle_evicted.load(std::memory_order_relaxed);
  s.refused = impl_->refused.load(std::memory_order_relaxed);
  return s;
}

Expected<std::unique_ptr<MetricsServer>, std::string> MetricsServer::start(
    const MetricsServerOptions& options, const MetricsRegistry& registry) {
  auto impl = std::make_unique<Impl>(options, registry);
  beast::error_code ec;
  auto address = asio::ip::make_address(options.address, ec);
  std::string where = options.address + ":" + std::to_string(options.port);
  if (ec) return Unexpected{"metrics: invalid address \"" + options.address + "\""};
  tcp::endpoint endpoint(address, options.port);
  auto fail = [&](std::string_view step) {
    return Unexpected{"metrics: cannot " + std::string(step) + " " + where + ": " + ec.message()};
  };
  impl->acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open a socket for");
  impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("set SO_REUSEADDR on");
  impl->acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  impl->bound_port = impl->acceptor.local_endpoint(ec).port();
  if (ec) return fail("read the bound port of");
  impl->accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->ioc.run(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() { stop(); }

std::uint16_t MetricsServer::port() const { return impl_->bound_port; }

void MetricsServer::set_ready(bool ready) {
  impl_->ready.store(ready, std::memory_order_relaxed);
}

void MetricsServer::set_degraded(std::string reason) {
  std::lock_guard lock(impl_->degraded_mutex);
  impl_->degraded = std::move(reason);
}

bool MetricsServer::ready() const { return impl_->ready.load(std::memory_order_relaxed); }

void MetricsServer::stop() {
  std::call_once(impl_->stopped, [this] {
    Impl* impl = impl_.get();
    asio::post(impl->ioc, [impl] {
      beast::error_code ignored;
      impl->acceptor.close(ignored);
      impl->ioc.stop();
    });
    if (impl->thread.joinable()) impl->thread.join();
  });
}

}  // namespace logsift::ops
