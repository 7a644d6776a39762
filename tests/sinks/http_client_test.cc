// Tests for daemon/sinks/http_client.cc: URLs, keep-alive, TLS verification, client certificates.
#include "daemon/sinks/http_client.h"

#include <catch2/catch.hpp>

#include "tests/sinks/sink_test_support.h"
#include "tests/tls_test_certificates.h"

namespace logsift::sinks {
namespace {

using testing::FakeWebhook;

TEST_CASE("parse_url splits scheme, host, port, path and query", "[sinks][http_client]") {
  auto u = parse_url("https://splunk.example:8088/services/collector/event?x=1");
  REQUIRE(u);
  CHECK(u->https);
  CHECK(u->host == "splunk.example");
  CHECK(u->port == 8088);
  CHECK(u->path == "/services/collector/event");
  CHECK(u->query == "x=1");
  auto v6 = parse_url("http://[::1]:9200");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 9200);
  CHECK(v6->path.empty());
  auto plain = parse_url("https://es.example");
  REQUIRE(plain);
  CHECK(plain->port == 443);
  CHECK_FALSE(parse_url("ftp://x"));
  CHECK_FALSE(parse_url("http://:80/"));
  CHECK_FALSE(parse_url("http://h:99999/"));
  CHECK_FALSE(parse_url("https://user:pw@h/"));
}

TEST_CASE("base64_encode pads as RFC 4648 says", "[sinks][http_client]") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("elastic:changeme") == "ZWxhc3RpYzpjaGFuZ2VtZQ==");
}

TEST_CASE("the http client reuses one connection and reconnects when the server went away", "[sinks][http_client]") {
  FakeWebhook hook;
  auto url = parse_url(hook.url());
  REQUIRE(url);
  auto client = HttpClient::make(*url, {}, 5000);
  REQUIRE(client);
  for (int i = 0; i < 3; ++i) {
    auto r = client.value()->request("POST", "/x", {}, "body");
    REQUIRE(r);
    CHECK(r->status == 202);
  }
  CHECK(hook.connections() == 1);
  hook.go_down();  // drops the idle keep-alive connection
  hook.come_back();
  auto r = client.value()->request("POST", "/x", {}, "body");
  REQUIRE(r);
  CHECK(hook.connections() == 2);
  CHECK(hook.stored().size() == 4);
}

TEST_CASE("https verifies the server certificate and name and presents a client certificate", "[sinks][http_client]") {
  testing::TempDir dir;
  REQUIRE(logsift::testing::make_test_certificates(dir.path()));
  FakeWebhook hook(testing::FakeTls{dir / "server.crt", dir / "server.key", dir / "ca.crt"});
  auto url = parse_url(hook.url());  // https://localhost:<port>
  REQUIRE(url);
  config::SinkTlsConfig tls;

  auto untrusted = HttpClient::make(*url, tls, 5000);
  REQUIRE(untrusted);
  auto refused = untrusted.value()->request("POST", "/", {}, "x");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("certificate verify failed") != std::string::npos);

  tls.ca_file = dir / "ca.crt";
  auto no_client_cert = HttpClient::make(*url, tls, 5000);
  REQUIRE(no_client_cert);
  CHECK_FALSE(no_client_cert.value()->request("POST", "/", {}, "x"));

  tls.cert_file = dir / "client.crt";
  tls.key_file = dir / "client.key";
  auto mutual = HttpClient::make(*url, tls, 5000);
  REQUIRE(mutual);
  auto ok = mutual.value()->request("POST", "/", {}, "x");
  REQUIRE(ok);
  CHECK(ok->status == 202);

  tls.server_name = "elsewhere.example";
  auto wrong_name = HttpClient::make(*url, tls, 5000);
  REQUIRE(wrong_name);
  CHECK_FALSE(wrong_name.value()->request("POST", "/", {}, "x"));
  CHECK(hook.stored().size() == 1);

  tls.ca_file = dir / "missing-ca.crt";
  auto bad_file = HttpClient::make(*url, tls, 5000);
  REQUIRE_FALSE(bad_file);
  CHECK(bad_file.error().find("tls ca " + tls.ca_file) != std::string::npos);
}

}  // namespace
}  // namespace logsift::sinks
