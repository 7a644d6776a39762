#include "daemon/ingest/stream_connection.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <type_traits>
#include <vector>

namespace logsift::ingest::internal {
namespace {

using asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

template <typename Stream>
class StreamConnection final : public ConnectionBase,
                               public BatchObserver,
                               public std::enable_shared_from_this<StreamConnection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  template <typename... StreamArgs>
  explicit StreamConnection(ConnectionContext context, StreamArgs&&... stream_args)
      : context_(std::move(context)),
        stream_(std::forward<StreamArgs>(stream_args)...),
        timer_(stream_.get_executor()),
        flush_timer_(stream_.get_executor()),
        framer_(context_.settings->framer),
        read_buffer_(kReadBufferBytes) {
    if (context_.settings->relp) relp_ = std::make_unique<RelpSession>(context_.settings->relp_options);
  }

  void start() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

  void close_from_any_thread() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

  void close_for_memory() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->closed_) return;
      ListenerCounters& c = *self->context_.counters;
      c.add(c.closed_for_memory);
      c.add(c.partial_bytes_dropped, self->framer_.partial_bytes());
      self->close();
    });
  }

  void close_for_shutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->closed_) return;
      // RELP: what was not answered stays with the sender, who resends it; close() counts it.
      const std::uint64_t left = self->relp_ ? 0 : self->unprocessed_bytes();
      if (left > 0) {
        ListenerCounters& c = *self->context_.counters;
        c.add(c.dropped_shutdown_bytes, left);
        c.add(c.connections_cut_at_shutdown);
      }
      self->close();
    });
  }

  void drain_for_shutdown() override {
    if (!relp_) return;
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->closed_) return;
      self->draining_ = true;
      self->process();
    });
  }

  // The pipeline processed batch `ticket` (a consumer thread): answer its messages here.
  void on_batch_processed(std::uint64_t ticket) override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), ticket] {
      if (self->closed_) return;
      const std::size_t before = self->relp_->unacked();
      self->relp_->processed(ticket);
      ListenerCounters& c = *self->context_.counters;
      c.add(c.relp_acknowledged, before - self->relp_->unacked());
      self->process();
    });
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
    // Not reading by our own choice (queue full, memory budget used up) is not the sender's idling.
    const bool held_back = paused_ || memory_paused_ || (relp_ && relp_->unacked() > 0);
    if (held_back || quiet < idle) {
      arm_timer(held_back ? SteadyClock::duration(idle) : idle - quiet);
      return;
    }
    c.add(c.idle_timeouts);
    close();
  }

  void start_read() {
    if (reading_ || paused_ || memory_paused_ || closed_) return;
    if (relp_ && (draining_ || relp_->window_full() || relp_->closing() || relp_->failed())) return;
    if (context_.shared->memory.exhausted()) {
      pause_for_memory(kReadBufferBytes);
      return;
    }
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
    context_.shared->last_read_ns.store(last_activity_.time_since_epoch().count(), std::memory_order_relaxed);
    arrival_us_ = context_.shared->clock();
    pending_ = std::string_view(read_buffer_.data(), n);
    process();
  }

  // Frames what is pending, then reads on, finishes at EOF, or stays paused.
  void process() {
    if (relp_) {
      drain_relp();
      if (closed_) return;
      // Push now: the sender waits for the responses, not for more messages.
      if (batch_ && !batch_->empty() && !paused_) (void)push_or_pause();
      relp_progress();
      if (closed_) return;
    } else {
      drain();
    }
    if (paused_ || memory_paused_ || closed_) return;
    if (eof_) {
      finish();
      return;
    }
    start_read();
  }

  void drain() {
    PeerDelta delta;
    std::uint64_t framing_errors = 0;
    if (held_ && room_for(held_frame_.data.size())) {
      append(held_frame_, delta);
      held_ = false;
    }
    Frame frame;
    while (!held_ && !pending_.empty()) {
      const std::size_t before = pending_.size() + (framer_.mid_frame() ? framer_.partial_bytes() : 0);
      FrameEvent event = framer_.next(pending_, frame);
      if (event == FrameEvent::kNeedMore) break;
      if (event == FrameEvent::kFramingError) {
        ++framing_errors;
        continue;
      }
      // The frame stays valid while it is held: it views either the read buffer (no read is
      // issued while paused) or the framer's buffer (the framer is not called while paused).
      if (!room_for(frame.data.size())) {
        held_frame_ = frame;
        held_wire_bytes_ = before - pending_.size();
        held_ = true;
        break;
      }
      append(frame, delta);
    }
    apply(delta, framing_errors);
    track_partial();
  }

  void finish() {
    Frame frame;
    if (relp_) {  // a RELP frame cut short is not a message: it was never answered
      if (held_ && !room_for(held_frame_.data.size())) return;
      if (held_) {
        PeerDelta delta;
        append(held_frame_, delta);
        held_ = false;
        apply(delta, 0);
      }
      close();
      return;
    }
    if (!held_) {
      const std::size_t before = framer_.mid_frame() ? framer_.partial_bytes() : 0;
      if (framer_.finish(frame)) {
        held_frame_ = frame;
        held_wire_bytes_ = before;
        held_ = true;
      }
    }
    if (held_) {
      if (!room_for(held_frame_.data.size())) return;  // a resume comes back here through process()
      PeerDelta delta;
      append(held_frame_, delta);
      held_ = false;
      apply(delta, 0);
    }
    close();
  }

  void append(const Frame& frame, PeerDelta& delta) {
    batch_->append(frame.data, arrival_us_, context_.peer, context_.listener_index,
                   frame.truncated ? kMessageTruncated : 0);
    if (relp_) relp_->accepted();
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

  // Room in a batch for one complete message of `length` bytes. A connection holds a batch only
  // while it has messages for it, and takes one only within the memory budget. False when the
  // queue refused the full batch or the budget has no room for a new one (both pause reading).
  bool room_for(std::size_t length) {
    if (batch_ && batch_->fits(length)) return true;
    if (batch_ && !batch_->empty() && !push_or_pause()) return false;
    if (!batch_) {
      const std::size_t bytes = context_.shared->pool.limits().max_bytes;
      if (!context_.shared->memory.try_charge(bytes)) {
        pause_for_memory(bytes);
        return false;
      }
      batch_charged_ = bytes;
      batch_ = context_.shared->pool.acquire();
      if (relp_) {
        batch_->set_observer(std::weak_ptr<BatchObserver>(this->shared_from_this()), relp_->begin_batch());
      }
    }
    return true;
  }

  // The batch left this connection (queued or handed to stop()): its bytes leave the budget.
  void batch_gone() {
    context_.shared->memory.release(batch_charged_);
    batch_charged_ = 0;
  }

  bool push_or_pause() {
    BatchQueue& queue = context_.shared->queue;
    QueueStatus status = queue.try_push(batch_);
    if (status == QueueStatus::kOk) {
      batch_gone();
      return true;
    }
    if (status == QueueStatus::kClosed) {  // shutting down: stop() pushes it or counts it
      context_.shared->flush_at_close(std::move(batch_));
      batch_gone();
      return true;
    }
    context_.shared->wait_for_space([weak = this->weak_from_this()] {
      if (auto self = weak.lock()) {
        asio::post(self->stream_.get_executor(), [self] { self->resume(); });
      }
    });
    if (queue.try_push(batch_) == QueueStatus::kOk) {  // space came in between
      batch_gone();
      return true;
    }
    if (!paused_) context_.counters->add(context_.counters->backpressure_pauses);
    set_paused(paused_, true);
    return false;
  }

  void resume() {
    if (!paused_ || closed_) return;
    set_paused(paused_, false);
    if (batch_ && !batch_->empty() && !push_or_pause()) return;
    process();
  }

  // Stops reading until `bytes` fit the ingest memory budget. Partial frames of stalled senders
  // are the one use of memory that does not come back by itself: past half the budget the
  // oldest one is closed (possibly this connection).
  void pause_for_memory(std::size_t bytes) {
    MemoryBudget& memory = context_.shared->memory;
    if (!memory_paused_) context_.counters->add(context_.counters->memory_pauses);
    set_paused(memory_paused_, true);
    for (auto& victim : memory.reclaim_candidates()) victim->close_for_memory();
    memory.wait(bytes, [weak = this->weak_from_this()] {
      if (auto self = weak.lock()) {
        asio::post(self->stream_.get_executor(), [self] { self->resume_memory(); });
      }
    });
  }

  // Keeps ServerShared::held_back equal to the connections not reading by our choice.
  void set_paused(bool& flag, bool value) {
    if (flag == value) return;
    const bool before = paused_ || memory_paused_ || awaiting_answers_;
    flag = value;
    const bool after = paused_ || memory_paused_ || awaiting_answers_;
    if (before != after) context_.shared->held_back.fetch_add(after ? 1 : -1, std::memory_order_relaxed);
  }

  void resume_memory() {
    if (!memory_paused_ || closed_) return;
    set_paused(memory_paused_, false);
    if (!paused_) process();
  }

  // Charges the framer's buffer to the budget and keeps this connection in the budget's set of
  // partial frames while it holds part of one.
  void track_partial() {
    MemoryBudget& memory = context_.shared->memory;
    if (!held_) framer_.release_buffer();
    const std::size_t buffered = relp_ ? relp_->buffered_bytes() : framer_.buffered_bytes();
    if (buffered != partial_charged_) {
      memory.adjust_partial(static_cast<std::int64_t>(buffered) - static_cast<std::int64_t>(partial_charged_));
      partial_charged_ = buffered;
    }
    const bool partial = relp_ ? relp_->partial_bytes() > 0 : framer_.mid_frame() && framer_.partial_bytes() > 0;
    if (partial) {
      if (!partial_listed_) partial_since_ = SteadyClock::now();
      memory.partial_update(this, this->weak_from_this(), partial_since_, buffered);
      partial_listed_ = true;
    } else if (partial_listed_) {
      memory.partial_ended(this);
      partial_listed_ = false;
    }
  }

  // Bytes the sender wrote that were not made into messages: still in the kernel's receive
  // queue (SIOCINQ; for TLS, encrypted bytes), read but not framed, or part of a frame.
  std::uint64_t unprocessed_bytes() {
    int queued = 0;
    if (::ioctl(stream_.lowest_layer().native_handle(), SIOCINQ, &queued) != 0) queued = 0;
    std::uint64_t bytes = static_cast<std::uint64_t>(std::max(queued, 0)) + pending_.size();
    if (held_) bytes += held_wire_bytes_;
    else if (framer_.mid_frame()) bytes += framer_.partial_bytes();
    return bytes;
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
    set_paused(paused_, false);
    set_paused(memory_paused_, false);
    set_paused(awaiting_answers_, false);
    if (relp_ && relp_->unacked() > 0) context_.counters->add(context_.counters->relp_unanswered_at_close, relp_->unacked());
    closed_ = true;
    timer_.cancel();
    flush_timer_.cancel();
    boost::system::error_code ignored;
    stream_.lowest_layer().close(ignored);
    if (batch_) {
      context_.shared->flush_at_close(std::move(batch_));
      batch_gone();
    }
    MemoryBudget& memory = context_.shared->memory;
    memory.adjust_partial(-static_cast<std::int64_t>(partial_charged_));
    partial_charged_ = 0;
    if (partial_listed_) memory.partial_ended(this);
    partial_listed_ = false;
    context_.counters->connections_active.fetch_sub(1, std::memory_order_relaxed);
    context_.registry->forget(this);
  }

  // RELP: frames what is pending, counting a malformed frame; the session answers commands.
  void drain_relp() {
    PeerDelta delta;
    std::uint64_t framing_errors = 0;
    if (held_ && room_for(held_frame_.data.size())) {
      append(held_frame_, delta);
      held_ = false;
    }
    Frame frame;
    while (!held_ && !pending_.empty()) {
      const RelpEvent event = relp_->next(pending_, frame);
      if (event == RelpEvent::kNeedMore || event == RelpEvent::kWindowFull) break;
      if (event == RelpEvent::kFailed) {
        ++framing_errors;
        pending_ = {};
        break;
      }
      // The frame stays valid while held: it views the read buffer or the session's buffer,
      // and neither changes until the session is called again.
      if (!room_for(frame.data.size())) {
        held_frame_ = frame;
        held_wire_bytes_ = 0;
        held_ = true;
        break;
      }
      append(frame, delta);
    }
    apply(delta, framing_errors);
    track_partial();
  }

  // RELP: writes the responses due, and closes when the session ended (the client's "close"
  // answered, a protocol error, or shutdown with nothing left to answer).
  void relp_progress() {
    ListenerCounters& c = *context_.counters;
    if (relp_->refused() != refused_counted_) {
      c.add(c.relp_refused, relp_->refused() - refused_counted_);
      refused_counted_ = relp_->refused();
    }
    if (draining_ && !close_after_write_) {
      set_paused(awaiting_answers_, relp_->unacked() > 0 || held_);
      if (!awaiting_answers_) {
        relp_->queue_serverclose();
        close_after_write_ = true;
      }
    }
    if (relp_->failed() || relp_->closed()) close_after_write_ = true;
    write_output();
  }

  void write_output() {
    if (writing_ || closed_) return;
    std::string& output = relp_->output();
    if (output.empty()) {
      if (close_after_write_) close();
      return;
    }
    writing_ = true;
    write_buffer_.swap(output);
    asio::async_write(stream_, asio::buffer(write_buffer_),
                      [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                        self->writing_ = false;
                        self->write_buffer_.clear();
                        if (self->closed_) return;
                        if (ec) {
                          if (ec != asio::error::operation_aborted) self->context_.counters->add(self->context_.counters->read_errors);
                          self->close();
                          return;
                        }
                        self->write_output();
                      });
  }

  ConnectionContext context_;
  Stream stream_;
  asio::steady_timer timer_;
  asio::steady_timer flush_timer_;
  TcpFramer framer_;
  std::vector<char> read_buffer_;
  std::string_view pending_;  // read but not yet framed (kept while paused)
  Frame held_frame_;          // a complete frame waiting for room (valid while held_)
  std::size_t held_wire_bytes_ = 0;  // ... and the bytes it took on the wire (framing included)
  std::unique_ptr<RawBatch> batch_;
  std::unique_ptr<RelpSession> relp_;  // RELP connections only
  std::string write_buffer_;           // RELP responses being written
  std::uint64_t refused_counted_ = 0;
  bool writing_ = false;
  bool draining_ = false;          // RELP shutdown: no more reads
  bool awaiting_answers_ = false;  // RELP shutdown: responses still due (held back)
  bool close_after_write_ = false;
  std::size_t batch_charged_ = 0;    // budget bytes taken for batch_
  std::size_t partial_charged_ = 0;  // budget bytes taken for the framer's buffer
  std::int64_t arrival_us_ = 0;
  SteadyClock::time_point last_activity_{};
  bool handshake_done_ = false;
  bool reading_ = false;
  bool paused_ = false;         // the queue refused the full batch
  bool memory_paused_ = false;  // the memory budget has no room
  bool held_ = false;
  bool partial_listed_ = false;
  SteadyClock::time_point partial_since_{};  // when the current partial frame began
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
