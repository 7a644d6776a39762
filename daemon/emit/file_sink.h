// FileSink: writes each batch as one file in a directory, atomically, with a retention limit.
//
// File names sort by sequence: alerts-<sequence, 20 digits zero-padded>.ndjson.zst. Each write
// goes to a temp file ".tmp-alerts-<seq>.ndjson.zst" in the same directory, is fsynced, renamed
// over its final name and the directory fsynced, so a reader sees a whole batch or none, and a
// batch the sink accepted survives a crash. After a write, the oldest batch files are deleted
// until the directory's batch files total at most retention_bytes (the newest is never deleted).
//
// The directory must exist: the daemon creates it. Errors (ENOSPC, EACCES, EROFS, a missing
// directory, a file where the directory should be) come back as SinkError values and leave the
// batch with the caller. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/emit/sink.h"

namespace logsift::emit {

struct FileSinkOptions {
  // Delete the oldest batch files once all of them together exceed this. 0 keeps everything.
  std::uint64_t retention_bytes = 1024ull * 1024 * 1024;
};

class FileSink final : public Sink {
 public:
  FileSink(std::string dir, FileSinkOptions options);

  [[nodiscard]] Expected<SinkReceipt, SinkError> write(const EncodedBatch& batch) override;

  // Batch files deleted by retention since construction (a metric: data the consumer may miss).
  std::uint64_t retention_deleted_files() const { return retention_deleted_files_; }
  // Total size of the batch files in the directory as last seen.
  std::uint64_t stored_bytes() const { return stored_bytes_; }

 private:
  Expected<bool, SinkError> load_index();
  void enforce_retention(std::uint64_t newest_sequence);

  std::string dir_;
  FileSinkOptions options_;
  bool indexed_ = false;
  std::map<std::uint64_t, std::uint64_t> files_;  // sequence -> size, of files in dir_
  std::uint64_t stored_bytes_ = 0;
  std::uint64_t retention_deleted_files_ = 0;
};

// "alerts-00000000000000000042.ndjson.zst" for 42.
std::string batch_file_name(std::uint64_t sequence);

// The sequence in a batch file name (no directory part), or nullopt if it is not one.
std::optional<std::uint64_t> parse_batch_file_name(std::string_view name);

// The sequence a writer should continue from in `dir`: one past the highest batch file there, or
// 1 for an empty directory. An error if the directory cannot be read.
[[nodiscard]] Expected<std::uint64_t, SinkError> next_sequence_in(const std::string& dir);

// Writes `bytes` to `dir/name` atomically (temp file, fsync, rename, fsync dir).
[[nodiscard]] Expected<SinkReceipt, SinkError> write_file_atomically(const std::string& dir,
                                                                     const std::string& name,
                                                                     std::string_view bytes);

}  // namespace logsift::emit
