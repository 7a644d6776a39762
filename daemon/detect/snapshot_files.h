// Durable whole-file writes and bounded whole-file reads for detection snapshots.
//
// write_file_atomically() leaves either the old file or the complete new one at `path`, never a
// mix: it writes `path`.tmp, fsyncs it, renames it over `path` and fsyncs the folder. A failure
// removes the temp file. Errors name the path and the system's reason.
//
// Thread-safety: the functions keep no state; concurrent calls on different paths are safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/detect/detector.h"
#include "parsers/base/expected.h"

namespace logsift::detect {

[[nodiscard]] Expected<bool, SnapshotError> write_file_atomically(const std::string& path, std::string_view bytes);

// Replaces `out` with the file's bytes (its capacity is reused).
[[nodiscard]] Expected<bool, SnapshotError> read_whole_file(const std::string& path, std::string& out);

// fsync of a folder, so renames and unlinks in it are durable. False when it fails.
bool sync_folder(const std::string& dir);

}  // namespace logsift::detect
