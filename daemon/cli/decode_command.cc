// logsift decode FILE|DIR...: alert batches back to NDJSON on standard output, with checksums
// verified and sequence gaps reported on standard error.
#include <iostream>

#include "daemon/cli/cli_support.h"
#include "daemon/cli/commands.h"
#include "daemon/emit/batch_decoder.h"

namespace logsift::cli {

namespace {

constexpr const char* kUsage =
    "usage: logsift decode [--headers] [--quiet] FILE|DIR...\n"
    "  Alert batches back to NDJSON on standard output; verifies checksums and sequence numbers.\n"
    "  --headers   print each batch's header record too\n"
    "  --quiet     no summary on standard error unless something is wrong\n"
    "  exit status: 0 all well, 1 a batch is corrupt or missing, 2 usage error\n";

}  // namespace

int run_decode(int argc, char** argv, int first) {
  Args args(argc, argv, first, {}, {"headers", "quiet"});
  if (auto done = handle_help_or_error(args, "decode", kUsage)) return *done;
  if (args.operands().empty()) return usage_error("decode", "no batch file or folder given", kUsage);
  emit::DecodeOptions options;
  options.include_headers = args.flag("headers");
  auto report = emit::decode_paths(args.operands(), std::cout, options);
  std::cout.flush();
  if (!args.flag("quiet") || !report.ok()) emit::write_decode_summary(report, std::cerr);
  return report.ok() ? 0 : 1;
}

}  // namespace logsift::cli
