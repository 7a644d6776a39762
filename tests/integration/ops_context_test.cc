// The operations context end to end: a CMDB file gives hosts their business service, rules use
// it in `when` and `group_by`, alerts carry it, and SIGHUP reloads it.
#include "tests/integration/daemon_harness.h"

using namespace logsift::integration;

namespace {

constexpr const char* kCmdb =
    "match,service,environment,owner,sla_tier,labels.rack\n"
    "pay-*,payments,production,team-payments,gold,r1\n"
    "web1,shop,production,team-web,silver,r7\n";

constexpr const char* kRules = R"(ruleset: it
rules:
  - id: it.payments
    name: Payment transaction failed
    when: { service.name: payments }
    match: 'txn failed (?<txn>\d+)'
    group_by: [service.name]
    problem: { count: 3, within: 10m, resolve_after: 1h }
  - id: it.probe
    name: Probe message
    match: 'logsift-probe (?<probe_id>\S+)'
    group_by: [probe_id]
)";

std::string line_from(const std::string& host, const std::string& text) {
  return "<13>Mar  9 07:12:44 " + host + " app: " + text + "\n";
}

std::string service_of_probe(const fs::path& alerts, const std::string& probe) {
  auto found = alert_lines(alerts, "incident", "logsift-probe " + probe);
  if (found.size() != 1) return "<" + std::to_string(found.size()) + " alerts>";
  simdjson::dom::parser parser;
  return json_string_at(parser.parse(found[0]), "/service/name");
}

}  // namespace

TEST_CASE("alerts carry their host's CMDB context and a business service is one problem across its hosts",
          "[integration][cmdb]") {
  auto dir = scratch("cmdb");
  write_text(dir / "rules.yaml", kRules);
  write_text(dir / "cmdb.csv", kCmdb);
  Daemon d(dir, config_with(listener("tcp", "tcp"), "enrich:\n  cmdb: cmdb.csv\n  tier_severity_raise: { gold: 1 }\n"));
  REQUIRE(d.ready());
  CHECK(d.metric("logsift_cmdb_entries") == 2);
  std::string traffic;
  // Three hosts of the payments service fail once each; a host outside it fails too, which the
  // rule's `when` leaves out.
  for (const char* host : {"pay-a", "pay-b", "lab1", "pay-c"}) traffic += line_from(host, std::string("txn failed 7"));
  traffic += line_from("web1", "logsift-probe w1");
  traffic += line_from("lab1", "logsift-probe l1");
  REQUIRE(tcp_send(d.port("tcp"), traffic));
  REQUIRE(eventually([&] { return alert_lines(dir / "alerts", "problem.opened", "it.payments").size() == 1; }));
  REQUIRE(eventually([&] { return alert_lines(dir / "alerts", "incident", "logsift-probe l1").size() == 1; }));
  CHECK(d.metric("logsift_rule_matches_total{rule=\"it.payments\"}") == 3);

  simdjson::dom::parser parser;
  const std::string opened = alert_lines(dir / "alerts", "problem.opened", "it.payments")[0];
  INFO(opened);
  simdjson::dom::element a = parser.parse(opened);
  CHECK(json_string_at(a, "/service/name") == "payments");
  CHECK(json_string_at(a, "/service/environment") == "production");
  CHECK(json_string_at(a, "/labels/rack") == "r1");
  CHECK(json_string_at(a, "/labels/txn") == "7");
  CHECK(json_string_at(a, "/logsift/service/owner") == "team-payments");
  CHECK(json_string_at(a, "/logsift/service/sla_tier") == "gold");
  CHECK(json_string_at(a, "/logsift/service/source") == "cmdb.csv:2");
  CHECK(json_string_at(a, "/logsift/signature/service.name") == "payments");
  // Medium raised one level by the gold tier.
  CHECK(json_string_at(a, "/logsift/base_severity") == "medium");
  CHECK(json_string_at(a, "/logsift/severity") == "high");
  std::int64_t raise = -1;
  CHECK(a.at_pointer("/logsift/service/severity_raise").get_int64().get(raise) == simdjson::SUCCESS);
  CHECK(raise == 1);
  simdjson::dom::array hosts;
  REQUIRE(a.at_pointer("/logsift/hosts").get_array().get(hosts) == simdjson::SUCCESS);
  CHECK(hosts.size() == 3);

  // Hosts without an entry carry no context at all.
  simdjson::dom::element lab = parser.parse(alert_lines(dir / "alerts", "incident", "logsift-probe l1")[0]);
  CHECK(lab.at_pointer("/service").error() == simdjson::NO_SUCH_FIELD);
  CHECK(lab.at_pointer("/logsift/service").error() == simdjson::NO_SUCH_FIELD);
  CHECK(service_of_probe(dir / "alerts", "w1") == "shop");
  CHECK(d.stop() == 0);
}

TEST_CASE("SIGHUP reloads the CMDB and keeps the table in use when the new file is broken", "[integration][cmdb][reload]") {
  auto dir = scratch("cmdb-reload");
  write_text(dir / "rules.yaml", kRules);
  write_text(dir / "cmdb.csv", kCmdb);
  Daemon d(dir, config_with(listener("tcp", "tcp"), "enrich:\n  cmdb: cmdb.csv\n"));
  REQUIRE(d.ready());
  REQUIRE(tcp_send(d.port("tcp"), line_from("web1", "logsift-probe p1")));
  REQUIRE(eventually([&] { return service_of_probe(dir / "alerts", "p1") == "shop"; }));

  write_text(dir / "cmdb.csv", "match,service\nweb1,store\nweb1,again\n");
  d.signal(SIGHUP);
  REQUIRE(eventually([&] { return d.metric("logsift_cmdb_reload_failures_total") == 1; }));
  CHECK(d.log().find("cmdb.csv:3: host 'web1' already mapped at cmdb.csv:2") != std::string::npos);
  REQUIRE(tcp_send(d.port("tcp"), line_from("web1", "logsift-probe p2")));
  REQUIRE(eventually([&] { return service_of_probe(dir / "alerts", "p2") == "shop"; }));

  write_text(dir / "cmdb.csv", "match,service\nweb1,store\n");
  d.signal(SIGHUP);
  REQUIRE(eventually([&] { return d.metric("logsift_cmdb_reloads_total") == 1; }));
  CHECK(d.metric("logsift_cmdb_entries") == 1);
  REQUIRE(tcp_send(d.port("tcp"), line_from("web1", "logsift-probe p3")));
  CHECK(eventually([&] { return service_of_probe(dir / "alerts", "p3") == "store"; }));
  CHECK(d.stop() == 0);
}

TEST_CASE("a CMDB file with problems stops the start and names each problem's line", "[integration][cmdb]") {
  auto dir = scratch("cmdb-bad");
  write_text(dir / "rules.yaml", kRules);
  write_text(dir / "cmdb.yaml", "entries:\n  - hosts: web1\n    servce: shop\n");
  Daemon d(dir, config_with(listener("tcp", "tcp"), "enrich:\n  cmdb: cmdb.yaml\n"));
  CHECK_FALSE(d.ready());
  CHECK(eventually([&] { return !d.running(); }));
  CHECK(d.log().find("cmdb.yaml:3: unknown key 'servce'") != std::string::npos);
}
