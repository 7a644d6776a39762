#include "daemon/pipeline/record_processor.h"

#include <catch2/catch.hpp>

#include <map>

#include "daemon/enrich/cmdb.h"
#include "parsers/base/hex.h"
#include "tests/rule_text.h"
#include "tests/allocation_counter.h"

using namespace logsift;

namespace {

const char* kRules = R"(ruleset: t
rules:
  - id: ssh.fail
    name: Failed password
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
    group_by: [source_ip]
    problem: { count: 3, within: 10m, resolve_after: 1h }
  - id: json.level
    name: JSON error level
    match: { regex: '^error$', field: json.log.level }
)";

// A mix of what a worker sees: incidents of a recurring signature, JSON, unmatched lines that look
// like trouble (mined) and ordinary ones, garbage.
const std::vector<std::string> kLines = {
    "<38>Mar  9 07:12:44 edge3 sshd[2211]: Failed password for root from 203.0.113.7 port 22 ssh2",
    "<38>Mar  9 07:12:45 edge4 sshd[2212]: Failed password for admin from 203.0.113.7 port 23 ssh2",
    "<13>1 2026-03-09T07:12:44.123Z web1 app 77 - - Failed password for bob from 198.51.100.2 x",
    R"({"message": "query failed", "log": {"level": "error"}, "host": "db1"})",
    "<11>Mar  9 07:12:46 db1 postgres[77]: connection to 10.0.0.9 refused after 30s timeout",
    "<11>Mar  9 07:12:47 db1 postgres[78]: connection to 10.0.0.12 refused after 31s timeout",
    "<14>Mar  9 07:12:48 web1 nginx: GET /index.html 200",
    "\x01\xff garbage \xfe",
};

// The lines as ingest would hand them over: one raw batch, each message at `arrival_us`.
void fill(ingest::RawBatch& batch, const std::vector<std::string>& lines, std::int64_t arrival_us) {
  batch.reset();
  for (const auto& line : lines) batch.append(line, arrival_us, {}, 0, 0);
}

}  // namespace

TEST_CASE("parse, match and detect allocate nothing per message once warmed up", "[pipeline][alloc]") {
  pipeline::DetectShards detect(2, detect::DetectOptions{});
  parsers::ParseOptions options;
  options.reference_time_us = 1'773'000'000LL * 1'000'000;
  pipeline::RecordProcessor processor(testing::compile_rule_text(kRules), options, detect);
  ingest::RawBatch batch(ingest::BatchLimits{});
  std::vector<detect::Alert> alerts;
  alerts.reserve(64);
  const std::int64_t now_us = options.reference_time_us;
  // Warm-up: signatures, templates and problems are created, buffers reach their size.
  for (int round = 0; round < 5; ++round) {
    fill(batch, kLines, now_us);
    processor.process_batch(batch, alerts);
  }
  REQUIRE(detect.counters().problems_opened >= 1);
  REQUIRE(detect.counters().templates_live >= 1);
  alerts.clear();

  // Steady state: the same signatures recur within their suppression interval.
  const std::size_t before = logsift::testing::allocation_count();
  for (int round = 0; round < 200; ++round) {
    fill(batch, kLines, now_us + round);
    processor.process_batch(batch, alerts);
  }
  const std::size_t allocations = logsift::testing::allocation_count() - before;
  CHECK(alerts.empty());  // everything folded into counts
  CHECK(allocations == 0);
  CHECK(processor.counters().records == 205 * kLines.size());
  CHECK(processor.counters().incidents == 205 * 4);
}

