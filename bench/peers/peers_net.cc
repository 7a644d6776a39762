// peers_net: the raw UDP rate of this machine, and senders for the engines under comparison.
//
//   peers_net udp-send PORT FILE      each line of FILE as one datagram to 127.0.0.1:PORT,
//                                     sendmmsg in batches of 64, as fast as the socket takes them
//   peers_net udp-receive PORT COUNT  recvmmsg until COUNT datagrams or 1 s without any; prints
//                                     how many arrived and the rate from the first to the last
//   peers_net tcp-send PORT FILE      FILE's bytes over one TCP connection to 127.0.0.1:PORT
// A C++ sender keeps interpreter start-up out of the timed interval.
// The receive side is what a listener can do at best on this machine: no parsing, no copying
// beyond the kernel's; the comparison script runs it pinned like the daemons.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

constexpr int kBatch = 64;

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

int send_file(int port, const char* path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr = loopback(port);
  std::size_t sent = 0;
  std::vector<mmsghdr> msgs(kBatch);
  std::vector<iovec> iov(kBatch);
  const auto start = std::chrono::steady_clock::now();
  while (sent < lines.size()) {
    const int n = static_cast<int>(std::min<std::size_t>(kBatch, lines.size() - sent));
    for (int i = 0; i < n; ++i) {
      iov[i] = {lines[sent + i].data(), lines[sent + i].size()};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_name = &addr;
      msgs[i].msg_hdr.msg_namelen = sizeof addr;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int done = ::sendmmsg(fd, msgs.data(), static_cast<unsigned>(n), 0);
    if (done < 0) {
      std::perror("sendmmsg");
      return 1;
    }
    sent += static_cast<std::size_t>(done);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("sent=%zu seconds=%.4f rate=%.0f\n", sent, seconds, static_cast<double>(sent) / seconds);
  ::close(fd);
  return 0;
}

int tcp_send(int port, const char* path) {
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("connect");
    return 1;
  }
  for (std::size_t done = 0; done < data.size();) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) {
      std::perror("send");
      return 1;
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return 0;
}

int receive(int port, long count) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  const int buffer = 8 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  sockaddr_in addr = loopback(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("bind");
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  std::vector<std::vector<char>> data(kBatch, std::vector<char>(65536));
  std::vector<mmsghdr> msgs(kBatch);
  std::vector<iovec> iov(kBatch);
  long received = 0;
  std::chrono::steady_clock::time_point first, last;
  while (received < count) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, received == 0 ? 30000 : 1000) <= 0) break;
    for (int i = 0; i < kBatch; ++i) {
      iov[i] = {data[i].data(), data[i].size()};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = ::recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) continue;
    if (received == 0) first = std::chrono::steady_clock::now();
    received += n;
    last = std::chrono::steady_clock::now();
  }
  const double seconds = std::chrono::duration<double>(last - first).count();
  std::printf("received=%ld seconds=%.4f rate=%.0f\n", received, seconds,
              seconds > 0 ? static_cast<double>(received) / seconds : 0.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "udp-send") == 0) return send_file(std::atoi(argv[2]), argv[3]);
  if (argc == 4 && std::strcmp(argv[1], "udp-receive") == 0) return receive(std::atoi(argv[2]), std::atol(argv[3]));
  if (argc == 4 && std::strcmp(argv[1], "tcp-send") == 0) return tcp_send(std::atoi(argv[2]), argv[3]);
  std::fputs("usage: peers_net udp-send PORT FILE | udp-receive PORT COUNT | tcp-send PORT FILE\n", stderr);
  return 2;
}
