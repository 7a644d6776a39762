#include <catch2/catch.hpp>

#include "daemon/enrich/change_calendar.h"
#include "parsers/timestamp.h"

using namespace logsift;
using namespace logsift::enrich;

namespace {

std::int64_t at(const char* rfc3339) { return parsers::parse_rfc3339(rfc3339).time_us; }

constexpr const char* kChanges = R"(changes:
  - id: CHG0012345
    summary: Upgrade the payments database to 15.4
    by: alice
    hosts: [pay-db*, 10.9.0.0/24]
    from: 2026-11-26T10:00:00Z
    to: 2026-11-26T12:00:00Z
    rollback_contact: bob@example.com
  - id: CHG0012346
    by: carol
    services: [shop]
    from: 2026-11-27T10:00:00Z
    to: 2026-11-27T11:00:00Z
)";

detect::Alert alert(detect::AlertAction action, std::string host, const char* time, const char* first_seen) {
  detect::Alert a;
  a.action = action;
  a.host = std::move(host);
  a.hosts = {a.host};
  a.time_us = at(time);
  a.first_seen_us = at(first_seen);
  return a;
}

}  // namespace

TEST_CASE("a changes file declares windows by host and service, with every problem and its line", "[enrich][changes]") {
  auto windows = parse_changes(kChanges, "changes.yaml");
  REQUIRE(windows);
  REQUIRE(windows->size() == 2);
  CHECK((*windows)[0].rollback_contact == "bob@example.com");
  CHECK((*windows)[0].origin == "changes.yaml:2");
  CHECK((*windows)[1].services == std::vector<std::string>{"shop"});
  CHECK(parse_changes("", "c.yaml").has_value());
  auto bad = parse_changes(R"(changes:
  - id: CHG1
    hosts: web1
    from: 2026-11-26T10:00:00
    to: 2026-11-26T09:00:00Z
  - id: CHG1
    hosts: [10.0.0.0/40]
    from: 2026-11-26T10:00:00Z
    to: 2026-11-26T11:00:00Z
    owner: x
)", "c.yaml");
  REQUIRE_FALSE(bad);
  std::vector<std::string> errors;
  for (const auto& e : bad.error()) errors.push_back(e.to_string());
  CHECK(errors == std::vector<std::string>{
                      "c.yaml:4: 'from': expected an RFC 3339 time with offset, e.g. 2026-11-26T10:00:00Z",
                      "c.yaml:2: change CHG1 needs 'from' and 'to'",
                      "c.yaml:10: unknown key 'owner' (id, summary, by, hosts, services, from, to, rollback_contact)",
                      "c.yaml:6: change CHG1: '10.0.0.0/40' is no address range",
                      "c.yaml:6: change CHG1 declared twice (first at c.yaml:2)"});
}

TEST_CASE("alerts on covered hosts are marked during a change, others are not", "[enrich][changes]") {
  ChangeCalendar calendar;
  calendar.set_declared(*parse_changes(kChanges, "changes.yaml"));
  std::vector<detect::Alert> alerts = {
      alert(detect::AlertAction::kIncident, "PAY-DB2", "2026-11-26T10:30:00Z", "2026-11-26T10:30:00Z"),
      alert(detect::AlertAction::kProblemOpened, "10.9.0.7", "2026-11-26T11:00:00Z", "2026-11-26T09:00:00Z"),
      alert(detect::AlertAction::kIncident, "web1", "2026-11-26T10:30:00Z", "2026-11-26T10:30:00Z"),
      alert(detect::AlertAction::kIncident, "pay-db2", "2026-11-26T09:59:59Z", "2026-11-26T09:59:59Z"),
      alert(detect::AlertAction::kIncident, "web1", "2026-11-27T10:30:00Z", "2026-11-27T10:30:00Z"),
  };
  alerts[4].context.service = "shop";
  calendar.annotate(alerts, at("2026-11-27T10:30:00Z"));
  REQUIRE(alerts[0].change);
  CHECK(alerts[0].change->id == "CHG0012345");
  CHECK(alerts[0].change->during);
  CHECK(alerts[0].change->rollback_contact == "bob@example.com");
  REQUIRE(alerts[1].change);
  CHECK(alerts[1].change->during);  // by address range
  CHECK_FALSE(alerts[2].change);    // not a covered host
  CHECK_FALSE(alerts[3].change);    // before the window
  REQUIRE(alerts[4].change);        // by the host's CMDB service
  CHECK(alerts[4].change->id == "CHG0012346");
  CHECK(calendar.counters().alerts_during == 3);
}

