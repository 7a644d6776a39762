// RateTracker snapshots: the whole tracker state as one checksummed byte string.
//
// Layout (all integers little-endian, as parsers/base/coding.h writes them):
//   "LSTREND1"  u32 version (1)  u64 payload bytes  payload  u64 XXH3_64bits(payload)
// payload:
//   u64 hour_slots  u64 day_slots  i64 open minute
//   u64 series count, then each series:
//     u8 kind  u64 signature id  str key  str label
//     i64 first minute  i64 newest minute  u32 x (120 + hour_slots + day_slots) buckets
//     u8 open anomaly  u8 candidate  u32 streak  u32 clear streak  i64 opened  u64 problem id
//     u8 new series done  i64 rising alert day  i64 forecast alert day
// Ring sizes must match the options of the restoring tracker (else kMismatch): changing
// hour_slots or day_slots starts the history afresh.
#include <xxhash.h>

#include <vector>

#include "daemon/trend/tracker_impl.h"
#include "parsers/base/coding.h"

namespace logsift::trend {
namespace {

constexpr std::string_view kMagic = "LSTREND1";
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kMinSeriesBytes = 1 + 8 + 4 + 4 + 8 + 8 + 1 + 1 + 4 + 4 + 8 + 8 + 1 + 8 + 8;

using Error = TrendSnapshotError;

Unexpected<Error> fail(Error::Kind kind, std::string message) {
  return Unexpected<Error>{Error{kind, std::move(message)}};
}

// Appends to one string; the payload is written in place between the header and the checksum.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { base::put_fixed32(out_, v); }
  void u64(std::uint64_t v) { base::put_fixed64(out_, v); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void str(std::string_view s) { base::put_length_prefixed(out_, s); }

 private:
  std::string& out_;
};

// base::ByteReader with the offset in the whole snapshot, for error messages.
class Reader {
 public:
  Reader(std::string_view in, std::size_t at) : in_(in), at_(at) {}
  bool ok() const { return in_.ok(); }
  std::size_t offset() const { return at_ + in_.position(); }
  std::size_t left() const { return in_.left(); }
  std::uint8_t u8() { return in_.u8(); }
  std::uint32_t u32() { return in_.u32(); }
  std::uint64_t u64() { return in_.u64(); }
  std::int64_t i64() { return in_.i64(); }
  void str(std::string& s) { s.assign(in_.length_prefixed()); }
  // A count of elements each at least `min_bytes` long: rejects counts the input cannot hold.
  std::size_t count(std::size_t min_bytes) {
    const std::uint64_t n = u64();
    if (!ok() || n > left() / min_bytes) return in_.fail(), 0;
    return static_cast<std::size_t>(n);
  }

