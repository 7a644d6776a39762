#include "daemon/trend/batch_counts.h"

#include <catch2/catch.hpp>
#include <string>

namespace logsift::trend {
namespace {

TEST_CASE("batch counts sum per series in first-seen order and keep the first label", "[trend]") {
  BatchCounts b;
  b.add(SeriesKind::kHost, "web1");
  b.add(SeriesKind::kListener, "web1");  // same key, other kind: another series
  b.add(SeriesKind::kHost, "web1", "", 0, 4);
  b.add(SeriesKind::kSignature, "00000000000000aa", "sshd.failed_password", 0xaa);
  b.add(SeriesKind::kSignature, "00000000000000aa", "other", 0xbb);
  const auto c = b.counts();
  REQUIRE(c.size() == 3);
  CHECK(c[0].key == "web1");
  CHECK(c[0].kind == SeriesKind::kHost);
  CHECK(c[0].count == 5);
  CHECK(c[1].kind == SeriesKind::kListener);
  CHECK(c[1].count == 1);
  CHECK(c[2].label == "sshd.failed_password");
  CHECK(c[2].signature_id == 0xaa);
  CHECK(c[2].count == 2);
  b.clear();
  CHECK(b.empty());
  CHECK(b.counts().empty());
}

TEST_CASE("batch counts hold many series and stay correct after clears", "[trend]") {
  BatchCounts b;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 1000; ++i) b.add(SeriesKind::kHost, "host" + std::to_string(i % 500));
    const auto c = b.counts();
    REQUIRE(c.size() == 500);
    for (const auto& s : c) CHECK(s.count == 2);
    b.clear();
  }
}

}  // namespace
}  // namespace logsift::trend
