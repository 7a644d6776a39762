// Messages from real clients reach decoded alert batches: util-linux logger over UDP and TCP in
// RFC 3164 and RFC 5424, with and without octet counting; NDJSON over TCP; TLS and mutual TLS.
#include "tests/integration/daemon_harness.h"
#include "tests/tls_test_certificates.h"

using namespace logsift::integration;

namespace {

int run(const std::string& command) { return std::system(("(" + command + ") >/dev/null 2>&1").c_str()); }

// Sends one line over TLS with openssl s_client; true when the session completed.
bool tls_send(const fs::path& certs, std::uint16_t port, const std::string& line, bool client_cert) {
  std::string command = "printf '%s\\n' '" + line + "' | timeout 20 openssl s_client -connect 127.0.0.1:" +
                        std::to_string(port) + " -quiet -no_ign_eof -verify_return_error -CAfile " +
                        (certs / "ca.crt").string();
  if (client_cert) command += " -cert " + (certs / "client.crt").string() + " -key " + (certs / "client.key").string();
  return run(command) == 0;
}

}  // namespace

TEST_CASE("logger over UDP and TCP, 3164 and 5424, LF and octet counted, and NDJSON all become alerts", "[integration]") {
  auto dir = scratch("delivery");
  write_text(dir / "rules.yaml", kProbeRules);
  Daemon d(dir, config_with(listener("udp", "udp") + listener("tcp", "tcp") + listener("json", "ndjson")));
  REQUIRE(d.ready());
  const auto udp = std::to_string(d.port("udp"));
  const auto tcp = std::to_string(d.port("tcp"));
  REQUIRE(udp != "0");

  const std::string logger = "logger --server 127.0.0.1 -t probeapp ";
  CHECK(run(logger + "--port " + udp + " --udp --rfc3164 'logsift-probe udp3164'") == 0);
  CHECK(run(logger + "--port " + udp + " --udp --rfc5424 'logsift-probe udp5424'") == 0);
  CHECK(run(logger + "--port " + tcp + " --tcp --rfc3164 'logsift-probe tcp3164'") == 0);
  CHECK(run(logger + "--port " + tcp + " --tcp --rfc5424 'logsift-probe tcp5424'") == 0);
  CHECK(run(logger + "--port " + tcp + " --tcp --rfc5424 --octet-count 'logsift-probe tcp5424octet'") == 0);
  CHECK(run(logger + "--port " + tcp + " --tcp --rfc3164 --octet-count 'logsift-probe tcp3164octet'") == 0);
  CHECK(tcp_send(d.port("json"), "{\"message\": \"logsift-probe ndjson\", \"host\": \"k8s-node-7\", \"app\": \"api\"}\n"));

  REQUIRE(eventually([&] { return d.metric("logsift_incidents_total") == 7; }));
  REQUIRE(d.stop() == 0);
  auto alerts = decode_alerts(dir / "alerts");
  for (const char* probe : {"udp3164", "udp5424", "tcp3164", "tcp5424", "tcp5424octet", "tcp3164octet", "ndjson"}) {
    INFO(probe);
    CHECK(alerts.count("incident", std::string("\"probe_id\":\"") + probe + "\"") == 1);
  }
  CHECK(alerts.count("incident", "\"host\":{\"name\":\"k8s-node-7\"}") == 1);
  CHECK(alerts.count("incident", "\"rule\":{\"id\":\"it.probe\"") == 7);
}

TEST_CASE("TLS and mutual TLS deliver; a client without a certificate or a handshake is refused and counted", "[integration][tls]") {
  auto dir = scratch("tls");
  REQUIRE(logsift::testing::make_test_certificates(dir));
  write_text(dir / "rules.yaml", kProbeRules);
  const std::string tls = "    tls:\n      cert: " + (dir / "server.crt").string() + "\n      key: " +
                          (dir / "server.key").string() + "\n      ca: " + (dir / "ca.crt").string() +
                          "\n      handshake_timeout: 1s\n";
  Daemon d(dir, config_with(listener("tls", "tls", tls) + listener("mtls", "tls", tls + "      verify_client: true\n")));
  REQUIRE(d.ready());

  // A client that connects and never starts its handshake holds a slot only until the timeout.
  int silent = tcp_connect(d.port("tls"));
  REQUIRE(silent >= 0);

  CHECK(tls_send(dir, d.port("tls"), "<13>Mar  9 07:12:44 edge3 app: logsift-probe tls", false));
  CHECK(tls_send(dir, d.port("mtls"), "<13>Mar  9 07:12:44 edge3 app: logsift-probe mtls", true));
  tls_send(dir, d.port("mtls"), "<13>Mar  9 07:12:44 edge3 app: logsift-probe nocert", false);

  CHECK(eventually([&] { return d.metric("logsift_tls_handshake_failures_total{listener=\"tls\"}") >= 1; }));
  char byte;
  CHECK(::recv(silent, &byte, 1, 0) == 0);  // closed by the server
  ::close(silent);
  CHECK(eventually([&] { return d.metric("logsift_tls_handshake_failures_total{listener=\"mtls\"}") >= 1; }));
  REQUIRE(eventually([&] { return d.metric("logsift_incidents_total") == 2; }));
  REQUIRE(d.stop() == 0);
  auto alerts = decode_alerts(dir / "alerts");
  CHECK(alerts.count("incident", "\"probe_id\":\"tls\"") == 1);
  CHECK(alerts.count("incident", "\"probe_id\":\"mtls\"") == 1);
  CHECK(alerts.count("incident", "\"probe_id\":\"nocert\"") == 0);
}
