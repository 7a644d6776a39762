// The tracker on synthetic series of known shape. Tolerances are stated in each test and
// collected in docs/predictive.md.
#include "daemon/trend/rate_tracker.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/trend/synthetic_series.h"

namespace logsift::trend {
namespace {

using namespace testing;
using detect::AlertAction;

std::vector<const detect::Alert*> of(const std::vector<detect::Alert>& alerts, AlertAction action,
                                     std::string_view key = {}) {
  std::vector<const detect::Alert*> out;
  for (const auto& a : alerts) {
    if (a.action == action && (key.empty() || a.prediction->series_key == key)) out.push_back(&a);
  }
  return out;
}

std::string describe(const std::vector<detect::Alert>& alerts) {
  std::string s;
  for (const auto& a : alerts) {
    s += std::string(detect::action_name(a.action)) + " at minute " + std::to_string(alert_minute(a)) + ": " +
         a.message + "\n";
  }
  return s;
}

// Steady one-every-five-minutes heartbeat.
Shape heartbeat() {
  return [](std::int64_t m) { return m % 5 == 0 ? 1.0 : 0.0; };
}

TEST_CASE("daily and weekly seasons with noise raise no alert over eight weeks", "[trend]") {
  Simulation sim(TrendOptions{});
  sim.add({SeriesKind::kHost, "web1", seasonal(20), 0.1});
  sim.add({SeriesKind::kHost, "web2", seasonal(3), 0.15});
  sim.add({SeriesKind::kSignature, "sparse", [](std::int64_t) { return 0.05; }, 0.0});
  sim.add({SeriesKind::kListener, "beat", heartbeat(), 0.0, true});
  sim.run(8 * 7 * 1440);
  INFO(describe(sim.alerts()));
  CHECK(sim.alerts().empty());
  const auto c = sim.tracker().counters();
  CHECK(c.series_live == 4);
  CHECK(c.days_closed == 56);
  // The learned profile matches the true one: the last complete hour (Sunday 23:00) within 20 %.
  const auto top = sim.tracker().top_series(4);
  REQUIRE(top.size() == 4);
  CHECK(top[0].key == "web1");
  CHECK(top[0].last_hour_baseline.mode == BaselineMode::kHourOfWeek);
  double truth = 0;
  for (std::int64_t m = sim.minute() - 60; m < sim.minute(); ++m) truth += seasonal(20)(m);
  CHECK(top[0].last_hour_baseline.expected_per_hour == Approx(truth).epsilon(0.2));
  CHECK(top[2].key == "beat");
  CHECK(top[2].heartbeat);
  CHECK_FALSE(top[0].heartbeat);
}

TEST_CASE("a step to four times the rate is an anomaly within 15 minutes that resolves after it", "[trend]") {
  Simulation sim(TrendOptions{});
  const std::int64_t step = 3 * 7 * 1440 + 2 * 1440 + 10 * 60;  // week 4, Wednesday 10:00
  const Shape base = seasonal(20);
  sim.add({SeriesKind::kHost, "web1",
           [&](std::int64_t m) { return base(m) * (m >= step && m < step + 360 ? 4.0 : 1.0); }});
  sim.run(step + 600);
  INFO(describe(sim.alerts()));
  const auto opened = of(sim.alerts(), AlertAction::kAnomaly);
  const auto resolved = of(sim.alerts(), AlertAction::kAnomalyResolved);
  REQUIRE(opened.size() == 1);
  REQUIRE(resolved.size() == 1);
  const auto& p = *opened[0]->prediction;
  CHECK(p.kind == "above");
  CHECK(p.baseline == "hour_of_week");
  CHECK(alert_minute(*opened[0]) - step <= 15);
  CHECK(alert_minute(*opened[0]) - step > 0);
  // Expected within 20 % of the true window mean, observed / expected between 3 and 5.
  double truth = 0;
  const auto end = static_cast<std::int64_t>(alert_minute(*opened[0]));
  for (std::int64_t m = end - 10; m < end; ++m) truth += base(m);
  CHECK(p.expected == Approx(truth).epsilon(0.2));
  CHECK(p.observed / p.expected >= 3);
  CHECK(p.observed / p.expected <= 5);
  CHECK(p.score >= 6);
  CHECK(opened[0]->problem_state == detect::ProblemState::kOpen);
  CHECK(resolved[0]->problem_id == opened[0]->problem_id);
  CHECK(resolved[0]->id != opened[0]->id);
  const double after = alert_minute(*resolved[0]) - (step + 360);
  CHECK(after > 0);
  CHECK(after <= 30);
}

TEST_CASE("a five-minute spike of twenty times the rate is an anomaly within 10 minutes", "[trend]") {
  Simulation sim(TrendOptions{});
  const std::int64_t spike = 2 * 7 * 1440 + 4 * 1440 + 14 * 60 + 7;  // week 3, Friday 14:07
  const Shape base = seasonal(10);
  sim.add({SeriesKind::kSignature, "0123456789abcdef",
           [&](std::int64_t m) { return base(m) * (m >= spike && m < spike + 5 ? 20.0 : 1.0); }});
  sim.run(spike + 180);
  INFO(describe(sim.alerts()));
  const auto opened = of(sim.alerts(), AlertAction::kAnomaly);
  REQUIRE(opened.size() == 1);
  CHECK(alert_minute(*opened[0]) - spike <= 10);
  // The window holds the whole spike by then: excess within 30 % of 5 minutes of 19x.
  double excess = 0;
  for (std::int64_t m = spike; m < spike + 5; ++m) excess += 19 * base(m);
  const auto& p = *opened[0]->prediction;
  CHECK(p.observed - p.expected == Approx(excess).epsilon(0.3));
  CHECK(of(sim.alerts(), AlertAction::kAnomalyResolved).size() == 1);
}

TEST_CASE("a heartbeat outage is an anomaly below within 40 minutes", "[trend]") {
  Simulation sim(TrendOptions{});
  const std::int64_t outage = 9 * 1440 + 13 * 60;  // day 10, 13:00, for 3 hours
  const Shape beat = heartbeat();
  sim.add({SeriesKind::kListener, "beat",
           [&](std::int64_t m) { return m >= outage && m < outage + 180 ? 0.0 : beat(m); }, 0.0, true});
  sim.add({SeriesKind::kHost, "web1", seasonal(20)});
  sim.run(outage + 360);
  INFO(describe(sim.alerts()));
  const auto opened = of(sim.alerts(), AlertAction::kAnomaly);
  REQUIRE(opened.size() == 1);
  const auto& p = *opened[0]->prediction;
  CHECK(p.kind == "below");
  CHECK(p.series_key == "beat");
  CHECK(p.observed <= 1);
  CHECK(p.expected == Approx(6).epsilon(0.01));  // 30-minute window of one every five minutes
  CHECK(opened[0]->severity == rules::Severity::kHigh);
  CHECK(alert_minute(*opened[0]) - outage <= 40);
  const auto resolved = of(sim.alerts(), AlertAction::kAnomalyResolved);
  REQUIRE(resolved.size() == 1);
  CHECK(alert_minute(*resolved[0]) - (outage + 180) <= 45);
}

TEST_CASE("a new signature at a high rate is its own anomaly and one at a low rate is not", "[trend]") {
  Simulation sim(TrendOptions{});
  const std::int64_t start = 7 * 1440 + 9 * 60;
  sim.add({SeriesKind::kHost, "web1", seasonal(20)});
  sim.add({SeriesKind::kSignature, "burst", [](std::int64_t) { return 50.0; }, 0.1, false, start});
  sim.add({SeriesKind::kSignature, "trickle", [](std::int64_t) { return 1.0; }, 0.1, false, start});
  sim.run(start + 120);
  INFO(describe(sim.alerts()));
  const auto opened = of(sim.alerts(), AlertAction::kAnomaly);
  REQUIRE(opened.size() == 1);
  CHECK(opened[0]->prediction->kind == "new_series");
  CHECK(opened[0]->prediction->series_key == "burst");
  CHECK(alert_minute(*opened[0]) - start <= 10);
}

TEST_CASE("linear growth is a rising trend and its threshold crossing is forecast", "[trend]") {
  TrendOptions o;
  o.thresholds.push_back({SeriesKind::kHost, "app*", 5000});
  Simulation sim(o);
  // 1440 a day growing 2 % of that a day (28.8/day), daily season; crosses 5000/day at day 123.6.
  auto daily = seasonal(1);
  sim.add({SeriesKind::kHost, "app1", [&](std::int64_t m) {
             const double day = static_cast<double>(m) / 1440.0;
             const double weekday_free = daily(m % (5 * 1440));  // Monday..Friday shape only
             return weekday_free * (1 + 0.02 * day);
           }});
  sim.run(8 * 7 * 1440);
  INFO(describe(sim.alerts()));
  const auto rising = of(sim.alerts(), AlertAction::kTrendRising);
  REQUIRE_FALSE(rising.empty());
  CHECK(alert_minute(*rising[0]) / 1440 >= 21);
  CHECK(alert_minute(*rising[0]) / 1440 <= 28);
  CHECK(rising.size() <= 6);  // re-alerted at most weekly
  const auto forecasts = of(sim.alerts(), AlertAction::kForecastThreshold);
  REQUIRE_FALSE(forecasts.empty());
  const auto& p = *forecasts.back()->prediction;
  CHECK(p.slope_per_day == Approx(28.8).epsilon(0.1));
  CHECK(p.slope_low_per_day <= 28.8);
  CHECK(p.slope_high_per_day >= 28.8);
  CHECK(p.threshold_per_day == 5000);
  const double truth_us = static_cast<double>(kStartUs) + 123.6 * static_cast<double>(kDay);
  CHECK(std::fabs(static_cast<double>(p.crossing_us) - truth_us) <= 7.0 * kDay);
  CHECK(static_cast<double>(p.crossing_earliest_us) <= truth_us);
  CHECK((p.crossing_latest_us == 0 || static_cast<double>(p.crossing_latest_us) >= truth_us));
  CHECK(of(sim.alerts(), AlertAction::kAnomaly).empty());
}

TEST_CASE("the series cap evicts the least active series and counts it", "[trend]") {
  TrendOptions o;
  o.max_series = 64;
  RateTracker t(o);
  std::vector<detect::Alert> alerts;
  std::vector<SeriesCount> heavy;
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) names.push_back("heavy" + std::to_string(i));
  for (const auto& n : names) heavy.push_back({SeriesKind::kHost, n, n, 0, 100});
  t.observe(heavy, kStartUs, alerts);
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "light" + std::to_string(i);
    const SeriesCount c{SeriesKind::kSignature, key, "rule", 7, 1};
    t.observe({&c, 1}, kStartUs + i * 1000, alerts);
  }
  const auto c = t.counters();
  CHECK(c.series_live <= 64);
  CHECK(c.series_created == 1010);
  CHECK(c.series_evicted == c.series_created - c.series_live);
  const auto top = t.top_series(10);
  for (const auto& r : top) CHECK(r.key.rfind("heavy", 0) == 0);
}

