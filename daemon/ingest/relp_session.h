// RelpSession: the server side of one RELP session (rsyslog's Reliable Event Logging Protocol),
// as a pure state machine: bytes in, messages and response bytes out. No I/O, no clock; one per
// connection, not thread-safe.
//
// Wire format (librelp 1.x, what rsyslog's omrelp speaks):
//   FRAME    = TXNR SP COMMAND SP DATALEN [SP DATA] LF     ; the SP before DATA only if DATALEN > 0
//   TXNR     = 1*9DIGIT   (1..999999999, +1 per frame, wraps to 1)
//   COMMAND  = 1*32ALPHA  ("open", "syslog", "close"; "rsp" and "serverclose" go the other way)
//   DATALEN  = 1*9DIGIT
// Every command gets a response frame `TXNR rsp LEN CODE SP TEXT [LF DATA]`; the client keeps a
// message until it has its "200" response, and resends what was not answered after a reconnect.
//
// The point of RELP here is the acknowledgement: a "syslog" frame is answered only once the
// messages it carried were processed (the connection calls processed() when the pipeline says
// so), in order, so a sender never drops what logsift did not finish. Session states:
//
//   kAwaitOpen ── "open" ──► kOpen ── "close" ──► kClosing (no more frames; once every message
//       │                      │                   is answered, the close response is queued
//       │ anything else:       │ unknown command:  and closed() turns true)
//       │ 500, error           │ 500, session goes on
//       v                      v
//   kFailed (a malformed frame, a wrong txnr, a second "open": error() says why; the response, if
//            any, is queued; the connection writes it and closes)
//
// Acknowledgement bookkeeping: messages are grouped by the batch they went into (begin_batch()
// returns a ticket; accepted() adds the message's txnr to the open group); processed(ticket)
// marks a group done, and the responses of every done group at the front are queued, oldest
// first. At most `window` messages wait for their response; window_full() then stops framing
// until responses go out. Storage is fixed at construction: nothing is allocated per message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/ingest/tcp_framer.h"

namespace logsift::ingest {

struct RelpOptions {
  std::size_t max_message_bytes = 64 * 1024;  // longer syslog data is truncated and flagged
  std::size_t window = 1024;                  // messages that may wait for their response
  // A DATALEN above this is taken as garbage (the session fails) rather than as an oversize
  // message to truncate.
  std::size_t max_frame_bytes = 64u * 1024 * 1024;
};

enum class RelpEvent : std::uint8_t {
  kNeedMore,    // input used up
  kMessage,     // `frame` holds a syslog message; call accepted() once it is in a batch
  kWindowFull,  // `window` messages wait for responses: no input consumed, call again later
  kFailed,      // the session failed (error()); write output(), then close
};

class RelpSession {
 public:
  explicit RelpSession(RelpOptions options);

  // Consumes input up to the next message (or the end of the input) and handles every other
  // command on the way, queueing its response in output().
  RelpEvent next(std::string_view& input, Frame& frame);

  // Ticket of a new group that the following accepted() messages join.
  std::uint64_t begin_batch();
  // The message last returned by next() went into the current group.
  void accepted();
  // The group `ticket` was processed: queue the responses that are now due, in order.
  void processed(std::uint64_t ticket);

  // Response bytes to write (the caller clears what it wrote).
  std::string& output() { return output_; }
  // "0 serverclose 0": the server is going away (shutdown); the client reconnects and resends
  // what was not answered.
  void queue_serverclose();

  bool window_full() const { return unacked_count_ >= txnrs_.size(); }
  std::size_t unacked() const { return unacked_count_; }
  bool failed() const { return state_ == State::kFailed; }
  // The client sent "close" and every message before it was answered: write output(), close.
  bool closed() const { return state_ == State::kClosing && unacked_count_ == 0 && close_answered_; }
  // True after "close": no more frames will be read.
  bool closing() const { return state_ == State::kClosing; }
  std::string_view error() const { return error_; }
  // Frames refused with a 500 response (unknown command, syslog before open).
  std::uint64_t refused() const { return refused_; }
  // Bytes of a frame assembled across reads (0 when between frames).
  std::size_t partial_bytes() const { return data_.size(); }
  // Heap memory the frame buffer holds now (freed when the next frame starts).
  std::size_t buffered_bytes() const { return data_.capacity() > 15 ? data_.capacity() : 0; }
  bool mid_frame() const { return part_ != Part::kTxnr || digits_ != 0; }

 private:
  enum class State : std::uint8_t { kAwaitOpen, kOpen, kClosing, kFailed };
  enum class Part : std::uint8_t { kTxnr, kCommand, kDataLen, kData, kTrailer };
  struct Group {
    std::uint64_t ticket = 0;
    std::uint32_t messages = 0;
    bool done = false;
  };

  // A whole frame was read: handle it. True when it is a message for the caller.
  bool dispatch(Frame& frame);
  RelpEvent fail(std::string_view why);
  void respond(std::uint32_t txnr, std::string_view text);
  void release_done_groups();
  void reset_frame();

  RelpOptions options_;
  State state_ = State::kAwaitOpen;
  std::string output_;
  std::string error_;
  std::uint64_t refused_ = 0;

  // The frame being read.
  Part part_ = Part::kTxnr;
  std::size_t digits_ = 0;
  std::uint32_t txnr_ = 0;
  char command_[33] = {};
  std::size_t command_length_ = 0;
  std::size_t data_length_ = 0;
  std::size_t data_seen_ = 0;     // bytes of DATA consumed so far
  std::string data_;              // DATA assembled across reads (first max_message_bytes)
  std::string_view data_view_;    // DATA of the current frame (into the input or data_)
  std::uint32_t expected_txnr_ = 0;  // 0: not yet known
  std::uint32_t last_message_txnr_ = 0;
  std::uint32_t close_txnr_ = 0;
  bool close_answered_ = false;

  // Messages waiting for their response: a ring of txnrs, and the groups they belong to.
  std::vector<std::uint32_t> txnrs_;
  std::size_t unacked_head_ = 0, unacked_count_ = 0;
  std::vector<Group> groups_;
  std::size_t group_head_ = 0, group_count_ = 0;
  std::uint64_t next_ticket_ = 1;
};

}  // namespace logsift::ingest
