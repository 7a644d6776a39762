// End to end through the `logsift` binary: a generated log with known recurring incidents is
// replayed on event time, and the decoded alert batches must tell the known story.
#include <catch2/catch.hpp>
#include <simdjson.h>

#include <map>

#include "cli_test_support.h"

using namespace logsift::cli::testing;

namespace {

const char* kRules = R"(ruleset: test.ssh
rules:
  - id: ssh.fail
    name: Failed password
    when: { app: sshd }
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
    group_by: [source_ip]
    problem: { count: 5, within: 10m, resolve_after: 1h }
)";

std::string syslog_line(int minute_of_day, const std::string& host, const std::string& ip) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "Mar  9 %02d:%02d:%02d %s sshd[%d]: Failed password for root from %s port 22 ssh2",
                minute_of_day / 60, minute_of_day % 60, 7, host.c_str(), 1000 + minute_of_day, ip.c_str());
  return buf;
}

// What one signature's alerts said, in order.
std::map<std::string, std::vector<std::string>> actions_by_source(const std::string& ndjson) {
  std::map<std::string, std::vector<std::string>> actions;
  simdjson::dom::parser parser;
  std::istringstream in(ndjson);
  for (std::string line; std::getline(in, line);) {
    auto alert = parser.parse(line);
    std::string ip = std::string(std::string_view(alert["source"]["ip"]));
    actions[ip].emplace_back(std::string_view(alert["event"]["action"]));
  }
  return actions;
}

}  // namespace

TEST_CASE("replay turns known recurring incidents into the known problems, the same every time", "[cli][replay]") {
  auto dir = scratch_dir("replay");
  write_file(dir / "rules.yaml", kRules);
  // 203.0.113.7 fails 6 times in 6 minutes (a problem), is quiet for 2 hours (resolves) and comes
  // back 5 times (reopens). 198.51.100.9 fails twice: incidents, never a problem.
  std::string log;
  for (int i = 0; i < 6; ++i) log += syslog_line(60 + i, "edge1", "203.0.113.7") + "\n";
  log += syslog_line(61, "edge2", "198.51.100.9") + "\n";
  log += syslog_line(63, "edge2", "198.51.100.9") + "\n";
  log += "Mar  9 02:30:00 edge1 cron[1]: (root) CMD (true)\n";  // unrelated, unmatched
  for (int i = 0; i < 5; ++i) log += syslog_line(240 + i, "edge1", "203.0.113.7") + "\n";
  write_file(dir / "auth.log", log);

  // --now fixes the time the replay runs at (event.created, the year of year-less timestamps).
  const std::string replay =
      "replay --now 2026-03-10T00:00:00Z --rules " + (dir / "rules.yaml").string() + " --out ";
  auto first = run_logsift(replay + (dir / "out1").string() + " " + (dir / "auth.log").string(), dir);
  INFO(first.err);
  REQUIRE(first.status == 0);
  auto decoded = run_logsift("decode " + (dir / "out1").string(), dir);
  INFO(decoded.err);
  REQUIRE(decoded.status == 0);

  auto actions = actions_by_source(decoded.out);
  // The first sight alerts, then folding: the problem opens at the 5th occurrence; the quiet
  // period resolves it; the return reopens it.
  const auto& recurring = actions["203.0.113.7"];
  REQUIRE_FALSE(recurring.empty());
  CHECK(recurring.front() == "incident");
  auto position = [&](const std::string& action) {
    return std::find(recurring.begin(), recurring.end(), action) - recurring.begin();
  };
  CHECK(position("problem.opened") < position("problem.resolved"));
  CHECK(position("problem.resolved") < position("problem.reopened"));
  CHECK(position("problem.reopened") < static_cast<long>(recurring.size()));
  const auto& occasional = actions["198.51.100.9"];
  CHECK(std::count(occasional.begin(), occasional.end(), "problem.opened") == 0);
  CHECK_FALSE(occasional.empty());

  // Same input, same alerts, byte for byte.
  auto second = run_logsift(replay + (dir / "out2").string() + " " + (dir / "auth.log").string(), dir);
  REQUIRE(second.status == 0);
  auto decoded_again = run_logsift("decode " + (dir / "out2").string(), dir);
  CHECK(decoded_again.out == decoded.out);

  // Replaying into a folder that already holds batches is refused rather than mixed.
  CHECK(run_logsift(replay + (dir / "out1").string() + " " + (dir / "auth.log").string(), dir).status == 1);
}

