// Prometheus metrics: a text-format writer, and a registry that builds one scrape.
//
// Modules keep their own plain counter structs (usually relaxed atomics) and know nothing of
// Prometheus. The app registers collector callbacks that copy those counters into a MetricsWriter
// on every scrape, so what is exported, under which names and labels, is decided in one place.
// The registry can also own a few counters and gauges itself (reload failures, readiness) for
// code that has no struct of its own.
//
// Output is the text exposition format 0.0.4: one "# HELP" and "# TYPE" per family, samples of a
// family together (even when written apart), label values and help text escaped. Names follow the
// Prometheus rules ([a-zA-Z_:][a-zA-Z0-9_:]*, labels [a-zA-Z_][a-zA-Z0-9_]*, not starting "__");
// a sample with an invalid name, or whose type disagrees with its family, is dropped and counted
// in logsift_metrics_rejected_samples_total rather than corrupting the page. Conventions: counters
// end in _total, sizes in _bytes, times in _seconds.
//
// Thread-safety: MetricsWriter is used by one thread (the scrape). MetricsRegistry is thread-safe:
// counter()/gauge()/add_collector() and scrape() may be called from any thread; Counter and Gauge
// are lock-free. Collectors run on the scraping thread and must read only thread-safe state.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace logsift::ops {

enum class MetricType { kCounter, kGauge, kHistogram };

struct MetricLabel {
  std::string_view name;
  std::string_view value;
};

class MetricsWriter {
 public:
  // One sample. `value` is any arithmetic type; integers are written exactly.
  template <typename T>
    requires std::is_arithmetic_v<T>
  void counter(std::string_view name, std::string_view help, T value,
               std::initializer_list<MetricLabel> labels = {}) {
    add(name, help, MetricType::kCounter, std::span(labels.begin(), labels.size()),
        format_value(value));
  }
  template <typename T>
    requires std::is_arithmetic_v<T>
  void gauge(std::string_view name, std::string_view help, T value,
             std::initializer_list<MetricLabel> labels = {}) {
    add(name, help, MetricType::kGauge, std::span(labels.begin(), labels.size()),
        format_value(value));
  }
  // The general form, for label sets built at run time (one sample per rule, per listener).
  template <typename T>
    requires std::is_arithmetic_v<T>
  void sample(std::string_view name, std::string_view help, MetricType type,
              std::span<const MetricLabel> labels, T value) {
    add(name, help, type, labels, format_value(value));
  }

  // One histogram series: `counts` per bucket (not cumulative), one per bound in `upper_bounds`
  // and a last one for +Inf, and the sum of observations. Written as name_bucket{...,le="..."}
  // (cumulative), name_sum and name_count under one "# TYPE name histogram".
  void histogram(std::string_view name, std::string_view help, std::span<const MetricLabel> labels,
                 std::span<const double> upper_bounds, std::span<const std::uint64_t> counts, double sum);

  // The exposition text of everything written so far.
  std::string render() const;
  // Samples dropped for invalid names or a type that contradicts the family.
  std::uint64_t rejected_samples() const { return rejected_; }

  static bool valid_metric_name(std::string_view name);
  static bool valid_label_name(std::string_view name);
  // "NaN", "+Inf", "-Inf", integers exactly, other doubles in shortest round-trip form.
  static std::string format_value(double value);
  static std::string format_value(std::uint64_t value);
  static std::string format_value(std::int64_t value);
  template <typename T>
    requires std::is_integral_v<T>
  static std::string format_value(T value) {
    if constexpr (std::is_same_v<T, bool>) {
      return value ? "1" : "0";
    } else if constexpr (std::is_signed_v<T>) {
      return format_value(static_cast<std::int64_t>(value));
    } else {
      return format_value(static_cast<std::uint64_t>(value));
    }
  }
  static std::string format_value(float value) { return format_value(static_cast<double>(value)); }

 private:
  struct Family {
    std::string name;
    std::string help;
    MetricType type;
    std::string samples;  // rendered sample lines
  };
  void add(std::string_view name, std::string_view help, MetricType type,
           std::span<const MetricLabel> labels, const std::string& value,
           std::string_view sample_suffix = {});

  std::vector<Family> families_;                              // in order of first appearance
  std::map<std::string, std::size_t, std::less<>> by_name_;  // name -> index in families_
  std::uint64_t rejected_ = 0;
};

// A monotonically increasing count owned by the registry.
class Counter {
 public:
  void increment(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down, owned by the registry.
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double delta);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class MetricsRegistry {
 public:
  using Collector = std::function<void(MetricsWriter&)>;
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // The registry-owned counter/gauge with this name and labels, created on first use. The
  // reference stays valid for the registry's lifetime.
  Counter& counter(std::string_view name, std::string_view help, Labels labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, Labels labels = {});

  // Runs on every scrape, in registration order, after the registry-owned metrics.
  void add_collector(Collector collector);

  // One complete exposition page.
  std::string scrape() const;

 private:
  struct Owned {
    std::string name;
    std::string help;
    Labels labels;
    MetricType type;
    Counter counter;
    Gauge gauge;
  };
  Owned& find_or_add(std::string_view name, std::string_view help, Labels labels,
                     MetricType type);

  mutable std::mutex mutex_;
  std::deque<Owned> owned_;  // deque: stable addresses for the references handed out
  std::vector<Collector> collectors_;
};

}  // namespace logsift::ops
