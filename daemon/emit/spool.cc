// Spool; see spool.h.
#include "daemon/emit/spool.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "daemon/emit/batch_reader.h"
#include "daemon/emit/file_sink.h"

namespace logsift::emit {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLastSequenceFile = "last-sequence";

std::int64_t system_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string path_of(const std::string& dir, std::uint64_t sequence) {
  return (fs::path(dir) / batch_file_name(sequence)).native();
}

}  // namespace

Spool::Spool(std::string dir, SpoolOptions options) : dir_(std::move(dir)), options_(std::move(options)) {}

Expected<std::unique_ptr<Spool>, SinkError> Spool::open(std::string dir, SpoolOptions options) {
  if (!options.clock) options.clock = system_now_us;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Unexpected{sink_error_from_errno(ec.value(), "cannot create spool folder", dir)};
  std::unique_ptr<Spool> spool(new Spool(std::move(dir), std::move(options)));
  auto loaded = spool->load();
  if (!loaded) return Unexpected{std::move(loaded).error()};
  return spool;
}

Expected<bool, SinkError> Spool::load() {
  std::error_code ec;
  fs::directory_iterator it(dir_, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().native();
    if (name.rfind(".tmp-", 0) == 0) {  // a write that a crash interrupted: never confirmed
      ::unlink(it->path().c_str());
      continue;
    }
    const auto sequence = parse_batch_file_name(name);
    if (!sequence) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;
    const std::int64_t mtime_us = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000 + st.st_mtim.tv_nsec / 1000;
    entries_[*sequence] = Entry{static_cast<std::uint64_t>(st.st_size), mtime_us};
    bytes_ += static_cast<std::uint64_t>(st.st_size);
    if (*sequence > highest_sequence_) highest_sequence_ = *sequence;
  }
  if (ec) return Unexpected{sink_error_from_errno(ec.value(), "cannot read spool folder", dir_)};
  if (auto text = read_whole_file((fs::path(dir_) / kLastSequenceFile).native())) {
    std::uint64_t recorded = 0;
    if (std::sscanf(text.value().c_str(), "%llu", reinterpret_cast<unsigned long long*>(&recorded)) == 1) {
      recorded_sequence_ = recorded;
      if (recorded > highest_sequence_) highest_sequence_ = recorded;
    }
  }
  return true;
}

Expected<SinkReceipt, SinkError> Spool::write(const EncodedBatch& batch) {
  const std::uint64_t size = batch.bytes.size();
  {
    std::lock_guard lock(mutex_);
    if (options_.max_bytes != 0 && bytes_ + reserved_bytes_ + size > options_.max_bytes && !entries_.empty()) {
      SinkError e;
      e.kind = SinkError::Kind::kNoSpace;
      e.message = "spool " + dir_ + " is full (" + std::to_string(bytes_) + " bytes in " +
                  std::to_string(entries_.size()) + " batches, limit " + std::to_string(options_.max_bytes) + ")";
      return Unexpected{std::move(e)};
    }
    reserved_bytes_ += size;
  }
  auto written = write_file_atomically(dir_, batch_file_name(batch.sequence), batch.bytes);
  std::lock_guard lock(mutex_);
  reserved_bytes_ -= size;
  if (!written) return Unexpected{std::move(written).error()};
  auto [it, inserted] = entries_.try_emplace(batch.sequence);
  if (!inserted) bytes_ -= it->second.bytes;
  it->second = Entry{size, options_.clock()};
  bytes_ += size;
  if (batch.sequence > highest_sequence_) highest_sequence_ = batch.sequence;
  waiting_.notify_all();
  return SinkReceipt{size, true};
}

std::optional<std::uint64_t> Spool::oldest() const {
  std::lock_guard lock(mutex_);
  if (entries_.empty()) return std::nullopt;
  return entries_.begin()->first;
}

std::optional<std::uint64_t> Spool::wait_oldest(std::int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  const std::uint64_t generation = wake_generation_;
  waiting_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                    [&] { return !entries_.empty() || wake_generation_ != generation; });
  if (entries_.empty()) return std::nullopt;
  return entries_.begin()->first;
}