TEST_CASE("reports filter by kind and carry plots of minutes, hours against the baseline, and days", "[trend]") {
  RateTracker t{TrendOptions{}};
  std::vector<detect::Alert> alerts;
  const std::int64_t minutes = 4 * 1440 + 600;  // four full days and ten hours of a fifth
  for (std::int64_t m = 0; m < minutes; ++m) {
    const SeriesCount counts[] = {{SeriesKind::kHost, "web1", "", 0, 2}, {SeriesKind::kListener, "tcp", "", 0, 1}};
    t.observe(counts, kStartUs + m * kMinute, alerts);
  }
  ReportQuery query;
  query.kind = SeriesKind::kListener;
  const auto listeners = t.reports(query);
  REQUIRE(listeners.size() == 1);
  CHECK(listeners[0].key == "tcp");
  CHECK_FALSE(listeners[0].plot);  // only on request

  query.kind = SeriesKind::kHost;
  query.plots = true;
  const auto hosts = t.reports(query);
  REQUIRE(hosts.size() == 1);
  REQUIRE(hosts[0].plot);
  const RatePlot& p = *hosts[0].plot;
  REQUIRE(p.minutes.size() == 60);
  for (auto v : p.minutes) CHECK(v == 2);  // the open minute last, already counted
  REQUIRE(p.hours.size() == 24);
  for (auto v : p.hours) CHECK(v == 120);
  REQUIRE(p.expected_hours.size() == 24);
  CHECK(p.expected_hours.back() == Approx(120));  // hour of day, trusted after three days
  REQUIRE(p.days.size() == 42);                    // the trend window
  CHECK(p.days[41] == 2880);
  CHECK(p.days[38] == 2880);
  CHECK(p.days[37] == -1);                         // before the series existed
  CHECK(p.trend_days.empty());                     // too young for a trend
  CHECK(t.top_series(10).size() == 2);
}

