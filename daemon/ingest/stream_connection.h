// Internal to daemon/ingest: one accepted TCP, TLS or NDJSON connection.
//
// A connection runs on its own strand. It reads into a small fixed buffer (kReadBufferBytes),
// frames the bytes with a TcpFramer, and copies complete messages into a RawBatch, which it takes
// from the pool only when it has a complete message for it (within the server's MemoryBudget,
// memory_budget.h) and pushes when the next message might not fit or flush_age after the batch's
// first message. A sender trickling a partial frame therefore holds only the framer's buffer.
//
//   kHandshake (TLS only, bounded by handshake_timeout) ──► kReading ◄─────────────────┐
//                                                          │   │ queue full             │ space callback:
//                                                          │   v                        │ push, frame the
//                                                          │  kPaused (no read issued, ─┘ kept bytes, read
//                                                          │   unread bytes kept,
//                                                          │   never idle-closed)
//                                                          │ memory budget used up      ┌ budget callback
//                                                          v                            │ (bytes fit again)
//                                                         kMemoryPaused (no read, ──────┘
//                                                          frame held, never idle-closed)
//   any state ── EOF / error / idle / close_*() ──► closed: batch pushed (or left for stop()),
//   budget given back. close_for_memory() counts the dropped partial frame; close_for_shutdown()
//   counts the bytes the sender wrote that were never made into messages (SIOCINQ + unframed).
//
// RELP (settings.relp): a RelpSession frames the bytes and answers commands; each batch carries
// this connection as its BatchObserver, and the "200 OK" responses of its messages are written
// when the pipeline reports the batch processed, in order. The batch is pushed at the end of every
// read rather than after flush_age, so responses come quickly. Reading also stops while
// relp_window messages wait for their response (kReading resumes on responses, never idle-closed
// meanwhile). At shutdown (drain_for_shutdown) reading stops, the pending responses are awaited
// (held back, so the grace period waits), then "serverclose" is sent and the connection closed;
// messages never answered are counted (relp_unanswered_at_close) and the sender resends them.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>

#include "daemon/ingest/server_internal.h"
#include "daemon/ingest/relp_session.h"
#include "daemon/ingest/tcp_framer.h"

namespace logsift::ingest::internal {

// Bytes asked of the kernel per read; also the most a read can add to a partial frame.
inline constexpr std::size_t kReadBufferBytes = 16 * 1024;

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void start() = 0;
  virtual void close_from_any_thread() = 0;
  // Closes to give the memory budget back, counting the partial frame dropped (any thread).
  virtual void close_for_memory() = 0;
  // Closes at the end of the shutdown grace period, counting what was not processed (any thread).
  virtual void close_for_shutdown() = 0;
  // Shutdown began (any thread). A RELP connection stops reading, waits for the responses of what
  // it read, then says "serverclose" and closes; other connections read on through the grace.
  virtual void drain_for_shutdown() {}
};

// The listener side a connection reports its end to.
class ConnectionRegistry {
 public:
  virtual void forget(ConnectionBase* connection) = 0;

 protected:
  ~ConnectionRegistry() = default;
};

struct ConnectionSettings {
  FramerOptions framer;
  bool relp = false;  // RELP framing and acknowledgements (relp_session.h) instead of `framer`
  RelpOptions relp_options;
  std::chrono::milliseconds idle_timeout{300000};
  std::chrono::milliseconds handshake_timeout{10000};
};

struct ConnectionContext {
  std::shared_ptr<ServerShared> shared;
  ListenerCounters* counters;
  ConnectionRegistry* registry;
  std::shared_ptr<void> registry_owner;  // keeps `registry` and `settings` alive
  PeerAddress peer;
  std::uint16_t listener_index;
  const ConnectionSettings* settings;
};

std::shared_ptr<ConnectionBase> make_tcp_connection(ConnectionContext context, asio::ip::tcp::socket socket);
std::shared_ptr<ConnectionBase> make_tls_connection(ConnectionContext context, asio::ip::tcp::socket socket,
                                                    asio::ssl::context& tls);

}  // namespace logsift::ingest::internal
