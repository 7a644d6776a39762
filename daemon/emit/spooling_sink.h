// SpoolingSink: keeps batches a destination sink refuses on local disk and replays them in order.
//
//   write(b) ── replay spool ──> spool empty? ── destination.write(b) ── ok ──> delivered
//                    │                 │ no                 │ error
//                    │                 └──────> spool b <───┘   (behind the older batches)
//                    └── stops at the first batch the destination refuses
//
// Batches reach the destination in sequence order. The spool directory holds one file per batch,
// named and written like FileSink's (atomically, fsynced), so a spool survives restarts: spooled
// files found at start are replayed first. A write fails (and leaves the batch with the caller)
// only when both the destination and the spool refuse it, e.g. the spool reached max_spool_bytes.
// A spooled file that no longer verifies is renamed "corrupt-<name>" and counted, not replayed.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "daemon/emit/sink.h"

namespace logsift::emit {

struct SpoolOptions {
  // Refuse to spool beyond this many bytes: the caller then holds the batch (and applies
  // back-pressure) instead of the disk filling up.
  std::uint64_t max_spool_bytes = 1024ull * 1024 * 1024;
};

class SpoolingSink final : public Sink {
 public:
  // `destination` must outlive this sink. `spool_dir` must exist.
  SpoolingSink(Sink& destination, std::string spool_dir, SpoolOptions options);

  [[nodiscard]] Expected<SinkReceipt, SinkError> write(const EncodedBatch& batch) override;

  // Sends spooled batches to the destination, oldest first, until it refuses one or the spool is
  // empty. Returns how many batches remain spooled. Call it on a timer while the spool is not
  // empty, so a recovered destination catches up without waiting for new alerts.
  [[nodiscard]] Expected<std::size_t, SinkError> replay();

  std::size_t spooled_batches() const { return spooled_.size(); }
  std::uint64_t spooled_bytes() const { return spooled_bytes_; }
  std::uint64_t corrupt_spool_files() const { return corrupt_spool_files_; }
  // The destination's last refusal, for metrics and status pages.
  const SinkError& last_destination_error() const { return last_destination_error_; }

 private:
  Expected<bool, SinkError> load_index();
  Expected<SinkReceipt, SinkError> spool(const EncodedBatch& batch);

  Sink& destination_;
  std::string spool_dir_;
  SpoolOptions options_;
  bool indexed_ = false;
  std::map<std::uint64_t, std::uint64_t> spooled_;  // sequence -> file size
  std::uint64_t spooled_bytes_ = 0;
  std::uint64_t corrupt_spool_files_ = 0;
  SinkError last_destination_error_;
};

}  // namespace logsift::emit
