#include "rules/examples.h"

#include <algorithm>

#include "rules/field.h"

namespace logsift::rules {

namespace {

// 2026-06-15T00:00:00Z: a fixed reference so year-less example timestamps parse the same on
// every machine and every day.
constexpr std::int64_t kExampleReferenceTimeUs = 1'781'481'600'000'000;

std::string in_quotes(std::string_view s) {
  std::string quoted(1, '\'');
  quoted.append(s);
  quoted.push_back('\'');
  return quoted;
}

}  // namespace

ExampleReport run_examples(const std::shared_ptr<const RuleSet>& rule_set,
                           parsers::ParseOptions options) {
  options.json_fields.extra = rule_set->json_paths();
  options.reference_time_us = kExampleReferenceTimeUs;
  parsers::LineParser parser(options);
  Matcher matcher(rule_set);
  ExampleReport report;

  const auto& rules = rule_set->rules();
  for (std::uint32_t r = 0; r < rules.size(); ++r) {
    const Rule& rule = rules[r];
    for (const Example& example : rule.examples) {
      ++report.examples;
      auto fail = [&](std::string message) {
        report.failures.push_back({rule.file, example.source_line, rule.id, std::move(message)});
      };
      const parsers::Record record = parser.parse(example.line);
      const auto matches = matcher.match(record);
      auto it = std::find_if(matches.begin(), matches.end(), [&](const RuleMatch& m) { return m.rule_index == r; });
      if (!example.should_match) {
        if (it != matches.end()) fail("example should not match but does: " + example.line);
        continue;
      }
      if (it == matches.end()) {
        fail("example does not match (message parsed as " + in_quotes(record.message) + ", app " +
             in_quotes(record.app) + "): " + example.line);
        continue;
      }
      const auto captures = matcher.fields(*it);
      for (const auto& [name, want] : example.fields) {
        std::optional<std::string_view> got;
        for (const auto& c : captures) {
          if (c.name == name) {
            got = c.value;
            break;
          }
        }
        if (!got) got = named_record_field(record, name);
        if (!got) fail("example field " + name + ": the match yields no such field");
        else if (*got != want) fail("example field " + name + ": expected " + in_quotes(want) + ", got " + in_quotes(*got));
      }
    }
  }
  return report;
}

}  // namespace logsift::rules
