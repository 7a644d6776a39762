// Fake destinations for the sink tests and benchmarks: real sockets and the real wire formats.
//
// FakeHttpServer is a small HTTP/1.1 server (Boost.Beast, keep-alive, optional TLS, one thread
// per connection) on 127.0.0.1 with an ephemeral port. Subclasses answer requests and keep their
// own record of what they stored; tests read that record to account for every alert exactly.
// Faults on demand, common to all: down (stop listening and drop connections, later come back on
// the same port), slow (a delay before each answer), and the next N requests answered with a
// given status. FakeSyslogServer reads octet-counted (or newline-framed) syslog over TCP or TLS.
//
// Every public method is safe from any thread: the server's threads answer while the test
// inspects.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace logsift::sinks::testing {

struct FakeRequest {
  std::string method;
  std::string target;                         // path and query
  std::map<std::string, std::string> headers; // names lower-cased
  std::string body;                           // gzip bodies already inflated
  std::size_t wire_bytes = 0;                 // body bytes as sent
};

struct FakeResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};

struct FakeTls {
  std::string cert_file;  // server certificate; empty = plain TCP
  std::string key_file;
  std::string client_ca_file;  // when set, a client certificate signed by it is required
};

class FakeHttpServer {
 public:
  explicit FakeHttpServer(FakeTls tls = {});
  virtual ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:<port>" or https://localhost:<port>

  void go_down();    // refuse connections and drop the open ones
  void come_back();  // listen again on the same port
  void set_delay_ms(int ms) { delay_ms_ = ms; }  // handle, then answer this late
  void fail_next(unsigned status, int requests, std::string body = "{\"text\":\"Server is busy\",\"code\":9}");
  std::uint64_t requests() const { return requests_; }
  std::uint64_t connections() const { return connections_; }
  std::uint64_t request_bytes() const { return request_bytes_; }

 protected:
  // Answers one request (called with no lock held; subclasses lock their own state).
  virtual FakeResponse handle(const FakeRequest& request) = 0;
  void stop();  // subclasses call it first in their destructor

 private:
  struct Listener;
  void listen();
  void accept_loop();
  void serve(int fd);
  template <typename Stream>
  void serve_stream(Stream& stream);
  FakeResponse answer(FakeRequest& request);

  FakeTls tls_;
  std::unique_ptr<Listener> listener_;
  std::uint16_t port_ = 0;
  std::thread accept_thread_;
  std::mutex mutex_;  // connection fds and threads, fault state
  std::vector<int> open_fds_;
  std::vector<std::thread> connection_threads_;
  std::atomic<bool> up_{false};
  std::atomic<int> delay_ms_{0};
  unsigned fail_status_ = 0;
  int fail_requests_ = 0;
  std::string fail_body_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint64_t> request_bytes_{0};
};

// A syslog receiver: octet-counted frames ("<len> <msg>"), or newline-terminated ones.
class FakeSyslogServer {
 public:
  // `port` 0: an ephemeral one; else that port (a receiver coming back where it was).
  explicit FakeSyslogServer(FakeTls tls = {}, std::uint16_t port = 0);
  ~FakeSyslogServer();
  std::uint16_t port() const { return port_; }
  std::vector<std::string> messages() const;
  std::size_t message_count() const;
  // Closes each connection after it has read this many more messages (0: never).
  void close_after(std::size_t messages) { close_after_ = messages; }
  std::uint64_t connections() const { return connections_; }
  std::uint64_t closed_connections() const { return closed_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> close_after_{0};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint64_t> closed_{0};
};

// A webhook receiver: stores every request it answered 2xx, as received.
class FakeWebhook final : public FakeHttpServer {
 public:
  explicit FakeWebhook(FakeTls tls = {}) : FakeHttpServer(std::move(tls)) {}
  ~FakeWebhook() override { stop(); }
  std::vector<FakeRequest> stored() const;
  void clear();  // forget what was stored
  void require_authorization(std::string value);

 protected:
  FakeResponse handle(const FakeRequest& request) override;

 private:
  mutable std::mutex mutex_;
  std::vector<FakeRequest> stored_;
  std::string authorization_;
};

}  // namespace logsift::sinks::testing
