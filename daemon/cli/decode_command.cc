// logsift decode FILE|DIR...: alert batches back to NDJSON on standard output, with checksums
// verified and sequence gaps reported on standard error.
#include <iostream>

#include "daemon/cli/cli_support.h"
#include "daemon/cli/commands.h"
#include "daemon/emit/batch_decoder.h"

namespace logsift::cli {

int run_decode(int argc, char** argv, int first) {
  Args args(argc, argv, first, {});
  if (!args.error().empty() || args.operands().empty()) {
    std::cerr << "usage: logsift decode [--headers] [--quiet] FILE|DIR...\n";
    return 2;
  }
  emit::DecodeOptions options;
  options.include_headers = args.flag("headers");
  auto report = emit::decode_paths(args.operands(), std::cout, options);
  std::cout.flush();
  if (!args.flag("quiet") || !report.ok()) emit::write_decode_summary(report, std::cerr);
  return report.ok() ? 0 : 1;
}

}  // namespace logsift::cli
