// libFuzzer target: any bytes through every parser, copied and padded, then through the matcher
// of a small rule set. Must never crash, hang or read out of bounds (run under ASan).
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "parsers/line_parser.h"
#include "rules/loader.h"
#include "rules/rule_set.h"

namespace {

std::shared_ptr<const logsift::rules::RuleSet> rule_set() {
  static std::shared_ptr<const logsift::rules::RuleSet> set = [] {
    logsift::rules::LoadedRules loaded;
    logsift::rules::load_rule_text(R"(ruleset: fuzz
rules:
  - id: a
    name: A
    match: 'Failed password for (?<user_name>\S+) from (?<source_ip>\S+)'
  - id: b
    name: B
    match: ['(?<word>\w+) \k<word>', { literal: 'error', ignore_case: true }]
  - id: c
    name: C
    when: { app: sshd }
    match: { regex: '^(?<level>err|warn)', field: json.log.level }
)", "fuzz.yaml", loaded);
    return logsift::rules::RuleSet::compile(std::move(loaded.rules), {}).value();
  }();
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto set = rule_set();
  static logsift::rules::Matcher matcher(set);
  static std::vector<std::unique_ptr<logsift::parsers::LineParser>> parsers = [] {
    std::vector<std::unique_ptr<logsift::parsers::LineParser>> v;
    for (auto f : {logsift::parsers::ExpectedFormat::kAuto, logsift::parsers::ExpectedFormat::kRfc5424,
                   logsift::parsers::ExpectedFormat::kRfc3164, logsift::parsers::ExpectedFormat::kJson}) {
      logsift::parsers::ParseOptions o;
      o.expected_format = f;
      o.reference_time_us = 1'773'000'000LL * 1'000'000;
      o.json_fields.extra = set->json_paths();
      v.push_back(std::make_unique<logsift::parsers::LineParser>(o));
    }
    return v;
  }();
  // An exact-size copy (so ASan sees any overread) and a padded copy for the zero-copy JSON path.
  std::vector<char> exact(data, data + size);
  std::string padded(reinterpret_cast<const char*>(data), size);
  padded.append(64, '\0');
  for (auto& parser : parsers) {
    auto record = parser->parse(std::string_view(exact.data(), exact.size()));
    for (const auto& m : matcher.match(record)) (void)matcher.fields(m);
    record = parser->parse(logsift::parsers::PaddedLine::assume_padded(std::string_view(padded.data(), size)));
    for (const auto& m : matcher.match(record)) (void)matcher.fields(m);
  }
  return 0;
}