TEST_CASE("grouping by a structured-data parameter with long names allocates nothing per incident",
          "[pipeline][alloc]") {
  pipeline::DetectShards detect(2, detect::DetectOptions{});
  parsers::ParseOptions options;
  options.reference_time_us = 1'773'000'000LL * 1'000'000;
  pipeline::RecordProcessor processor(testing::compile_rule_text(R"(ruleset: t
rules:
  - id: sd.grouped
    name: Grouped by a structured-data parameter
    match: 'login refused'
    group_by: [sd.exampleTenantSDID@32473.tenantIdentifier]
    problem: { count: 3, within: 10m, resolve_after: 1h }
)"),
                                      options, detect);
  const std::vector<std::string> lines = {
      "<13>1 2026-03-09T07:12:44Z web1 app 7 - [exampleTenantSDID@32473 tenantIdentifier=\"blue-tenant\"] login refused",
      "<13>1 2026-03-09T07:12:44Z web2 app 7 - [exampleTenantSDID@32473 tenantIdentifier=\"green-tenant\"] login refused",
  };
  ingest::RawBatch batch(ingest::BatchLimits{});
  std::vector<detect::Alert> alerts;
  alerts.reserve(64);
  for (int round = 0; round < 5; ++round) {
    fill(batch, lines, options.reference_time_us);
    processor.process_batch(batch, alerts);
  }
  REQUIRE(detect.counters().problems_opened == 2);  // one problem per tenant
  alerts.clear();
  const std::size_t before = logsift::testing::allocation_count();
  for (int round = 0; round < 100; ++round) {
    fill(batch, lines, options.reference_time_us + round);
    processor.process_batch(batch, alerts);
  }
  CHECK(logsift::testing::allocation_count() - before == 0);
  CHECK(processor.counters().incidents == 105 * 2);
}

TEST_CASE("rate tracking adds no allocation per message once its series exist", "[pipeline][alloc][trend]") {
  // The same 205 batches, one a minute, with and without rate tracking: minutes close, detection
  // emits (and allocates) the same alerts in both; tracking must add nothing after warm-up.
  auto steady_allocations = [](bool track, trend::TrendCounters& counters) {
    pipeline::DetectShards detect(2, detect::DetectOptions{});
    parsers::ParseOptions options;
    options.reference_time_us = 1'773'000'000LL * 1'000'000;
    pipeline::RecordProcessor processor(testing::compile_rule_text(kRules), options, detect);
    pipeline::RateTracking rates(trend::TrendOptions{});
    if (track) processor.set_rate_tracking(&rates, {"tcp"});
    ingest::RawBatch batch(ingest::BatchLimits{});
    std::vector<detect::Alert> alerts;
    alerts.reserve(1024);
    constexpr std::int64_t kMinuteUs = 60'000'000;
    for (int round = 0; round < 5; ++round) {
      fill(batch, kLines, options.reference_time_us + round * kMinuteUs);
      processor.process_batch(batch, alerts);
    }
    alerts.clear();
    const std::size_t before = logsift::testing::allocation_count();
    for (int round = 5; round < 205; ++round) {
      fill(batch, kLines, options.reference_time_us + round * kMinuteUs);
      processor.process_batch(batch, alerts);
    }
    const std::size_t allocations = logsift::testing::allocation_count() - before;
    counters = rates.counters();
    return allocations;
  };
  trend::TrendCounters with{};
  trend::TrendCounters without{};
  const std::size_t tracked = steady_allocations(true, with);
  const std::size_t untracked = steady_allocations(false, without);
  CHECK(with.series_live >= 5);  // hosts, the listener, the signatures
  CHECK(with.minutes_closed >= 199);
  CHECK(with.anomalies_opened == 0);
  CHECK(without.series_live == 0);
  CHECK(tracked == untracked);
}

