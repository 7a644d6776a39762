// DeadLetterFile: where a sink keeps alerts its destination refused for good.
//
// One NDJSON line per refused alert, appended to a file beside the sink's spool:
//   {"sink":"siem","reason":"mapper_parsing_exception: ...","alert":{...the alert...}}
// Lines are buffered during a deliver() call and made durable by flush(), which the delivery
// thread calls after every deliver(), and before it removes the batch from the spool: an alert is
// never both gone from the spool and missing from the dead-letter file. A line may be written
// twice when a target that does not track progress refuses the same alert on a retry.
// Not thread-safe: one delivery thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/emit/delivery.h"

namespace logsift::emit {

class DeadLetterFile final : public DeadLetters {
 public:
  DeadLetterFile(std::string path, std::string sink_name);

  void add(const AlertLine& alert, std::string_view reason) override;
  // Appends the buffered lines and fsyncs. An error leaves them buffered for the next call.
  [[nodiscard]] Expected<std::uint64_t, SinkError> flush();

  std::uint64_t written() const { return written_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string sink_name_;
  std::string buffer_;
  std::uint64_t pending_ = 0;
  std::uint64_t written_ = 0;
};

}  // namespace logsift::emit
