#include "daemon/ingest/tcp_framer.h"

#include <algorithm>
#include <cstring>

namespace logsift::ingest {
namespace {

// More digits than this cannot be a count (and would overflow): the frame is a line.
constexpr std::size_t kMaxCountDigits = 20;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

TcpFramer::TcpFramer(FramerOptions options) : options_(options) {
  options_.max_message_bytes = std::max<std::size_t>(1, options_.max_message_bytes);
}

void TcpFramer::append_partial(std::string_view bytes, std::size_t limit) {
  if (partial_.size() >= limit) return;
  partial_.append(bytes.substr(0, limit - partial_.size()));
}

FrameEvent TcpFramer::next(std::string_view& input, Frame& frame) {
  while (!input.empty()) {
    switch (state_) {
      case State::kFrameStart: {
        // A frame that spanned reads is done: give its buffer back, so a connection between
        // frames holds no memory (at most one allocation per read, not per message).
        if (partial_.capacity() > kInlineBytes) {
          std::string().swap(partial_);
        } else {
          partial_.clear();
        }
        char c = input.front();
        if (options_.detect_octet_counting && c >= '1' && c <= '9') {
          state_ = State::kCount;
          count_ = 0;
          count_invalid_ = false;
        } else {
          state_ = State::kLine;
        }
        break;
      }
      case State::kCount: {
        std::size_t i = 0;
        while (i < input.size() && is_digit(input[i]) && partial_.size() < kMaxCountDigits) {
          if (!count_invalid_) {
            count_ = count_ * 10 + static_cast<std::size_t>(input[i] - '0');
            if (count_ > options_.max_octet_count) count_invalid_ = true;
          }
          partial_.push_back(input[i]);
          ++i;
        }
        input.remove_prefix(i);
        if (input.empty()) return FrameEvent::kNeedMore;
        if (is_digit(input.front())) {  // more digits than any count: garbage, resync
          partial_.clear();
          state_ = State::kSkipLine;
          frame = Frame{};
          return FrameEvent::kFramingError;
        }
        if (input.front() == ' ') {
          input.remove_prefix(1);
          partial_.clear();
          if (count_invalid_) {
            state_ = State::kSkipLine;
            frame = Frame{};
            return FrameEvent::kFramingError;
          }
          remaining_ = count_;
          state_ = State::kOctetBody;
          break;
        }
        // Not a count after all: the digits so far are the start of a line.
        state_ = State::kLine;
        break;
      }
      case State::kOctetBody: {
        FrameEvent event = octet_body(input, frame);
        if (event != FrameEvent::kNeedMore) return event;
        break;
      }
      case State::kLine: {
        FrameEvent event = line(input, frame);
        if (event != FrameEvent::kNeedMore) return event;
        break;
      }
      case State::kSkipLine: {
        const char* begin = input.data();
        const void* lf = std::memchr(begin, '\n', input.size());
        std::size_t end = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - begin) : input.size();
        const void* nul = std::memchr(begin, '\0', end);
        if (nul) end = static_cast<std::size_t>(static_cast<const char*>(nul) - begin);
        if (end < input.size()) {
          input.remove_prefix(end + 1);
          state_ = State::kFrameStart;
        } else {
          input = {};
        }
        break;
      }
      case State::kSkipBytes: {
        std::size_t take = std::min(remaining_, input.size());
        input.remove_prefix(take);
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kFrameStart;
        break;
      }
    }
  }
  return FrameEvent::kNeedMore;
}

bool TcpFramer::finish(Frame& frame) {
  const State state = state_;
  state_ = State::kFrameStart;
  if (state == State::kLine || state == State::kCount || state == State::kOctetBody) {
    std::string_view text = partial_;
    if (state != State::kOctetBody && !text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.empty()) return false;
    frame.data = text.substr(0, options_.max_message_bytes);
    frame.truncated = state == State::kOctetBody || text.size() > options_.max_message_bytes;
    return true;
  }
  return false;
}

FrameEvent TcpFramer::octet_body(std::string_view& input, Frame& frame) {
  const std::size_t max = options_.max_message_bytes;
  std::size_t take = std::min(remaining_, input.size());
  if (partial_.empty() && take == count_) {
    // The whole frame is in this input: hand out a view, no copy.
    frame.data = input.substr(0, std::min(take, max));
    frame.truncated = take > max;
    input.remove_prefix(take);
    state_ = State::kFrameStart;
    return FrameEvent::kMessage;
  }
  append_partial(input.substr(0, take), max);
  input.remove_prefix(take);
  remaining_ -= take;
  if (remaining_ > 0) return FrameEvent::kNeedMore;
  frame.data = partial_;
  frame.truncated = count_ > max;
  state_ = State::kFrameStart;
  return FrameEvent::kMessage;
}

FrameEvent TcpFramer::line(std::string_view& input, Frame& frame) {
  const std::size_t max = options_.max_message_bytes;
  const char* begin = input.data();
  const void* lf = std::memchr(begin, '\n', input.size());
  std::size_t end = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - begin) : input.size();
  const void* nul = std::memchr(begin, '\0', end);
  if (nul) end = static_cast<std::size_t>(static_cast<const char*>(nul) - begin);

  if (end == input.size()) {
    // No terminator yet. Keep up to max + 1 bytes (room for a CR that a following LF strips);
    // anything beyond that makes the line oversize: emit its head now and skip to the terminator.
    if (partial_.size() + input.size() <= max + 1) {
      partial_.append(input);
      input = {};
      return FrameEvent::kNeedMore;
    }
    if (partial_.empty()) {
      frame.data = input.substr(0, max);
    } else {
      append_partial(input, max);
      frame.data = std::string_view(partial_).substr(0, max);
    }
    frame.truncated = true;
    input = {};
    state_ = State::kSkipLine;
    return FrameEvent::kMessage;
  }

  const bool is_lf = begin[end] == '\n';
  std::size_t total = partial_.size() + end;
  char last = end > 0 ? begin[end - 1] : (partial_.empty() ? '\0' : partial_.back());
  if (is_lf && total > 0 && last == '\r') --total;
  const std::size_t length = std::min(total, max);
  if (partial_.empty()) {
    frame.data = input.substr(0, length);
  } else {
    append_partial(input.substr(0, end), length);
    frame.data = std::string_view(partial_).substr(0, length);
  }
  frame.truncated = total > max;
  input.remove_prefix(end + 1);
  state_ = State::kFrameStart;
  if (length == 0) return FrameEvent::kNeedMore;  // empty line: nothing to report, keep going
  return FrameEvent::kMessage;
}

}  // namespace logsift::ingest
