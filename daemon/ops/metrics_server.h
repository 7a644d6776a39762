// MetricsServer: the daemon's HTTP endpoint for Prometheus and health checks.
//
//   GET /metrics   200, text/plain; version=0.0.4: MetricsRegistry::scrape()
//   GET /healthz   200 "ok" while the process serves at all (liveness)
//   GET /api/rates 200, application/json from MetricsServerOptions::rates_json when set (rate
//                  series, baselines, anomalies and trends of predictive monitoring), else 404
//   GET <page>     200 with a MetricsServerOptions::pages entry's content type and body (the
//                  status page at "/", its JSON at "/api/status" and "/api/problems"); HTML
//                  pages are sent with a Content-Security-Policy that allows no script, no
//                  frame and no resource from elsewhere, so nothing injected could run
//   GET /readyz    200 "ready" once the app called set_ready(true), else 503 (readiness: rules
//                  loaded, listeners bound; false again while draining at shutdown); 503
//                  "degraded: <reason>" while the app reports a degradation (set_degraded)
//   /api/...       (other than /api/rates) MetricsServerOptions::ops_api when set, any method
//   anything else  404; methods other than GET and HEAD get 405
//
// The server runs its own thread and io_context (Boost.Beast, kept out of this header), so a
// slow scraper never touches the ingest threads. Connections are keep-alive, bounded in number,
// and closed when idle or slow; idle ones make way for new ones at the cap. A scrape runs the
// registry's collectors, which must read counters without waiting on the daemon's work locks. Binding happens in start(), so a taken port or a bad address is
// an error value the app reports, not an exception; port 0 binds a free port, read with port().
//
// Ownership: the registry must outlive the server. Thread-safety: set_ready(), ready(),
// set_degraded(), port()
// and stop() may be called from any thread; the destructor stops and joins.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/ops/metrics.h"
#include "parsers/base/expected.h"

namespace logsift::ops {

// One request to the operations API and its answer.
struct ApiRequest {
  std::string_view method;  // "GET", "HEAD", "POST", ...
  std::string_view target;  // the path, without the query
  std::string_view body;
};
struct ApiResponse {
  int status = 404;
  std::string content_type = "application/json";
  std::string body;
};

// A read-only page the server answers GET (and HEAD) for.
struct MetricsPage {
  std::string path;          // exact request path, without query ("/", "/api/status")
  std::string content_type;  // "text/html; charset=utf-8", "application/json", ...
  // Called on the server thread per request; must not wait on the daemon's work locks.
  std::function<std::string()> body;
};

struct MetricsServerOptions {
  std::string address = "127.0.0.1";  // IP literal to bind; loopback keeps metrics private.
  std::uint16_t port = 9514;          // 0 = any free port (tests).
  // A request must arrive whole within this of the connection opening or of the previous
  // response (keep-alive): idle and slow-sending connections are closed after it.
  std::chrono::milliseconds idle_timeout{2000};
  std::chrono::milliseconds io_timeout{10000};  // a response must drain within this
  // At this many connections, a new one first closes the connection idle the longest (no
  // request bytes under way); only when none is idle is the new one closed at once. Idle
  // connections therefore never lock scrapers out.
  std::size_t max_connections = 64;
  // Body of GET /api/rates, called on the server thread per request; empty = 404.
  std::function<std::string()> rates_json;
  // Every other request under /api/ (GET, HEAD, POST; the body at most 64 KiB), called on the
  // server thread; empty = 404. The operations API (change windows, acknowledgements).
  std::function<ApiResponse(const ApiRequest&)> ops_api;
  std::vector<MetricsPage> pages;
};

// What the server did with its connections (for tests and the app's metrics).
struct MetricsServerStats {
  std::uint64_t connections_open = 0;
  std::uint64_t idle_closed = 0;     // timed out waiting for a request
  std::uint64_t idle_evicted = 0;    // closed to make room for a new connection at the cap
  std::uint64_t refused = 0;         // closed at once: at the cap with nothing idle
};

class MetricsServer {
 public:
  // Binds, listens, and starts serving on a new thread.
  [[nodiscard]] static Expected<std::unique_ptr<MetricsServer>, std::string> start(
      const MetricsServerOptions& options, const MetricsRegistry& registry);

  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  std::uint16_t port() const;  // the bound port (the real one when options.port was 0)
  void set_ready(bool ready);
  bool ready() const;
  // A non-empty reason makes /readyz answer 503 "degraded: <reason>" until it is cleared with "".
  void set_degraded(std::string reason);
  MetricsServerStats stats() const;
  void stop();  // closes the listener and every connection, joins the thread; idempotent

  struct Impl;

 private:
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace logsift::ops