TEST_CASE("a restored tracker continues exactly as the one that saved", "[trend]") {
  const std::int64_t step = 3 * 7 * 1440 + 10 * 60;
  const Shape base = seasonal(20);
  const Shape shape = [&](std::int64_t m) { return base(m) * (m >= step && m < step + 120 ? 5.0 : 1.0); };
  Simulation a(TrendOptions{});
  a.add({SeriesKind::kHost, "web1", shape, 0.0, true});
  a.add({SeriesKind::kListener, "beat", heartbeat(), 0.0, true});
  a.run(step - 30);
  const std::string bytes = a.tracker().save();
  const std::size_t before = a.alerts().size();
  a.run(300);

  Simulation b(TrendOptions{});
  b.add({SeriesKind::kHost, "web1", shape, 0.0, true});
  b.add({SeriesKind::kListener, "beat", heartbeat(), 0.0, true});
  REQUIRE(b.tracker().restore(bytes).value() == 2);
  b.skip_to(step - 30);
  b.run(300);

  INFO(describe(a.alerts()));
  REQUIRE(a.alerts().size() - before == b.alerts().size());
  CHECK(b.alerts().size() == 2);  // the step opened and resolved
  for (std::size_t i = 0; i < b.alerts().size(); ++i) {
    CHECK(a.alerts()[before + i].id == b.alerts()[i].id);
    CHECK(a.alerts()[before + i].message == b.alerts()[i].message);
  }
  CHECK(a.tracker().save() == b.tracker().save());
}

