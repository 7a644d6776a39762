#include "daemon/detect/template_miner.h"

#include <catch2/catch.hpp>

#include <xxhash.h>

#include <fstream>

#include <string>
#include <vector>

using namespace logsift::detect;

TEST_CASE("masking replaces numbers, addresses, hex, uuids and paths", "[detect][miner]") {
  CHECK(mask_message("PacketResponder 1 for block blk_-695229 terminating") ==
        "PacketResponder <*> for block <*> terminating");
  CHECK(mask_message("connect to 10.1.2.3:8080 failed") == "connect to <*> failed");
  CHECK(mask_message("session 0x1f2e3d4c closed") == "session <*> closed");
  CHECK(mask_message("instance 6f1c2a3b-1d2e-4f5a-9b8c-7d6e5f4a3b2c deleted") == "instance <*> deleted");
  CHECK(mask_message("cannot open /var/log/app/current.log: permission denied") ==
        "cannot open <*> permission denied");
  CHECK(mask_message("fetch https://example.org/a/b done") == "fetch <*> done");
  CHECK(mask_message("uid=0 euid=0 tty=ssh user=root") == "uid= <*> euid= <*> tty= ssh user= root");
  CHECK(mask_message("on Sun Dec 04 04:47:44 2005 it failed") == "on <*> it failed");
  CHECK(mask_message("deadbeefcafe seen") == "<*> seen");
  CHECK(mask_message("com.apple.cache.daily: job ran") == "<*> job ran");
  CHECK(mask_message("NameSystem.addStoredBlock: done") == "NameSystem.addStoredBlock: done");
  CHECK(mask_message("  spaced\tout  ") == "spaced out");
}

TEST_CASE("similar messages share one cluster whose id stays when its template generalises",
          "[detect][miner]") {
  TemplateMiner miner;
  auto a = miner.add("Accepted password for alice from 10.0.0.1 port 22 ssh2");
  CHECK(a.created);
  CHECK(a.text == "Accepted password for alice from <*> port <*>");  // "22 ssh2" is one variable run
  CHECK(a.id == XXH3_64bits(a.text.data(), a.text.size()));  // the hash of its first template
  auto b = miner.add("Accepted password for bob from 10.0.0.2 port 22 ssh2");
  CHECK_FALSE(b.created);
  CHECK(b.changed);
  CHECK(b.text == "Accepted password for <*> from <*> port <*>");
  CHECK(b.id == a.id);
  CHECK(template_id_hex(b.id).size() == 16);
  auto c = miner.add("Accepted password for carol from 10.0.0.3 port 22 ssh2");
  CHECK(c.id == b.id);
  CHECK_FALSE(c.changed);
  CHECK(miner.counters().templates == 1);
}

TEST_CASE("cluster ids depend only on the message that started the cluster", "[detect][miner]") {
  const std::vector<std::string> lines = {
      "Accepted password for alice from 10.0.0.1 port 22 ssh2",
      "Connection closed by 10.0.0.9 port 4000",
      "Accepted password for bob from 10.0.0.2 port 22 ssh2",
      "Connection closed by 10.0.0.8 port 4001",
      "Disk /dev/sda1 is 91% full"};
  TemplateMiner forward;
  TemplateMiner again;
  for (const auto& l : lines) forward.add(l);
  for (const auto& l : lines) again.add(l);
  for (const auto& l : lines) CHECK(forward.add(l).id == again.add(l).id);
  // Another first message makes another cluster id, though the template text converges.
  TemplateMiner backward;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) backward.add(*it);
  const auto f = forward.add(lines[0]);
  const auto b = backward.add(lines[0]);
  CHECK(f.text == b.text);
  CHECK(f.id != b.id);
  CHECK(forward.add(lines[1]).id == backward.add(lines[1]).id);  // both started by a line alike
  // Pinned: a template's id is the same on every machine and in every release.
  CHECK(template_id_hex(forward.add("Connection closed by 10.1.1.1 port 1").id) == "81e58131cbcce44c");
}

TEST_CASE("one word in five may differ within a template, one in six may not", "[detect][miner]") {
  TemplateMiner miner;
  auto a = miner.add("lease of replica alpha expired");
  auto b = miner.add("lease of replica beta expired");
  CHECK_FALSE(b.created);
  CHECK(b.id == a.id);
  auto c = miner.add("Session: 30546173_4261722401 initialized by client WindowsUpdateAgent.");
  auto d = miner.add("Session: 30546174_4261722402 initialized by client SPP.");
  CHECK_FALSE(d.created);  // 5 of 6 positions agree, the variable included
  CHECK(d.id == c.id);
  auto e = miner.add("sync of volume alpha finished on node one");
  auto f = miner.add("sync of volume beta finished on node two");
  CHECK(f.created);  // 6 of 8
  CHECK(e.id != f.id);
}

