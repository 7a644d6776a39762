#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "daemon/detect/snapshot_store.h"
#include "daemon/pipeline/detect_shards.h"
#include "tests/detect/detect_fixture.h"

using namespace logsift;
using namespace logsift::detect::testing;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kShards = 4;

struct StateDir {
  std::string path = "/tmp/logsift_shards_test_" + std::to_string(::getpid()) + "_" +
                     std::to_string(reinterpret_cast<std::uintptr_t>(this));
  StateDir() { fs::remove_all(path); }
  ~StateDir() { fs::remove_all(path); }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    if (!fs::exists(path)) return out;
    for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
    return out;
  }
};

// One incident each of rules "r<first>".."r<last-1>": as many signatures, spread over the shards.
void feed_rules(pipeline::DetectShards& shards, int first, int last) {
  std::vector<detect::Alert> out;
  parsers::Record record;
  record.host = "edge3";
  record.message = "Failed password for root";
  record.original = record.message;
  for (int i = first; i < last; ++i) {
    const rules::Rule rule = make_rule("r" + std::to_string(i));
    detect::Incident incident{&rule, &record, {}};
    shards.observe(incident, kT0, out);
  }
}

std::uint64_t live(const pipeline::DetectShards& shards) { return shards.counters().signatures_live; }

}  // namespace

TEST_CASE("detect shards restore the newest complete snapshot generation", "[pipeline][snapshot]") {
  StateDir dir;
  pipeline::DetectShards before(kShards, test_options());
  feed_rules(before, 0, 100);
  REQUIRE(before.save(dir.path).empty());
  feed_rules(before, 100, 150);
  REQUIRE(before.save(dir.path).empty());
  CHECK(before.last_saved_generation() == 2);

  pipeline::DetectShards after(kShards, test_options());
  const auto report = after.restore(dir.path);
  CHECK(report.restored);
  CHECK(report.generation == 2);
  CHECK(report.signatures == 150);
  CHECK(report.problems.empty());
  CHECK(live(after) == 150);
}

TEST_CASE("a snapshot that fails part way leaves the previous generation whole", "[pipeline][snapshot]") {
  StateDir dir;
  pipeline::DetectShards before(kShards, test_options());
  feed_rules(before, 0, 100);
  REQUIRE(before.save(dir.path).empty());
  feed_rules(before, 100, 400);
  // The disk refuses files past a size that the first generation's shards stayed under: a real
  // write failure (EFBIG, as ENOSPC would be) part way through the next generation.
  std::uintmax_t largest = 0;
  for (const auto& name : dir.files()) largest = std::max(largest, fs::file_size(dir.path + "/" + name));
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit saved{};
  ::getrlimit(RLIMIT_FSIZE, &saved);
  rlimit small = saved;
  small.rlim_cur = static_cast<rlim_t>(largest + 64);
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  const auto errors = before.save(dir.path);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("cannot write") != std::string::npos);
  // Shards of the failed generation that were written are cleaned up again.
  for (const auto& name : dir.files()) CHECK(name.find("detect-g2") == std::string::npos);

  pipeline::DetectShards after(kShards, test_options());
  const auto report = after.restore(dir.path);
  CHECK(report.generation == 1);
  CHECK(live(after) == 100);
}

TEST_CASE("a damaged shard file falls back to the generation before, never a mix", "[pipeline][snapshot]") {
  StateDir dir;
  pipeline::DetectShards before(kShards, test_options());
  feed_rules(before, 0, 100);
  REQUIRE(before.save(dir.path).empty());
  feed_rules(before, 100, 200);
  REQUIRE(before.save(dir.path).empty());
  detect::SnapshotStore store(dir.path, kShards);
  const std::string victim = dir.path + "/" + store.shard_file(2, 3);
  {
    std::fstream f(victim, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('\x7f');
  }
  pipeline::DetectShards after(kShards, test_options());
  const auto report = after.restore(dir.path);
  CHECK(report.restored);
  CHECK(report.generation == 1);
  CHECK(live(after) == 100);
  REQUIRE(!report.problems.empty());
  CHECK(report.problems[0].find("generation 2") != std::string::npos);
}

TEST_CASE("shard files without their manifest are not restored and the shards start empty", "[pipeline][snapshot]") {
  StateDir dir;
  pipeline::DetectShards before(kShards, test_options());
  feed_rules(before, 0, 50);
  REQUIRE(before.save(dir.path).empty());
  detect::SnapshotStore store(dir.path, kShards);
  fs::remove(dir.path + "/" + store.manifest_file(1));

  pipeline::DetectShards after(kShards, test_options());
  const auto report = after.restore(dir.path);
  CHECK_FALSE(report.restored);
  CHECK(live(after) == 0);
  CHECK(report.problems.size() == 1);
}

TEST_CASE("a generation written with another shard count is refused with the reason", "[pipeline][snapshot]") {
  StateDir dir;
  pipeline::DetectShards before(2, test_options());
  feed_rules(before, 0, 50);
  REQUIRE(before.save(dir.path).empty());

  pipeline::DetectShards after(kShards, test_options());
  const auto report = after.restore(dir.path);
  CHECK_FALSE(report.restored);
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0].find("2 detection shards") != std::string::npos);
}

TEST_CASE("only the newest two complete generations are kept", "[pipeline][snapshot]") {
  StateDir dir;
  pipeline::DetectShards shards(kShards, test_options());
  feed_rules(shards, 0, 20);
  for (int i = 0; i < 4; ++i) REQUIRE(shards.save(dir.path).empty());
  std::size_t manifests = 0, shard_files = 0;
  for (const auto& name : dir.files()) {
    CHECK((name.find("detect-g3") == 0 || name.find("detect-g4") == 0));
    manifests += name.ends_with(".manifest");
    shard_files += name.ends_with(".snapshot");
  }
  CHECK(manifests == 2);
  CHECK(shard_files == 2 * kShards);
}

TEST_CASE("a manifest cut short is not a generation", "[pipeline][snapshot]") {
  detect::SnapshotManifest m;
  m.generation = 7;
  m.shards.push_back(detect::ShardFileEntry{"detect-g7-0-of-1.snapshot", 120, 0xabcdef, 3});
  const std::string text = detect::format_manifest(m, 1);
  std::size_t shards = 0;
  auto parsed = detect::parse_manifest(text, shards);
  REQUIRE(parsed.has_value());
  CHECK(parsed->generation == 7);
  CHECK(parsed->signatures() == 3);
  CHECK(shards == 1);
  for (std::size_t cut : {text.size() - 1, text.size() / 2, std::size_t{10}}) {
    CHECK_FALSE(detect::parse_manifest(std::string_view(text).substr(0, cut), shards).has_value());
  }
}

TEST_CASE("max_signatures caps the signatures of all shards together", "[pipeline][caps]") {
  auto options = test_options();
  options.max_signatures = 100;
  pipeline::DetectShards shards(kShards, options);
  feed_rules(shards, 0, 1000);
  const auto counters = shards.counters();
  CHECK(counters.signatures_live <= 100);
  CHECK(counters.signatures_live >= 90);  // the hash spreads 1000 rules evenly enough
  CHECK(counters.signature_evictions == 1000 - counters.signatures_live);
}
