// logsift test --rules PATH [--config FILE] [FILE|-]: which rules each log line matches, as one JSON object a
// line: {"line": N, "matches": [{"rule": "<id>", "fields": {...}}]}.
//
// Lines go through the same batch step as in the daemon (parse, match, sessions, detect);
// detection runs on a private state that is thrown away, so the output is the incidents alone. A
// rule with `session:` reports the fields merged with earlier lines of the session; a match it
// holds back (a note, or a failure waiting for an address) is listed under "held" with
// "session": "noted" or "waiting".
#include <unistd.h>

#include <iostream>

#include "daemon/cli/cli_support.h"
#include "daemon/cli/commands.h"
#include "daemon/emit/json_text.h"
#include "daemon/pipeline/record_processor.h"

namespace logsift::cli {

namespace {

// Lines per batch; a person typing lines gets each answer at once.
constexpr std::size_t kLinesPerBatch = 256;

constexpr const char* kUsage =
    "usage: logsift test --rules PATH [--rules PATH...] [--config logsiftd.yaml]\n"
    "                    [--format auto|rfc5424|rfc3164|json] [--cache DIR] [FILE|-]\n"
    "  Prints the rules each log line matches, one JSON object a line:\n"
    "  {\"line\":N,\"matches\":[{\"rule\":\"ID\",\"fields\":{...}}]}; matches of rules with\n"
    "  `session:` carry the session's merged fields, and those it holds back are listed under\n"
    "  \"held\" with \"session\":\"noted\" or \"waiting\"\n"
    "  --config FILE  read lines with that daemon config's JSON field mapping and time zone\n"
    "  --format F     parse every line as F instead of sniffing each one\n"
    "  --cache DIR    keep compiled Hyperscan databases in DIR\n";

}  // namespace

int run_test(int argc, char** argv, int first) {
  Args args(argc, argv, first, {"rules", "format", "cache", "config"});
  if (auto done = handle_help_or_error(args, "test", kUsage)) return *done;
  auto rule_paths = args.options("rules");
  if (rule_paths.empty()) return usage_error("test", "--rules is required", kUsage);
  if (args.operands().size() > 1) return usage_error("test", "give one input FILE or -", kUsage);
  const std::string format_name = args.option("format").value_or("auto");
  auto format = parse_format_name(format_name);
  if (!format) {
    return usage_error("test", "--format: '" + format_name + "' is not " + kFormatNames, kUsage);
  }
  auto daemon_config = load_daemon_config(args.option("config"));
  if (!daemon_config) {
    for (const auto& e : daemon_config.error()) std::cerr << e << "\n";
    return 1;
  }
  auto set = load_rule_set(rule_paths, args.option("cache").value_or(""), std::cerr);
  if (set == nullptr) return 1;

  parsers::ParseOptions options = tool_parse_options(daemon_config.value(), set.get());
  options.expected_format = *format;
  pipeline::DetectShards detect(1, detect::DetectOptions{});
  pipeline::RecordProcessor processor(set, options, detect);
  std::vector<detect::Alert> alerts;
  std::uint64_t line_number = 0;
  std::string out;
  const std::string input = args.operands().empty() ? "-" : args.operands()[0];
  const bool interactive = input == "-" && ::isatty(STDIN_FILENO) == 1;
  LineBatcher batcher(interactive ? 1 : kLinesPerBatch, [&](const ingest::RawBatch& batch) {
    processor.process_batch(batch, alerts);
    alerts.clear();
    const auto incidents = processor.incidents();
    const auto held = processor.held();
    auto append_match = [&](std::uint32_t rule_index, std::span<const rules::Capture> fields) {
      out += "{\"rule\":";
      emit::append_json_string(set->rules()[rule_index].id, out);
      out += ",\"fields\":{";
      bool first_field = true;
      for (const auto& c : fields) {
        if (!first_field) out += ',';
        first_field = false;
        emit::append_json_string(c.name, out);
        out += ':';
        emit::append_json_string(c.value, out);
      }
      out += '}';
    };
    std::size_t next = 0, next_held = 0;
    for (std::uint32_t r = 0; r < processor.records().size(); ++r) {
      out.clear();
      out += "{\"line\":";
      emit::append_json_uint(++line_number, out);
      out += ",\"matches\":[";
      for (bool first_match = true; next < incidents.size() && processor.record_index(incidents[next]) == r; ++next) {
        if (!first_match) out += ',';
        first_match = false;
        append_match(static_cast<std::uint32_t>(incidents[next].rule - set->rules().data()), incidents[next].fields);
        out += '}';
      }
      out += ']';
      if (next_held < held.size() && held[next_held].record_index == r) {
        out += ",\"held\":[";
        for (bool first_held = true; next_held < held.size() && held[next_held].record_index == r; ++next_held) {
          if (!first_held) out += ',';
          first_held = false;
          append_match(held[next_held].rule_index, held[next_held].fields);
          out += ",\"session\":";
          emit::append_json_string(detect::session_step_name(held[next_held].step), out);
          out += '}';
        }
        out += ']';
      }
      out += "}\n";
      std::cout << out;
    }
    if (interactive) std::cout.flush();
  });
  bool ok = for_each_line(input, std::cerr, [&](std::uint64_t, std::string_view line) { batcher.add(line); });
  batcher.flush();
  return ok ? 0 : 1;
}

}  // namespace logsift::cli
