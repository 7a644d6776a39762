#include "daemon/ingest/relp_session.h"

#include <algorithm>
#include <charconv>

namespace logsift::ingest {
namespace {

constexpr std::size_t kMaxDigits = 9;         // TXNR and DATALEN, as librelp
constexpr std::size_t kMaxCommandLength = 32;
constexpr std::uint32_t kMaxTxnr = 999'999'999;
constexpr std::size_t kInlineBytes = 15;      // std::string's own storage (libstdc++)
constexpr std::string_view kOpenResponse = "200 OK\nrelp_version=0\nrelp_software=logsift\ncommands=syslog";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, end);
}

}  // namespace

RelpSession::RelpSession(RelpOptions options) : options_(options) {
  options_.max_message_bytes = std::max<std::size_t>(1, options_.max_message_bytes);
  options_.window = std::max<std::size_t>(1, options_.window);
  txnrs_.resize(options_.window);
  groups_.resize(options_.window + 1);  // every group holds a message, plus the open one
}

void RelpSession::reset_frame() {
  part_ = Part::kTxnr;
  digits_ = 0;
  txnr_ = 0;
  command_length_ = 0;
  data_length_ = 0;
  data_seen_ = 0;
}

RelpEvent RelpSession::fail(std::string_view why) {
  state_ = State::kFailed;
  error_.assign(why);
  return RelpEvent::kFailed;
}

void RelpSession::respond(std::uint32_t txnr, std::string_view text) {
  append_number(output_, txnr);
  output_.append(" rsp ");
  append_number(output_, text.size());
  if (!text.empty()) {
    output_.push_back(' ');
    output_.append(text);
  }
  output_.push_back('\n');
}

void RelpSession::queue_serverclose() { output_.append("0 serverclose 0\n"); }

RelpEvent RelpSession::next(std::string_view& input, Frame& frame) {
  if (state_ == State::kFailed) return RelpEvent::kFailed;
  while (!input.empty()) {
    if (state_ == State::kClosing) {  // nothing may follow "close"; what does is ignored
      input = {};
      break;
    }
    switch (part_) {
      case Part::kTxnr: {
        if (digits_ == 0) {
          if (window_full()) return RelpEvent::kWindowFull;
          // A frame that spanned reads is done: give its buffer back.
          if (data_.capacity() > kInlineBytes) std::string().swap(data_);
          data_.clear();
        }
        const char c = input.front();
        input.remove_prefix(1);
        if (is_digit(c)) {
          if (++digits_ > kMaxDigits) return fail("transaction number longer than 9 digits");
          txnr_ = txnr_ * 10 + static_cast<std::uint32_t>(c - '0');
        } else if (c == ' ' && digits_ > 0) {
          part_ = Part::kCommand;
          digits_ = 0;
        } else {
          return fail("malformed frame header (transaction number)");
        }
        break;
      }
      case Part::kCommand: {
        const char c = input.front();
        input.remove_prefix(1);
        if (is_alpha(c)) {
          if (command_length_ == kMaxCommandLength) return fail("command longer than 32 letters");
          command_[command_length_++] = c;
        } else if (c == ' ' && command_length_ > 0) {
          part_ = Part::kDataLen;
        } else {
          return fail("malformed frame header (command)");
        }
        break;
      }
      case Part::kDataLen: {
        const char c = input.front();
        input.remove_prefix(1);
        if (is_digit(c)) {
          if (++digits_ > kMaxDigits) return fail("data length longer than 9 digits");
          data_length_ = data_length_ * 10 + static_cast<std::size_t>(c - '0');
          break;
        }
        if (digits_ == 0) return fail("malformed frame header (data length)");
        if (data_length_ > options_.max_frame_bytes) return fail("data length above the frame limit");
        if (data_length_ == 0) {
          if (c != '\n') return fail("missing frame trailer");
          data_view_ = {};
          if (dispatch(frame)) return RelpEvent::kMessage;
          if (state_ == State::kFailed) return RelpEvent::kFailed;
          break;
        }
        if (c != ' ') return fail("malformed frame header (data length)");
        part_ = Part::kData;
        break;
      }
      case Part::kData: {
        const std::size_t left = data_length_ - data_seen_;
        const std::size_t take = std::min(left, input.size());
        const std::size_t keep = options_.max_message_bytes;
        if (data_seen_ == 0 && take == left) {
          data_view_ = input.substr(0, std::min(left, keep));  // whole in the input: no copy
        } else {
          if (data_.size() < keep) data_.append(input.substr(0, std::min(take, keep - data_.size())));
          data_view_ = data_;
        }
        data_seen_ += take;
        input.remove_prefix(take);
        if (data_seen_ == data_length_) part_ = Part::kTrailer;
        break;
      }
      case Part::kTrailer: {
        const char c = input.front();
        input.remove_prefix(1);
        if (c != '\n') return fail("missing frame trailer");
        if (dispatch(frame)) return RelpEvent::kMessage;
        if (state_ == State::kFailed) return RelpEvent::kFailed;
        break;
      }
    }
  }
  return state_ == State::kFailed ? RelpEvent::kFailed : RelpEvent::kNeedMore;
}