void Spool::wake() {
  std::lock_guard lock(mutex_);
  ++wake_generation_;
  waiting_.notify_all();
}

Expected<std::string, SinkError> Spool::read(std::uint64_t sequence) const {
  const std::string path = path_of(dir_, sequence);
  auto bytes = read_whole_file(path);
  if (!bytes) {
    SinkError e;
    e.kind = SinkError::Kind::kIo;
    e.message = std::move(bytes).error();
    return Unexpected{std::move(e)};
  }
  return std::move(bytes).value();
}

std::int64_t Spool::spooled_at_us(std::uint64_t sequence) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(sequence);
  return it == entries_.end() ? 0 : it->second.spooled_us;
}

void Spool::remove(std::uint64_t sequence) {
  bool drained = false;
  std::uint64_t highest = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(sequence);
    if (it == entries_.end()) return;
    bytes_ -= it->second.bytes;
    entries_.erase(it);
    drained = entries_.empty();
    highest = highest_sequence_;
  }
  // Record the sequence before the last file goes, so a restart with an empty spool still
  // continues after it; while files remain, their names carry it.
  if (drained) record_last_sequence(highest);
  ::unlink(path_of(dir_, sequence).c_str());
}

void Spool::record_last_sequence(std::uint64_t sequence) {
  {
    std::lock_guard lock(mutex_);
    if (sequence <= recorded_sequence_) return;
  }
  // Written and renamed without fsync: this runs once per delivered batch, and the page cache
  // survives a kill -9 (the guarantee asked of the spool). After a power loss the marker may be
  // older than the last delivered batch; sequences then continue from the highest batch file.
  const std::string text = std::to_string(sequence) + "\n";
  const std::string path = (fs::path(dir_) / kLastSequenceFile).native();
  const std::string temp = path + ".tmp";
  if (FILE* f = std::fopen(temp.c_str(), "w")) {
    const bool written = std::fputs(text.c_str(), f) >= 0;
    if (std::fclose(f) == 0 && written && std::rename(temp.c_str(), path.c_str()) == 0) {
      std::lock_guard lock(mutex_);
      if (sequence > recorded_sequence_) recorded_sequence_ = sequence;
    }
  }
}

void Spool::set_aside(std::uint64_t sequence) {
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(sequence);
    if (it == entries_.end()) return;
    bytes_ -= it->second.bytes;
    entries_.erase(it);
    ++corrupt_files_;
  }
  const std::string path = path_of(dir_, sequence);
  const std::string aside = (fs::path(dir_) / ("corrupt-" + batch_file_name(sequence))).native();
  std::rename(path.c_str(), aside.c_str());
}

std::optional<std::uint64_t> Spool::drop_oldest() {
  std::uint64_t sequence = 0;
  {
    std::lock_guard lock(mutex_);
    if (entries_.empty()) return std::nullopt;
    sequence = entries_.begin()->first;
  }
  std::uint64_t alerts = 0;
  if (auto bytes = read(sequence)) {
    if (auto decoded = decode_batch(bytes.value())) alerts = decoded.value().header.alerts;
  }
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(sequence);
    if (it != entries_.end()) {
      bytes_ -= it->second.bytes;
      entries_.erase(it);
    }
    ++dropped_batches_;
    dropped_alerts_ += alerts;
  }
  ::unlink(path_of(dir_, sequence).c_str());
  return alerts;
}

std::uint64_t Spool::next_sequence() const {
  std::lock_guard lock(mutex_);
  return highest_sequence_ + 1;
}

SpoolStats Spool::stats() const {
  std::lock_guard lock(mutex_);
  SpoolStats s;
  s.batches = entries_.size();
  s.bytes = bytes_;
  s.oldest_spooled_us = entries_.empty() ? 0 : entries_.begin()->second.spooled_us;
  s.corrupt_files = corrupt_files_;
  s.dropped_batches = dropped_batches_;
  s.dropped_alerts = dropped_alerts_;
  return s;
}

}  // namespace logsift::emit
