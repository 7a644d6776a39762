#include "parsers/base/expected.h"

#include <catch2/catch.hpp>

#include <string>

namespace {

logsift::Expected<int, std::string> half(int v) {
  if (v % 2 != 0) return logsift::Unexpected{std::string("odd")};
  return v / 2;
}

}  // namespace

TEST_CASE("Expected holds a value or an error, and says which", "[base]") {
  const auto ok = half(8);
  REQUIRE(ok);
  CHECK(ok.has_value());
  CHECK(*ok == 4);
  const auto bad = half(7);
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == "odd");
}

TEST_CASE("Expected moves its value or error out", "[base]") {
  logsift::base::Expected<std::string, int> text(std::string(100, 'x'));
  const std::string taken = std::move(text).value();
  CHECK(taken.size() == 100);
  logsift::base::Expected<std::string, std::string> err(logsift::base::Unexpected{std::string("e")});
  CHECK(std::move(err).error() == "e");
}
