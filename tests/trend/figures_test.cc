// Figures for docs/predictive.md: every scenario of rate_tracker_test.cc over many seeds, with the
// spread of what it measured. Hidden from the default run (it only reports; the checks with
// tolerances are in rate_tracker_test.cc):  trend_test "[figures]"
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <vector>

#include "tests/trend/synthetic_series.h"

namespace logsift::trend {
namespace {

using namespace testing;
using detect::AlertAction;

constexpr int kSeeds = 20;

struct Spread {
  std::vector<double> v;
  void add(double x) { v.push_back(x); }
  void print(const char* what) {
    std::sort(v.begin(), v.end());
    if (v.empty()) {
      std::printf("%-44s  none\n", what);
      return;
    }
    std::printf("%-44s  n=%2zu  min %8.2f  median %8.2f  max %8.2f\n", what, v.size(), v.front(),
                v[v.size() / 2], v.back());
  }
};

const detect::Alert* first(const std::vector<detect::Alert>& alerts, AlertAction action) {
  for (const auto& a : alerts) {
    if (a.action == action) return &a;
  }
  return nullptr;
}

Shape heartbeat() {
  return [](std::int64_t m) { return m % 5 == 0 ? 1.0 : 0.0; };
}

TEST_CASE("figures of the synthetic scenarios over many seeds", "[.][figures]") {
  Spread noise_alerts;
  Spread step_latency, step_ratio, step_expected_error, step_resolve;
  Spread spike_latency, spike_excess_error;
  Spread beat_latency, beat_resolve;
  Spread slope_error, crossing_error_days, band_width_days, rising_day;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    const auto s = static_cast<std::uint64_t>(seed);
    {
      Simulation sim(TrendOptions{}, s);
      sim.add({SeriesKind::kHost, "web1", seasonal(20), 0.1});
      sim.add({SeriesKind::kHost, "web2", seasonal(3), 0.15});
      sim.add({SeriesKind::kSignature, "sparse", [](std::int64_t) { return 0.05; }, 0.0});
      sim.add({SeriesKind::kListener, "beat", heartbeat(), 0.0, true});
      sim.run(8 * 7 * 1440);
      noise_alerts.add(static_cast<double>(sim.alerts().size()));
    }
    {
      Simulation sim(TrendOptions{}, s);
      const std::int64_t step = 3 * 7 * 1440 + 2 * 1440 + 10 * 60;
      const Shape base = seasonal(20);
      sim.add({SeriesKind::kHost, "web1", [&](std::int64_t m) { return base(m) * (m >= step && m < step + 360 ? 4.0 : 1.0); }});
      sim.run(step + 600);
      if (const auto* a = first(sim.alerts(), AlertAction::kAnomaly)) {
        step_latency.add(alert_minute(*a) - static_cast<double>(step));
        step_ratio.add(a->prediction->observed / a->prediction->expected);
        double truth = 0;
        const auto end = static_cast<std::int64_t>(alert_minute(*a));
        for (std::int64_t m = end - 10; m < end; ++m) truth += base(m);
        step_expected_error.add(100 * (a->prediction->expected - truth) / truth);
      }
      if (const auto* r = first(sim.alerts(), AlertAction::kAnomalyResolved)) {
        step_resolve.add(alert_minute(*r) - static_cast<double>(step + 360));
      }
    }
    {
      Simulation sim(TrendOptions{}, s);
      const std::int64_t spike = 2 * 7 * 1440 + 4 * 1440 + 14 * 60 + 7;
      const Shape base = seasonal(10);
      sim.add({SeriesKind::kSignature, "sig", [&](std::int64_t m) { return base(m) * (m >= spike && m < spike + 5 ? 20.0 : 1.0); }});
      sim.run(spike + 180);
      if (const auto* a = first(sim.alerts(), AlertAction::kAnomaly)) {
        spike_latency.add(alert_minute(*a) - static_cast<double>(spike));
        double excess = 0;
        for (std::int64_t m = spike; m < spike + 5; ++m) excess += 19 * base(m);
        spike_excess_error.add(100 * (a->prediction->observed - a->prediction->expected - excess) / excess);
      }
    }
    {
      Simulation sim(TrendOptions{}, s);
      const std::int64_t outage = 9 * 1440 + 13 * 60;
      const Shape beat = heartbeat();
      sim.add({SeriesKind::kListener, "beat", [&](std::int64_t m) { return m >= outage && m < outage + 180 ? 0.0 : beat(m); }, 0.0, true});
      sim.add({SeriesKind::kHost, "web1", seasonal(20)});
      sim.run(outage + 360);
      if (const auto* a = first(sim.alerts(), AlertAction::kAnomaly)) beat_latency.add(alert_minute(*a) - static_cast<double>(outage));
      if (const auto* r = first(sim.alerts(), AlertAction::kAnomalyResolved)) {
        beat_resolve.add(alert_minute(*r) - static_cast<double>(outage + 180));
      }
    }
    {
      TrendOptions o;
      o.thresholds.push_back({SeriesKind::kHost, "app*", 5000});
      Simulation sim(o, s);
      auto daily = seasonal(1);
      sim.add({SeriesKind::kHost, "app1", [&](std::int64_t m) {
                 return daily(m % (5 * 1440)) * (1 + 0.02 * static_cast<double>(m) / 1440.0);
               }});
      sim.run(8 * 7 * 1440);
      if (const auto* a = first(sim.alerts(), AlertAction::kTrendRising)) rising_day.add(alert_minute(*a) / 1440);
      const detect::Alert* last = nullptr;
      for (const auto& a : sim.alerts()) {
        if (a.action == AlertAction::kForecastThreshold) last = &a;
      }
      if (last != nullptr) {
        const auto& p = *last->prediction;
        slope_error.add(100 * (p.slope_per_day - 28.8) / 28.8);
        const double truth_us = static_cast<double>(kStartUs) + 123.6 * static_cast<double>(kDay);
        crossing_error_days.add((static_cast<double>(p.crossing_us) - truth_us) / static_cast<double>(kDay));
        if (p.crossing_latest_us != 0) {
          band_width_days.add(static_cast<double>(p.crossing_latest_us - p.crossing_earliest_us) / static_cast<double>(kDay));
        }
      }
    }
  }
  std::printf("%d seeds per scenario\n", kSeeds);
  noise_alerts.print("noise, 4 series x 8 weeks: alerts per run");
  step_latency.print("step x4: minutes to anomaly");
  step_ratio.print("step x4: observed / expected at opening");
  step_expected_error.print("step x4: expected vs true mean, %");
  step_resolve.print("step x4: minutes from end to resolved");
  spike_latency.print("spike x20 for 5 min: minutes to anomaly");
  spike_excess_error.print("spike x20: excess vs true excess, %");
  beat_latency.print("heartbeat outage: minutes to anomaly");
  beat_resolve.print("heartbeat outage: minutes from end to resolved");
  rising_day.print("growth 2 %/day: day of first trend.rising");
  slope_error.print("growth: slope error at day 56, %");
  crossing_error_days.print("growth: crossing error at day 56, days");
  band_width_days.print("growth: band width at day 56, days");
  SUCCEED();
}

}  // namespace
}  // namespace logsift::trend
