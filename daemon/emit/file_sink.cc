// FileSink and the batch-file naming helpers; see file_sink.h.
#include "daemon/emit/file_sink.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "parsers/base/file_io.h"

namespace logsift::emit {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "alerts-";
constexpr std::string_view kSuffix = ".ndjson.zst";
constexpr std::string_view kTempPrefix = ".tmp-";
constexpr std::size_t kSequenceDigits = 20;

std::string join(const std::string& dir, std::string_view name) {
  std::string path = dir;
  if (!path.empty() && path.back() != '/') path.push_back('/');
  path.append(name);
  return path;
}

SinkError error_from(const std::error_code& ec, const char* what, const std::string& path) {
  return sink_error_from_errno(ec.value(), what, path);
}

}  // namespace

SinkError sink_error_from_errno(int errno_value, const char* what, const std::string& path) {
  SinkError e;
  e.errno_value = errno_value;
  switch (errno_value) {
    case ENOSPC:
    case EDQUOT: e.kind = SinkError::Kind::kNoSpace; break;
    case EACCES:
    case EPERM:
    case EROFS: e.kind = SinkError::Kind::kPermission; break;
    case ENOENT:
    case ENOTDIR: e.kind = SinkError::Kind::kMissing; break;
    default: e.kind = SinkError::Kind::kIo; break;
  }
  e.message = std::string(what) + " " + path + ": " + std::strerror(errno_value);
  return e;
}

std::string batch_file_name(std::uint64_t sequence) {
  char digits[kSequenceDigits + 1];
  std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(sequence));
  std::string name(kPrefix);
  name.append(digits);
  name.append(kSuffix);
  return name;
}

std::optional<std::uint64_t> parse_batch_file_name(std::string_view name) {
  if (name.size() != kPrefix.size() + kSequenceDigits + kSuffix.size() ||
      !name.starts_with(kPrefix) || !name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  const std::string_view digits = name.substr(kPrefix.size(), kSequenceDigits);
  std::uint64_t sequence = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), sequence);
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return std::nullopt;
  return sequence;
}

Expected<std::uint64_t, SinkError> next_sequence_in(const std::string& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return Unexpected{error_from(ec, "cannot read directory", dir)};
  std::uint64_t highest = 0;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (const auto seq = parse_batch_file_name(it->path().filename().native())) {
      highest = std::max(highest, *seq);
    }
  }
  if (ec) return Unexpected{error_from(ec, "cannot read directory", dir)};
  return highest + 1;
}

Expected<SinkReceipt, SinkError> write_file_atomically(const std::string& dir,
                                                       const std::string& name,
                                                       std::string_view bytes) {
  base::AtomicWriteOptions options;
  options.temp_path = join(dir, std::string(kTempPrefix) + name);
  auto written = base::write_file_atomically(join(dir, name), bytes, options);
  if (!written) {
    SinkError e = sink_error_from_errno(written.error().errno_value, "", "");
    e.message = std::move(written).error().message;
    return Unexpected{std::move(e)};
  }
  return SinkReceipt{bytes.size(), false};
}

FileSink::FileSink(std::string dir, FileSinkOptions options)
    : dir_(std::move(dir)), options_(options) {}

// Reads the directory once, on the first write: batch files of earlier runs count toward
// retention, and temp files a crash left behind are removed.
Expected<bool, SinkError> FileSink::load_index() {
  std::error_code ec;
  fs::directory_iterator it(dir_, ec);
  if (ec) return Unexpected{error_from(ec, "cannot read directory", dir_)};
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().native();
    if (name.starts_with(kTempPrefix)) {
      fs::remove(it->path(), ec);
      ec.clear();
      continue;
    }
    if (const auto seq = parse_batch_file_name(name)) {
      const std::uint64_t size = it->file_size(ec);
      if (ec) {
        ec.clear();
        continue;
      }
      files_[*seq] = size;
      stored_bytes_ += size;
    }
  }
  if (ec) return Unexpected{error_from(ec, "cannot read directory", dir_)};
  indexed_ = true;
  return true;
}

Expected<SinkReceipt, SinkError> FileSink::write(const EncodedBatch& batch) {
  if (!indexed_) {
    auto loaded = load_index();
    if (!loaded) return Unexpected{std::move(loaded).error()};
  }
  auto written = write_file_atomically(dir_, batch_file_name(batch.sequence), batch.bytes);
  if (!written) return written;
  const auto slot = files_.try_emplace(batch.sequence, 0).first;
  stored_bytes_ -= slot->second;  // a re-sent sequence replaces its file
  slot->second = batch.bytes.size();
  stored_bytes_ += slot->second;
  enforce_retention(batch.sequence);
  return written;
}

void FileSink::enforce_retention(std::uint64_t newest_sequence) {
  if (options_.retention_bytes == 0) return;
  while (stored_bytes_ > options_.retention_bytes && !files_.empty() &&
         files_.begin()->first != newest_sequence) {
    const auto oldest = files_.begin();
    const std::string path = join(dir_, batch_file_name(oldest->first));
    // A file already gone (an operator removed it) still leaves the index.
    if (::unlink(path.c_str()) == 0) ++retention_deleted_files_;
    stored_bytes_ -= oldest->second;
    files_.erase(oldest);
  }
}

}  // namespace logsift::emit
