// Tests the TLS listener (RFC 5425): certificates made at run time with the openssl CLI, a
// Boost.Asio SSL client, mutual TLS, and the handshake timeout.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <boost/asio/read_until.hpp>

#include "tests/ingest/relp_test_support.h"
#include "tests/tls_test_certificates.h"

using namespace ingest_test;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

// A CA, a server and a client certificate signed by it, in a fresh temporary directory.
struct Certificates {
  fs::path dir;
  bool ok = false;

  Certificates() {
    char pattern[] = "/tmp/logsift-ingest-tls-XXXXXX";
    if (!::mkdtemp(pattern)) return;
    dir = pattern;
    ok = logsift::testing::make_test_certificates(dir);
  }
  ~Certificates() {
    std::error_code ignored;
    if (!dir.empty()) fs::remove_all(dir, ignored);
  }
  std::string file(const char* name) const { return (dir / name).string(); }

  ListenerConfig listener_config(bool verify_client) const {
    ListenerConfig config = listener(Protocol::kTls);
    config.tls.cert_file = file("server.crt");
    config.tls.key_file = file("server.key");
    config.tls.ca_file = file("ca.crt");
    config.tls.verify_client = verify_client;
    return config;
  }
};

// Connects, handshakes, sends `data`, closes. Returns the first error met (empty on success).
std::string tls_send(const Certificates& certs, std::uint16_t port, const std::string& data, bool with_client_cert,
                     int max_version = 0) {
  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  boost::system::error_code ec;
  context.load_verify_file(certs.file("ca.crt"), ec);
  context.set_verify_mode(asio::ssl::verify_peer, ec);
  if (max_version) SSL_CTX_set_max_proto_version(context.native_handle(), max_version);
  if (with_client_cert) {
    context.use_certificate_chain_file(certs.file("client.crt"), ec);
    context.use_private_key_file(certs.file("client.key"), asio::ssl::context::pem, ec);
    if (ec) return "client certificate: " + ec.message();
  }
  asio::ssl::stream<asio::ip::tcp::socket> stream(io, context);
  stream.lowest_layer().connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return "connect: " + ec.message();
  stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return "handshake: " + ec.message();
  asio::write(stream, asio::buffer(data), ec);
  if (ec) return "write: " + ec.message();
  // TLS 1.3 servers verify a client certificate after the client finished: a read shows the verdict.
  stream.shutdown(ec);
  if (ec && ec != asio::error::eof && ec != asio::ssl::error::stream_truncated) return "shutdown: " + ec.message();
  return "";
}

}  // namespace

TEST_CASE("ingest receives syslog over TLS", "[ingest][tls]") {
  Certificates certs;
  REQUIRE(certs.ok);
  Harness h({certs.listener_config(false)});
  REQUIRE(tls_send(certs, h.server->bound_port(0), "<13>over tls\n12 <13>octets!", false) == "");
  auto got = h.collect(2);
  CHECK(texts(got) == std::vector<std::string>{"<13>over tls", "<13>octets!"});
  CHECK(h.server->stats().listeners[0].tls_handshake_failures == 0);
}

TEST_CASE("ingest with mutual TLS accepts a client certificate and refuses a client without one",
          "[ingest][tls]") {
  Certificates certs;
  REQUIRE(certs.ok);
  Harness h({certs.listener_config(true)});
  const std::uint16_t port = h.server->bound_port(0);
  (void)tls_send(certs, port, "<13>no certificate\n", false);  // may fail at handshake or later
  REQUIRE(eventually([&] { return h.server->stats().listeners[0].tls_handshake_failures == 1; }));
  REQUIRE(tls_send(certs, port, "<13>with certificate\n", true) == "");
  auto got = h.collect(1);
  CHECK(texts(got) == std::vector<std::string>{"<13>with certificate"});
  // Give a wrongly accepted message the chance to show up: the queue must hold only one.
  CHECK(h.collect(2, 200).size() == 1);
}

TEST_CASE("ingest closes a client that never handshakes while others get through", "[ingest][tls]") {
  Certificates certs;
  REQUIRE(certs.ok);
  ListenerConfig config = certs.listener_config(false);
  config.tls.handshake_timeout_ms = 300;
  Harness h({config});
  const std::uint16_t port = h.server->bound_port(0);
  Socket silent = tcp_connect("127.0.0.1", port);
  REQUIRE(tls_send(certs, port, "<13>meanwhile\n", false) == "");
  CHECK(texts(h.collect(1)) == std::vector<std::string>{"<13>meanwhile"});
  CHECK(closed_by_server(silent));
  auto stats = h.server->stats().listeners[0];
  CHECK(stats.handshake_timeouts == 1);
  CHECK(stats.tls_handshake_failures == 1);
}

TEST_CASE("ingest TLS listener enforces its minimum TLS version", "[ingest][tls]") {
  Certificates certs;
  REQUIRE(certs.ok);
  ListenerConfig config = certs.listener_config(false);
  config.tls.min_version = "1.3";
  Harness h({config});
  const std::uint16_t port = h.server->bound_port(0);
  CHECK(tls_send(certs, port, "<13>old\n", false, TLS1_2_VERSION) != "");
  REQUIRE(tls_send(certs, port, "<13>new\n", false) == "");
  CHECK(texts(h.collect(1)) == std::vector<std::string>{"<13>new"});
  CHECK(h.server->stats().listeners[0].tls_handshake_failures == 1);
}

TEST_CASE("ingest reports unreadable TLS files as an error value", "[ingest][tls]") {
  BatchQueue queue(4);
  BatchPool pool(BatchLimits{});
  ListenerConfig config = listener(Protocol::kTls);
  config.tls.cert_file = "/nonexistent/server.crt";
  config.tls.key_file = "/nonexistent/server.key";
  auto created = IngestServer::create({config}, queue, pool);
  REQUIRE_FALSE(created);
  CHECK(created.error().code == IngestError::Code::kTls);
  config.tls.min_version = "1.1";
  auto invalid = IngestServer::create({config}, queue, pool);
  REQUIRE_FALSE(invalid);
  CHECK(invalid.error().code == IngestError::Code::kInvalidConfig);
}

TEST_CASE("ingest answers RELP over TLS once the batch was processed", "[ingest][tls][relp]") {
  Certificates certs;
  REQUIRE(certs.ok);
  ListenerConfig config = certs.listener_config(false);
  config.protocol = Protocol::kRelp;
  Harness h({config});
  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  boost::system::error_code ec;
  context.load_verify_file(certs.file("ca.crt"), ec);
  context.set_verify_mode(asio::ssl::verify_peer, ec);
  asio::ssl::stream<asio::ip::tcp::socket> stream(io, context);
  stream.lowest_layer().connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.server->bound_port(0)), ec);
  REQUIRE(!ec);
  stream.handshake(asio::ssl::stream_base::client, ec);
  REQUIRE(!ec);
  asio::write(stream, asio::buffer(relp_open() + relp_frame(2, "syslog", "<13>relp over tls")), ec);
  REQUIRE(!ec);
  std::string answers;
  asio::read_until(stream, asio::dynamic_buffer(answers), "commands=syslog\n", ec);
  CHECK(answers == relp_open_answer());
  std::vector<PoppedBatch> batches = pop_messages(h, 1);
  REQUIRE(messages_of(batches) == std::vector<std::string>{"<13>relp over tls"});
  batches[0].report_processed();
  answers.clear();
  asio::read_until(stream, asio::dynamic_buffer(answers), "200 OK\n", ec);
  CHECK(answers == "2 rsp 6 200 OK\n");
}
