// Delivery: how one spooled alert batch reaches one destination (a folder, a broker, a SIEM).
//
//   emitter ──closed batch──> Spool (per sink, on disk) ──oldest first──> DeliveryTarget
//                                  ^                                          │
//                                  └──── removed only when deliver() ok ──────┘
//
// The daemon writes every closed batch to each sink's spool before any destination sees it; each
// sink's own delivery thread (SinkRunner) then hands the oldest unconfirmed batch to the sink's
// DeliveryTarget and removes it from the spool only when deliver() reports that the destination
// confirmed every alert of it (or that the alerts it refused for good went to the dead-letter
// file). A failed deliver() is retried with exponential backoff and jitter; the batch is offered
// again whole, so a target that confirmed part of a batch before failing may remember which
// alerts are done (keyed by the batch sequence) and send only the rest, or resend all of them:
// every alert carries a deterministic event.id, so resends are duplicates a SIEM can drop.
//
// Targets never log, print or exit: they return outcomes and errors. Each target is used by its
// own delivery thread only, except cancel(), which the daemon may call from any thread at stop.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/emit/batch_reader.h"
#include "daemon/emit/sink.h"
#include "parsers/base/expected.h"

namespace logsift::emit {

// One alert of a batch, as views into the batch's decoded NDJSON.
struct AlertLine {
  std::string_view json;          // one ECS alert object, without its newline
  std::string_view event_id;      // `event.id`: 16 hex digits, deterministic
  std::string_view signature_id;  // `logsift.signature_id`: 16 hex digits
  std::string_view action;        // `event.action`: "incident", "problem.opened", ...
  std::string_view rule_id;       // `rule.id`
  std::string_view host;          // `host.name`, "" when none
  std::int64_t time_us = 0;       // `@timestamp`, microseconds since the epoch
};

// A batch ready for delivery: the batch file exactly as spooled, and its alerts split out.
// Views point into `decoded` and `encoded`, which the owner keeps alive while the batch is used.
struct DeliveryBatch {
  std::string encoded;          // the zstd frame, byte for byte the batch file
  DecodedBatch decoded;         // header and NDJSON
  std::string_view header_line; // the header record, without its newline
  std::vector<AlertLine> alerts;

  DeliveryBatch() = default;
  DeliveryBatch(const DeliveryBatch&) = delete;  // views point into this object
  DeliveryBatch& operator=(const DeliveryBatch&) = delete;
};

// Decodes and verifies a spooled batch file's bytes and splits out its alerts. The error says
// what is wrong (a corrupt or torn file, an alert line without event.id).
[[nodiscard]] Expected<bool, std::string> load_delivery_batch(std::string encoded, DeliveryBatch& out);

// What one deliver() call achieved. Counts are alerts unless named otherwise.
struct DeliveryOutcome {
  std::uint64_t delivered = 0;      // newly confirmed by the destination
  std::uint64_t duplicates = 0;     // confirmed as already there (a resend: _bulk 409)
  std::uint64_t dead_lettered = 0;  // refused for good (a 400 item), written to dead letters
  std::uint64_t retried = 0;        // resent inside this call after a retryable refusal
  std::uint64_t requests = 0;       // requests or produce calls made
  std::uint64_t bytes_sent = 0;     // payload bytes handed to the transport
};

// Where a target puts alerts the destination refused for good, with the reason. The daemon's
// implementation appends them to `<sink spool>/dead-letter.ndjson` and counts them.
class DeadLetters {
 public:
  virtual ~DeadLetters() = default;
  virtual void add(const AlertLine& alert, std::string_view reason) = 0;
};

// Somebody took a problem on in a destination people work in (a ticket assigned, or moved to a
// working status): which problem, and who.
struct ProblemResponse {
  std::uint64_t problem_id = 0;
  std::string by;  // the assignee's name; "jira:OPS-7" when the status alone showed it
};

// A destination that can tell which problems somebody took on (the jira sink's issues). Asked by
// the pipeline's response thread every interval_ms() with the open problems nobody acknowledged
// yet; what it answers acknowledges them. It has its own connection, so a slow or failing answer
// never holds the delivery thread. poll() from one thread; cancel() from any thread.
class ResponseSource {
 public:
  virtual ~ResponseSource() = default;
  virtual std::int64_t interval_ms() const = 0;
  // Of `awaiting` (problem ids), those somebody took on; an error (kind and message) when the
  // destination could not be asked, to be counted and asked again next interval. `requests` is
  // increased by the requests made.
  [[nodiscard]] virtual Expected<std::vector<ProblemResponse>, SinkError> poll(
      std::span<const std::uint64_t> awaiting, std::uint64_t& requests) = 0;
  // Asks a blocked poll() to return soon (stop).
  virtual void cancel() {}
};

class DeliveryTarget {
 public:
  virtual ~DeliveryTarget() = default;

  // Delivers every alert of `batch` or fails. Returns the outcome once each alert is confirmed
  // by the destination or dead-lettered; returns an error (kind and a message naming the
  // endpoint) when the batch must be offered again later. Blocks at most about the target's
  // own timeouts.
  [[nodiscard]] virtual Expected<DeliveryOutcome, SinkError> deliver(const DeliveryBatch& batch,
                                                                     DeadLetters& dead_letters) = 0;

  // Asks a blocked deliver() to return soon (stop). Safe from any thread.
  virtual void cancel() {}

  // "file", "kafka", "splunk_hec", ...: the `type` label on metrics.
  virtual std::string_view type() const = 0;

  // What the destination tells back about problems, owned by the target; null for most.
  virtual ResponseSource* responses() { return nullptr; }
};

}  // namespace logsift::emit