TEST_CASE("a damaged or foreign trend snapshot is refused and the state kept", "[trend]") {
  RateTracker t;
  std::vector<detect::Alert> alerts;
  const SeriesCount c{SeriesKind::kHost, "web1", "web1", 0, 5};
  t.observe({&c, 1}, kStartUs, alerts);
  const std::string good = t.save();

  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;
  RateTracker u;
  CHECK(u.restore(flipped).error().kind == TrendSnapshotError::Kind::kCorrupt);
  CHECK(u.restore(good.substr(0, good.size() - 3)).error().kind == TrendSnapshotError::Kind::kTruncated);
  CHECK(u.restore("LSDETECT-not-ours").error().kind == TrendSnapshotError::Kind::kBadMagic);
  TrendOptions other;
  other.day_slots = 60;
  RateTracker v(other);
  CHECK(v.restore(good).error().kind == TrendSnapshotError::Kind::kMismatch);
  CHECK(u.counters().series_live == 0);
  REQUIRE(u.restore(good));
  CHECK(u.counters().series_live == 1);
  CHECK(u.top_series(1)[0].key == "web1");
}

TEST_CASE("late counts go to the open minute and a jump of days still closes each day", "[trend]") {
  RateTracker t;
  std::vector<detect::Alert> alerts;
  const SeriesCount c{SeriesKind::kHost, "web1", "web1", 0, 5};
  t.observe({&c, 1}, kStartUs + 10 * kMinute, alerts);
  t.observe({&c, 1}, kStartUs + 2 * kMinute, alerts);  // late
  t.advance(kStartUs + 3 * kDay + 10 * kMinute, alerts);
  const auto k = t.counters();
  CHECK(k.occurrences == 10);
  CHECK(k.late_occurrences == 5);
  CHECK(k.days_closed == 3);
  CHECK(k.minutes_closed == 3 * 1440);
  CHECK(k.minutes_skipped == 3 * 1440 - 120);
  CHECK(alerts.empty());
}

}  // namespace
}  // namespace logsift::trend
