// The alert contract as a SIEM sees it from the running daemon: event time against arrival time,
// the sender and syslog header, addresses that index, exact counts, and reloads that close
// problems instead of dropping them.
#include <ctime>

#include "tests/integration/daemon_harness.h"

using namespace logsift::integration;

namespace {

const char* kSshRule = R"(ruleset: it
rules:
  - id: it.ssh
    name: Failed password
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
    group_by: [source_ip]
    problem: { count: 5, within: 10m, resolve_after: 1h }
)";

// RFC 3339 with microseconds, as alerts write it.
std::string rfc3339(std::time_t t) {
  char buf[40];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return std::string(buf) + ".000000Z";
}

// An RFC 5424 line without a HOSTNAME, stamped `stamp`.
std::string failure(const std::string& stamp, const std::string& from) {
  return "<38>1 " + stamp + " - sshd 4242 AUTH - Failed password for root from " + from + " port 22 ssh2\n";
}

std::string string_at(simdjson::dom::element doc, const char* pointer) {
  std::string_view v;
  INFO(pointer);
  REQUIRE(doc.at_pointer(pointer).get_string().get(v) == simdjson::SUCCESS);
  return std::string(v);
}

std::int64_t int_at(simdjson::dom::element doc, const char* pointer) {
  std::int64_t v = 0;
  INFO(pointer);
  REQUIRE(doc.at_pointer(pointer).get_int64().get(v) == simdjson::SUCCESS);
  return v;
}

}  // namespace

TEST_CASE("live alerts carry the sender, the syslog header, event time and exact counts", "[integration][contract]") {
  auto dir = scratch("contract");
  write_text(dir / "rules.yaml", kSshRule);
  Daemon d(dir, config_with(listener("tcp", "tcp")));
  REQUIRE(d.ready());
  const std::time_t now = std::time(nullptr);
  const std::string recent = rfc3339(now - 30);       // plausible: kept as @timestamp
  const std::string stale = rfc3339(now - 3 * 86400);  // beyond 24 h behind: arrival instead
  std::string traffic;
  for (int i = 0; i < 5; ++i) traffic += failure(recent, "203.0.113.7");
  traffic += failure(stale, "198.51.100.9");
  traffic += failure(recent, "gateway.example.net");
  REQUIRE(tcp_send(d.port("tcp"), traffic));
  REQUIRE(eventually([&] { return d.metric("logsift_incidents_total") == 7; }));
  CHECK(d.metric("logsift_capture_type_mismatches_total") == 1);
  CHECK(eventually([&] { return d.metric("logsift_event_time_fallbacks_total") == 1; }));
  REQUIRE(d.stop() == 0);

  auto alerts = decode_alerts(dir / "alerts");
  simdjson::dom::parser parser;
  int incidents = 0;
  for (const std::string& line : alerts.lines) {
    INFO(line);
    simdjson::dom::element a = parser.parse(line);
    CHECK(string_at(a, "/ecs/version") == "8.11.0");
    CHECK(string_at(a, "/log/source/address") == "127.0.0.1");
    CHECK(string_at(a, "/host/name") == "127.0.0.1");  // the message named no host
    CHECK(a.at_pointer("/log/syslog/hostname").is_null());
    CHECK(string_at(a, "/log/syslog/appname") == "sshd");
    CHECK(string_at(a, "/log/syslog/procid") == "4242");
    CHECK(string_at(a, "/log/syslog/msgid") == "AUTH");
    CHECK(string_at(a, "/log/syslog/facility/name") == "auth");
    CHECK(int_at(a, "/log/syslog/priority") == 38);
    CHECK(string_at(a, "/event/created") >= rfc3339(now - 1));
    const std::string action = string_at(a, "/event/action");
    if (line.find("203.0.113.7") != std::string::npos) {
      CHECK(string_at(a, "/@timestamp") == recent);
      CHECK(string_at(a, "/related/ip/0") == "203.0.113.7");
      CHECK(string_at(a, "/related/user/0") == "root");
      if (action == "incident") {
        ++incidents;
        CHECK(int_at(a, "/logsift/occurrences") == 1);
        CHECK(int_at(a, "/logsift/suppressed_count") == 0);
      } else {
        CHECK(action == "problem.opened");
        CHECK(int_at(a, "/logsift/occurrences") == 5);
        CHECK(int_at(a, "/logsift/suppressed_count") == 3);
      }
    } else if (line.find("198.51.100.9") != std::string::npos) {
      CHECK(string_at(a, "/@timestamp") != stale);
      CHECK(string_at(a, "/@timestamp") == string_at(a, "/event/created"));
    } else {
      CHECK(a.at_pointer("/source/ip").error() == simdjson::NO_SUCH_FIELD);
      CHECK(string_at(a, "/logsift/invalid_fields/source_ip") == "gateway.example.net");
    }
  }
  CHECK(incidents == 1);
  CHECK(alerts.count("problem.opened", "203.0.113.7") == 1);
  CHECK(alerts.lines.size() == 4);  // 203.0.113.7: incident + problem.opened; one incident each for the others
}

TEST_CASE("a reload that changes a rule resolves its open problems with rule_changed", "[integration][reload]") {
  auto dir = scratch("reload-resolves");
  write_text(dir / "rules.yaml", kSshRule);
  Daemon d(dir, config_with(listener("tcp", "tcp")));
  REQUIRE(d.ready());
  std::string burst;
  for (int i = 0; i < 6; ++i) {
    burst += "<38>Mar  9 07:12:44 edge3 sshd[1]: Failed password for root from 203.0.113.7 port 22 ssh2\n";
  }
  REQUIRE(tcp_send(d.port("tcp"), burst));
  REQUIRE(eventually([&] { return d.metric("logsift_problems_open") == 1; }));

  std::string changed = kSshRule;
  changed.replace(changed.find("count: 5"), 8, "count: 3");
  write_text(dir / "rules.yaml", changed);
  d.signal(SIGHUP);
  REQUIRE(eventually([&] { return d.metric("logsift_rule_reloads_total") == 1; }));
  CHECK(eventually([&] { return d.metric("logsift_problems_closed_by_reload_total") == 1; }));
  CHECK(d.metric("logsift_problems_open") == 0);
  REQUIRE(d.stop() == 0);

  auto alerts = decode_alerts(dir / "alerts");
  REQUIRE(alerts.count("problem.resolved", "203.0.113.7") == 1);
  for (const std::string& line : alerts.lines) {
    if (line.find("\"problem.resolved\"") == std::string::npos) continue;
    CHECK(line.find("\"resolution\":\"rule_changed\"") != std::string::npos);
    CHECK(line.find("\"suppressed_count\":1") != std::string::npos);  // the sixth failure
    CHECK(line.find("\"occurrences\":6") != std::string::npos);
  }
}
