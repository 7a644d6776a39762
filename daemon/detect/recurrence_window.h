// RecurrenceWindow: a sliding-window occurrence count in 16 time buckets.
//
// The window of length `within_ms` is cut into 16 buckets of ceil(within_ms / 16) ms aligned on
// event time, so the count covers between 15/16 and all of the window; the error is bounded and
// the state is 80 bytes whatever the rate. Events older than the window are not counted; events
// that arrive out of order but inside the window are. Plain value type, not thread-safe.
#pragma once

#include <array>
#include <cstdint>

namespace logsift::detect {

class RecurrenceWindow {
 public:
  static constexpr int kBuckets = 16;

  RecurrenceWindow() = default;
  explicit RecurrenceWindow(std::int64_t within_ms)
      : bucket_ms_(within_ms > kBuckets ? (within_ms + kBuckets - 1) / kBuckets : 1) {}

  // Counts `n` occurrences at now_us.
  void add(std::int64_t now_us, std::uint32_t n = 1) {
    const std::int64_t b = bucket_of(now_us);
    if (b > newest_) {
      const std::int64_t gap = b - newest_;
      if (gap >= kBuckets) {
        counts_.fill(0);
      } else {
        for (std::int64_t k = newest_ + 1; k <= b; ++k) counts_[slot(k)] = 0;
      }
      newest_ = b;
    } else if (b <= newest_ - kBuckets) {
      return;  // older than anything the window still holds
    }
    counts_[slot(b)] += n;
  }

  // Occurrences within the window that ends at now_us.
  std::uint64_t count(std::int64_t now_us) const {
    const std::int64_t b = bucket_of(now_us);
    std::uint64_t sum = 0;
    for (std::int64_t k = newest_; k > newest_ - kBuckets; --k) {
      if (k <= b && k > b - kBuckets) sum += counts_[slot(k)];
    }
    return sum;
  }

  // Start of the oldest bucket the window ending at now_us covers, in microseconds.
  std::int64_t start_us(std::int64_t now_us) const {
    return (bucket_of(now_us) - kBuckets + 1) * bucket_ms_ * 1000;
  }

  std::int64_t bucket_ms() const { return bucket_ms_; }
  std::int64_t newest_bucket() const { return newest_; }
  const std::array<std::uint32_t, kBuckets>& counts() const { return counts_; }
  // Restores the raw state (snapshot).
  void restore(std::int64_t bucket_ms, std::int64_t newest,
               const std::array<std::uint32_t, kBuckets>& counts) {
    bucket_ms_ = bucket_ms > 0 ? bucket_ms : 1;
    newest_ = newest;
    counts_ = counts;
  }

 private:
  std::int64_t bucket_of(std::int64_t now_us) const {
    const std::int64_t ms = now_us >= 0 ? now_us / 1000 : (now_us - 999) / 1000;
    return ms >= 0 ? ms / bucket_ms_ : (ms - bucket_ms_ + 1) / bucket_ms_;
  }
  static std::size_t slot(std::int64_t b) {
    return static_cast<std::size_t>(((b % kBuckets) + kBuckets) % kBuckets);
  }

  std::int64_t bucket_ms_ = 1;
  std::int64_t newest_ = INT64_MIN / 2;
  std::array<std::uint32_t, kBuckets> counts_{};
};

}  // namespace logsift::detect
