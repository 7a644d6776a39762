#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "daemon/ops/log.h"

using namespace logsift::ops;

namespace {

struct Harness {
  std::int64_t now_ns = 1'000'000'000;
  std::int64_t wall_us = 1'773'040'364'120'000;  // 2026-03-09T07:12:44.120Z
  std::vector<std::string> lines;

  Logger make(LoggerOptions options = {}) {
    return Logger(options, LogClock{[this] { return now_ns; }, [this] { return wall_us; }},
                  [this](std::string_view line) { lines.emplace_back(line); });
  }
};

}  // namespace

TEST_CASE("log lines are logfmt with timestamp, level, msg and fields", "[ops]") {
  Harness h;
  Logger log = h.make();
  log.warn("listener dropped datagrams", {{"listener", "udp"}, {"n", 12}, {"ok", false},
                                          {"ratio", 0.5}});
  REQUIRE(h.lines.size() == 1);
  CHECK(h.lines[0] ==
        "ts=2026-03-09T07:12:44.120Z level=warn msg=\"listener dropped datagrams\" listener=udp "
        "n=12 ok=false ratio=0.5\n");
}

TEST_CASE("values are quoted and escaped only when they need it", "[ops]") {
  std::string out;
  Logger::append_value(out, "plain");
  CHECK(out == "plain");
  out.clear();
  Logger::append_value(out, "");
  CHECK(out == "\"\"");
  out.clear();
  Logger::append_value(out, "a b=\"c\"\\\n\x01");
  CHECK(out == "\"a b=\\\"c\\\"\\\\\\n\\u0001\"");
  Harness h;
  Logger log = h.make({.timestamps = false});
  log.info("x", {{"bad key!", "v"}});
  CHECK(h.lines.at(0) == "level=info msg=x bad_key_=v\n");
}

TEST_CASE("levels below the minimum are discarded and the minimum can change", "[ops]") {
  Harness h;
  Logger log = h.make({.min_level = LogLevel::kWarn, .timestamps = false});
  log.debug("d");
  log.info("i");
  log.error("e");
  CHECK(h.lines == std::vector<std::string>{"level=error msg=e\n"});
  log.set_level(LogLevel::kDebug);
  log.debug("d");
  CHECK(h.lines.size() == 2);
  CHECK(log.enabled(LogLevel::kDebug));
}

TEST_CASE("a flood of one message is cut to the rate and the next line reports the rest",
          "[ops]") {
  Harness h;
  Logger log = h.make({.rate_limit_per_s = 3, .timestamps = false});
  for (int i = 0; i < 10; ++i) log.warn("flood", {{"i", i}});
  log.info("other event");  // its own bucket: not hidden by the flood
  REQUIRE(h.lines.size() == 4);
  CHECK(h.lines[0] == "level=warn msg=flood i=0\n");
  CHECK(h.lines[2] == "level=warn msg=flood i=2\n");
  CHECK(h.lines[3] == "level=info msg=\"other event\"\n");
  CHECK(log.suppressed_total() == 7);

  h.now_ns += 200'000'000;  // 0.2 s refills 0.6 tokens: still nothing
  log.warn("flood", {{"i", 10}});
  CHECK(h.lines.size() == 4);
  h.now_ns += 200'000'000;  // 1.2 tokens now
  log.warn("flood", {{"i", 11}});
  REQUIRE(h.lines.size() == 5);
  CHECK(h.lines[4] == "level=warn msg=flood i=11 suppressed=8\n");
  log.warn("flood", {{"i", 12}});
  CHECK(h.lines.size() == 5);

  h.now_ns += 60'000'000'000;  // a long quiet spell refills only up to the burst
  for (int i = 0; i < 5; ++i) log.warn("flood");
  CHECK(h.lines.size() == 8);
  CHECK(h.lines[5] == "level=warn msg=flood suppressed=1\n");
  CHECK(log.lines_total() == 8);
}

TEST_CASE("rate limit 0 lets everything through", "[ops]") {
  Harness h;
  Logger log = h.make({.rate_limit_per_s = 0, .timestamps = false});
  for (int i = 0; i < 100; ++i) log.info("same");
  CHECK(h.lines.size() == 100);
  CHECK(log.suppressed_total() == 0);
}

TEST_CASE("past max_keys, new message keys share one bucket", "[ops]") {
  Harness h;
  Logger log = h.make({.rate_limit_per_s = 1, .timestamps = false, .max_keys = 2});
  log.info("a");
  log.info("b");
  log.info("c");  // shares the overflow bucket...
  log.info("d");  // ...so this one is suppressed
  CHECK(h.lines.size() == 3);
}

TEST_CASE("concurrent loggers write whole lines", "[ops]") {
  Harness h;
  Logger log = h.make({.rate_limit_per_s = 0, .timestamps = false});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < 500; ++i) log.info("tick", {{"thread", t}, {"i", i}});
    });
  }
  for (auto& t : threads) t.join();
  REQUIRE(h.lines.size() == 2000);
  for (const auto& line : h.lines) {
    REQUIRE(line.starts_with("level=info msg=tick thread="));
    REQUIRE(line.back() == '\n');
  }
}

TEST_CASE("report_suppressed accounts for floods that stopped", "[ops]") {
  Harness h;
  Logger log = h.make({.rate_limit_per_s = 1, .timestamps = false});
  for (int i = 0; i < 4; ++i) log.warn("disk full");
  log.info("quiet");
  log.report_suppressed();
  REQUIRE(h.lines.size() == 3);
  CHECK(h.lines[2] == "level=warn msg=\"log lines suppressed\" key=\"disk full\" suppressed=3\n");
  log.report_suppressed();  // nothing new to report
  CHECK(h.lines.size() == 3);
  h.now_ns += 5'000'000'000;
  log.warn("disk full");
  CHECK(h.lines.back() == "level=warn msg=\"disk full\"\n");  // already reported, not repeated
}
