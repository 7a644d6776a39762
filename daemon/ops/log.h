// Logger: the daemon's own log, as logfmt lines on stderr (journald collects them under systemd).
//
//   ts=2026-03-09T07:12:44.120Z level=warn msg="listener dropped datagrams" listener=udp n=12
//
// One line per event, `key=value` pairs, values quoted and escaped when they need it. `msg` is a
// fixed description of the event (never interpolated data: put data in fields); it is also the
// rate-limit key. Each message key gets a token bucket of `rate_limit_per_s` lines per second with
// an equal burst; lines beyond it are dropped and counted, and the next line that passes carries
// "suppressed=N". A flood of one event therefore costs a few lines per second and never hides
// other events.
//
// The clock and the output are injected (LogClock, LogSink) so tests control time and capture
// lines; system_log_clock() and stderr_log_sink() are the real ones, for the app.
// Thread-safety: every method is thread-safe; lines are written whole, one at a time.
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace logsift::ops {

enum class LogLevel { kDebug, kInfo, kWarn, kError };  // ordered: a level logs itself and above

std::string_view to_string(LogLevel level);

// One key=value pair. Values are rendered when the field is built; logging is off the hot path.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  template <std::integral T>
  LogField(std::string_view k, T v) : key(k), value(std::to_string(v)) {}
  LogField(std::string_view k, double v);

  std::string_view key;
  std::string value;
};

struct LogClock {
  std::function<std::int64_t()> steady_ns;  // monotonic nanoseconds, for rate limiting
  std::function<std::int64_t()> wall_us;    // UTC microseconds since the epoch, for `ts=`
};
LogClock system_log_clock();

// Receives one complete line, ending in '\n'.
using LogSink = std::function<void(std::string_view line)>;
LogSink stderr_log_sink();  // one write(2) per line to fd 2

struct LoggerOptions {
  LogLevel min_level = LogLevel::kInfo;  // lower levels are discarded (not counted)
  std::uint32_t rate_limit_per_s = 10;   // per message key; 0 = unlimited
  bool timestamps = true;                // `ts=` first; off under journald, which stamps lines
  std::size_t max_keys = 1024;           // distinct message keys tracked; the rest share a bucket
};

class Logger {
 public:
  Logger(LoggerOptions options, LogClock clock, LogSink sink);

  void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});
  void debug(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kDebug, msg, fields);
  }
  void info(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kInfo, msg, fields);
  }
  void warn(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kWarn, msg, fields);
  }
  void error(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kError, msg, fields);
  }

  // Writes one line per message key that has suppressed lines not yet reported
  // ("msg=\"log lines suppressed\" key=... suppressed=N", level warn, not rate-limited), so a
  // flood that stopped is still accounted for. Call it periodically and at shutdown.
  void report_suppressed();

  bool enabled(LogLevel level) const {
    return static_cast<int>(level) >= min_level_.load(std::memory_order_relaxed);
  }
  void set_level(LogLevel level);  // for a config reload

  std::uint64_t lines_total() const { return lines_.load(std::memory_order_relaxed); }
  std::uint64_t suppressed_total() const { return suppressed_.load(std::memory_order_relaxed); }

  // Appends `value` to `out` as a logfmt value: bare when safe, else quoted and escaped.
  static void append_value(std::string& out, std::string_view value);

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t refilled_ns = 0;
    std::uint64_t suppressed = 0;  // since the last line that got through
  };

  void write_line(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields,
                  std::uint64_t suppressed);  // mutex_ held

  LoggerOptions options_;
  LogClock clock_;
  LogSink sink_;
  std::atomic<int> min_level_;
  std::atomic<std::uint64_t> lines_{0};
  std::atomic<std::uint64_t> suppressed_{0};
  std::mutex mutex_;  // guards buckets_ and serialises the sink
  std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace logsift::ops
