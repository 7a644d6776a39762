// Hyperscan against PCRE2 as an oracle: a generated set of 1,200 rules over a generated corpus.
// For every line, the rules the Matcher reports (and the captures it extracts) must equal what
// plain PCRE2, run pattern by pattern, says.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "rules_test_support.h"
#include "rules/rule_set_internal.h"

using namespace logsift::rules;

namespace {

const std::vector<std::string> kWords = {
    "error", "failed", "connection", "timeout", "user", "root", "session", "disk", "kernel",
    "segfault", "denied", "refused", "opened", "closed", "port", "from", "for", "invalid",
    "warning", "device", "Accepted", "Failed", "password", "reset", "by", "peer", "upstream"};
const std::vector<std::string> kApps = {"sshd", "kernel", "nginx", "cron", "postgres"};

// One token of a generated rule, and how to write a line that satisfies it.
enum class Token { kWord, kDigits, kCapture, kLower, kAlternation, kOptionalWord, kAnyLazy, kClass };

struct GeneratedRule {
  std::vector<std::pair<Token, std::vector<std::string>>> tokens;  // words the token uses
  bool anchored = false;
  bool ignore_case = false;
  std::string exotic;  // a back-reference or look-around pattern appended as a 2nd pattern
  std::string app;     // `when: { app: ... }` when not empty
};

std::string regex_for(const GeneratedRule& g, int rule_index) {
  std::string re = g.anchored ? "^" : "";
  int capture = 0;
  for (std::size_t i = 0; i < g.tokens.size(); ++i) {
    if (i > 0) re += " ";
    const auto& [token, words] = g.tokens[i];
    switch (token) {
      case Token::kWord: re += words[0]; break;
      case Token::kDigits: re += "\\d+"; break;
      case Token::kCapture: re += "(?<c" + std::to_string(rule_index) + "_" + std::to_string(capture++) + ">\\S+)"; break;
      case Token::kLower: re += "[a-z]+"; break;
      case Token::kAlternation: re += "(?:" + words[0] + "|" + words[1] + ")"; break;
      case Token::kOptionalWord: re += "(?:" + words[0] + " )?x"; break;
      case Token::kAnyLazy: re += ".*?"; break;
      case Token::kClass: re += "[0-9a-f]{2,8}"; break;
    }
  }
  return re;
}

std::string line_for(const GeneratedRule& g, std::mt19937& rng) {
  std::string line;
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  for (std::size_t i = 0; i < g.tokens.size(); ++i) {
    if (i > 0) line += " ";
    const auto& [token, words] = g.tokens[i];
    switch (token) {
      case Token::kWord: line += rng() % 4 == 0 ? pick(kWords) : words[0]; break;
      case Token::kDigits: line += std::to_string(rng() % 100000); break;
      case Token::kCapture: line += pick(kWords) + std::to_string(rng() % 50); break;
      case Token::kLower: line += pick(kWords); break;
      case Token::kAlternation: line += words[rng() % 2]; break;
      case Token::kOptionalWord: line += rng() % 2 ? words[0] + " x" : "x"; break;
      case Token::kAnyLazy: line += pick(kWords) + " " + pick(kWords); break;
      case Token::kClass: line += "deadbeef"; break;
    }
  }
  if (g.ignore_case && rng() % 2) {
    for (auto& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return rng() % 3 == 0 ? pick(kWords) + " " + line : line;
}

// Plain PCRE2, no JIT, one pattern at a time.
struct Oracle {
  std::vector<std::vector<pcre2_code*>> codes;  // rule -> patterns
  pcre2_match_data* data = pcre2_match_data_create(64, nullptr);
  ~Oracle() {
    for (auto& rule : codes) for (auto* c : rule) pcre2_code_free(c);
    pcre2_match_data_free(data);
  }
};

}  // namespace

TEST_CASE("Hyperscan and PCRE2 report the same matches on 1,200 generated rules", "[rules][oracle]") {
  std::mt19937 rng(20261121);
  constexpr int kRules = 1200;
  std::vector<GeneratedRule> generated(kRules);
  std::string yaml = "ruleset: generated\nrules:\n";
  for (int r = 0; r < kRules; ++r) {
    GeneratedRule& g = generated[static_cast<std::size_t>(r)];
    const int length = 2 + static_cast<int>(rng() % 5);
    for (int t = 0; t < length; ++t) {
      auto token = static_cast<Token>(rng() % 8);
      std::vector<std::string> words = {kWords[rng() % kWords.size()], kWords[rng() % kWords.size()]};
      g.tokens.emplace_back(token, words);
    }
    g.tokens[0] = {Token::kWord, {kWords[rng() % kWords.size()]}};
    g.anchored = rng() % 5 == 0;
    g.ignore_case = rng() % 6 == 0;
    if (r % 40 == 7) g.exotic = "(?<dup>\\w+) \\k<dup> " + kWords[static_cast<std::size_t>(r) % kWords.size()];
    if (r % 40 == 19) g.exotic = kWords[static_cast<std::size_t>(r) % kWords.size()] + " (?!root)\\w+";
    if (r % 9 == 0) g.app = kApps[rng() % kApps.size()];
    yaml += "  - id: r" + std::to_string(r) + "\n    name: R\n";
    if (!g.app.empty()) yaml += "    when: { app: " + g.app + " }\n";
    if (!g.exotic.empty()) yaml += "    allow_slow: true\n";  // the back-reference pattern
    yaml += "    match:\n      - regex: '" + regex_for(g, r) + "'\n";
    if (g.ignore_case) yaml += "        ignore_case: true\n";
    if (!g.exotic.empty()) yaml += "      - '" + g.exotic + "'\n";
  }
  auto set = logsift::rules::testing::compile_text(yaml);
  REQUIRE(set->stats().rules == kRules);
  CHECK(set->stats().prefilter_patterns >= 50);

  Oracle oracle;
  for (const auto& rule : set->rules()) {
    oracle.codes.emplace_back();
    for (const auto& p : rule.patterns) {
      int err = 0;
      PCRE2_SIZE off = 0;
      oracle.codes.back().push_back(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(p.source.data()), p.source.size(),
                                                  p.case_insensitive ? PCRE2_CASELESS : 0u, &err, &off, nullptr));
      REQUIRE(oracle.codes.back().back() != nullptr);
    }
  }

  Matcher matcher(set);
  std::size_t lines_with_matches = 0, total_matches = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string line = line_for(generated[rng() % generated.size()], rng);
    if (i % 10 == 0) line = "the the " + line + " error root";  // feeds the exotic patterns
    auto record = logsift::rules::testing::message_record(line, "h", kApps[rng() % kApps.size()]);

    std::vector<std::pair<std::uint32_t, std::vector<std::pair<std::string, std::string>>>> expected;
    for (std::uint32_t r = 0; r < kRules; ++r) {
      const GeneratedRule& g = generated[r];
      if (!g.app.empty() && record.app != g.app) continue;
      for (auto* code : oracle.codes[r]) {
        int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), 0,
                             PCRE2_NO_JIT, oracle.data, nullptr);
        if (rc < 0) continue;
        std::vector<std::pair<std::string, std::string>> caps;
        uint32_t count = 0, entry = 0;
        PCRE2_SPTR table = nullptr;
        pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
        pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
        pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(oracle.data);
        for (uint32_t n = 0; n < count; ++n) {
          PCRE2_SPTR e = table + n * entry;
          uint32_t group = (static_cast<uint32_t>(e[0]) << 8) | e[1];
          if (ov[2 * group] == PCRE2_UNSET) continue;
          caps.emplace_back(reinterpret_cast<const char*>(e + 2), line.substr(ov[2 * group], ov[2 * group + 1] - ov[2 * group]));
        }
        std::sort(caps.begin(), caps.end());
        expected.emplace_back(r, std::move(caps));
        break;
      }
    }

    std::vector<std::pair<std::uint32_t, std::vector<std::pair<std::string, std::string>>>> actual;
    for (const auto& m : matcher.match(record)) {
      std::vector<std::pair<std::string, std::string>> caps;
      for (const auto& c : matcher.fields(m)) caps.emplace_back(std::string(c.name), std::string(c.value));
      std::sort(caps.begin(), caps.end());
      actual.emplace_back(m.rule_index, std::move(caps));
    }
    INFO("line: " << line);
    REQUIRE(actual == expected);
    lines_with_matches += expected.empty() ? 0 : 1;
    total_matches += expected.size();
  }
  // The corpus must exercise matching, or the comparison proves nothing.
  CHECK(lines_with_matches > 1500);
  CHECK(total_matches > 3000);
}
