// Sink: where a closed batch becomes durable (a FileSink folder, or a network sink's Spool).
//
// write() either delivers the whole batch or returns an error and leaves the batch with the
// caller, who still owns it and may retry it later (AlertEmitter keeps it in order): a sink never
// drops an accepted batch silently. Sinks report errors as values; they never log, print or exit.
// A Sink is used from one thread at a time unless an implementation says otherwise.
#pragma once

#include <cstdint>
#include <string>

#include "daemon/emit/batch_writer.h"
#include "parsers/base/expected.h"

namespace logsift::emit {

struct SinkError {
  enum class Kind : std::uint8_t {
    kNoSpace,      // ENOSPC, EDQUOT, or a size limit of the sink itself
    kPermission,   // EACCES, EPERM, EROFS
    kMissing,      // the destination does not exist or is not a directory
    kUnavailable,  // a remote end refused or went away
    kIo,           // any other I/O failure
    kCorrupt,      // data read back (a spooled batch) failed verification
  };
  Kind kind = Kind::kIo;
  int errno_value = 0;  // 0 when not from a system call
  std::string message;  // names the path or endpoint and what failed
};

// What a successful write did.
struct SinkReceipt {
  std::uint64_t bytes = 0;     // bytes of batch data the sink took
  bool spooled = false;        // true if the batch went to a spool, not (yet) the destination
};

class Sink {
 public:
  virtual ~Sink() = default;
  [[nodiscard]] virtual Expected<SinkReceipt, SinkError> write(const EncodedBatch& batch) = 0;
};

// Maps an errno from a system call on `path` to a SinkError whose message reads
// "<what> <path>: <strerror>".
SinkError sink_error_from_errno(int errno_value, const char* what, const std::string& path);

}  // namespace logsift::emit
