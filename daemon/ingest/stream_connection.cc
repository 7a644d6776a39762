#include "daemon/ingest/stream_connection.h"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <type_traits>
#include <vector>

namespace logsift::ingest::internal {
namespace {

using asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// Bytes asked of the kernel per read. Unread bytes stay here while the connection is paused.
constexpr std::size_t kReadBufferBytes = 32 * 1024;

template <typename Stream>
class StreamConnection final : public ConnectionBase, public std::enable_shared_from_this<StreamConnection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  template <typename... StreamArgs>
  explicit StreamConnection(ConnectionContext context, StreamArgs&&... stream_args)
      : context_(std::move(context)),
        stream_(std::forward<StreamArgs>(stream_args)...),
        timer_(stream_.get_executor()),
        flush_timer_(stream_.get_executor()),
        framer_(context_.settings->framer),
        read_buffer_(kReadBufferBytes) {}

  void start() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

  void close_from_any_thread() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

 private:
  void begin() {
    if (closed_) return;
    last_activity_ = SteadyClock::now();
    if constexpr (kTls) {
      arm_timer(context_.settings->handshake_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const boost::system::error_code& ec) {
                                self->on_handshake(ec);
                              });
    } else {
      handshake_done_ = true;
      arm_timer(context_.settings->idle_timeout);
      start_read();
    }
  }

  void on_handshake(const boost::system::error_code& ec) {
    if (closed_) return;
    if (ec) {
      context_.counters->add(context_.counters->tls_handshake_failures);
      close();
      return;
    }
    handshake_done_ = true;
    last_activity_ = SteadyClock::now();
    arm_timer(context_.settings->idle_timeout);
    start_read();
  }

