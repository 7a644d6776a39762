#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <thread>

#include "daemon/ops/metrics.h"

using namespace logsift::ops;

TEST_CASE("metrics render HELP, TYPE and samples in text format 0.0.4", "[ops]") {
  MetricsWriter w;
  w.counter("logsift_received_messages_total", "Messages received.", 42u, {{"listener", "tcp"}});
  w.gauge("logsift_open_problems", "Problems currently open.", 3);
  CHECK(w.render() ==
        "# HELP logsift_received_messages_total Messages received.\n"
        "# TYPE logsift_received_messages_total counter\n"
        "logsift_received_messages_total{listener=\"tcp\"} 42\n"
        "# HELP logsift_open_problems Problems currently open.\n"
        "# TYPE logsift_open_problems gauge\n"
        "logsift_open_problems 3\n");
}

TEST_CASE("samples of one family written apart are grouped under one header", "[ops]") {
  MetricsWriter w;
  w.counter("a_total", "A.", 1, {{"l", "x"}});
  w.gauge("b", "B.", 2);
  w.counter("a_total", "A.", 3, {{"l", "y"}});
  CHECK(w.render() ==
        "# HELP a_total A.\n# TYPE a_total counter\na_total{l=\"x\"} 1\na_total{l=\"y\"} 3\n"
        "# HELP b B.\n# TYPE b gauge\nb 2\n");
}

TEST_CASE("label values escape backslash, quote and newline; help escapes backslash and newline",
          "[ops]") {
  MetricsWriter w;
  w.gauge("m", "Path C:\\logs\nsecond \"line\"", 1,
          {{"path", "C:\\logs"}, {"q", "say \"hi\""}, {"nl", "a\nb"}});
  CHECK(w.render() ==
        "# HELP m Path C:\\\\logs\\nsecond \"line\"\n"
        "# TYPE m gauge\n"
        "m{path=\"C:\\\\logs\",q=\"say \\\"hi\\\"\",nl=\"a\\nb\"} 1\n");
}

TEST_CASE("values: integers exact, doubles shortest, NaN and infinities spelled out", "[ops]") {
  CHECK(MetricsWriter::format_value(std::numeric_limits<std::uint64_t>::max()) ==
        "18446744073709551615");
  CHECK(MetricsWriter::format_value(std::int64_t{-5}) == "-5");
  CHECK(MetricsWriter::format_value(0.25) == "0.25");
  CHECK(MetricsWriter::format_value(1e21) == "1e+21");
  CHECK(MetricsWriter::format_value(std::nan("")) == "NaN");
  CHECK(MetricsWriter::format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(MetricsWriter::format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(MetricsWriter::format_value(true) == "1");
}

TEST_CASE("invalid names and conflicting types are dropped and counted", "[ops]") {
  MetricsWriter w;
  w.counter("9starts_with_digit", "x", 1);
  w.counter("has-dash", "x", 1);
  w.counter("ok_total", "x", 1, {{"__reserved", "v"}});
  w.counter("ok_total", "x", 1, {{"bad-label", "v"}});
  w.counter("ok_total", "x", 1);
  w.gauge("ok_total", "x", 2);  // family is a counter already
  CHECK(w.rejected_samples() == 5);
  std::string text = w.render();
  CHECK(text.find("has-dash") == std::string::npos);
  CHECK(text.find("ok_total 1\n") != std::string::npos);
  CHECK(text.find("ok_total 2") == std::string::npos);
  CHECK(text.find("# TYPE logsift_metrics_rejected_samples_total counter\n"
                  "logsift_metrics_rejected_samples_total 5\n") != std::string::npos);
  CHECK(MetricsWriter::valid_metric_name("logsift:rule_matches:rate5m"));
  CHECK_FALSE(MetricsWriter::valid_label_name("a:b"));
}

TEST_CASE("the registry renders its own metrics, then each collector in order", "[ops]") {
  MetricsRegistry registry;
  Counter& reloads = registry.counter("logsift_reloads_total", "Reloads.", {{"result", "ok"}});
  Gauge& ready = registry.gauge("logsift_ready", "1 when ready.");
  CHECK(&reloads == &registry.counter("logsift_reloads_total", "Reloads.", {{"result", "ok"}}));
  reloads.increment(2);
  ready.set(1);
  ready.add(0.5);
  struct ListenerStats {
    std::uint64_t received = 7;
  } stats;
  registry.add_collector([&](MetricsWriter& w) {
    w.counter("logsift_received_messages_total", "Messages received.", stats.received,
              {{"listener", "udp"}});
  });
  std::string text = registry.scrape();
  CHECK(text ==
        "# HELP logsift_reloads_total Reloads.\n# TYPE logsift_reloads_total counter\n"
        "logsift_reloads_total{result=\"ok\"} 2\n"
        "# HELP logsift_ready 1 when ready.\n# TYPE logsift_ready gauge\nlogsift_ready 1.5\n"
        "# HELP logsift_received_messages_total Messages received.\n"
        "# TYPE logsift_received_messages_total counter\n"
        "logsift_received_messages_total{listener=\"udp\"} 7\n");
  stats.received = 9;  // read at scrape time, not at registration
  CHECK(registry.scrape().find("{listener=\"udp\"} 9\n") != std::string::npos);
}

TEST_CASE("registry counters are safe to bump from many threads during scrapes", "[ops]") {
  MetricsRegistry registry;
  Counter& c = registry.counter("x_total", "X.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.increment();
    });
  }
  for (int i = 0; i < 20; ++i) CHECK(registry.scrape().find("x_total ") != std::string::npos);
  for (auto& t : threads) t.join();
  CHECK(c.value() == 40000);
}

TEST_CASE("a histogram is written as cumulative buckets, sum and count under one header", "[ops]") {
  MetricsWriter w;
  const std::array<double, 2> bounds{0.1, 1};
  const std::array<std::uint64_t, 3> counts{2, 3, 1};
  const std::array<MetricLabel, 1> labels{{{"sink", "siem"}}};
  w.histogram("delivery_seconds", "Latency.", labels, bounds, counts, 4.5);
  CHECK(w.render() ==
        "# HELP delivery_seconds Latency.\n"
        "# TYPE delivery_seconds histogram\n"
        "delivery_seconds_bucket{sink=\"siem\",le=\"0.1\"} 2\n"
        "delivery_seconds_bucket{sink=\"siem\",le=\"1\"} 5\n"
        "delivery_seconds_bucket{sink=\"siem\",le=\"+Inf\"} 6\n"
        "delivery_seconds_sum{sink=\"siem\"} 4.5\n"
        "delivery_seconds_count{sink=\"siem\"} 6\n");
}
