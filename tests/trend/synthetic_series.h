// Synthetic rate series of known shape for the trend tests, on simulated time.
//
// A Shape gives the expected occurrences per minute at any minute; a SeriesFeed draws Poisson
// counts around it (with an extra per-hour multiplicative noise, as real traffic is burstier than
// Poisson) from a seeded generator, so every run sees the same numbers.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "daemon/trend/rate_tracker.h"

namespace logsift::trend::testing {

constexpr std::int64_t kMinute = 60'000'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kWeek = 7 * kDay;
// Monday 2026-01-05 00:00 UTC: day 20458 since the epoch.
constexpr std::int64_t kStartUs = 20458 * kDay;
constexpr double kPi = 3.14159265358979323846;

// Minute index since kStartUs -> expected occurrences in that minute.
using Shape = std::function<double(std::int64_t minute)>;

// Daily season (trough at 03:00, peak at 15:00, 0.3x .. 1.7x) times a weekly one (weekends at
// 0.4x), around `per_minute`.
inline Shape seasonal(double per_minute) {
  return [per_minute](std::int64_t m) {
    const double hour = static_cast<double>(m % 1440) / 60.0;
    const double daily = 1.0 + 0.7 * std::sin(2 * kPi * (hour - 9) / 24);
    const std::int64_t weekday = (m / 1440) % 7;  // 0 = Monday
    return per_minute * daily * (weekday >= 5 ? 0.4 : 1.0);
  };
}

struct SeriesFeed {
  SeriesKind kind = SeriesKind::kSignature;
  std::string key;
  Shape shape;
  double hourly_noise = 0.1;   // sigma of the per-hour log-normal factor; 0 = pure Poisson
  bool exact = false;          // counts are exactly the shape (rounded), no randomness
  std::int64_t first_minute = 0;  // silent before this minute
};

// Runs feeds minute by minute from kStartUs for `minutes`, collecting every alert.
class Simulation {
 public:
  explicit Simulation(TrendOptions options, std::uint64_t seed = 42) : tracker_(std::move(options)), rng_(seed) {}

  void add(SeriesFeed feed) { feeds_.push_back(std::move(feed)); }
  RateTracker& tracker() { return tracker_; }
  std::vector<detect::Alert>& alerts() { return alerts_; }
  std::int64_t minute() const { return minute_; }
  // Moves the simulated clock to `minute` without feeding anything (after a restore).
  void skip_to(std::int64_t minute) { minute_ = minute; }

  void run(std::int64_t minutes) {
    std::vector<SeriesCount> counts;
    for (std::int64_t end = minute_ + minutes; minute_ < end; ++minute_) {
      if (minute_ % 60 == 0) {
        noise_.resize(feeds_.size());
        for (std::size_t i = 0; i < feeds_.size(); ++i) {
          std::normal_distribution<double> n(0, feeds_[i].hourly_noise);
          noise_[i] = feeds_[i].hourly_noise > 0 ? std::exp(n(rng_)) : 1.0;
        }
      }
      counts.clear();
      for (std::size_t i = 0; i < feeds_.size(); ++i) {
        const SeriesFeed& f = feeds_[i];
        if (minute_ < f.first_minute) continue;
        const double mean = std::max(0.0, f.shape(minute_)) * (noise_.empty() ? 1.0 : noise_[i]);
        std::uint64_t c = 0;
        if (f.exact) {
          c = static_cast<std::uint64_t>(std::llround(f.shape(minute_)));
        } else if (mean > 0) {
          std::poisson_distribution<std::uint64_t> p(mean);
          c = p(rng_);
        }
        counts.push_back({f.kind, f.key, f.key, 0, c});
      }
      tracker_.observe(counts, kStartUs + minute_ * kMinute + 30'000'000, alerts_);
    }
    tracker_.advance(kStartUs + minute_ * kMinute, alerts_);
  }

 private:
  RateTracker tracker_;
  std::mt19937_64 rng_;
  std::vector<SeriesFeed> feeds_;
  std::vector<double> noise_;
  std::vector<detect::Alert> alerts_;
  std::int64_t minute_ = 0;
};

// Minutes since kStartUs of an alert's time.
inline double alert_minute(const detect::Alert& a) {
  return static_cast<double>(a.time_us - kStartUs) / static_cast<double>(kMinute);
}

}  // namespace logsift::trend::testing
