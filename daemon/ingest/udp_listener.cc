// UDP syslog listener: one datagram is one message.
//
// The socket is non-blocking; when Asio reports it readable, recvmmsg() takes up to
// kDatagramsPerCall datagrams per system call, a bounded number of calls per wake-up so other
// work on the event loop is not starved. Each datagram lands in a slot of a receive area and is
// copied into the listener's batch. A datagram longer than its slot (max_message_bytes, at most
// 65535) arrives cut (MSG_TRUNC) and is flagged truncated. One trailing LF (or CRLF, or NUL) is
// stripped; a datagram holding several lines stays one message, as rsyslog and logger send one
// message per datagram.
//
// Kernel drops: with SO_RXQ_OVFL the kernel attaches its cumulative drop count for the socket to
// every datagram; the listener counts the increase (dropped_kernel_overflow).
//
// Queue full: the full batch is kept and new datagrams are dropped and counted
// (dropped_queue_full) until the queue takes the batch; the socket keeps being drained so the
// kernel's count measures only the kernel's own overflow.
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cerrno>
#include <cstring>

#include "daemon/ingest/server_internal.h"

namespace logsift::ingest::internal {
namespace {

using asio::ip::udp;

constexpr unsigned kDatagramsPerCall = 64;
constexpr int kCallsPerWakeup = 16;
constexpr std::size_t kMaxDatagramBytes = 65535;

PeerAddress peer_from_sockaddr(const sockaddr_storage& storage) {
  PeerAddress peer;
  if (storage.ss_family == AF_INET) {
    sockaddr_in in;
    std::memcpy(&in, &storage, sizeof in);
    std::memcpy(peer.bytes.data(), &in.sin_addr, 4);
    peer.port = ntohs(in.sin_port);
  } else if (storage.ss_family == AF_INET6) {
    sockaddr_in6 in6;
    std::memcpy(&in6, &storage, sizeof in6);
    std::memcpy(peer.bytes.data(), &in6.sin6_addr, 16);
    peer.port = ntohs(in6.sin6_port);
    peer.is_v6 = true;
  }
  return peer;
}

class UdpListener final : public Listener, public std::enable_shared_from_this<UdpListener> {
 public:
  explicit UdpListener(ListenerContext context)
      : context_(std::move(context)),
        strand_(asio::make_strand(context_.shared->io_context)),
        socket_(strand_),
        flush_timer_(strand_),
        slot_bytes_(std::min(context_.config.max_message_bytes, kMaxDatagramBytes)),
        slots_(slot_bytes_ * kDatagramsPerCall) {}

  Expected<bool, IngestError> bind() {
    auto fail = [&](IngestError::Code code, const std::string& what, const boost::system::error_code& ec) {
      return Unexpected{IngestError{code, context_.index,
                                    describe(context_.config, context_.index) + ": " + what + ": " + ec.message()}};
    };
    asio::ip::address address;
    if (!parse_address(context_.config.address, address)) {
      return Unexpected{IngestError{IngestError::Code::kAddress, context_.index,
                                    describe(context_.config, context_.index) + ": not an IP address"}};
    }
    udp::endpoint endpoint(address, context_.config.port);
    boost::system::error_code ec;
    socket_.open(endpoint.protocol(), ec);
    if (ec) return fail(IngestError::Code::kBind, "socket", ec);
    if (context_.config.receive_buffer_bytes > 0) {
      socket_.set_option(udp::socket::receive_buffer_size(static_cast<int>(context_.config.receive_buffer_bytes)), ec);
      if (ec) return fail(IngestError::Code::kBind, "SO_RCVBUF", ec);
    }
    int on = 1;
    // Without SO_RXQ_OVFL (very old kernels) kernel drops go uncounted; not fatal.
    (void)setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
    socket_.bind(endpoint, ec);
    if (ec) return fail(IngestError::Code::kBind, "bind", ec);
    socket_.non_blocking(true, ec);
    if (ec) return fail(IngestError::Code::kBind, "non-blocking", ec);
    port_ = socket_.local_endpoint(ec).port();
    return true;
  }

  void start() override {
    running_ = true;
    asio::post(strand_, [self = shared_from_this()] { self->wait(); });
  }

  void close() override {
    asio::post(strand_, [self = shared_from_this()] { self->close_now(); });
    if (!running_) closed_ = true;  // never started: nothing runs on the strand
  }

  bool done() const override { return closed_.load(); }
  std::uint16_t port() const override { return port_; }

 private:
  void wait() {
    if (closing_) return;
    socket_.async_wait(udp::socket::wait_read, [self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->closing_) return;
      self->receive();
      self->wait();
    });
  }

  void close_now() {
    if (closing_) return;
    closing_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
    flush_timer_.cancel();
    context_.shared->flush_at_close(std::move(batch_));
    closed_ = true;
  }

