// Prometheus text exposition (format 0.0.4) and the metrics registry.
#include "daemon/ops/metrics.h"

#include <charconv>
#include <cmath>

namespace logsift::ops {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Label values: backslash, double quote and line feed are escaped.
void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

// HELP text: backslash and line feed are escaped (quotes are not).
void append_help(std::string& out, std::string_view help) {
  for (char c : help) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

constexpr std::string_view kRejectedName = "logsift_metrics_rejected_samples_total";

}  // namespace

bool MetricsWriter::valid_metric_name(std::string_view name) {
  if (name.empty() || !(is_alpha(name[0]) || name[0] == '_' || name[0] == ':')) return false;
  for (char c : name) {
    if (!(is_alpha(c) || is_digit(c) || c == '_' || c == ':')) return false;
  }
  return true;
}

bool MetricsWriter::valid_label_name(std::string_view name) {
  if (name.empty() || !(is_alpha(name[0]) || name[0] == '_') || name.starts_with("__")) {
    return false;
  }
  for (char c : name) {
    if (!(is_alpha(c) || is_digit(c) || c == '_')) return false;
  }
  return true;
}

std::string MetricsWriter::format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc{} ? std::string(buffer, end) : std::string("NaN");
}

std::string MetricsWriter::format_value(std::uint64_t value) { return std::to_string(value); }
std::string MetricsWriter::format_value(std::int64_t value) { return std::to_string(value); }

void MetricsWriter::histogram(std::string_view name, std::string_view help, std::span<const MetricLabel> labels,
                              std::span<const double> upper_bounds, std::span<const std::uint64_t> counts,
                              double sum) {
  std::vector<MetricLabel> with_le(labels.begin(), labels.end());
  with_le.push_back({"le", {}});
  std::uint64_t cumulative = 0;
  std::string le;
  for (std::size_t b = 0; b < counts.size(); ++b) {
    cumulative += counts[b];
    le = b < upper_bounds.size() ? format_value(upper_bounds[b]) : std::string("+Inf");
    with_le.back().value = le;
    add(name, help, MetricType::kHistogram, with_le, format_value(cumulative), "_bucket");
  }
  add(name, help, MetricType::kHistogram, labels, format_value(sum), "_sum");
  add(name, help, MetricType::kHistogram, labels, format_value(cumulative), "_count");
}

void MetricsWriter::add(std::string_view name, std::string_view help, MetricType type,
                        std::span<const MetricLabel> labels, const std::string& value,
                        std::string_view sample_suffix) {
  if (!valid_metric_name(name) || name == kRejectedName) {
    ++rejected_;
    return;
  }
  for (const MetricLabel& label : labels) {
    if (!valid_label_name(label.name)) {
      ++rejected_;
      return;
    }
  }
  auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    families_.push_back(Family{std::string(name), std::string(help), type, {}});
    it = by_name_.emplace(std::string(name), families_.size() - 1).first;
  }
  Family& family = families_[it->second];
  if (family.type != type) {
    ++rejected_;
    return;
  }
  std::string& out = family.samples;
  out += name;
  out += sample_suffix;
  if (!labels.empty()) {
    out += '{';
    bool first = true;
    for (const MetricLabel& label : labels) {
      if (!first) out += ',';
      first = false;
      out += label.name;
      out += "=\"";
      append_label_value(out, label.value);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

std::string MetricsWriter::render() const {
  std::string out;
  auto header = [&](std::string_view name, std::string_view help, MetricType type) {
    out += "# HELP ";
    out += name;
    out += ' ';
    append_help(out, help);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type_name(type);
    out += '\n';
  };
  for (const Family& f : families_) {
    header(f.name, f.help, f.type);
    out += f.samples;
  }
  if (rejected_ > 0) {
    header(kRejectedName, "Metric samples dropped for an invalid name or a conflicting type.",
           MetricType::kCounter);
    out += kRejectedName;
    out += ' ';
    out += format_value(rejected_);
    out += '\n';
  }
  return out;
}

void Gauge::add(double delta) {
  double current = value_.load(std::memory_order_relaxed);
  while (!value_.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

MetricsRegistry::Owned& MetricsRegistry::find_or_add(std::string_view name, std::string_view help,
                                                     Labels labels, MetricType type) {
  std::lock_guard lock(mutex_);
  for (Owned& o : owned_) {
    if (o.name == name && o.labels == labels && o.type == type) return o;
  }
  Owned& o = owned_.emplace_back();
  o.name = name;
  o.help = help;
  o.labels = std::move(labels);
  o.type = type;
  return o;
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help, Labels labels) {
  return find_or_add(name, help, std::move(labels), MetricType::kCounter).counter;
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, Labels labels) {
  return find_or_add(name, help, std::move(labels), MetricType::kGauge).gauge;
}

void MetricsRegistry::add_collector(Collector collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::scrape() const {
  MetricsWriter writer;
  std::vector<Collector> collectors;
  {
    std::lock_guard lock(mutex_);
    std::vector<MetricLabel> labels;
    for (const Owned& o : owned_) {
      labels.clear();
      for (const auto& [k, v] : o.labels) labels.push_back({k, v});
      if (o.type == MetricType::kCounter) {
        writer.sample(o.name, o.help, o.type, labels, o.counter.value());
      } else {
        writer.sample(o.name, o.help, o.type, labels, o.gauge.value());
      }
    }
    collectors = collectors_;
  }
  // Outside the lock, so a collector may itself use the registry.
  for (const Collector& collect : collectors) collect(writer);
  return writer.render();
}

}  // namespace logsift::ops
