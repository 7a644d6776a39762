// A rule PCRE2 keeps giving up on, under load: the daemon suspends it once, says so in one alert,
// one log line and its metrics, keeps matching every other line, and a reload clears it.
#include <atomic>
#include <thread>

#include "tests/integration/daemon_harness.h"

using namespace logsift::integration;

namespace {

// it.slow is PCRE2's to decide (a back-reference) and tries every way of cutting a run of word
// characters into pieces: on a line without the repeat it stops at PCRE2's match limit.
const std::string kRules = std::string(kProbeRules) + R"(  - id: it.slow
    name: A token repeated before a bang
    match: 'slowcheck: (\w+\s?)+\1!'
    allow_slow: true
)";

std::string slow_line(int i) {
  // 48 distinct word characters, so no piece repeats: the match fails after exhausting the limit.
  return "<13>Mar  9 07:12:44 edge3 app: slowcheck: abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV" +
         std::to_string(i % 10) + "!\n";
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a rule that keeps hitting PCRE2 limits under load is suspended once, other lines still match",
          "[integration][rules]") {
  constexpr int kLines = 6000;
  constexpr int kSlowEvery = 10;  // every 10th line is one PCRE2 gives up on
  constexpr int kSlow = kLines / kSlowEvery;
  constexpr int kProbes = kLines - kSlow;
  auto dir = scratch("rule-breaker");
  write_text(dir / "rules.yaml", kRules);
  std::string config = config_with(listener("tcp", "tcp"), "pipeline:\n  workers: 2\n");
  const std::string cache_line = "  cache_dir: cache\n";
  config.insert(config.find(cache_line) + cache_line.size(), "  suspend_after: { limit_hits: 20, within: 1h }\n");
  Daemon d(dir, config);
  REQUIRE(d.ready());

  std::atomic<bool> sender_ok{false};
  std::thread sender([&] {
    int fd = tcp_connect(d.port("tcp"));
    std::string chunk;
    bool ok = fd >= 0;
    for (int i = 0; i < kLines && ok; ++i) {
      chunk += i % kSlowEvery == 0 ? slow_line(i) : probe_line("p" + std::to_string(i));
      if (chunk.size() > 64 * 1024) {
        ok = send_all(fd, chunk);
        chunk.clear();
      }
    }
    ok = ok && send_all(fd, chunk);
    if (fd >= 0) ::close(fd);
    sender_ok = ok;
  });
  sender.join();
  REQUIRE(sender_ok.load());
  REQUIRE(eventually([&] { return d.metric("logsift_processed_records_total") == kLines; }, 120000));
  CHECK(d.metric("logsift_received_messages_total{listener=\"tcp\"}") == kLines);
  CHECK(d.metric("logsift_incidents_total") == kProbes);
  CHECK(d.metric("logsift_rule_matches_total{rule=\"it.probe\"}") == kProbes);

  CHECK(d.metric("logsift_rules_suspended") == 1);
  CHECK(d.metric("logsift_rule_suspended{rule=\"it.slow\"}") == 1);
  const double hits = d.metric("logsift_rule_pcre_limit_hits_total{rule=\"it.slow\"}");
  CHECK(hits >= 20);
  CHECK(hits < kSlow);  // once suspended, the rule's pattern no longer ran
  CHECK(d.metric("logsift_pcre_errors_total") == hits);
  CHECK(d.metric("logsift_rule_pcre_seconds_total{rule=\"it.slow\"}") > 0);
  // it.probe has a named group, so PCRE2 ran for it too, but never hit a limit.
  CHECK(d.metric("logsift_rule_pcre_limit_hits_total{rule=\"it.probe\"}") == -1);
  REQUIRE(eventually([&] { return occurrences(d.log(), "msg=\"rule suspended") == 1; }));
  CHECK(d.log().find("rule=it.slow limit_hits=") != std::string::npos);

  // A reload installs the rule set again: the suspension ends.
  d.signal(SIGHUP);
  REQUIRE(eventually([&] { return d.metric("logsift_rule_reloads_total") == 1; }));
  CHECK(d.metric("logsift_rules_suspended") == 0);
  CHECK(d.metric("logsift_rule_suspended{rule=\"it.slow\"}") == -1);

  REQUIRE(d.stop() == 0);
  CHECK(occurrences(d.log(), "msg=\"rule suspended") == 1);
  const auto alerts = decode_alerts(dir / "alerts");
  CHECK(alerts.count("incident", "it.probe") == kProbes);
  const auto suspended = alert_lines(dir / "alerts", "rule.suspended", "");
  REQUIRE(suspended.size() == 1);
  simdjson::dom::parser parser;
  const simdjson::dom::element doc = parser.parse(suspended[0]);
  CHECK(json_string_at(doc, "/rule/id") == "it.slow");
  std::uint64_t alert_hits = 0;
  std::int64_t within_ms = 0;
  double seconds = 0;
  CHECK(doc.at_pointer("/logsift/suspension/limit_hits").get(alert_hits) == simdjson::SUCCESS);
  CHECK(doc.at_pointer("/logsift/suspension/within_ms").get(within_ms) == simdjson::SUCCESS);
  CHECK(doc.at_pointer("/logsift/suspension/pcre_seconds").get(seconds) == simdjson::SUCCESS);
  CHECK(alert_hits >= 20);
  CHECK(alert_hits <= static_cast<std::uint64_t>(hits));
  CHECK(within_ms == 3'600'000);
  CHECK(seconds > 0);
}
