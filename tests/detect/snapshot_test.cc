#include <catch2/catch.hpp>
#include <xxhash.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

#include "daemon/detect/detector.h"
#include "tests/detect/detect_fixture.h"

using namespace logsift;
using namespace logsift::detect;
using namespace logsift::detect::testing;

namespace {

std::string temp_path(const char* name) {
  return "/tmp/logsift_detect_test_" + std::to_string(::getpid()) + "_" + name;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

}  // namespace

TEST_CASE("a restored detector continues a window that was open when it was saved", "[detect]") {
  const std::string path = temp_path("window.snap");
  auto rule = make_rule();
  std::vector<Alert> out;
  {
    Detector before(test_options());
    feed(before, rule, "edge3", kT0, out);
    feed(before, rule, "edge3", kT0 + kMinute, out);
    auto saved = before.save_snapshot(path);
    REQUIRE(saved.has_value());
    CHECK(saved->signatures == 1);
  }
  Detector after(test_options());
  auto restored = after.restore_snapshot(path);
  REQUIRE(restored.has_value());
  CHECK(restored->signatures == 1);
  out.clear();
  feed(after, rule, "edge3", kT0 + 2 * kMinute, out);  // third in the window: opens
  auto opened = of_action(out, AlertAction::kProblemOpened);
  REQUIRE(opened.size() == 1);
  CHECK(opened[0].occurrences == 3);
  CHECK(opened[0].window_count == 3);
  CHECK(opened[0].first_seen_us == kT0);
  // The incident folded before the restart was still owed: problem.opened reports it, and no
  // incident alert repeats it later.
  CHECK(opened[0].suppressed_count == 1);
  out.clear();
  after.advance(kT0 + 5 * kMinute, out);
  CHECK(of_action(out, AlertAction::kIncident).empty());
  std::remove(path.c_str());
}

TEST_CASE("an open problem survives a restart and resolves on its original schedule", "[detect]") {
  const std::string path = temp_path("problem.snap");
  auto rule = make_rule();
  std::vector<Alert> out;
  std::uint64_t problem = 0;
  {
    Detector before(test_options());
    for (int i = 0; i < 3; ++i) feed(before, rule, "edge3", kT0 + i * kMinute, out);
    problem = of_action(out, AlertAction::kProblemOpened).at(0).problem_id;
    REQUIRE(before.save_snapshot(path).has_value());
  }
  Detector after(test_options());
  REQUIRE(after.restore_snapshot(path).has_value());
  CHECK(after.counters().problems_open == 1);
  out.clear();
  after.advance(kT0 + 40 * kMinute, out);
  auto resolved = of_action(out, AlertAction::kProblemResolved);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].problem_id == problem);
  CHECK(resolved[0].time_us == kT0 + 32 * kMinute);
  std::remove(path.c_str());
}

TEST_CASE("mined templates survive a restart with their ids", "[detect]") {
  const std::string path = temp_path("templates.snap");
  parsers::Record rec;
  rec.host = "db1";
  rec.message = "connection to 10.0.0.1 refused";
  std::vector<Alert> out;
  std::uint64_t before_id = 0;
  {
    Detector before(test_options());
    before.observe_unmatched(rec, kT0, out);
    before_id = before.miner().add("connection to 10.0.0.9 refused").id;
    REQUIRE(before.save_snapshot(path).has_value());
  }
  Detector after(test_options());
  auto restored = after.restore_snapshot(path);
  REQUIRE(restored.has_value());
  CHECK(restored->templates == 1);
  auto ref = after.miner().add("connection to 10.0.0.7 refused");
  CHECK(ref.id == before_id);
  CHECK_FALSE(ref.created);
  std::remove(path.c_str());
}

TEST_CASE("a mined cluster keeps its id across a restart after its template generalised", "[detect]") {
  const std::string path = temp_path("generalised.snap");
  std::uint64_t id = 0;
  {
    Detector before(test_options());
    id = before.miner().add("lease of replica alpha expired").id;
    const auto wider = before.miner().add("lease of replica beta expired");
    REQUIRE(wider.text == "lease of replica <*> expired");
    REQUIRE(wider.id == id);
    REQUIRE(before.save_snapshot(path).has_value());
  }
  Detector after(test_options());
  REQUIRE(after.restore_snapshot(path).has_value());
  const auto ref = after.miner().add("lease of replica gamma expired");
  CHECK_FALSE(ref.created);
  CHECK(ref.id == id);
  std::remove(path.c_str());
}

