// logsift replay --rules PATH [--out DIR] FILE...: the whole pipeline (parse, match, detect, emit)
// over log files on event time, writing the alert batches the daemon would write.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemon/app/settings.h"
#include "daemon/cli/cli_support.h"
#include "daemon/cli/commands.h"
#include "daemon/config/load.h"
#include "daemon/emit/file_sink.h"
#include "daemon/ingest/ingest_server.h"
#include "daemon/pipeline/alert_emitter.h"
#include "daemon/pipeline/detect_shards.h"
#include "daemon/pipeline/record_processor.h"
#include "parsers/base/clock.h"

namespace logsift::cli {

namespace {

// Lines per batch; the detection clock advances between batches (resolutions and folded counts
// come due).
constexpr std::size_t kLinesPerBatch = 256;

// The daemon configuration whose detect, parse and emit settings the replay uses: the file given
// with --config, else the embedded default, so a replay behaves as logsiftd would.
Expected<config::DaemonConfig, std::vector<std::string>> replay_config(const std::optional<std::string>& file) {
  if (!file) return config::default_config();
  std::ifstream in(*file, std::ios::binary);
  if (!in) return Unexpected{std::vector<std::string>{*file + ": cannot open"}};
  std::ostringstream text;
  text << in.rdbuf();
  return config::load_config(text.str(), *file);
}

}  // namespace

int run_replay(int argc, char** argv, int first) {
  Args args(argc, argv, first, {"rules", "out", "format", "cache", "config"});
  auto rule_paths = args.options("rules");
  auto format = parse_format_name(args.option("format").value_or("auto"));
  if (!args.error().empty() || rule_paths.empty() || args.operands().empty() || !format) {
    std::cerr << (args.error().empty() ? "" : args.error() + "\n")
              << "usage: logsift replay --rules PATH [--rules PATH...] [--out DIR] [--format F]"
                 " [--cache DIR] [--config logsiftd.yaml] FILE...\n";
    return 2;
  }
  auto daemon_config = replay_config(args.option("config"));
  if (!daemon_config) {
    for (const auto& e : daemon_config.error()) std::cerr << e << "\n";
    return 1;
  }
  const std::string out_dir = args.option("out").value_or("logsift-replay");
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  auto next = emit::next_sequence_in(out_dir);
  if (!next) {
    std::cerr << next.error().message << "\n";
    return 1;
  }
  if (next.value() != 1) {  // sequences start at 1
    std::cerr << out_dir << " already holds alert batches; replay into an empty folder\n";
    return 1;
  }
  // The daemon's compiled-database cache unless --cache names another: a replay of unchanged
  // rules then starts without compiling them.
  auto set = load_rule_set(rule_paths, args.option("cache").value_or(daemon_config.value().rules.cache_dir), std::cerr);
  if (set == nullptr) return 1;

  parsers::ParseOptions parse_options = app::parse_options(daemon_config.value());
  parse_options.reference_time_us = base::system_clock_us();
  pipeline::DetectShards detect(1, app::detect_options(daemon_config.value()));
  parse_options.expected_format = *format;
  pipeline::RecordProcessor processor(set, parse_options, detect);
  emit::FileSink sink(out_dir, emit::FileSinkOptions{});
  emit::BatchOptions batch_options = app::batch_options(daemon_config.value(), "logsift-replay");
  batch_options.producer_id = "logsift-replay";  // replays are reproducible: no host name
  pipeline::AlertEmitter emitter(batch_options, next.value(), sink);

  std::vector<detect::Alert> alerts;
  std::uint64_t lines = 0;
  auto deliver = [&] {
    const std::int64_t now = processor.latest_event_us() == parsers::kNoTime ? 0 : processor.latest_event_us();
    detect.advance(now, alerts);
    emitter.add(alerts, now);
    emitter.poll(now);
    alerts.clear();
  };
  // Detection time advances once per batch, as in the daemon.
  LineBatcher batcher(kLinesPerBatch, [&](const ingest::RawBatch& batch) {
    processor.process_batch(batch, alerts);
    deliver();
  });
  for (const auto& file : args.operands()) {
    bool opened = for_each_line(file, std::cerr, [&](std::uint64_t, std::string_view line) {
      batcher.add(line);
      ++lines;
    });
    if (!opened) return 1;
  }
  batcher.flush();
  deliver();
  const bool flushed = emitter.flush();

  const auto& c = processor.counters();
  const auto d = detect.counters();
  const auto& e = emitter.counters();
  std::cerr << lines << " lines, " << c.matched_records << " matched, " << c.incidents << " incidents, "
            << d.problems_opened << " problems opened, " << e.alerts << " alerts in " << e.batches_written
            << " batches under " << out_dir << "\n";
  if (!flushed) {
    std::cerr << "could not write every batch: " << e.last_error << "\n";
    return 1;
  }
  return 0;
}

}  // namespace logsift::cli