TEST_CASE("replay of five failures ten seconds apart reports every occurrence exactly once", "[cli][replay]") {
  auto dir = scratch_dir("replay-counts");
  write_file(dir / "rules.yaml", kRules);
  // Five failures, then two more after the problem opened, and a second address failing three
  // times: folded counts still owed when the input ends are reported, not lost.
  std::string log;
  auto at = [](int second, const std::string& ip) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "Mar  9 07:%02d:%02d edge1 sshd[%d]: Failed password for root from %s port 22 ssh2\n",
                  12 + second / 60, second % 60, 2000 + second, ip.c_str());
    return std::string(buf);
  };
  for (int i = 0; i < 7; ++i) log += at(i * 10, "203.0.113.7");
  for (int i = 0; i < 3; ++i) log += at(i * 10 + 5, "198.51.100.9");
  write_file(dir / "auth.log", log);
  auto r = run_logsift("replay --now 2026-03-10T00:00:00Z --rules " + (dir / "rules.yaml").string() + " --out " +
                           (dir / "out").string() + " " + (dir / "auth.log").string(), dir);
  INFO(r.err);
  REQUIRE(r.status == 0);
  auto decoded = run_logsift("decode " + (dir / "out").string(), dir);
  REQUIRE(decoded.status == 0);

  struct Seen {
    std::string action;
    std::uint64_t occurrences, suppressed;
    std::string timestamp, created;
  };
  std::map<std::string, std::vector<Seen>> by_source;
  simdjson::dom::parser parser;
  std::istringstream in(decoded.out);
  for (std::string line; std::getline(in, line);) {
    auto a = parser.parse(line);
    by_source[std::string(std::string_view(a["source"]["ip"]))].push_back(
        {std::string(std::string_view(a["event"]["action"])), std::uint64_t(a["logsift"]["occurrences"]),
         std::uint64_t(a["logsift"]["suppressed_count"]), std::string(std::string_view(a["@timestamp"])),
         std::string(std::string_view(a["event"]["created"]))});
  }
  const auto& problem = by_source["203.0.113.7"];
  REQUIRE(problem.size() == 3);
  CHECK(problem[0].action == "incident");
  CHECK(problem[0].occurrences == 1);
  CHECK(problem[0].suppressed == 0);
  CHECK(problem[0].timestamp == "2026-03-09T07:12:00.000000Z");  // the line's own time
  CHECK(problem[0].created == "2026-03-10T00:00:00.000000Z");    // when the replay saw it
  CHECK(problem[1].action == "problem.opened");
  CHECK(problem[1].occurrences == 5);
  CHECK(problem[1].suppressed == 3);
  CHECK(problem[1].timestamp == "2026-03-09T07:12:40.000000Z");
  CHECK(problem[2].action == "problem.updated");  // the 6th and 7th, owed at the end of input
  CHECK(problem[2].occurrences == 7);
  CHECK(problem[2].suppressed == 2);
  const auto& incidents = by_source["198.51.100.9"];
  REQUIRE(incidents.size() == 2);
  CHECK(incidents[0].action == "incident");
  CHECK(incidents[1].action == "incident");
  CHECK(incidents[1].occurrences == 3);
  CHECK(incidents[1].suppressed == 2);
  CHECK(incidents[1].timestamp == "2026-03-09T07:12:25.000000Z");
}

TEST_CASE("decode reports a corrupted batch and exits 1", "[cli][decode]") {
  auto dir = scratch_dir("decode");
  write_file(dir / "rules.yaml", kRules);
  write_file(dir / "auth.log", syslog_line(60, "edge1", "203.0.113.7") + "\n");
  REQUIRE(run_logsift("replay --rules " + (dir / "rules.yaml").string() + " --out " + (dir / "out").string() +
                          " " + (dir / "auth.log").string(), dir).status == 0);
  std::filesystem::path batch;
  for (const auto& e : std::filesystem::directory_iterator(dir / "out")) batch = e.path();
  REQUIRE_FALSE(batch.empty());
  std::string bytes = read_file(batch);
  bytes[bytes.size() / 2] ^= 0x40;
  write_file(batch, bytes);
  auto r = run_logsift("decode " + (dir / "out").string(), dir);
  CHECK(r.status == 1);
  CHECK(r.err.find(batch.filename().string()) != std::string::npos);
}

