// logsift mine [--format auto|raw] FILE: the template of every line, as the daemon's miner sees
// it: {"line": N, "template_id": "...", "template": "..."}.
#include <iostream>

#include "daemon/cli/cli_support.h"
#include "daemon/cli/commands.h"
#include "daemon/detect/template_miner.h"
#include "daemon/emit/json_text.h"
#include "parsers/base/clock.h"

namespace logsift::cli {

int run_mine(int argc, char** argv, int first) {
  Args args(argc, argv, first, {"format"});
  const std::string format = args.option("format").value_or("auto");
  if (!args.error().empty() || args.operands().size() > 1 || (format != "auto" && format != "raw")) {
    std::cerr << (args.error().empty() ? "" : args.error() + "\n")
              << "usage: logsift mine [--format auto|raw] [FILE|-]\n";
    return 2;
  }
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
