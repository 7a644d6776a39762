// "No allocation per message in steady state": counts calls to the global operator new while
// parsing, after the parsers have seen the longest line once.
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parsers/line_parser.h"
#include "parsers/structured_data.h"
#include "tests/parsers/test_util.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Replacements for the whole test binary; they only count. The binary exports them
// (ENABLE_EXPORTS in CMakeLists.txt) so that libsimdjson.so allocates through them too and every
// allocation is released by the matching function, with or without AddressSanitizer.
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
// simdjson allocates with new (std::nothrow).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
// GCC cannot see that these free() what the operator new above malloc()ed.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#pragma GCC diagnostic pop

using namespace logsift::parsers;

TEST_CASE("parsing allocates nothing once the parser has warmed up", "[parsers][alloc]") {
  const std::vector<std::string> lines = {
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"] An application event",
      "<38>Mar  9 07:12:44 edge3 sshd[2211]: Failed password for invalid user oracle",
      "<189>123: *Mar  1 18:46:11.123: %LINK-3-UPDOWN: Interface Gi0/1, changed state to up",
      R"({"@timestamp":"2026-03-09T07:12:44.123Z","log":{"level":"error"},"host":{"name":"w"},)"
      R"("message":"boom \u00e9","process":{"pid":17},"user":{"name":"bob"}})",
      R"({"broken": )",
      "garbage \xff\xfe",
  };
  ParseOptions options;
  options.reference_time_us = testing::utc_us(2026, 3, 9);
  options.json_fields.extra = {"user.name"};
  LineParser parser(options);
  for (const std::string& line : lines) (void)parser.parse(line);  // warm-up

  const long before = g_allocations.load();
  std::size_t clean = 0;
  for (int round = 0; round < 100; ++round) {
    for (const std::string& line : lines) {
      const Record r = parser.parse(line);
      clean += r.quality == Quality::kClean ? 1 : 0;
      StructuredDataReader reader(r.structured_data);
      std::string_view id;
      while (reader.next_element(&id)) {
      }
    }
  }
  const long allocations = g_allocations.load() - before;
  CHECK(clean == 400);
  CHECK(allocations == 0);

  // The counter does see allocations: a cold parser allocates its JSON buffers.
  const long cold_before = g_allocations.load();
  LineParser cold(options);
  (void)cold.parse(lines[3]);
  CHECK(g_allocations.load() > cold_before);
}