TEST_CASE("mine gives lines that differ only in variables the same template id", "[cli][mine]") {
  auto dir = scratch_dir("mine");
  write_file(dir / "in.log",
             "Mar  9 07:00:01 h app[1]: connection from 10.0.0.1 port 5512 timed out after 30s\n"
             "Mar  9 07:00:02 h app[1]: connection from 10.0.0.2 port 6000 timed out after 31s\n"
             "Mar  9 07:00:03 h app[1]: disk full on /var/lib/x\n");
  auto r = run_logsift("mine " + (dir / "in.log").string(), dir);
  REQUIRE(r.status == 0);
  simdjson::dom::parser parser;
  std::istringstream out(r.out);
  std::vector<std::string> ids;
  for (std::string l; std::getline(out, l);) ids.emplace_back(std::string_view(parser.parse(l)["template_id"]));
  REQUIRE(ids.size() == 3);
  CHECK(ids[0] == ids[1]);
  CHECK(ids[0] != ids[2]);
}

TEST_CASE("replay takes detection settings from a daemon config file", "[cli][replay]") {
  auto dir = scratch_dir("replay-config");
  write_file(dir / "rules.yaml", R"(ruleset: t
rules:
  - id: disk.error
    name: Disk error
    match: 'I/O error on (?<device_name>sd[a-z])'
    group_by: [device_name]
)");
  write_file(dir / "logsiftd.yaml", "listeners:\n  - { name: udp, protocol: udp, port: 0 }\ndetect:\n  default_count: 2\n");
  write_file(dir / "kern.log", "Mar  9 07:00:01 db1 kernel: I/O error on sdb\nMar  9 07:00:02 db1 kernel: I/O error on sdb\n");
  const std::string replay = "replay --rules " + (dir / "rules.yaml").string() + " --out ";
  REQUIRE(run_logsift(replay + (dir / "default").string() + " " + (dir / "kern.log").string(), dir).status == 0);
  auto r = run_logsift(replay + (dir / "tuned").string() + " --config " + (dir / "logsiftd.yaml").string() + " " +
                           (dir / "kern.log").string(), dir);
  INFO(r.err);
  REQUIRE(r.status == 0);
  // The default needs 5 occurrences; the config file's default_count of 2 opens a problem.
  CHECK(run_logsift("decode " + (dir / "default").string(), dir).out.find("problem.opened") == std::string::npos);
  CHECK(run_logsift("decode " + (dir / "tuned").string(), dir).out.find("problem.opened") != std::string::npos);
  CHECK(run_logsift(replay + (dir / "bad").string() + " --config " + (dir / "missing.yaml").string() + " " +
                        (dir / "kern.log").string(), dir).status == 1);
}

TEST_CASE("replay --trends finds a new signature at a high rate and writes the anomaly to the batches",
          "[cli][replay][trend]") {
  auto dir = scratch_dir("replay-trends");
  write_file(dir / "rules.yaml", kRules);
  // 600 failures from one address within ten minutes: a new signature (and host) at 60 a minute.
  std::string log;
  for (int i = 0; i < 600; ++i) log += syslog_line(180 + i / 60, "edge1", "203.0.113.7") + "\n";
  log += syslog_line(300, "edge1", "198.51.100.9") + "\n";  // moves event time on two hours
  write_file(dir / "auth.log", log);
  auto r = run_logsift("replay --trends --rules " + (dir / "rules.yaml").string() + " --out " +
                           (dir / "out").string() + " " + (dir / "auth.log").string(),
                       dir);
  INFO(r.err << r.out);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("trends: ") != std::string::npos);
  CHECK(r.out.find("anomaly new_series  signature ssh.fail: new") != std::string::npos);
  CHECK(r.out.find("anomaly new_series  host edge1: new") != std::string::npos);
  CHECK(r.out.find("anomaly.resolved new_series  signature ssh.fail") != std::string::npos);
  auto decoded = run_logsift("decode " + (dir / "out").string(), dir);
  REQUIRE(decoded.status == 0);
  CHECK(decoded.out.find("\"action\":\"anomaly\"") != std::string::npos);
  CHECK(decoded.out.find("\"prediction\":{\"kind\":\"new_series\"") != std::string::npos);
}
