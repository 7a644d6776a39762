#include "parsers/base/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace logsift::base {
namespace {

Unexpected<FileError> error(int errno_value, std::string_view what, const std::string& path) {
  std::string message(what);
  message += ' ';
  message += path;
  message += ": ";
  message += std::strerror(errno_value);
  return Unexpected{FileError{errno_value, std::move(message)}};
}

bool write_all(int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      errno = EIO;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::string parent_folder(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Expected<std::size_t, FileError> write_file_atomically(const std::string& path, std::string_view bytes,
                                                       const AtomicWriteOptions& options) {
  const std::string temp = options.temp_path.empty() ? path + ".tmp" : options.temp_path;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, options.mode);
  if (fd < 0) return error(errno, "cannot create", temp);
  const auto fail = [&](std::string_view what, const std::string& where) {
    const int saved = errno;
    ::unlink(temp.c_str());
    return error(saved, what, where);
  };
  if (!write_all(fd, bytes)) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return fail("cannot write", temp);
  }
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return fail("cannot fsync", temp);
  }
  // close() reports late write errors on NFS and some other filesystems.
  if (::close(fd) != 0) return fail("cannot close", temp);
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("cannot rename", temp);

  // Makes the rename itself durable.
  const std::string folder = parent_folder(path);
  if (!sync_folder(folder) && options.folder_sync_required) return error(errno, "cannot fsync folder", folder);
  return bytes.size();
}

bool sync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

Expected<std::size_t, FileError> read_file(const std::string& path, std::string& out) {
  out.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return error(errno, "cannot open", path);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      return error(saved, "cannot read", path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out.size();
}

Expected<std::string, FileError> read_file(const std::string& path) {
  std::string data;
  auto read = read_file(path, data);
  if (!read) return Unexpected{std::move(read).error()};
  return data;
}

}  // namespace logsift::base
