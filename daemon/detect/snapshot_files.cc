#include "daemon/detect/snapshot_files.h"

#include "parsers/base/file_io.h"

namespace logsift::detect {
namespace {

Unexpected<SnapshotError> io_error(base::FileError&& e) {
  return Unexpected<SnapshotError>{SnapshotError{SnapshotError::Kind::kIo, std::move(e.message)}};
}

}  // namespace

bool sync_folder(const std::string& dir) { return base::sync_folder(dir); }

Expected<bool, SnapshotError> write_file_atomically(const std::string& path, std::string_view bytes) {
  base::AtomicWriteOptions options;
  options.mode = 0600;
  // Without the folder fsync a crash could bring back the previous file, which is still a whole
  // snapshot, so its failure is not reported.
  options.folder_sync_required = false;
  if (auto written = base::write_file_atomically(path, bytes, options); !written) {
    return io_error(std::move(written).error());
  }
  return true;
}

Expected<bool, SnapshotError> read_whole_file(const std::string& path, std::string& out) {
  if (auto read = base::read_file(path, out); !read) return io_error(std::move(read).error());
  return true;
}

}  // namespace logsift::detect
