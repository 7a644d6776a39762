// Internal to daemon/ingest: one accepted TCP, TLS or NDJSON connection.
//
// A connection runs on its own strand. It reads into a fixed buffer, frames the bytes with a
// TcpFramer, and copies messages into its own RawBatch, which it pushes when the next message
// might not fit or flush_age after the batch's first message.
//
//   kHandshake (TLS only, bounded by handshake_timeout) ──► kReading ◄──────────────┐
//                                                            │ queue full            │ space callback:
//                                                            v                       │ push, frame the
//                                                          kPaused (no read issued, ─┘ kept bytes, read
//                                                           unread bytes kept,
//                                                           never idle-closed)
//   any state ── EOF / error / idle / stop() ──► closed: batch pushed (or left for stop())
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>

#include "daemon/ingest/server_internal.h"
#include "daemon/ingest/tcp_framer.h"

namespace logsift::ingest::internal {

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void start() = 0;
  virtual void close_from_any_thread() = 0;
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
