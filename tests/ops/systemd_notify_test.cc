#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "daemon/ops/systemd_notify.h"

using namespace logsift::ops;

namespace {

// A datagram socket standing in for systemd's notify socket.
class FakeSystemd {
 public:
  // `name` starting with '@' binds in the abstract namespace; otherwise a path in /tmp.
  explicit FakeSystemd(std::string name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    timeval timeout{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name.data(), name.size());
    socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    if (name[0] == '@') {
      addr.sun_path[0] = '\0';
    } else {
      std::filesystem::remove(name);
      path_ = name;
      len += 1;
    }
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0);
    name_ = std::move(name);
  }
  ~FakeSystemd() {
    ::close(fd_);
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  const std::string& name() const { return name_; }
  std::string receive() {
    char buffer[4096];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n < 0 ? std::string("<nothing>") : std::string(buffer, static_cast<std::size_t>(n));
  }

 private:
  int fd_ = -1;
  std::string name_;
  std::string path_;
};

std::string unique_name(const char* prefix) {
  return std::string(prefix) + std::to_string(::getpid()) + "-" +
         std::to_string(reinterpret_cast<std::uintptr_t>(&prefix) & 0xffff);
}

}  // namespace

TEST_CASE("notify sends each state as one datagram to a path socket", "[ops]") {
  FakeSystemd systemd(unique_name("/tmp/logsift-notify-test-"));
  SystemdNotifier notifier(systemd.name());
  REQUIRE(notifier.enabled());

  auto sent = notifier.ready("serving 3 listeners");
  REQUIRE(sent.has_value());
  CHECK(*sent);
  CHECK(systemd.receive() == "READY=1\nSTATUS=serving 3 listeners");
  REQUIRE(notifier.watchdog().has_value());
  CHECK(systemd.receive() == "WATCHDOG=1");
  REQUIRE(notifier.reloading(123456789).has_value());
  CHECK(systemd.receive() == "RELOADING=1\nMONOTONIC_USEC=123456789");
  REQUIRE(notifier.stopping().has_value());
  CHECK(systemd.receive() == "STOPPING=1");
  REQUIRE(notifier.status("line one\nline two").has_value());
  CHECK(systemd.receive() == "STATUS=line one line two");
}

TEST_CASE("notify reaches an abstract socket named with @", "[ops]") {
  FakeSystemd systemd(unique_name("@logsift-notify-test-"));
  SystemdNotifier notifier(systemd.name());
  REQUIRE(notifier.ready().has_value());
  CHECK(systemd.receive() == "READY=1");
}

TEST_CASE("without NOTIFY_SOCKET every call is a no-op", "[ops]") {
  SystemdNotifier notifier("");
  CHECK_FALSE(notifier.enabled());
  auto r = notifier.ready();
  REQUIRE(r.has_value());
  CHECK_FALSE(*r);
}

TEST_CASE("a socket nobody listens on and a malformed value are errors", "[ops]") {
  auto missing = SystemdNotifier("/tmp/logsift-no-such-socket-here").watchdog();
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().find("sendto /tmp/logsift-no-such-socket-here") == 0);
  CHECK_FALSE(SystemdNotifier("relative/path").ready().has_value());
  CHECK_FALSE(SystemdNotifier("/" + std::string(200, 'x')).ready().has_value());
}

TEST_CASE("the watchdog interval comes from WATCHDOG_USEC for this process only", "[ops]") {
  using std::chrono::microseconds;
  CHECK(watchdog_interval("30000000", "", 42) == microseconds(30000000));
  CHECK(watchdog_interval("30000000", "42", 42) == microseconds(30000000));
  CHECK_FALSE(watchdog_interval("30000000", "43", 42).has_value());
  CHECK_FALSE(watchdog_interval("", "", 42).has_value());
  CHECK_FALSE(watchdog_interval("0", "", 42).has_value());
  CHECK_FALSE(watchdog_interval("30s", "", 42).has_value());
  CHECK_FALSE(watchdog_interval("-5", "", 42).has_value());
  CHECK_FALSE(watchdog_interval("30000000", "x", 42).has_value());
}
