// Certificates for TLS tests, made at run time with the openssl CLI: a CA, a server certificate
// (CN=localhost) and a client certificate, both signed by the CA, as ca.crt/ca.key,
// server.crt/server.key and client.crt/client.key in `dir`. Short-lived (one day), EC P-256.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace logsift::testing {

// True when every file was made; openssl's output goes to dir/openssl.log.
inline bool make_test_certificates(const std::filesystem::path& dir) {
  const std::string d = dir.string();
  const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::string script =
      "cd " + d + " && openssl req -x509" + key + " -keyout ca.key -out ca.crt -subj /CN=logsift-test-ca -days 1" +
      " && openssl req" + key + " -keyout server.key -out server.csr -subj /CN=localhost" +
      " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1" +
      " && openssl req" + key + " -keyout client.key -out client.csr -subj /CN=client" +
      " && openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 1";
  return std::system(("(" + script + ") >" + d + "/openssl.log 2>&1").c_str()) == 0;
}

}  // namespace logsift::testing