bool RelpSession::dispatch(Frame& frame) {
  const std::uint32_t txnr = txnr_;
  const std::string_view command(command_, command_length_);
  const std::size_t data_length = data_length_;
  reset_frame();
  if (txnr == 0 || txnr > kMaxTxnr || (expected_txnr_ != 0 && txnr != expected_txnr_)) {
    fail("transaction number out of sequence");
    return false;
  }
  expected_txnr_ = txnr == kMaxTxnr ? 1 : txnr + 1;
  if (command == "syslog") {
    if (state_ != State::kOpen) {
      ++refused_;
      respond(txnr, "500 session not open");
      fail("syslog before open");
      return false;
    }
    last_message_txnr_ = txnr;
    frame.data = data_view_;
    frame.truncated = data_length > options_.max_message_bytes;
    return true;
  }
  if (command == "open") {
    if (state_ != State::kAwaitOpen) {
      ++refused_;
      respond(txnr, "500 protocol error: connection already open");
      fail("second open");
      return false;
    }
    respond(txnr, kOpenResponse);
    state_ = State::kOpen;
    return false;
  }
  if (command == "close") {
    state_ = State::kClosing;
    close_txnr_ = txnr;
    release_done_groups();
    return false;
  }
  ++refused_;
  respond(txnr, "500 command not supported");
  return false;
}

std::uint64_t RelpSession::begin_batch() {
  const std::size_t slot = (group_head_ + group_count_) % groups_.size();
  groups_[slot] = Group{next_ticket_, 0, false};
  ++group_count_;
  return next_ticket_++;
}

void RelpSession::accepted() {
  txnrs_[(unacked_head_ + unacked_count_) % txnrs_.size()] = last_message_txnr_;
  ++unacked_count_;
  groups_[(group_head_ + group_count_ - 1) % groups_.size()].messages += 1;
}

void RelpSession::processed(std::uint64_t ticket) {
  if (group_count_ == 0) return;
  const std::uint64_t first = groups_[group_head_].ticket;
  if (ticket < first || ticket - first >= group_count_) return;
  groups_[(group_head_ + (ticket - first)) % groups_.size()].done = true;
  release_done_groups();
}

void RelpSession::release_done_groups() {
  while (group_count_ > 0 && groups_[group_head_].done) {
    for (std::uint32_t i = 0; i < groups_[group_head_].messages; ++i) {
      respond(txnrs_[unacked_head_], "200 OK");
      unacked_head_ = (unacked_head_ + 1) % txnrs_.size();
      --unacked_count_;
    }
    group_head_ = (group_head_ + 1) % groups_.size();
    --group_count_;
  }
  if (state_ == State::kClosing && unacked_count_ == 0 && !close_answered_) {
    respond(close_txnr_, "");
    close_answered_ = true;
  }
}

}  // namespace logsift::ingest
