// RawBatch: many received messages stored back to back in one buffer, plus their metadata.
//
// Ingest copies every message it accepts into a RawBatch and hands whole batches to the pipeline
// through a BatchQueue; nothing downstream allocates per message. Each message's bytes are
// followed by at least kPadding readable bytes (zero-filled) so simdjson can parse a JSON line in
// place: `std::string_view(batch.data() + m.offset, m.length)` with m.length + kPadding readable.
// The message is not NUL-terminated by contract, although the padding happens to start with 0.
//
// A batch is bounded by bytes (messages plus padding) and by message count; reset() empties it and
// keeps its memory. BatchPool recycles batches so the steady state allocates nothing.
//
// Ownership: a RawBatch is owned by exactly one thread at a time (a listener while it fills, the
// queue, then the consumer); it is not thread-safe. BatchPool is thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/padded_line.h"

namespace logsift::ingest {

// Readable bytes guaranteed after every message (SIMDJSON_PADDING in simdjson 3.0).
inline constexpr std::size_t kPadding = 64;
static_assert(kPadding >= parsers::kJsonPaddingBytes);

// Bits of RawMessage::flags.
enum MessageFlag : std::uint8_t {
  kMessageTruncated = 1u << 0,  // longer than the listener's max_message_bytes; the tail is lost
};

// Where a message came from. Addresses are kept as bytes (IPv4 as its 4 bytes) so the hot path
// formats nothing; to_string() is for metrics and diagnostics.
struct PeerAddress {
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4 bytes
  std::uint16_t port = 0;                // host order
  bool is_v6 = false;

  std::string to_string() const;  // "192.0.2.1:514", "[2001:db8::1]:514"
  std::string address_string() const;  // without the port
  // The address without the port, written into `text` (no allocation); a view of it.
  static constexpr std::size_t kAddressTextBytes = 46;  // INET6_ADDRSTRLEN
  std::string_view write_address(std::array<char, kAddressTextBytes>& text) const;
  bool same_address(const PeerAddress& other) const {
    return is_v6 == other.is_v6 && bytes == other.bytes;
  }
  friend bool operator==(const PeerAddress&, const PeerAddress&) = default;
};

struct RawMessage {
  std::uint32_t offset = 0;          // of the first byte in RawBatch::data()
  std::uint32_t length = 0;          // bytes, excluding framing (octet count, LF, CR, NUL)
  std::int64_t arrival_us = 0;       // Clock value when the read that carried it completed
  PeerAddress peer;                  // sender (TCP/TLS: the connection's remote end)
  std::uint16_t listener_index = 0;  // index into the ListenerConfig vector the server was built from
  std::uint8_t flags = 0;            // MessageFlag bits
};

// What a batch's observer waits for before it is told (Pipeline documents both):
//  kProcessed: detection saw the messages and their alerts are in every sink's store (RELP
//              answers its sender then);
//  kDurable:   and a detection snapshot taken after them was written (Kafka commits offsets).
enum class Assurance : std::uint8_t { kProcessed, kDurable };

// Told when the messages of a batch reached its assurance. on_batch_processed() runs on a
// pipeline thread and must only post work elsewhere.
class BatchObserver {
 public:
  virtual void on_batch_processed(std::uint64_t ticket) = 0;

 protected:
  ~BatchObserver() = default;
};

struct BatchLimits {
  std::size_t max_bytes = 1u << 20;  // buffer size: message bytes plus kPadding after each
  std::size_t max_messages = 4096;   // metadata entries
};

class RawBatch {
 public:
  explicit RawBatch(BatchLimits limits);

  RawBatch(const RawBatch&) = delete;
  RawBatch& operator=(const RawBatch&) = delete;

  // True when a message of `length` bytes fits (with its padding and one metadata slot).
  bool fits(std::size_t length) const {
    return messages_.size() < limits_.max_messages && used_bytes_ + length + kPadding <= buffer_.size();
  }

  // Copies `bytes` in and records it. Precondition: fits(bytes.size()); aborts otherwise (a caller
  // bug, never input-dependent). Returns the stored message.
  const RawMessage& append(std::string_view bytes, std::int64_t arrival_us, const PeerAddress& peer,
                           std::uint16_t listener_index, std::uint8_t flags);

  // Empties the batch; capacity is kept.
  void reset();

  bool empty() const { return messages_.empty(); }
  std::size_t size() const { return messages_.size(); }
  const std::vector<RawMessage>& messages() const { return messages_; }
  const char* data() const { return buffer_.data(); }
  // The message's bytes; kPadding readable bytes follow view.end().
  std::string_view view(const RawMessage& m) const { return {buffer_.data() + m.offset, m.length}; }
  // The same bytes as a PaddedLine, for the zero-copy JSON parser.
  parsers::PaddedLine line(const RawMessage& m) const { return parsers::PaddedLine::assume_padded(view(m)); }
  std::size_t used_bytes() const { return used_bytes_; }  // including padding
  std::size_t payload_bytes() const { return payload_bytes_; }  // sum of message lengths
  const BatchLimits& limits() const { return limits_; }

  // Who wants to know when this batch was handled (a RELP connection, a Kafka listener), its
  // ticket and what it waits for. Kept until reset(); an expired observer (the connection
  // closed) is simply not told.
  void set_observer(std::weak_ptr<BatchObserver> observer, std::uint64_t ticket,
                    Assurance assurance = Assurance::kProcessed) {
    observer_ = std::move(observer);
    ticket_ = ticket;
    assurance_ = assurance;
  }
  const std::weak_ptr<BatchObserver>& observer() const { return observer_; }
  std::uint64_t ticket() const { return ticket_; }
  Assurance assurance() const { return assurance_; }

 private:
  BatchLimits limits_;
  std::weak_ptr<BatchObserver> observer_;
  std::uint64_t ticket_ = 0;
  Assurance assurance_ = Assurance::kProcessed;
  std::vector<char> buffer_;  // sized once to limits_.max_bytes, zero-filled
  std::vector<RawMessage> messages_;
  std::size_t used_bytes_ = 0;
  std::size_t payload_bytes_ = 0;
};

// A thread-safe free list of batches of one shape. acquire() hands out an empty batch (a recycled
// one when available); release() takes a batch back, keeping at most max_idle of them.
class BatchPool {
 public:
  explicit BatchPool(BatchLimits limits, std::size_t max_idle = 256);

  std::unique_ptr<RawBatch> acquire();
  void release(std::unique_ptr<RawBatch> batch);

  const BatchLimits& limits() const { return limits_; }
  std::size_t idle() const;
  std::size_t allocated() const;  // batches ever created by this pool

 private:
  const BatchLimits limits_;
  const std::size_t max_idle_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<RawBatch>> idle_;
  std::size_t allocated_ = 0;
};

}  // namespace logsift::ingest
