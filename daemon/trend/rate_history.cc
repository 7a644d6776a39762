// RateHistory: see rate_history.h.
#include "daemon/trend/rate_history.h"

#include <algorithm>
#include <limits>

namespace logsift::trend {

RateHistory::RateHistory(std::size_t hour_slots, std::size_t day_slots, std::int64_t minute)
    : hour_slots_(std::max<std::size_t>(hour_slots, 1)),
      day_slots_(std::max<std::size_t>(day_slots, 1)),
      first_minute_(minute),
      newest_minute_(minute),
      buckets_(kMinuteSlots + hour_slots_ + day_slots_, 0) {}

std::int64_t RateHistory::first_full_hour() const {
  return floor_div(first_minute_ + kMinutesPerHour - 1, kMinutesPerHour);
}

std::int64_t RateHistory::first_full_day() const {
  return floor_div(first_minute_ + kMinutesPerDay - 1, kMinutesPerDay);
}

void RateHistory::roll_to(std::int64_t minute) {
  if (minute <= newest_minute_) return;
  // Zero every bucket strictly after the newest one up to the new one, at most one ring each.
  const std::int64_t m_from = std::max(newest_minute_ + 1, minute - static_cast<std::int64_t>(kMinuteSlots) + 1);
  for (std::int64_t m = m_from; m <= minute; ++m) minute_slot(m) = 0;
  const std::int64_t old_hour = floor_div(newest_minute_, kMinutesPerHour);
  const std::int64_t new_hour = floor_div(minute, kMinutesPerHour);
  const std::int64_t h_from = std::max(old_hour + 1, new_hour - static_cast<std::int64_t>(hour_slots_) + 1);
  for (std::int64_t h = h_from; h <= new_hour; ++h) hour_slot(h) = 0;
  const std::int64_t old_day = floor_div(newest_minute_, kMinutesPerDay);
  const std::int64_t new_day = floor_div(minute, kMinutesPerDay);
  const std::int64_t d_from = std::max(old_day + 1, new_day - static_cast<std::int64_t>(day_slots_) + 1);
  for (std::int64_t d = d_from; d <= new_day; ++d) day_slot(d) = 0;
  newest_minute_ = minute;
}

void RateHistory::add(std::uint64_t count) {
  auto bump = [count](std::uint32_t& slot) {
    slot = static_cast<std::uint32_t>(std::min<std::uint64_t>(std::numeric_limits<std::uint32_t>::max(), std::uint64_t{slot} + count));
  };
  bump(minute_slot(newest_minute_));
  bump(hour_slot(floor_div(newest_minute_, kMinutesPerHour)));
  bump(day_slot(floor_div(newest_minute_, kMinutesPerDay)));
}

std::int64_t RateHistory::read(std::int64_t bucket, std::int64_t first, std::int64_t newest,
                               std::size_t slots, std::size_t offset) const {
  if (bucket < first || bucket <= newest - static_cast<std::int64_t>(slots)) return -1;
  if (bucket > newest) return 0;  // nothing was added after the newest bucket
  return buckets_[offset + ring(bucket, slots)];
}

std::int64_t RateHistory::minute_count(std::int64_t minute) const {
  return read(minute, first_minute_, newest_minute_, kMinuteSlots, 0);
}

std::int64_t RateHistory::hour_count(std::int64_t hour) const {
  return read(hour, first_full_hour(), floor_div(newest_minute_, kMinutesPerHour), hour_slots_,
              kMinuteSlots);
}

std::int64_t RateHistory::day_count(std::int64_t day) const {
  return read(day, first_full_day(), floor_div(newest_minute_, kMinutesPerDay), day_slots_,
              kMinuteSlots + hour_slots_);
}

std::uint64_t RateHistory::sum_minutes(std::int64_t last, int n) const {
  std::uint64_t sum = 0;
  for (std::int64_t m = last - n + 1; m <= last; ++m) {
    const std::int64_t c = minute_count(m);
    if (c > 0) sum += static_cast<std::uint64_t>(c);
  }
  return sum;
}

std::uint64_t RateHistory::recent_total(int n) const {
  const std::int64_t newest = floor_div(newest_minute_, kMinutesPerHour);
  const std::int64_t first = std::max({floor_div(first_minute_, kMinutesPerHour), newest - n + 1,
                                       newest - static_cast<std::int64_t>(hour_slots_) + 1});
  std::uint64_t sum = 0;
  for (std::int64_t h = first; h <= newest; ++h) sum += buckets_[kMinuteSlots + ring(h, hour_slots_)];
  return sum;
}

bool RateHistory::restore(std::int64_t first_minute, std::int64_t newest_minute,
                          std::span<const std::uint32_t> buckets) {
  if (buckets.size() != buckets_.size() || newest_minute < first_minute) return false;
  first_minute_ = first_minute;
  newest_minute_ = newest_minute;
  std::copy(buckets.begin(), buckets.end(), buckets_.begin());
  return true;
}

}  // namespace logsift::trend
