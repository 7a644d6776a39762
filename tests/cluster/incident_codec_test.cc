// The incidents topic's record format and keys: round trips, damaged input, Kafka's murmur2, and
// the property the detect role rests on: detecting decoded incidents gives the very alerts that
// detecting them in place gives.
#include "daemon/cluster/incident_codec.h"

#include <catch2/catch.hpp>

#include <map>

#include "daemon/cluster/partitioning.h"
#include "daemon/pipeline/record_processor.h"
#include "tests/rule_text.h"

using namespace logsift;

namespace {

const char* kRules = R"(ruleset: t
rules:
  - id: ssh.fail
    name: Failed password
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
    group_by: [source_ip]
    problem: { count: 3, within: 10m, resolve_after: 1h }
  - id: disk.full
    name: Disk full
    match: 'No space left on device'
    problem: { count: 2, within: 10m, resolve_after: 1h }
  - id: sd.user
    name: Login by structured data
    match: 'login'
    group_by: [sd.auth@32473.user]
)";

const std::vector<std::string> kLines = {
    "<38>Mar  9 07:12:44 edge3 sshd[2211]: Failed password for root from 203.0.113.7 port 22 ssh2",
    "<38>Mar  9 07:12:45 edge4 sshd[2212]: Failed password for admin from 203.0.113.7 port 23 ssh2",
    "<13>1 2026-03-09T07:12:44.123Z web1 app 77 - - Failed password for bob from 198.51.100.2 x",
    "<11>Mar  9 07:12:46 db1 kernel: write failed: No space left on device",
    "<11>Mar  9 07:12:46 db2 kernel: write failed: No space left on device",
    "<13>1 2026-03-09T07:12:47Z web1 app 77 ID1 [auth@32473 user=\"eve\"] login ok",
    "<11>Mar  9 07:12:46 db1 postgres[77]: connection to 10.0.0.9 refused after 30s timeout",
    "<11>Mar  9 07:12:47 db1 postgres[78]: connection to 10.0.0.12 refused after 31s timeout",
    "<14>Mar  9 07:12:48 web1 nginx: GET /index.html 200",
};

// An ingest node's relay without Kafka: keeps the encoded records.
class CapturingRelay final : public pipeline::IncidentRelay {
 public:
  void relay(std::span<const detect::Incident> incidents,
             std::span<const pipeline::DetectShards::Unmatched> unmatched) override {
    for (const auto& i : incidents) {
      std::string bytes;
      cluster::encode_match(i, i.time_us, bytes);
      records.push_back(std::move(bytes));
    }
    for (const auto& u : unmatched) {
      std::string bytes;
      cluster::encode_unmatched(*u.record, cluster::shape_hash(u.record->message, 128, tokens), u.now_us, bytes);
      records.push_back(std::move(bytes));
    }
  }
  std::vector<std::string> records;
  detect::MaskedTokens tokens;
};

void fill(ingest::RawBatch& batch, std::int64_t arrival_us) {
  batch.reset();
  for (const auto& line : kLines) batch.append(line, arrival_us, {}, 0, 0);
}

std::string describe(const detect::Alert& a) {
  std::string out = a.id + " " + std::string(detect::action_name(a.action)) + " " + a.rule_id + " sig=" +
                    std::to_string(a.signature_id) + " problem=" + std::to_string(a.problem_id) + " host=" + a.host +
                    " msg=" + a.message + " t=" + std::to_string(a.time_us) + " n=" + std::to_string(a.occurrences);
  for (const auto& [name, value] : a.fields) out += " " + name + "=" + value;
  for (const auto& [name, value] : a.signature_values) out += " g:" + name + "=" + value;
  return out;
}

}  // namespace

