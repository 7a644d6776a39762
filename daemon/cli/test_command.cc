// logsift test --rules PATH [FILE|-]: which rules each log line matches, as one JSON object a
// line: {"line": N, "matches": [{"rule": "<id>", "fields": {...}}]}.
#include <iostream>

#include "daemon/cli/cli_support.h"
#include "daemon/cli/commands.h"
#include "daemon/emit/json_text.h"
#include "parsers/base/clock.h"

namespace logsift::cli {

int run_test(int argc, char** argv, int first) {
  Args args(argc, argv, first, {"rules", "format", "cache"});
  auto rule_paths = args.options("rules");
  auto format = parse_format_name(args.option("format").value_or("auto"));
  if (!args.error().empty() || rule_paths.empty() || args.operands().size() > 1 || !format) {
    std::cerr << (args.error().empty() ? "" : args.error() + "\n")
              << "usage: logsift test --rules PATH [--rules PATH...] [--format auto|rfc5424|rfc3164|json]"
                 " [--cache DIR] [FILE|-]\n";
    return 2;
  }
  auto set = load_rule_set(rule_paths, args.option("cache").value_or(""), std::cerr);
  if (set == nullptr) return 1;

  parsers::ParseOptions options;
  options.expected_format = *format;
  options.reference_time_us = base::system_clock_us();
  options.json_fields.extra = set->json_paths();
  parsers::LineParser parser(options);
  rules::Matcher matcher(set);
  std::string out;
  const std::string input = args.operands().empty() ? "-" : args.operands()[0];
  bool ok = for_each_line(input, std::cerr, [&](std::uint64_t number, std::string_view line) {
    auto record = parser.parse(line);
    out.clear();
    out += "{\"line\":";
    emit::append_json_uint(number, out);
    out += ",\"matches\":[";
    bool first_match = true;
    for (const auto& m : matcher.match(record)) {
      if (!first_match) out += ',';
      first_match = false;
      out += "{\"rule\":";
      emit::append_json_string(set->rules()[m.rule_index].id, out);
      out += ",\"fields\":{";
      bool first_field = true;
      for (const auto& c : matcher.fields(m)) {
        if (!first_field) out += ',';
        first_field = false;
        emit::append_json_string(c.name, out);
        out += ':';
        emit::append_json_string(c.value, out);
      }
      out += "}}";
    }
    out += "]}\n";
    std::cout << out;
  });
  return ok ? 0 : 1;
}

}  // namespace logsift::cli
