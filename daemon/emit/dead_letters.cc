// DeadLetterFile; see dead_letters.h.
#include "daemon/emit/dead_letters.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "daemon/emit/json_text.h"

namespace logsift::emit {

DeadLetterFile::DeadLetterFile(std::string path, std::string sink_name)
    : path_(std::move(path)), sink_name_(std::move(sink_name)) {}

void DeadLetterFile::add(const AlertLine& alert, std::string_view reason) {
  buffer_.append("{\"sink\":");
  append_json_string(sink_name_, buffer_);
  buffer_.append(",\"reason\":");
  append_json_string(reason, buffer_);
  buffer_.append(",\"alert\":");
  buffer_.append(alert.json);
  buffer_.append("}\n");
  ++pending_;
}

Expected<std::uint64_t, SinkError> DeadLetterFile::flush() {
  if (buffer_.empty()) return std::uint64_t{0};
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return Unexpected{sink_error_from_errno(errno, "cannot open dead-letter file", path_)};
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return Unexpected{sink_error_from_errno(err, "cannot write dead-letter file", path_)};
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return Unexpected{sink_error_from_errno(err, "cannot sync dead-letter file", path_)};
  }
  ::close(fd);
  const std::uint64_t lines = pending_;
  written_ += lines;
  buffer_.clear();
  pending_ = 0;
  return lines;
}

}  // namespace logsift::emit