TEST_CASE("an incident survives encoding with every field detection reads", "[cluster]") {
  auto rules = testing::compile_rule_text(kRules);
  pipeline::DetectShards detect(1, detect::DetectOptions{});
  pipeline::RecordProcessor processor(rules, parsers::ParseOptions{}, detect);
  CapturingRelay relay;
  processor.set_incident_relay(&relay);
  ingest::RawBatch batch(ingest::BatchLimits{});
  fill(batch, 1'773'000'000'000'000);
  std::vector<detect::Alert> alerts;
  processor.process_batch(batch, alerts);
  CHECK(alerts.empty());  // nothing was detected here: the relay took it all
  REQUIRE(relay.records.size() == 8);  // 6 matches, 2 unmatched lines that look like trouble

  cluster::WireIncident wire;
  REQUIRE(cluster::decode_incident(relay.records[2], wire).has_value());
  CHECK(wire.kind == cluster::IncidentKind::kMatch);
  CHECK(wire.rule_id == "ssh.fail");
  CHECK(wire.time_us == 1'773'000'000'000'000);
  CHECK(wire.record.host == "web1");
  CHECK(wire.record.app == "app");
  CHECK(wire.record.procid == "77");
  CHECK(wire.record.format == parsers::Format::kRfc5424);
  CHECK(wire.record.time_us == processor.records()[2].time_us);
  CHECK(wire.record.original == kLines[2]);
  std::map<std::string_view, std::string_view> fields;
  for (const auto& f : wire.fields) fields[f.name] = f.value;
  CHECK(fields == std::map<std::string_view, std::string_view>{{"user_name", "bob"}, {"source_ip", "198.51.100.2"}});

  REQUIRE(cluster::decode_incident(relay.records[6], wire).has_value());
  CHECK(wire.kind == cluster::IncidentKind::kUnmatched);
  CHECK(wire.record.message == "connection to 10.0.0.9 refused after 30s timeout");
  CHECK(wire.record.severity == 3);
  cluster::WireIncident other;
  REQUIRE(cluster::decode_incident(relay.records[7], other).has_value());
  CHECK(other.key_hash == wire.key_hash);  // one shape, whatever the numbers
}

TEST_CASE("detecting decoded incidents gives the same alerts, ids included, as detecting in place", "[cluster]") {
  auto rules = testing::compile_rule_text(kRules);
  std::map<std::string_view, const rules::Rule*> by_id;
  for (const auto& r : rules->rules()) by_id[r.id] = &r;

  pipeline::DetectShards in_place(1, detect::DetectOptions{});
  pipeline::RecordProcessor local(rules, parsers::ParseOptions{}, in_place);
  pipeline::DetectShards unused(1, detect::DetectOptions{});
  pipeline::RecordProcessor ingest(rules, parsers::ParseOptions{}, unused);
  CapturingRelay relay;
  ingest.set_incident_relay(&relay);
  detect::Detector remote{detect::DetectOptions{}};

  std::vector<detect::Alert> expected, got;
  ingest::RawBatch batch(ingest::BatchLimits{});
  cluster::WireIncident wire;
  for (int round = 0; round < 4; ++round) {
    const std::int64_t arrival_us = 1'773'000'000'000'000 + round * 7'000'000;
    fill(batch, arrival_us);
    local.process_batch(batch, expected);
    relay.records.clear();
    ingest.process_batch(batch, got);
    for (const auto& bytes : relay.records) {
      REQUIRE(cluster::decode_incident(bytes, wire).has_value());
      if (wire.kind == cluster::IncidentKind::kUnmatched) {
        remote.observe_unmatched(wire.record, wire.time_us, got);
        continue;
      }
      const rules::Rule* rule = by_id.at(wire.rule_id);
      const detect::Incident incident{rule, &wire.record, wire.fields, wire.time_us, wire.key_hash, true};
      CHECK(wire.key_hash == detect::signature_id(incident));
      remote.observe(std::span(&incident, 1), wire.time_us, got);
    }
  }
  in_place.advance(1'773'000'100'000'000, expected);
  remote.advance(1'773'000'100'000'000, got);
  REQUIRE(expected.size() >= 6);
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(describe(got[i]) == describe(expected[i]));
}

TEST_CASE("damaged incident records decode to an error, never a crash", "[cluster]") {
  parsers::Record record;
  record.original = "<11>Mar  9 07:12:46 db1 kernel: write failed";
  record.message = "write failed";
  record.host = "db1";
  std::string bytes;
  cluster::encode_unmatched(record, 42, 1000, bytes);
  cluster::WireIncident wire;
  REQUIRE(cluster::decode_incident(bytes, wire).has_value());
  CHECK(wire.record.host == "db1");
  CHECK(wire.key_hash == 42);

  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    INFO(cut);
    CHECK_FALSE(cluster::decode_incident(std::string_view(bytes).substr(0, cut), wire).has_value());
  }
  CHECK(cluster::decode_incident(bytes + "x", wire).error() == cluster::DecodeError::kMalformed);
  std::string bad = bytes;
  bad[0] = 'x';
  CHECK(cluster::decode_incident(bad, wire).error() == cluster::DecodeError::kBadMagic);
  bad = bytes;
  bad[1] = 9;
  CHECK(cluster::decode_incident(bad, wire).error() == cluster::DecodeError::kUnsupportedVersion);
  bad = bytes;
  bad[2] = 7;
  CHECK(cluster::decode_incident(bad, wire).error() == cluster::DecodeError::kBadKind);
}

TEST_CASE("keys land where Kafka's own murmur2 partitioner puts them", "[cluster]") {
  // The values Kafka's UtilsTest checks for Utils.murmur2 (as signed Java ints).
  CHECK(static_cast<std::int32_t>(cluster::murmur2("21")) == -973932308);
  CHECK(static_cast<std::int32_t>(cluster::murmur2("foobar")) == -790332482);
  CHECK(static_cast<std::int32_t>(cluster::murmur2("a-little-bit-long-string")) == -985981536);
  CHECK(static_cast<std::int32_t>(cluster::murmur2("a-little-bit-longer-string")) == -1486304829);
  CHECK(static_cast<std::int32_t>(cluster::murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")) == -58897971);
  CHECK(static_cast<std::int32_t>(cluster::murmur2("abc")) == 479470107);
  char key[16];
  cluster::write_key(0x00ff00ff00ff00ffULL, key);
  CHECK(std::string_view(key, 16) == "00ff00ff00ff00ff");
  for (std::uint32_t partitions : {1u, 6u, 64u}) CHECK(cluster::partition_of("00ff00ff00ff00ff", partitions) < partitions);
}

TEST_CASE("the shape hash of an unmatched message ignores its variable parts only", "[cluster]") {
  detect::MaskedTokens scratch;
  const auto a = cluster::shape_hash("connection to 10.0.0.9 refused after 30s", 128, scratch);
  CHECK(cluster::shape_hash("connection to 192.168.1.1 refused after 5s", 128, scratch) == a);
  CHECK(cluster::shape_hash("connection to 10.0.0.9 accepted after 30s", 128, scratch) != a);
  CHECK(cluster::shape_hash("connectionto 10.0.0.9 refused after 30s", 128, scratch) != a);
}