TEST_CASE("different messages get different templates", "[detect][miner]") {
  TemplateMiner miner;
  auto a = miner.add("Starting TrustedInstaller initialization.");
  auto b = miner.add("Ending TrustedInstaller initialization.");
  auto c = miner.add("Failed to open disk");
  CHECK(a.id != b.id);
  CHECK(a.id != c.id);
  CHECK(miner.counters().templates == 3);
}

TEST_CASE("the template cap evicts the least recently seen template and counts it", "[detect][miner]") {
  MinerOptions options;
  options.max_templates = 2;
  TemplateMiner miner(options);
  auto a = miner.add("alpha job started");
  miner.add("beta queue drained");
  miner.add("alpha job started");  // beta is now the oldest
  miner.add("gamma link lost");
  auto c = miner.counters();
  CHECK(c.templates == 2);
  CHECK(c.evictions == 1);
  CHECK_FALSE(miner.add("alpha job started").created);
  CHECK(miner.add("beta queue drained").created);
  CHECK(miner.current(a.cluster).id == a.id);
}

TEST_CASE("exported templates re-import to the same ids and clusters", "[detect][miner]") {
  TemplateMiner miner;
  const auto first = miner.add("stopped worker alpha after 10 ms");
  miner.add("stopped worker 3 after 12 ms");  // generalises: "stopped worker <*> after <*> ms"
  miner.add("stopped worker 2 after 12 ms because of a timeout");
  auto saved = miner.export_templates();
  REQUIRE(saved.size() == 2);
  CHECK(saved[0].id == first.id);
  TemplateMiner copy;
  copy.import_templates(saved);
  CHECK(copy.counters().templates == 2);
  auto again = copy.add("stopped worker 7 after 3 ms");
  CHECK_FALSE(again.created);
  CHECK(again.id == first.id);
  CHECK(again.id == miner.add("stopped worker 8 after 4 ms").id);
  // Saved templates without an id (older snapshots) take the hash of their text.
  TemplateMiner old;
  old.import_templates({{"stopped worker <*> after <*> ms", 3, 0}});
  const auto o = old.add("stopped worker 9 after 1 ms");
  CHECK(o.id == XXH3_64bits(o.text.data(), o.text.size()));
}

TEST_CASE("very long messages are cut to max_tokens", "[detect][miner]") {
  MinerOptions options;
  options.max_tokens = 4;
  TemplateMiner miner(options);
  auto a = miner.add("a b c d e f g h");
  CHECK(a.text == "a b c d <*>");
}

TEST_CASE("an empty message is a template of its own", "[detect][miner]") {
  TemplateMiner miner;
  auto a = miner.add("");
  auto b = miner.add("   ");
  CHECK(a.id == b.id);
  CHECK(a.text.empty());
}

TEST_CASE("mining a real log twice gives the same template ids and few templates", "[detect][miner]") {
  const std::string path = LOGSIFT_SHARED_DIR "/corpora/loghub-2k/HDFS/HDFS_2k.log";
  std::ifstream in(path);
  if (!in) {
    WARN("corpus not present, skipped: " << path);
    return;
  }
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  REQUIRE(lines.size() == 2000);
  TemplateMiner first;
  TemplateMiner second;
  std::vector<std::uint32_t> slots;
  for (const auto& l : lines) slots.push_back(first.add(l).cluster);
  for (const auto& l : lines) second.add(l);
  // Whole raw lines, headers included, give exactly the 14 annotated templates.
  CHECK(first.counters().templates == 14);
  for (std::size_t i = 0; i < lines.size(); i += 97) {
    CHECK(first.current(slots[i]).id == second.add(lines[i]).id);
  }
}

TEST_CASE("importing keeps templates apart even when they are similar enough to join", "[detect][miner]") {
  TemplateMiner::Saved a{"job <*> done in <*> ms", 3};
  TemplateMiner::Saved b{"job <*> done in <*> s", 2};
  TemplateMiner miner;
  miner.import_templates({a, b});
  CHECK(miner.counters().templates == 2);
  auto saved = miner.export_templates();
  REQUIRE(saved.size() == 2);
  CHECK(saved[0].text == a.text);
  CHECK(saved[0].hits == 3);
  CHECK(saved[1].text == b.text);
}
