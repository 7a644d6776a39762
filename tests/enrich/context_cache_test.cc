#include <catch2/catch.hpp>

#include "daemon/enrich/context_cache.h"
#include "tests/allocation_counter.h"

using namespace logsift::enrich;

namespace {

std::shared_ptr<const Cmdb> table(const std::string& csv) {
  auto t = Cmdb::parse(csv, "c.csv");
  REQUIRE(t);
  return *t;
}

}  // namespace

TEST_CASE("the context cache answers as the table does and goes to it once per host", "[enrich]") {
  ContextCache cache(16);
  CHECK(cache.lookup("web1", "") == nullptr);  // no table: no context, nothing counted
  CHECK(cache.counters().lookups == 0);
  cache.set_table(table("match,service\nweb*,shop\n10.0.0.0/8,lab\n"));
  for (int round = 0; round < 3; ++round) {
    REQUIRE(cache.lookup("web1", "192.0.2.1") != nullptr);
    CHECK(cache.lookup("web1", "192.0.2.1")->service == "shop");
    CHECK(cache.lookup("box", "10.1.1.1")->service == "lab");
    CHECK(cache.lookup("box", "192.0.2.1") == nullptr);
  }
  CHECK(cache.counters().lookups == 12);
  CHECK(cache.counters().misses == 3);
  CHECK(cache.counters().unmatched == 1);
  // A new table replaces every cached answer.
  cache.set_table(table("match,service\nweb*,store\n"));
  CHECK(cache.lookup("web1", "192.0.2.1")->service == "store");
  CHECK(cache.lookup("box", "10.1.1.1") == nullptr);
}

TEST_CASE("context lookups allocate nothing once the cache holds the hosts", "[enrich][alloc]") {
  ContextCache cache(64);
  cache.set_table(table("match,service\nweb-*.example.com,shop\n10.0.0.0/8,lab\n"));
  const std::string hosts[] = {"web-1.example.com", "web-2.example.com", "a-rather-long-host-name.example.org"};
  for (const auto& h : hosts) (void)cache.lookup(h, "10.1.2.3");
  const std::size_t before = logsift::testing::allocation_count();
  std::size_t found = 0;
  for (int i = 0; i < 1000; ++i) found += cache.lookup(hosts[i % 3], "10.1.2.3") != nullptr ? 1 : 0;
  CHECK(logsift::testing::allocation_count() - before == 0);
  CHECK(found == 1000);
}
