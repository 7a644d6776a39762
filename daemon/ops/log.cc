// logfmt lines with per-message rate limiting (see log.h).
#include "daemon/ops/log.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace logsift::ops {

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "unknown";
}

LogField::LogField(std::string_view k, double v) : key(k) {
  if (std::isfinite(v)) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    value.assign(buffer, ec == std::errc{} ? end : buffer);
  } else {
    value = std::isnan(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
  }
}

LogClock system_log_clock() {
  return LogClock{
      [] {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
      },
      [] {
        return std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      }};
}

LogSink stderr_log_sink() {
  return [](std::string_view line) {
    const char* data = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      ssize_t n = ::write(STDERR_FILENO, data, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // stderr gone: nothing sensible left to do
      data += n;
      left -= static_cast<std::size_t>(n);
    }
  };
}

namespace {

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || u == 0x7f || c == '=' || c == '"' || c == '\\') return true;
  }
  return false;
}

void append_key(std::string& out, std::string_view key) {
  if (key.empty()) {
    out += "_";
    return;
  }
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    out += ok ? c : '_';
  }
}

void append_timestamp(std::string& out, std::int64_t wall_us) {
  std::int64_t seconds = wall_us >= 0 ? wall_us / 1000000 : (wall_us - 999999) / 1000000;
  auto millis = static_cast<int>((wall_us - seconds * 1000000) / 1000);
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[128];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  out += buffer;
}

}  // namespace

void Logger::append_value(std::string& out, std::string_view value) {
  if (!needs_quotes(value)) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", u);
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

Logger::Logger(LoggerOptions options, LogClock clock, LogSink sink)
    : options_(options),
      clock_(std::move(clock)),
      sink_(std::move(sink)),
      min_level_(static_cast<int>(options.min_level)) {}

void Logger::set_level(LogLevel level) {
  min_level_.store(static_cast<int>(level), std::memory_order_relaxed);
}

void Logger::log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (!enabled(level)) return;
  std::lock_guard lock(mutex_);
  std::uint64_t suppressed_before = 0;
  if (options_.rate_limit_per_s > 0) {
    auto it = buckets_.find(msg);
    if (it == buckets_.end()) {
      // Past max_keys, unseen keys share the bucket of the empty key.
      std::string_view key = buckets_.size() < options_.max_keys ? msg : std::string_view();
      it = buckets_.find(key);
      if (it == buckets_.end()) {
        Bucket fresh;
        fresh.tokens = options_.rate_limit_per_s;
        fresh.refilled_ns = clock_.steady_ns();
        it = buckets_.emplace(std::string(key), fresh).first;
      }
    }
    Bucket& bucket = it->second;
    std::int64_t now_ns = clock_.steady_ns();
    double rate = options_.rate_limit_per_s;
    if (now_ns > bucket.refilled_ns) {
      bucket.tokens += rate * static_cast<double>(now_ns - bucket.refilled_ns) / 1e9;
      if (bucket.tokens > rate) bucket.tokens = rate;
      bucket.refilled_ns = now_ns;
    }
    if (bucket.tokens < 1.0) {
      ++bucket.suppressed;
      suppressed_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    bucket.tokens -= 1.0;
    suppressed_before = bucket.suppressed;
    bucket.suppressed = 0;
  }

  write_line(level, msg, fields, suppressed_before);
}

void Logger::report_suppressed() {
  std::lock_guard lock(mutex_);
  for (auto& [key, bucket] : buckets_) {
    if (bucket.suppressed == 0) continue;
    // The empty key is the shared bucket of keys beyond max_keys.
    std::string_view name = key.empty() ? std::string_view("(other)") : std::string_view(key);
    write_line(LogLevel::kWarn, "log lines suppressed", {{"key", name}}, bucket.suppressed);
    bucket.suppressed = 0;
  }
}

void Logger::write_line(LogLevel level, std::string_view msg,
                        std::initializer_list<LogField> fields, std::uint64_t suppressed) {
  std::string line;
  line.reserve(128);
  if (options_.timestamps) {
    line += "ts=";
    append_timestamp(line, clock_.wall_us());
    line += ' ';
  }
  line += "level=";
  line += to_string(level);
  line += " msg=";
  append_value(line, msg);
  for (const LogField& field : fields) {
    line += ' ';
    append_key(line, field.key);
    line += '=';
    append_value(line, field.value);
  }
  if (suppressed > 0) {
    line += " suppressed=";
    line += std::to_string(suppressed);
  }
  line += '\n';
  lines_.fetch_add(1, std::memory_order_relaxed);
  sink_(line);
}

}  // namespace logsift::ops
