// logsift replay --rules PATH [--out DIR] [--now TIME] FILE...: the whole pipeline (parse, match,
// detect, emit) over log files on event time, writing the alert batches the daemon would write.
// Alerts say when logsift saw the lines (event.created) as the daemon's do: here, the time the
// replay ran, read once (or --now, which makes a replay reproducible to the byte). At the end
// of the input, folded counts still waiting for their interval are reported, so every
// occurrence in the input is counted by some alert.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "daemon/app/settings.h"
#include "daemon/cli/cli_support.h"
#include "daemon/cli/commands.h"
#include "daemon/emit/file_sink.h"
#include "daemon/pipeline/alert_emitter.h"
#include "daemon/pipeline/detect_shards.h"
#include "daemon/pipeline/rate_tracking.h"
#include "daemon/pipeline/record_processor.h"
#include "daemon/emit/json_text.h"
#include "parsers/base/clock.h"
#include "parsers/timestamp.h"

namespace logsift::cli {

namespace {

// Lines per batch; the detection clock advances between batches (resolutions and folded counts
// come due).
constexpr std::size_t kLinesPerBatch = 256;

constexpr const char* kUsage =
    "usage: logsift replay --rules PATH [--rules PATH...] [--out DIR] [--format F] [--cache DIR]\n"
    "                      [--config logsiftd.yaml] [--trends] [--now TIME] FILE...\n"
    "  Runs parse, match, detect and emit over log files on event time, with the daemon's\n"
    "  settings (its config file, or the embedded default), and writes the alert batches.\n"
    "  --out DIR      an empty folder for the batches (default logsift-replay)\n"
    "  --format F     auto, rfc5424, rfc3164 or json (default auto)\n"
    "  --config FILE  the daemon's config: parse, detect and emit settings\n"
    "  --cache DIR    keep compiled Hyperscan databases in DIR\n"
    "  --now TIME     the time the replay runs at (event.created), RFC 3339; makes output reproducible\n"
    "  --trends       print what predictive monitoring found (anomalies, trends, busiest series)\n";

// What predictive monitoring found: its alerts, then the busiest series with their baseline,
// anomaly state and trend.
void print_trend_report(const pipeline::RateTracking& rates, const std::vector<detect::Alert>& found,
                        std::ostream& out) {
  const auto c = rates.counters();
  out << "trends: " << c.series_live << " series (" << c.series_evicted << " evicted), "
      << c.anomalies_opened << " anomalies, " << c.trend_alerts << " rising trends, " << c.forecast_alerts
      << " forecasts over " << c.minutes_closed << " minutes (" << c.minutes_skipped
      << " in gaps not evaluated), " << c.days_closed << " day closes\n";
  for (const auto& a : found) {
    std::string time;
    emit::append_rfc3339_us(a.time_us, time);  // quoted, as in JSON
    out << "  " << time.substr(1, time.size() - 2) << "  " << detect::action_name(a.action) << " " << a.prediction->kind << "  "
        << a.message << "\n";
  }
  char line[256];
  std::snprintf(line, sizeof line, "%-9s %-24s %-28s %9s %9s %9s %-12s %-10s %s\n", "series", "key", "label",
                "7 days", "last day", "last hour", "baseline", "anomaly", "trend a day (band)");
  out << line;
  for (const auto& r : rates.top_series(20)) {
    std::string trend = "-";
    if (r.trend) {
      char t[96];
      std::snprintf(t, sizeof t, "%+.1f (%+.1f..%+.1f)", r.trend->slope_per_day, r.trend->slope_low_per_day,
                    r.trend->slope_high_per_day);
      trend = t;
    }
    std::snprintf(line, sizeof line, "%-9s %-24.24s %-28.28s %9llu %9llu %9llu %-12s %-10s %s\n",
                  std::string(trend::series_kind_name(r.kind)).c_str(), r.key.c_str(), r.label.c_str(),
                  static_cast<unsigned long long>(r.last_7_days), static_cast<unsigned long long>(r.last_day),
                  static_cast<unsigned long long>(r.last_hour),
                  r.last_hour_baseline.mode == trend::BaselineMode::kNone
                      ? "warm-up"
                      : std::string(trend::baseline_mode_name(r.last_hour_baseline.mode)).c_str(),
                  r.anomaly.empty() ? "-" : std::string(r.anomaly).c_str(), trend.c_str());
    out << line;
  }
}

}  // namespace

int run_replay(int argc, char** argv, int first) {
  Args args(argc, argv, first, {"rules", "out", "format", "cache", "config", "now"}, {"trends"});
  if (auto done = handle_help_or_error(args, "replay", kUsage)) return *done;
  auto rule_paths = args.options("rules");
  if (rule_paths.empty()) return usage_error("replay", "--rules is required", kUsage);
  if (args.operands().empty()) return usage_error("replay", "no log FILE given", kUsage);
  const std::string format_name = args.option("format").value_or("auto");
  auto format = parse_format_name(format_name);
  if (!format) {
    return usage_error("replay", "--format: '" + format_name + "' is not " + kFormatNames, kUsage);
  }
  std::int64_t run_us = base::system_clock_us();
  if (const auto now = args.option("now")) {
    const parsers::Rfc3339Time t = parsers::parse_rfc3339(*now);
    if (t.time_us == parsers::kNoTime || t.length != now->size()) {
      return usage_error("replay", "--now: '" + *now + "' is not an RFC 3339 time such as 2026-03-10T00:00:00Z", kUsage);
    }
    run_us = t.time_us;
  }
  auto daemon_config = load_daemon_config(args.option("config"));
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

  parsers::ParseOptions parse_options = tool_parse_options(daemon_config.value(), nullptr);
  parse_options.reference_time_us = run_us;
  pipeline::DetectShards detect(1, app::detect_options(daemon_config.value()));
  parse_options.expected_format = *format;
  pipeline::RecordProcessor processor(set, parse_options, detect);
  // --trends: predictive monitoring on event time, whatever the config says; its alerts go into
  // the batches with the others and a report of the busiest series goes to standard output.
  std::unique_ptr<pipeline::RateTracking> rates;
  if (args.flag("trends") || daemon_config.value().trend.enabled) {
    rates = std::make_unique<pipeline::RateTracking>(app::trend_options(daemon_config.value()));
    processor.set_rate_tracking(rates.get(), {"replay"});
  }
  std::vector<detect::Alert> predictions;  // the predictive alerts, for the report
  emit::FileSink sink(out_dir, emit::FileSinkOptions{});
  emit::BatchOptions batch_options = app::batch_options(daemon_config.value(), "logsift-replay");
  batch_options.producer_id = "logsift-replay";  // replays are reproducible: no host name
  pipeline::AlertEmitter emitter(batch_options, next.value(), sink);

  std::vector<detect::Alert> alerts;
  std::uint64_t lines = 0;
  auto deliver = [&](bool end_of_input) {
    const std::int64_t now = processor.latest_event_us() == parsers::kNoTime ? 0 : processor.latest_event_us();
    detect.advance(now, alerts);
    if (rates) {
      rates->advance(now, alerts);
      for (const auto& a : alerts) {
        if (a.prediction) predictions.push_back(a);
      }
    }
    if (end_of_input) detect.report_folded(now, alerts);
    for (detect::Alert& a : alerts) a.created_us = run_us;
    emitter.add(alerts, now);
    emitter.poll(now);
    alerts.clear();
  };
  // Detection time advances once per batch, as in the daemon.
  LineBatcher batcher(kLinesPerBatch, [&](const ingest::RawBatch& batch) {
    processor.process_batch(batch, alerts);
    deliver(false);
  });
  for (const auto& file : args.operands()) {
    bool opened = for_each_line(file, std::cerr, [&](std::uint64_t, std::string_view line) {
      batcher.add(line);
      ++lines;
    });
    if (!opened) return 1;
  }
  batcher.flush();
  deliver(true);
  const bool flushed = emitter.flush();

  const auto& c = processor.counters();
  const auto d = detect.counters();
  const auto& e = emitter.counters();
  std::cerr << lines << " lines, " << c.matched_records << " matched, " << c.incidents << " incidents, "
            << d.problems_opened << " problems opened, " << e.alerts << " alerts in " << e.batches_written
            << " batches under " << out_dir << "\n";
  if (rates) print_trend_report(*rates, predictions, std::cout);
  if (!flushed) {
    std::cerr << "could not write every batch: " << e.last_error << "\n";
    return 1;
  }
  return 0;
}

}  // namespace logsift::cli
