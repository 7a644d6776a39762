// sd_notify over an AF_UNIX datagram socket (see systemd_notify.h).
#include "daemon/ops/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstring>

namespace logsift::ops {
namespace {

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

template <typename T>
bool parse_decimal(std::string_view text, T& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

SystemdNotifier::SystemdNotifier(std::string notify_socket)
    : socket_path_(std::move(notify_socket)) {}

Expected<bool, std::string> SystemdNotifier::notify(std::string_view state) const {
  if (!enabled()) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  bool abstract = socket_path_[0] == '@';
  if (socket_path_[0] != '/' && !abstract) {
    return Unexpected{"NOTIFY_SOCKET \"" + socket_path_ + "\" is neither a path nor @abstract"};
  }
  if (socket_path_.size() >= sizeof(address.sun_path)) {
    return Unexpected{"NOTIFY_SOCKET \"" + socket_path_ + "\" is too long"};
  }
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  if (abstract) address.sun_path[0] = '\0';  // abstract namespace: leading NUL, no terminator
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size() +
                                            (abstract ? 0 : 1));

  Fd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Unexpected{std::string("socket(AF_UNIX): ") + std::strerror(errno)};
  ssize_t sent;
  do {
    sent = ::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL,
                    reinterpret_cast<const sockaddr*>(&address), length);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    return Unexpected{"sendto " + socket_path_ + ": " + std::strerror(errno)};
  }
  if (static_cast<std::size_t>(sent) != state.size()) {
    return Unexpected{"sendto " + socket_path_ + ": short write"};
  }
  return true;
}

Expected<bool, std::string> SystemdNotifier::ready(std::string_view status) const {
  if (status.empty()) return notify("READY=1");
  return notify("READY=1\nSTATUS=" + one_line(status));
}

Expected<bool, std::string> SystemdNotifier::stopping(std::string_view status) const {
  if (status.empty()) return notify("STOPPING=1");
  return notify("STOPPING=1\nSTATUS=" + one_line(status));
}

Expected<bool, std::string> SystemdNotifier::reloading(std::uint64_t monotonic_usec) const {
  return notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec));
}

Expected<bool, std::string> SystemdNotifier::watchdog() const { return notify("WATCHDOG=1"); }

Expected<bool, std::string> SystemdNotifier::status(std::string_view text) const {
  return notify("STATUS=" + one_line(text));
}

std::optional<std::chrono::microseconds> watchdog_interval(std::string_view watchdog_usec,
                                                           std::string_view watchdog_pid,
                                                           pid_t self_pid) {
  std::uint64_t usec = 0;
  if (!parse_decimal(watchdog_usec, usec) || usec == 0 ||
      usec > static_cast<std::uint64_t>(std::chrono::microseconds::max().count())) {
    return std::nullopt;
  }
  if (!watchdog_pid.empty()) {
    long long pid = 0;
    if (!parse_decimal(watchdog_pid, pid) || pid != static_cast<long long>(self_pid)) {
      return std::nullopt;
    }
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(usec));
}

}  // namespace logsift::ops