 private:
  base::ByteReader in_;
  std::size_t at_;
};

}  // namespace

std::string RateTracker::save() const {
  const Impl& t = *impl_;
  std::string out(kMagic);
  Writer w(out);
  w.u32(kVersion);
  w.u64(0);  // payload size, patched below
  const std::size_t payload_at = out.size();
  w.u64(t.options_.hour_slots);
  w.u64(t.options_.day_slots);
  w.i64(t.clock_minute_);
  w.u64(t.series_.size());
  for (const Series& s : t.series_) {
    w.u8(static_cast<std::uint8_t>(s.kind));
    w.u64(s.signature_id);
    w.str(s.key);
    w.str(s.label);
    w.i64(s.history.first_minute());
    w.i64(s.history.newest_minute());
    for (std::uint32_t b : s.history.buckets()) w.u32(b);
    w.u8(static_cast<std::uint8_t>(s.open));
    w.u8(static_cast<std::uint8_t>(s.candidate));
    w.u32(s.streak);
    w.u32(s.clear_streak);
    w.i64(s.opened_us);
    w.u64(s.problem_id);
    w.u8(s.new_series_done ? 1 : 0);
    w.i64(s.rising_alert_day);
    w.i64(s.forecast_alert_day);
  }
  const std::size_t payload_size = out.size() - payload_at;
  base::encode_fixed64(reinterpret_cast<unsigned char*>(out.data() + payload_at - 8), payload_size);
  w.u64(XXH3_64bits(out.data() + payload_at, payload_size));
  return out;
}

Expected<std::size_t, TrendSnapshotError> RateTracker::restore(std::string_view bytes) {
  constexpr std::size_t kHeader = 8 + 4 + 8;
  if (bytes.size() < 8 || bytes.substr(0, 8) != kMagic) return fail(Error::Kind::kBadMagic, "not a logsift trend snapshot");
  if (bytes.size() < kHeader + 8) {
    return fail(Error::Kind::kTruncated, "truncated header (" + std::to_string(bytes.size()) + " bytes)");
  }
  const std::uint32_t version = base::decode_fixed32(bytes.data() + 8);
  const std::uint64_t payload_size = base::decode_fixed64(bytes.data() + 12);
  if (version != kVersion) {
    return fail(Error::Kind::kUnsupportedVersion,
                "snapshot version " + std::to_string(version) + ", expected " + std::to_string(kVersion));
  }
  if (payload_size != bytes.size() - kHeader - 8) {
    return fail(Error::Kind::kTruncated, "payload of " + std::to_string(payload_size) + " bytes announced, " +
                                             std::to_string(bytes.size() - kHeader - 8) + " present");
  }
  const std::string_view payload = bytes.substr(kHeader, payload_size);
  if (base::decode_fixed64(bytes.data() + kHeader + payload_size) != XXH3_64bits(payload.data(), payload.size())) {
    return fail(Error::Kind::kCorrupt, "checksum mismatch");
  }
  const TrendOptions& o = impl_->options_;
  Reader r(payload, kHeader);
  const std::uint64_t hour_slots = r.u64();
  const std::uint64_t day_slots = r.u64();
  if (r.ok() && (hour_slots != o.hour_slots || day_slots != o.day_slots)) {
    return fail(Error::Kind::kMismatch, "snapshot keeps " + std::to_string(hour_slots) + " hours and " +
                                            std::to_string(day_slots) + " days per series, options " +
                                            std::to_string(o.hour_slots) + " and " + std::to_string(o.day_slots));
  }
  // Build the new state aside; the current one is kept on any error.
  Impl fresh(o);
  fresh.clock_minute_ = r.i64();
  const std::size_t count = r.count(kMinSeriesBytes);
  const std::size_t bucket_count = RateHistory::kMinuteSlots + o.hour_slots + o.day_slots;
  std::vector<std::uint32_t> buckets(bucket_count);
  std::string key;
  std::string label;
  for (std::size_t i = 0; i < count && r.ok(); ++i) {
    const std::uint8_t kind = r.u8();
    const std::uint64_t signature_id = r.u64();
    r.str(key);
    r.str(label);
    const std::int64_t first = r.i64();
    const std::int64_t newest = r.i64();
    if (!r.ok() || kind >= kSeriesKindCount || r.left() / 4 < bucket_count) break;
    for (auto& b : buckets) b = r.u32();
    const SeriesCount c{static_cast<SeriesKind>(kind), key, label, signature_id, 0};
    const std::uint64_t hash = series_hash(c.kind, key);
    if (fresh.index_.contains(hash) || fresh.series_.size() >= std::max<std::size_t>(o.max_series, 1)) {
      return fail(Error::Kind::kCorrupt, "duplicate or surplus series near byte " + std::to_string(r.offset()));
    }
    Series& s = fresh.series_.emplace_back(c, hash, first, o);
    fresh.index_[hash] = static_cast<std::uint32_t>(fresh.series_.size() - 1);
    if (!s.history.restore(first, newest, buckets)) break;
    const std::uint8_t open = r.u8();
    const std::uint8_t candidate = r.u8();
    if (open > static_cast<std::uint8_t>(AnomalyKind::kNewSeries) ||
        candidate > static_cast<std::uint8_t>(AnomalyKind::kNewSeries)) {
      break;
    }
    s.open = static_cast<AnomalyKind>(open);
    s.candidate = static_cast<AnomalyKind>(candidate);
    s.streak = r.u32();
    s.clear_streak = r.u32();
    s.opened_us = r.i64();
    s.problem_id = r.u64();
    s.new_series_done = r.u8() != 0;
    s.rising_alert_day = r.i64();
    s.forecast_alert_day = r.i64();
    if (s.open != AnomalyKind::kNone) ++fresh.counters_.anomalies_open;
  }
  if (!r.ok() || r.left() != 0 || fresh.series_.size() != count) {
    return fail(Error::Kind::kCorrupt, "malformed series record near byte " + std::to_string(r.offset()));
  }
  // Process counters carry on; only what describes the live state is recomputed.
  const std::uint64_t open_now = fresh.counters_.anomalies_open;
  fresh.counters_ = impl_->counters_;
  fresh.counters_.anomalies_open = open_now;
  *impl_ = std::move(fresh);
  return count;
}

}  // namespace logsift::trend
