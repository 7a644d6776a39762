// RateHistory: one series' occurrence counts in minute, hour and day buckets.
//
// Three rings in one allocation made at construction: the last 120 minutes, the last
// `hour_slots` hours and the last `day_slots` UTC days. Buckets are indexed by absolute bucket
// number (minutes, hours or days since the Unix epoch) modulo the ring size. Adding a count adds
// it to the newest minute and to that minute's hour and day, so rolling up costs nothing; moving
// to a later minute zeroes the buckets skipped on the way (at most one ring's worth each).
//
// A bucket is *known* when it lies inside its ring and at or after the first complete bucket
// since the series was created (a partial first hour or day would look like a dip); buckets
// after the newest are known to be 0. Reads of unknown buckets return -1.
//
// Thread-safety: none; owned by one RateTracker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace logsift::trend {

inline constexpr std::int64_t kMinutesPerHour = 60;
inline constexpr std::int64_t kMinutesPerDay = 1440;
inline constexpr std::int64_t kUsPerMinute = 60'000'000;

// Floor division for bucket numbers of times before the epoch.
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

class RateHistory {
 public:
  static constexpr std::size_t kMinuteSlots = 120;

  // A new series first seen in `minute`.
  RateHistory(std::size_t hour_slots, std::size_t day_slots, std::int64_t minute);

  // Makes `minute` the newest, zeroing the buckets in between. Earlier minutes are ignored.
  void roll_to(std::int64_t minute);
  // Adds to the newest minute, its hour and its day (saturating at 2^32 - 1).
  void add(std::uint64_t count);

  std::int64_t first_minute() const { return first_minute_; }
  std::int64_t newest_minute() const { return newest_minute_; }
  std::int64_t first_full_hour() const;
  std::int64_t first_full_day() const;

  std::int64_t minute_count(std::int64_t minute) const;  // -1 when unknown
  std::int64_t hour_count(std::int64_t hour) const;
  std::int64_t day_count(std::int64_t day) const;
  // Sum of the `n` minutes ending with `last` (unknown minutes count 0).
  std::uint64_t sum_minutes(std::int64_t last, int n) const;
  // Occurrences in the `n` hours ending with the newest, the partial first hour included.
  std::uint64_t recent_total(int n) const;

  std::size_t hour_slots() const { return hour_slots_; }
  std::size_t day_slots() const { return day_slots_; }

  // Raw state for snapshots: every bucket, minutes then hours then days.
  std::span<const std::uint32_t> buckets() const { return buckets_; }
  // Restores raw state; false when the sizes do not match this history's rings.
  bool restore(std::int64_t first_minute, std::int64_t newest_minute,
               std::span<const std::uint32_t> buckets);

 private:
  std::uint32_t& minute_slot(std::int64_t m) { return buckets_[ring(m, kMinuteSlots)]; }
  std::uint32_t& hour_slot(std::int64_t h) { return buckets_[kMinuteSlots + ring(h, hour_slots_)]; }
  std::uint32_t& day_slot(std::int64_t d) {
    return buckets_[kMinuteSlots + hour_slots_ + ring(d, day_slots_)];
  }
  static std::size_t ring(std::int64_t i, std::size_t n) {
    const auto s = static_cast<std::int64_t>(n);
    return static_cast<std::size_t>(((i % s) + s) % s);
  }
  std::int64_t read(std::int64_t bucket, std::int64_t first, std::int64_t newest, std::size_t slots,
                    std::size_t offset) const;

  std::size_t hour_slots_;
  std::size_t day_slots_;
  std::int64_t first_minute_;
  std::int64_t newest_minute_;
  std::vector<std::uint32_t> buckets_;
};

}  // namespace logsift::trend
