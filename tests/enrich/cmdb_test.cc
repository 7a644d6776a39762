#include <catch2/catch.hpp>

#include "daemon/enrich/cmdb.h"

using namespace logsift::enrich;

namespace {

std::shared_ptr<const Cmdb> parse_ok(const std::string& text, const std::string& file) {
  auto table = Cmdb::parse(text, file);
  if (!table) {
    for (const auto& e : table.error()) UNSCOPED_INFO(e.to_string());
  }
  REQUIRE(table);
  return *table;
}

std::vector<std::string> errors_of(const std::string& text, const std::string& file) {
  auto table = Cmdb::parse(text, file);
  std::vector<std::string> out;
  if (!table) {
    for (const auto& e : table.error()) out.push_back(e.to_string());
  }
  return out;
}

std::string service_of(const Cmdb& cmdb, std::string_view host, std::string_view sender = {}) {
  const auto* c = cmdb.lookup(host, sender);
  return c ? c->service : "<none>";
}

constexpr const char* kCsv =
    "# the production estate\n"
    "match,service,environment,owner,sla_tier,labels.rack,labels.dc\n"
    "pay-db1,payments,production,team-payments,gold,r1,fra\n"
    "pay-*,payments,production,team-payments,gold,,fra\n"
    "\"web-*.example.com; web-legacy\",shop,production,\"team-web, shop\",silver,r7,ams\n"
    "10.20.0.0/16,lab,test,team-lab,bronze,,\n"
    "10.20.5.0/24,lab-special,test,team-lab,bronze,,\n"
    "\n";

}  // namespace

TEST_CASE("a CSV CMDB maps exact names, globs and address ranges with their context", "[enrich]") {
  auto cmdb = parse_ok(kCsv, "cmdb.csv");
  CHECK(cmdb->entries() == 5);
  const auto* db = cmdb->lookup("PAY-DB1", "");
  REQUIRE(db != nullptr);
  CHECK(db->service == "payments");
  CHECK(db->environment == "production");
  CHECK(db->owner == "team-payments");
  CHECK(db->sla_tier == "gold");
  CHECK(db->labels == std::vector<std::pair<std::string, std::string>>{{"dc", "fra"}, {"rack", "r1"}});
  CHECK(db->source == "cmdb.csv:3");
  // The glob entry has no rack: an empty label cell is no label.
  const auto* app = cmdb->lookup("pay-app7", "");
  REQUIRE(app != nullptr);
  CHECK(app->label("rack").empty());
  CHECK(app->source == "cmdb.csv:4");
  CHECK(app->fingerprint != db->fingerprint);
  // Quoted cells hold the separators; one cell may list several matches.
  CHECK(service_of(*cmdb, "web-3.example.com") == "shop");
  CHECK(service_of(*cmdb, "web-legacy") == "shop");
  CHECK(cmdb->lookup("web-legacy", "")->owner == "team-web, shop");
  CHECK(service_of(*cmdb, "unknown") == "<none>");
}

TEST_CASE("CMDB lookups prefer exact names, then globs, then the most specific range", "[enrich]") {
  auto cmdb = parse_ok(kCsv, "cmdb.csv");
  CHECK(cmdb->lookup("pay-db1", "")->source == "cmdb.csv:3");  // exact beats the glob
  // A host no name matches falls back to its sender's address, the most specific range first.
  CHECK(service_of(*cmdb, "box1", "10.20.5.9") == "lab-special");
  CHECK(service_of(*cmdb, "box1", "10.20.6.9") == "lab");
  CHECK(service_of(*cmdb, "box1", "::ffff:10.20.6.9") == "lab");
  // A name match wins over the sender's address.
  CHECK(service_of(*cmdb, "pay-db1", "10.20.5.9") == "payments");
  // A record without a host name is about its sender.
  CHECK(service_of(*cmdb, "10.20.1.1", "10.20.1.1") == "lab");
  // A host name that is an address literal is matched against the ranges too.
  CHECK(service_of(*cmdb, "10.20.5.1", "192.0.2.1") == "lab-special");
  CHECK(service_of(*cmdb, "box1", "192.0.2.1") == "<none>");
}

TEST_CASE("a YAML CMDB gives hosts, addresses and labels per entry", "[enrich]") {
  auto cmdb = parse_ok(R"(entries:
  - hosts: [api-*, gateway]
    service: api
    environment: production
    owner: team-api
    sla_tier: gold
    labels: { rack: r3, cost_center: "4711" }
  - addresses: 192.0.2.0/24
    service: edge
    sla_tier: silver
)", "cmdb.yaml");
  CHECK(cmdb->entries() == 2);
  const auto* api = cmdb->lookup("api-2", "");
  REQUIRE(api != nullptr);
  CHECK(api->label("cost_center") == "4711");
  CHECK(api->source == "cmdb.yaml:2");
  CHECK(service_of(*cmdb, "gateway") == "api");
  CHECK(service_of(*cmdb, "x", "192.0.2.77") == "edge");
}

TEST_CASE("CMDB files with problems are refused with every problem and its line", "[enrich]") {
  CHECK(errors_of("match,service,team\nweb1,shop,x\n", "c.csv") ==
        std::vector<std::string>{"c.csv:1: unknown column 'team' (match, service, environment, owner, sla_tier, labels.<name>)"});
  CHECK(errors_of("service\nshop\n", "c.csv") == std::vector<std::string>{"c.csv:1: the header names no 'match' column"});
  CHECK(errors_of("match,service\nweb1,shop\nweb2\nweb1,other\n10.0.0.0/33,x\n,y\nweb3,\n", "c.csv") ==
        std::vector<std::string>{
            "c.csv:3: expected 2 fields as the header on line 1 names, found 1",
            "c.csv:4: host 'web1' already mapped at c.csv:2",
            "c.csv:5: '10.0.0.0/33' is no address range: write 10.1.0.0/16, 2001:db8::/32 or one address",
            "c.csv:6: entry matches no host: give a host name, a glob or an address range",
            "c.csv:7: entry sets none of service, environment, owner, sla_tier, labels"});
  CHECK(errors_of("match,service\n\"web1,shop\n", "c.csv") == std::vector<std::string>{"c.csv:2: unterminated quoted field"});
  CHECK(errors_of("match,labels.Rack\nweb1,r1\n", "c.csv") ==
        std::vector<std::string>{"c.csv:2: label name 'Rack': use lower-case letters, digits and '_'"});
  CHECK(errors_of("", "c.csv") ==
        std::vector<std::string>{"c.csv: no header row: the first line names the columns (match, service, ...)"});
  CHECK(errors_of("entries:\n  - hosts: web1\n    servce: shop\n  - hosts: [web2]\n    service: [a, b]\n", "c.yaml") ==
        std::vector<std::string>{
            "c.yaml:3: unknown key 'servce' (hosts, addresses, service, environment, owner, sla_tier, labels)",
            "c.yaml:2: entry sets none of service, environment, owner, sla_tier, labels",
            "c.yaml:5: 'service' must be one value",
            "c.yaml:4: entry sets none of service, environment, owner, sla_tier, labels"});
  CHECK(errors_of("entries: [\n", "c.yaml").size() == 1);
  CHECK(errors_of("hosts: web1\n", "c.yaml") == std::vector<std::string>{"c.yaml:1: expected a mapping with 'entries:'"});
}
