// logsift mine [--format auto|raw] FILE: the template of every line, as the daemon's miner sees
// it: {"line": N, "template_id": "...", "template": "..."}. template_id is the id of the line's
// cluster, which stays the same while the cluster's template text generalises: group by it.
#include <iostream>

#include "daemon/cli/cli_support.h"
#include "daemon/cli/commands.h"
#include "daemon/detect/template_miner.h"
#include "daemon/emit/json_text.h"
#include "parsers/base/clock.h"

namespace logsift::cli {

namespace {

constexpr const char* kUsage =
    "usage: logsift mine [--format auto|raw] [FILE|-]\n"
    "  The message template of every line as the daemon's miner sees it, one JSON object a line:\n"
    "  {\"line\":N,\"template_id\":\"ID\",\"template\":\"TEXT\"}; the id of a line's cluster stays\n"
    "  the same when its template text later generalises.\n"
    "  --format auto  mine the parsed message, as detection does (default)\n"
    "  --format raw   mine each line as it is\n";

}  // namespace

int run_mine(int argc, char** argv, int first) {
  Args args(argc, argv, first, {"format"});
  if (auto done = handle_help_or_error(args, "mine", kUsage)) return *done;
  const std::string format = args.option("format").value_or("auto");
  if (format != "auto" && format != "raw") {
    return usage_error("mine", "--format: '" + format + "' is not auto or raw", kUsage);
  }
  if (args.operands().size() > 1) return usage_error("mine", "give one input FILE or -", kUsage);
  parsers::ParseOptions options;
  options.reference_time_us = base::system_clock_us();
  parsers::LineParser parser(options);
  detect::TemplateMiner miner;
  std::string out;
  const std::string input = args.operands().empty() ? "-" : args.operands()[0];
  bool ok = for_each_line(input, std::cerr, [&](std::uint64_t number, std::string_view line) {
    // auto: mine the message part, as detection does; raw: the line as it is.
    std::string_view message = format == "raw" ? parsers::strip_line_terminator(line) : parser.parse(line).message;
    auto ref = miner.add(message);
    out.clear();
    out += "{\"line\":";
    emit::append_json_uint(number, out);
    out += ",\"template_id\":";
    emit::append_json_string(detect::template_id_hex(ref.id), out);
    out += ",\"template\":";
    emit::append_json_string(ref.text, out);
    out += "}\n";
    std::cout << out;
  });
  return ok ? 0 : 1;
}

}  // namespace logsift::cli