  void receive() {
    std::array<mmsghdr, kDatagramsPerCall> headers;
    const std::int64_t arrival_us = context_.shared->clock();
    for (int call = 0; call < kCallsPerWakeup; ++call) {
      for (unsigned i = 0; i < kDatagramsPerCall; ++i) {
        iovecs_[i].iov_base = slots_.data() + i * slot_bytes_;
        iovecs_[i].iov_len = slot_bytes_;
        std::memset(&headers[i], 0, sizeof headers[i]);
        headers[i].msg_hdr.msg_name = &names_[i];
        headers[i].msg_hdr.msg_namelen = sizeof names_[i];
        headers[i].msg_hdr.msg_iov = &iovecs_[i];
        headers[i].msg_hdr.msg_iovlen = 1;
        headers[i].msg_hdr.msg_control = controls_[i].data();
        headers[i].msg_hdr.msg_controllen = controls_[i].size();
      }
      int n = recvmmsg(socket_.native_handle(), headers.data(), kDatagramsPerCall, MSG_DONTWAIT, nullptr);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) context_.counters->add(context_.counters->read_errors);
        break;
      }
      store(headers.data(), static_cast<unsigned>(n), arrival_us);
      if (static_cast<unsigned>(n) < kDatagramsPerCall) break;
    }
  }

  void store(mmsghdr* headers, unsigned count, std::int64_t arrival_us) {
    ListenerCounters& c = *context_.counters;
    std::uint64_t messages = 0, bytes = 0, truncated = 0, dropped = 0;
    PeerAddress run_peer;
    PeerDelta run;
    auto end_run = [&] {
      context_.shared->counters.add_peer(run_peer, run);
      run = PeerDelta{};
    };
    for (unsigned i = 0; i < count; ++i) {
      const msghdr& header = headers[i].msg_hdr;
      read_overflow(header);
      PeerAddress peer = peer_from_sockaddr(names_[i]);
      if (i == 0 || !peer.same_address(run_peer)) {
        if (i != 0) end_run();
        run_peer = peer;
      }
      std::string_view data(slots_.data() + i * slot_bytes_, std::min<std::size_t>(headers[i].msg_len, slot_bytes_));
      const bool cut = (header.msg_flags & MSG_TRUNC) != 0;
      if (!cut) {
        if (!data.empty() && (data.back() == '\n' || data.back() == '\0')) data.remove_suffix(1);
        if (!data.empty() && data.back() == '\r') data.remove_suffix(1);
      }
      if (data.empty()) continue;
      if (!room_for(data.size())) {
        ++dropped;
        ++run.dropped;
        continue;
      }
      batch_->append(data, arrival_us, peer, context_.index, cut ? kMessageTruncated : 0);
      ++messages;
      bytes += data.size();
      truncated += cut;
      ++run.messages;
      run.bytes += data.size();
      run.truncated += cut;
    }
    if (count > 0) end_run();
    c.add(c.messages, messages);
    c.add(c.bytes, bytes);
    if (truncated) c.add(c.truncated, truncated);
    if (dropped) c.add(c.dropped_queue_full, dropped);
    if (batch_ && !batch_->empty() && !flush_armed_) arm_flush();
  }

  void read_overflow(const msghdr& header) {
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(const_cast<msghdr*>(&header)); cmsg != nullptr;
         cmsg = CMSG_NXTHDR(const_cast<msghdr*>(&header), cmsg)) {
      if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SO_RXQ_OVFL) {
        std::uint32_t drops = 0;
        std::memcpy(&drops, CMSG_DATA(cmsg), sizeof drops);
        const std::uint32_t delta = drops - kernel_drops_seen_;  // cumulative, wraps at 2^32
        if (delta != 0 && delta < 0x80000000u) {
          context_.counters->add(context_.counters->dropped_kernel_overflow, delta);
          kernel_drops_seen_ = drops;
        }
      }
    }
  }

  // Makes room for one message in batch_, pushing a full batch; false while the queue refuses it.
  bool room_for(std::size_t length) {
    if (batch_ && batch_->fits(length)) return true;
    if (batch_ && !push()) return false;
    batch_ = context_.shared->pool.acquire();
    return batch_->fits(length);
  }

  bool push() {
    if (context_.shared->queue.try_push(batch_) == QueueStatus::kOk) return true;
    if (!waiting_) {
      waiting_ = true;
      context_.shared->wait_for_space([weak = weak_from_this()] {
        if (auto self = weak.lock()) asio::post(self->strand_, [self] { self->on_space(); });
      });
      // Per the queue's contract: retry once after registering.
      if (context_.shared->queue.try_push(batch_) == QueueStatus::kOk) return true;
    }
    return false;
  }

  void on_space() {
    waiting_ = false;
    if (closing_ || !batch_ || batch_->empty()) return;
    if (push()) batch_ = context_.shared->pool.acquire();
  }

  void arm_flush() {
    flush_armed_ = true;
    flush_timer_.expires_after(context_.shared->flush_age);
    flush_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      self->flush_armed_ = false;
      if (ec || self->closing_ || !self->batch_ || self->batch_->empty()) return;
      if (self->push()) self->batch_.reset();
      // Refused: on_space() pushes it; new datagrams keep filling it meanwhile.
    });
  }

  ListenerContext context_;
  asio::strand<asio::io_context::executor_type> strand_;
  udp::socket socket_;
  asio::steady_timer flush_timer_;
  const std::size_t slot_bytes_;
  std::vector<char> slots_;
  std::array<iovec, kDatagramsPerCall> iovecs_{};
  std::array<sockaddr_storage, kDatagramsPerCall> names_{};
  std::array<std::array<char, CMSG_SPACE(sizeof(std::uint32_t))>, kDatagramsPerCall> controls_{};
  std::unique_ptr<RawBatch> batch_;
  std::uint32_t kernel_drops_seen_ = 0;
  std::uint16_t port_ = 0;
  bool flush_armed_ = false;
  bool waiting_ = false;
  bool closing_ = false;
  std::atomic<bool> running_{false};
  std::atomic<bool> closed_{false};
};

}  // namespace

Expected<std::shared_ptr<Listener>, IngestError> make_udp_listener(ListenerContext context) {
  auto listener = std::make_shared<UdpListener>(std::move(context));
  auto bound = listener->bind();
  if (!bound) return Unexpected{std::move(bound).error()};
  return std::shared_ptr<Listener>(std::move(listener));
}

}  // namespace logsift::ingest::internal
