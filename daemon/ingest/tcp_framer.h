// TcpFramer: splits a syslog byte stream into messages (RFC 6587), detecting the framing per frame.
//
// Pure state machine, no I/O, no clock. One framer per connection; not thread-safe.
//
//                       ┌──────────── frame done / empty line ─────────────┐
//                       v                                                  │
//   ┌──────────────► kFrameStart ── '1'..'9' (octet detection on) ──► kCount
//   │                   │                                              │  │  │
//   │                   │ any other byte                 other byte    │  │  │ SP, count valid
//   │                   v                  (digits become line text)   │  │  v
//   │                 kLine ◄──────────────────────────────────────────┘  │ kOctetBody
//   │                   │  LF / NUL: emit (CR before LF stripped,          │  │  count bytes: emit
//   │                   │  empty lines skipped)                            │  │  (first max bytes,
//   │                   │  over max: emit first max bytes, truncated       │  │  truncated if count
//   │                   v                                                  │  │  > max) then
//   │              kSkipLine ◄── SP after a count above max_octet_count, ──┘  │  kSkipBytes for
//   │                   │        or a 21st digit:                             │  the rest
//   │                   │        framing error, resync at the next LF/NUL     │
//   └── LF / NUL ───────┘                                                     v
//                                                                        kSkipBytes ──► kFrameStart
//
// Octet counting (RFC 6587 §3.4.1) is "MSG-LEN SP SYSLOG-MSG" with MSG-LEN = NONZERO-DIGIT
// *DIGIT. A frame that starts with a digit run not followed by a space (e.g. "2024-03-09 ...") is
// an ordinary newline-terminated line; a run of more than 20 digits is a framing error.
// Non-transparent framing (§3.4.2) ends a frame at LF or NUL; a CR right before the LF is dropped.
// A sender may mix both framings on one connection.
//
// Input may be split at any byte: a message that spans reads is assembled in the framer's own
// buffer (bounded by max_message_bytes + 1); a message that lies whole in the input is returned as
// a view into the input, without a copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace logsift::ingest {

struct FramerOptions {
  std::size_t max_message_bytes = 64 * 1024;  // longer messages are truncated and flagged
  bool detect_octet_counting = true;          // false: newline framing only (NDJSON)
  // An octet count above this is treated as garbage (framing error, resync at the next LF)
  // rather than as an oversize message whose tail is skipped.
  std::size_t max_octet_count = 64u * 1024 * 1024;
};

enum class FrameEvent : std::uint8_t {
  kNeedMore,      // input used up; call again with the next read
  kMessage,       // `frame` holds a message
  kFramingError,  // a malformed octet count; the framer skips to the next LF
};

struct Frame {
  std::string_view data;  // valid until the next call to next() or until the input changes
  bool truncated = false;
};

class TcpFramer {
 public:
  explicit TcpFramer(FramerOptions options);

  // Consumes bytes from the front of `input` up to the end of the next event and reports it.
  // kNeedMore means all of `input` was consumed. Call in a loop until kNeedMore.
  FrameEvent next(std::string_view& input, Frame& frame);

  // At end of stream: hands out what a frame cut short left behind, so nothing the sender wrote is
  // lost silently: an unterminated line as is, an incomplete octet-counted body flagged truncated.
  // Returns false when there is nothing. Leaves the framer ready for a new stream.
  bool finish(Frame& frame);

  // True when the framer holds part of a frame (bytes of a message, a count, or bytes to skip).
  bool mid_frame() const { return state_ != State::kFrameStart; }
  // Bytes of the frame assembled so far (0 when the frame lies whole in the input).
  std::size_t partial_bytes() const { return partial_.size(); }
  // Heap memory the framer's buffer holds now. It is freed when the next frame starts, so a
  // connection between frames holds none.
  std::size_t buffered_bytes() const { return partial_.capacity() > kInlineBytes ? partial_.capacity() : 0; }
  // Between frames: frees the buffer now rather than at the next frame. Invalidates the last
  // frame returned.
  void release_buffer() {
    if (state_ == State::kFrameStart && partial_.capacity() > kInlineBytes) std::string().swap(partial_);
  }

  const FramerOptions& options() const { return options_; }

 private:
  enum class State : std::uint8_t { kFrameStart, kCount, kOctetBody, kLine, kSkipLine, kSkipBytes };

  FrameEvent line(std::string_view& input, Frame& frame);
  FrameEvent octet_body(std::string_view& input, Frame& frame);
  // Appends to partial_ without exceeding `limit` bytes in total.
  void append_partial(std::string_view bytes, std::size_t limit);

  static constexpr std::size_t kInlineBytes = 15;  // std::string's own storage (libstdc++)

  FramerOptions options_;
  State state_ = State::kFrameStart;
  std::string partial_;        // the message so far (or the digits of a count)
  std::size_t count_ = 0;      // kCount: value so far; kOctetBody: frame length
  std::size_t remaining_ = 0;  // kOctetBody / kSkipBytes: bytes of the frame still to come
  bool count_invalid_ = false; // kCount: above max_octet_count
};

}  // namespace logsift::ingest