TEST_CASE("mined templates are counted as signature series labelled with their auto rule, within the series cap",
          "[pipeline][trend]") {
  pipeline::DetectShards detect(2, detect::DetectOptions{});
  parsers::ParseOptions options;
  options.reference_time_us = 1'773'000'000LL * 1'000'000;
  pipeline::RecordProcessor processor(testing::compile_rule_text(kRules), options, detect);
  pipeline::RateTracking rates(trend::TrendOptions{});
  processor.set_rate_tracking(&rates, {"tcp"});
  ingest::RawBatch batch(ingest::BatchLimits{});
  std::vector<detect::Alert> alerts;
  for (int round = 0; round < 3; ++round) {
    fill(batch, kLines, options.reference_time_us + round);
    processor.process_batch(batch, alerts);
  }
  trend::ReportQuery query;
  query.kind = trend::SeriesKind::kSignature;
  query.n = 100;
  std::uint64_t mined = 0;
  std::uint64_t rule = 0;
  for (const auto& r : rates.reports(query)) {
    if (r.label.rfind("auto:", 0) == 0) {
      CHECK(r.label.size() == 21);
      mined += r.last_7_days;
      // The same signature id and rule id as the mined template's own alerts.
      bool alerted = false;
      for (const auto& a : alerts) {
        char hex[17] = {};
        base::encode_hex_u64(a.signature_id, hex);
        if (a.rule_id == r.label && r.key == hex) alerted = true;
      }
      CHECK(alerted);
    } else {
      rule += r.last_7_days;
    }
  }
  CHECK(mined == 3 * 2);  // the two postgres lines per batch (the JSON error matched a rule)
  CHECK(rule == 3 * 4);

  // Many distinct templates: held within max_series, the rest evicted and counted.
  trend::TrendOptions small;
  small.max_series = 16;
  pipeline::RateTracking capped(small);
  processor.set_rate_tracking(&capped, {"tcp"});
  std::vector<std::string> lines;  // forty unrelated shapes: no two words alike, no digits
  for (char a = 'a'; a < 'a' + 40 / 4; ++a) {
    for (char b : {'k', 'l', 'm', 'n'}) {
      std::string line = "<11>Mar  9 07:12:46 db1 app: failed";
      for (char w : {'p', 'q', 'r', 's', 't'}) line += std::string(" ") + a + b + w;
      lines.push_back(line);
    }
  }
  fill(batch, lines, options.reference_time_us + 10);
  processor.process_batch(batch, alerts);
  const auto c = capped.counters();
  INFO("created " << c.series_created << " live " << c.series_live);
  CHECK(c.series_live <= 16);
  CHECK(c.series_evicted > 0);
  CHECK(c.series_evicted == c.series_created - c.series_live);
}

TEST_CASE("with a CMDB table, records are counted per business service as well as per host", "[pipeline][trend]") {
  pipeline::DetectShards detect(2, detect::DetectOptions{});
  parsers::ParseOptions options;
  options.reference_time_us = 1'773'000'000LL * 1'000'000;
  pipeline::RecordProcessor processor(testing::compile_rule_text(kRules), options, detect);
  auto table = enrich::Cmdb::parse("match,service,owner\nedge*,gateway,team-net\ndb1,billing,team-db\n", "c.csv");
  REQUIRE(table);
  processor.set_cmdb(*table);
  pipeline::RateTracking rates(trend::TrendOptions{});
  processor.set_rate_tracking(&rates, {"tcp"});
  ingest::RawBatch batch(ingest::BatchLimits{});
  std::vector<detect::Alert> alerts;
  for (int round = 0; round < 2; ++round) {
    fill(batch, kLines, options.reference_time_us + round);
    processor.process_batch(batch, alerts);
  }
  trend::ReportQuery query;
  query.kind = trend::SeriesKind::kService;
  query.n = 100;
  std::map<std::string, std::uint64_t> per_service;
  for (const auto& r : rates.reports(query)) {
    CHECK(r.kind == trend::SeriesKind::kService);
    per_service[r.key] += r.last_7_days;
  }
  // edge3 and edge4 are the gateway; db1 (two syslog lines and the JSON one) is billing; web1
  // is in no service and counted only as a host.
  CHECK(per_service == std::map<std::string, std::uint64_t>{{"gateway", 2 * 2}, {"billing", 2 * 3}});
  query.kind = trend::SeriesKind::kHost;
  bool web1 = false;
  for (const auto& r : rates.reports(query)) web1 = web1 || r.key == "web1";
  CHECK(web1);
}