TEST_CASE("after a change, a problem of a signature first seen since it began is suspected", "[enrich][changes]") {
  ChangeOptions options;
  options.suspect_for_ms = 6LL * 60 * 60 * 1000;
  ChangeCalendar calendar(options);
  calendar.set_declared(*parse_changes(kChanges, "changes.yaml"));
  std::vector<detect::Alert> alerts = {
      // New since the change began, recurring after it on a changed host: suspected.
      alert(detect::AlertAction::kProblemOpened, "pay-db1", "2026-11-26T13:00:00Z", "2026-11-26T11:30:00Z"),
      // Known before the change: not the change's doing.
      alert(detect::AlertAction::kProblemOpened, "pay-db1", "2026-11-26T13:00:00Z", "2026-11-26T08:00:00Z"),
      // New, but on a host the change did not touch.
      alert(detect::AlertAction::kProblemOpened, "web1", "2026-11-26T13:00:00Z", "2026-11-26T11:30:00Z"),
      // New and on the host, but an incident (no recurrence yet).
      alert(detect::AlertAction::kIncident, "pay-db1", "2026-11-26T13:00:00Z", "2026-11-26T12:59:00Z"),
      // Past suspect_for.
      alert(detect::AlertAction::kProblemOpened, "pay-db1", "2026-11-26T18:00:01Z", "2026-11-26T11:30:00Z"),
  };
  calendar.annotate(alerts, at("2026-11-26T13:00:00Z"));
  REQUIRE(alerts[0].change);
  CHECK(alerts[0].change->suspected);
  CHECK_FALSE(alerts[0].change->during);
  CHECK(alerts[0].change->id == "CHG0012345");
  CHECK(alerts[0].change->to_us == at("2026-11-26T12:00:00Z"));
  CHECK_FALSE(alerts[1].change);
  CHECK_FALSE(alerts[2].change);
  CHECK_FALSE(alerts[3].change);
  CHECK_FALSE(alerts[4].change);
  CHECK(calendar.counters().alerts_suspected == 1);
}

TEST_CASE("windows added and ended through the API list with their state and survive as a file", "[enrich][changes]") {
  ChangeCalendar calendar;
  calendar.set_declared(*parse_changes(kChanges, "changes.yaml"));
  const std::int64_t now = at("2026-11-26T10:00:00Z");
  ChangeWindow w;
  w.id = "CHG-API-1";
  w.requested_by = "dave";
  w.hosts = {"web*"};
  w.to_us = at("2026-11-26T11:00:00Z");
  auto added = calendar.add(w, now);
  REQUIRE(added);
  CHECK(added->from_us == now);  // from defaults to now
  CHECK(added->origin == "api");
  CHECK_FALSE(calendar.add(w, now));  // the id exists
  ChangeWindow nothing;
  nothing.id = "CHG-EMPTY";
  nothing.to_us = w.to_us;
  CHECK(calendar.add(nothing, now).error() == "change CHG-EMPTY names no hosts and no services");
  const std::string listed = calendar.to_json(now + 1);
  CHECK(listed.find("\"id\":\"CHG-API-1\"") != std::string::npos);
  CHECK(listed.find("\"state\":\"active\"") != std::string::npos);
  CHECK(listed.find("\"state\":\"planned\"") != std::string::npos);  // CHG0012346, tomorrow

  auto ended = calendar.end("CHG-API-1", now + 60'000'000);
  REQUIRE(ended);
  CHECK(ended->end_us() == now + 60'000'000);
  CHECK_FALSE(calendar.end("CHG-API-1", now + 120'000'000));
  CHECK_FALSE(calendar.end("CHG-NONE", now));
  std::vector<detect::Alert> after = {alert(detect::AlertAction::kIncident, "web3", "2026-11-26T10:30:00Z", "2026-11-26T10:30:00Z")};
  calendar.annotate(after, now);
  CHECK_FALSE(after[0].change);  // ended early: no longer during

  const std::string file = encode_changes(calendar.added());
  auto back = parse_changes(file, "changes-api.json");
  REQUIRE(back);
  REQUIRE(back->size() == 1);
  CHECK((*back)[0].id == "CHG-API-1");
  CHECK((*back)[0].ended_us == now + 60'000'000);
  CHECK((*back)[0].hosts == std::vector<std::string>{"web*"});
  ChangeCalendar restarted;
  restarted.restore_added(std::move(back).value());
  CHECK(restarted.to_json(now).find("CHG-API-1") != std::string::npos);
}