TEST_CASE("a version 1 snapshot, without cluster ids, still restores", "[detect]") {
  const std::string path = temp_path("v1.snap");
  // Written by hand as version 1 wrote it: no signatures, one template (text, hits).
  std::string payload;
  auto u64 = [&](std::uint64_t v) { for (int i = 0; i < 8; ++i) payload.push_back(static_cast<char>(v >> (8 * i))); };
  const std::string text = "lease of replica <*> expired";
  u64(0);
  u64(1);
  for (int i = 0; i < 4; ++i) payload.push_back(static_cast<char>(text.size() >> (8 * i)));
  payload += text;
  u64(7);
  std::string file = "LSDETECT";
  for (int i = 0; i < 4; ++i) file.push_back(static_cast<char>(i == 0 ? 1 : 0));
  for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>(payload.size() >> (8 * i)));
  file += payload;
  const std::uint64_t sum = XXH3_64bits(payload.data(), payload.size());
  for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>(sum >> (8 * i)));
  std::ofstream(path, std::ios::binary) << file;

  Detector d(test_options());
  auto restored = d.restore_snapshot(path);
  REQUIRE(restored.has_value());
  CHECK(restored->templates == 1);
  const auto ref = d.miner().add("lease of replica delta expired");
  CHECK_FALSE(ref.created);
  CHECK(ref.id == XXH3_64bits(text.data(), text.size()));
  std::remove(path.c_str());
}

TEST_CASE("a truncated, corrupt or foreign snapshot is an error and keeps the current state", "[detect]") {
  const std::string path = temp_path("bad.snap");
  auto rule = make_rule();
  std::vector<Alert> out;
  Detector source(test_options());
  for (int i = 0; i < 3; ++i) feed(source, rule, "edge3", kT0 + i * kMinute, out);
  REQUIRE(source.save_snapshot(path).has_value());
  const std::string good = read_file(path);
  REQUIRE(good.size() > 40);

  Detector target(test_options());
  feed(target, rule, "other", kT0, out);

  write_file(path, good.substr(0, good.size() / 2));
  auto r = target.restore_snapshot(path);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == SnapshotError::Kind::kTruncated);
  CHECK(r.error().message.find(path) != std::string::npos);

  std::string flipped = good;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5a);
  write_file(path, flipped);
  r = target.restore_snapshot(path);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == SnapshotError::Kind::kCorrupt);

  write_file(path, "{\"not\": \"a snapshot\"}");
  r = target.restore_snapshot(path);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == SnapshotError::Kind::kBadMagic);

  std::string future = good;
  future[8] = 9;  // version
  write_file(path, future);
  r = target.restore_snapshot(path);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == SnapshotError::Kind::kUnsupportedVersion);

  std::remove(path.c_str());
  r = target.restore_snapshot(path);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == SnapshotError::Kind::kIo);

  CHECK(target.counters().signatures_live == 1);  // untouched by the failed restores
}

TEST_CASE("every truncation of a snapshot is rejected without crashing", "[detect]") {
  const std::string path = temp_path("cut.snap");
  auto rule = make_rule();
  std::vector<Alert> out;
  Detector source(test_options());
  for (int i = 0; i < 3; ++i) feed(source, rule, "edge3", kT0 + i * kMinute, out);
  parsers::Record rec;
  rec.message = "disk error on sda";
  source.observe_unmatched(rec, kT0, out);
  REQUIRE(source.save_snapshot(path).has_value());
  const std::string good = read_file(path);
  Detector target(test_options());
  for (std::size_t n = 0; n < good.size(); n += 7) {
    write_file(path, good.substr(0, n));
    CHECK_FALSE(target.restore_snapshot(path).has_value());
  }
  write_file(path, good);
  CHECK(target.restore_snapshot(path).has_value());
  std::remove(path.c_str());
}

TEST_CASE("saving replaces the previous snapshot atomically and leaves no temp file", "[detect]") {
  const std::string path = temp_path("atomic.snap");
  Detector d(test_options());
  auto rule = make_rule();
  std::vector<Alert> out;
  REQUIRE(d.save_snapshot(path).has_value());
  feed(d, rule, "edge3", kT0, out);
  auto second = d.save_snapshot(path);
  REQUIRE(second.has_value());
  CHECK(second->signatures == 1);
  CHECK(read_file(path).size() == second->bytes);
  CHECK(::access((path + ".tmp").c_str(), F_OK) != 0);
  std::remove(path.c_str());
}

TEST_CASE("restoring more signatures than the cap keeps the most recently seen", "[detect]") {
  const std::string path = temp_path("cap.snap");
  auto rule = make_rule();
  std::vector<Alert> out;
  Detector big(test_options());
  feed(big, rule, "a", kT0, out);
  feed(big, rule, "b", kT0 + 1, out);
  feed(big, rule, "c", kT0 + 2, out);
  REQUIRE(big.save_snapshot(path).has_value());
  auto options = test_options();
  options.max_signatures = 2;
  Detector small(options);
  auto restored = small.restore_snapshot(path);
  REQUIRE(restored.has_value());
  CHECK(small.counters().signatures_live == 2);
  out.clear();
  feed(small, rule, "c", kT0 + 3, out);  // kept: suppressed, no alert
  CHECK(out.empty());
  feed(small, rule, "a", kT0 + 4, out);  // dropped: a first incident again
  CHECK(out.size() == 1);
  std::remove(path.c_str());
}