  // One timer serves the handshake deadline, then the idle deadline.
  void arm_timer(SteadyClock::duration after) {
    timer_.expires_after(after);
    timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->on_timer();
    });
  }

  void on_timer() {
    if (closed_) return;
    ListenerCounters& c = *context_.counters;
    if (!handshake_done_) {
      c.add(c.handshake_timeouts);
      c.add(c.tls_handshake_failures);
      close();
      return;
    }
    const auto idle = context_.settings->idle_timeout;
    const auto quiet = SteadyClock::now() - last_activity_;
    if (paused_ || quiet < idle) {
      arm_timer(paused_ ? SteadyClock::duration(idle) : idle - quiet);
      return;
    }
    c.add(c.idle_timeouts);
    close();
  }

  void start_read() {
    if (reading_ || paused_ || closed_) return;
    reading_ = true;
    stream_.async_read_some(asio::buffer(read_buffer_),
                            [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                              self->on_read(ec, n);
                            });
  }

  void on_read(const boost::system::error_code& ec, std::size_t n) {
    reading_ = false;
    if (closed_) return;
    if (ec) {
      if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
        eof_ = true;
        process();
      } else {
        if (ec != asio::error::operation_aborted) context_.counters->add(context_.counters->read_errors);
        close();
      }
      return;
    }
    last_activity_ = SteadyClock::now();
    arrival_us_ = context_.shared->clock();
    pending_ = std::string_view(read_buffer_.data(), n);
    process();
  }

  // Frames what is pending, then reads on, finishes at EOF, or stays paused.
  void process() {
    drain();
    if (paused_ || closed_) return;
    if (eof_) {
      finish();
      return;
    }
    start_read();
  }

  void drain() {
    PeerDelta delta;
    std::uint64_t framing_errors = 0;
    Frame frame;
    while (!pending_.empty()) {
      if (!ensure_room()) break;
      FrameEvent event = framer_.next(pending_, frame);
      if (event == FrameEvent::kNeedMore) break;
      if (event == FrameEvent::kFramingError) {
        ++framing_errors;
        continue;
      }
      append(frame, delta);
    }
    apply(delta, framing_errors);
  }

  void finish() {
    if (!ensure_room()) return;  // resume() comes back here through process()
    PeerDelta delta;
    Frame frame;
    if (framer_.finish(frame)) append(frame, delta);
    apply(delta, 0);
    close();
  }

  void append(const Frame& frame, PeerDelta& delta) {
    batch_->append(frame.data, arrival_us_, context_.peer, context_.listener_index,
                   frame.truncated ? kMessageTruncated : 0);
    ++delta.messages;
    delta.bytes += frame.data.size();
    delta.truncated += frame.truncated;
    if (!flush_armed_) arm_flush();
  }

  void apply(const PeerDelta& delta, std::uint64_t framing_errors) {
    ListenerCounters& c = *context_.counters;
    if (delta.messages) {
      c.add(c.messages, delta.messages);
      c.add(c.bytes, delta.bytes);
      if (delta.truncated) c.add(c.truncated, delta.truncated);
      context_.shared->counters.add_peer(context_.peer, delta);
    }
    if (framing_errors) c.add(c.framing_errors, framing_errors);
  }

  // Room for one more message of the largest size; false when the queue refused the full batch.
  bool ensure_room() {
    if (batch_ && batch_->fits(context_.settings->framer.max_message_bytes)) return true;
    if (batch_ && !batch_->empty() && !push_or_pause()) return false;
    if (!batch_) batch_ = context_.shared->pool.acquire();
    return true;
  }

  bool push_or_pause() {
    BatchQueue& queue = context_.shared->queue;
    QueueStatus status = queue.try_push(batch_);
    if (status == QueueStatus::kOk) return true;
    if (status == QueueStatus::kClosed) {  // shutting down: stop() pushes it or counts it
      context_.shared->flush_at_close(std::move(batch_));
      return true;
    }
    context_.shared->wait_for_space([weak = this->weak_from_this()] {
      if (auto self = weak.lock()) {
        asio::post(self->stream_.get_executor(), [self] { self->resume(); });
      }
    });
    if (queue.try_push(batch_) == QueueStatus::kOk) return true;  // space came in between
    if (!paused_) context_.counters->add(context_.counters->backpressure_pauses);
    paused_ = true;
    return false;
  }

  void resume() {
    if (!paused_ || closed_) return;
    paused_ = false;
    if (batch_ && !batch_->empty() && !push_or_pause()) return;
    process();
  }

  void arm_flush() {
    flush_armed_ = true;
    flush_timer_.expires_after(context_.shared->flush_age);
    flush_timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
      self->flush_armed_ = false;
      if (ec || self->closed_ || self->paused_) return;
      if (self->batch_ && !self->batch_->empty()) (void)self->push_or_pause();
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    flush_timer_.cancel();
    boost::system::error_code ignored;
    stream_.lowest_layer().close(ignored);
    context_.shared->flush_at_close(std::move(batch_));
    context_.counters->connections_active.fetch_sub(1, std::memory_order_relaxed);
    context_.registry->forget(this);
  }

  ConnectionContext context_;
  Stream stream_;
  asio::steady_timer timer_;
  asio::steady_timer flush_timer_;
  TcpFramer framer_;
  std::vector<char> read_buffer_;
  std::string_view pending_;  // read but not yet framed (kept while paused)
  std::unique_ptr<RawBatch> batch_;
  std::int64_t arrival_us_ = 0;
  SteadyClock::time_point last_activity_{};
  bool handshake_done_ = false;
  bool reading_ = false;
  bool paused_ = false;
  bool flush_armed_ = false;
  bool eof_ = false;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<ConnectionBase> make_tcp_connection(ConnectionContext context, tcp::socket socket) {
  return std::make_shared<StreamConnection<tcp::socket>>(std::move(context), std::move(socket));
}

std::shared_ptr<ConnectionBase> make_tls_connection(ConnectionContext context, tcp::socket socket,
                                                    asio::ssl::context& tls) {
  return std::make_shared<StreamConnection<asio::ssl::stream<tcp::socket>>>(std::move(context), std::move(socket), tls);
}

}  // namespace logsift::ingest::internal
