#include "rules/duration.h"

#include <limits>

namespace logsift::rules {

Expected<std::int64_t, std::string> parse_duration_ms(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Unexpected{"invalid duration \"" + std::string(text) + "\": " + std::string(why) +
                      " (examples: 500ms, 30s, 10m, 1h30m, 2d)"};
  };
  if (text == "0") return std::int64_t{0};
  if (text.empty()) return bad("empty");
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  // Ranks enforce largest-first order; "ms" is tested before "m" so the longer suffix wins.
  struct Unit {
    std::string_view suffix;
    std::int64_t ms;
    int rank;
  };
  static constexpr Unit kUnits[] = {{"ms", 1, 5}, {"d", 86'400'000, 1}, {"h", 3'600'000, 2},
                                    {"m", 60'000, 3}, {"s", 1'000, 4}};
  std::int64_t total = 0;
  int last_rank = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t value = 0;
    const std::size_t digits_start = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (value > (kMax - (text[i] - '0')) / 10) return bad("too large");
      value = value * 10 + (text[i] - '0');
    }
    if (i == digits_start) return bad("expected a number");
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.substr(i).starts_with(u.suffix)) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return bad("each number needs a unit: ms, s, m, h or d");
    if (unit->rank <= last_rank) return bad("units must go from largest to smallest, each once");
    last_rank = unit->rank;
    i += unit->suffix.size();
    if (value > (kMax - total) / unit->ms) return bad("too large");
    total += value * unit->ms;
  }
  return total;
}

}  // namespace logsift::rules