TEST_CASE("record processor counts parse issues and matches per rule", "[pipeline]") {
  pipeline::DetectShards detect(1, detect::DetectOptions{});
  pipeline::RecordProcessor processor(testing::compile_rule_text(kRules), parsers::ParseOptions{}, detect);
  ingest::RawBatch batch(ingest::BatchLimits{});
  std::vector<detect::Alert> alerts;
  fill(batch, kLines, 1);
  processor.process_batch(batch, alerts);
  const auto& c = processor.counters();
  CHECK(c.records == kLines.size());
  CHECK(c.matched_records == 4);
  CHECK(c.matches_per_rule == std::vector<std::uint64_t>{3, 1});
  CHECK(c.parse_issues[static_cast<std::size_t>(parsers::ParseIssue::kUnrecognised)] == 1);
  REQUIRE(processor.records().size() == kLines.size());
  CHECK(processor.records()[7].quality == parsers::Quality::kRaw);
  fill(batch, {""}, 1);
  processor.process_batch(batch, alerts);
  CHECK(processor.records()[0].quality == parsers::Quality::kRaw);
}

TEST_CASE("a batch's matches name their record, and JSON strings outlive the next parse", "[pipeline]") {
  pipeline::DetectShards detect(3, detect::DetectOptions{});
  pipeline::RecordProcessor processor(testing::compile_rule_text(kRules), parsers::ParseOptions{}, detect);
  ingest::RawBatch batch(ingest::BatchLimits{});
  std::vector<detect::Alert> alerts;
  // Escaped strings are unescaped into the JSON parser's buffer, which the next line reuses.
  fill(batch, {R"({"message": "first \"one\" failed", "log": {"level": "error"}, "host": "a\u0062"})",
               "<14>Mar  9 07:12:48 web1 nginx: GET /index.html 200",
               R"({"message": "second \"two\"", "log": {"level": "info"}, "host": "c\u0064"})",
               "<38>Mar  9 07:12:44 edge3 sshd[2211]: Failed password for root from 203.0.113.7 port 22 ssh2"},
       1);
  processor.process_batch(batch, alerts);
  const auto records = processor.records();
  REQUIRE(records.size() == 4);
  CHECK(records[0].message == "first \"one\" failed");
  CHECK(records[0].host == "ab");
  CHECK(records[2].message == "second \"two\"");
  CHECK(records[2].host == "cd");
  const auto matches = processor.matches();
  REQUIRE(matches.size() == 2);
  CHECK(matches[0].record_index == 0);
  CHECK(matches[1].record_index == 3);
  CHECK(processor.fields(matches[1]).size() == 2);
  CHECK(detect.counters().incidents == 2);
}

TEST_CASE("messages without an arrival time are detected on their event time", "[pipeline]") {
  pipeline::DetectShards detect(2, detect::DetectOptions{});
  pipeline::RecordProcessor processor(testing::compile_rule_text(kRules), parsers::ParseOptions{}, detect);
  ingest::RawBatch batch(ingest::BatchLimits{});
  std::vector<detect::Alert> alerts;
  // Three failures from one address an hour apart each: never three within the 10 minute window.
  fill(batch, {"<13>1 2026-03-09T07:00:00Z h app - - - Failed password for a from 192.0.2.1 x",
               "<13>1 2026-03-09T08:00:00Z h app - - - Failed password for a from 192.0.2.1 x",
               "<13>1 2026-03-09T09:00:00Z h app - - - Failed password for a from 192.0.2.1 x"},
       parsers::kNoTime);
  processor.process_batch(batch, alerts);
  CHECK(detect.counters().problems_opened == 0);
  // The same three arriving together open the problem.
  pipeline::DetectShards live(2, detect::DetectOptions{});
  pipeline::RecordProcessor arrival(testing::compile_rule_text(kRules), parsers::ParseOptions{}, live);
  ingest::RawBatch same(ingest::BatchLimits{});
  for (int i = 0; i < 3; ++i) {
    same.append("<13>1 2026-03-09T07:00:00Z h app - - - Failed password for a from 192.0.2.1 x",
                1'773'000'000LL * 1'000'000, {}, 0, 0);
  }
  arrival.process_batch(same, alerts);
  CHECK(live.counters().problems_opened == 1);
  CHECK(processor.latest_event_us() > arrival.latest_event_us());
}
