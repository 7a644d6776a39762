// Whole-file reads and atomic whole-file writes.
//
// write_file_atomically writes a temp file beside the target, fsyncs it, renames it over the
// target and fsyncs the folder, so a reader (or a restart after a crash) sees the old file or the
// new one, never a mix, and a write that returned success survives power loss. On failure the
// temp file is removed and the target is untouched (unless only the folder fsync failed: then the
// new file is in place but its durability is not known).
//
// Errors are values carrying errno and a message naming the operation and the path. Blocking
// I/O: never call these with a lock held. Thread-safety: safe for distinct paths; concurrent
// writers of one path need distinct temp paths (the last rename wins).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "parsers/base/expected.h"

namespace logsift::base {

struct FileError {
  int errno_value = 0;  // as set by the failing call
  std::string message;  // "cannot rename /x/.tmp-y: No space left on device"
};

struct AtomicWriteOptions {
  // Where the bytes go before the rename; must be on the target's filesystem. Empty: the target
  // path + ".tmp". Processes that may write the same target at once pass distinct names.
  std::string temp_path;
  mode_t mode = 0644;  // permissions of a newly created file (before the umask)
  // Whether a failed fsync of the folder (after the rename) is an error. The new file is in place
  // either way; only whether a crash could bring back the old one is unknown. Files whose old
  // version is still valid (snapshots) may accept that and not report it.
  bool folder_sync_required = true;
};

// Writes `bytes` to `path` atomically and durably; the number of bytes written.
[[nodiscard]] Expected<std::size_t, FileError> write_file_atomically(const std::string& path,
                                                                     std::string_view bytes,
                                                                     const AtomicWriteOptions& options = {});

// The whole content of `path`.
[[nodiscard]] Expected<std::string, FileError> read_file(const std::string& path);
// The same into `out`, whose capacity is reused; the number of bytes read.
[[nodiscard]] Expected<std::size_t, FileError> read_file(const std::string& path, std::string& out);

// fsync of a folder, so that renames and unlinks in it survive a crash. False when it fails.
bool sync_folder(const std::string& folder);

// The folder part of `path`: "a/b" -> "a", "/b" -> "/", "b" -> ".".
std::string parent_folder(const std::string& path);

}  // namespace logsift::base
