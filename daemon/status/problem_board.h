// ProblemBoard: the problems the status page shows, kept up to date from the alert stream.
//
// The pipeline's emitter thread hands it every alert it emits (apply()); the board keeps what a
// person wants to see of each problem: its timeline (opened, updated, resolved), its counts, a
// few sample lines and the hosts. Problems come from detection (problem.opened / .updated /
// .resolved / .reopened / .escalated) and from rate anomalies (anomaly / anomaly.resolved). The
// problems open at start (restored from a detection snapshot) are seeded with restore(), from
// the alerts Detector::describe_open_problems() makes without emitting them; acknowledgements,
// which make no alert, come with acknowledge().
//
// Memory is bounded: at most `max_open` open problems (beyond it the one updated longest ago is
// dropped from the board, counted in evicted()) and `max_resolved` recently resolved ones.
//
// Thread-safety: none; owned by the emitter thread, which copies it into a StatusView.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <unordered_map>

#include "daemon/detect/alert.h"
#include "daemon/status/status_view.h"

namespace logsift::status {

struct ProblemBoardOptions {
  std::size_t max_open = 1000;       // open problems held
  std::size_t max_resolved = 50;     // recently resolved problems held
  std::size_t max_samples = 3;       // distinct sample lines per problem
  std::size_t max_sample_bytes = 2048;  // longer lines are cut (the cut is marked with "…")
};

class ProblemBoard {
 public:
  explicit ProblemBoard(ProblemBoardOptions options = {}) : options_(options) {}

  void apply(std::span<const detect::Alert> alerts);
  // Seeds the board with problems open at start (problem.opened descriptions, never emitted).
  void restore(std::span<const detect::Alert> open_problems);
  // Somebody acknowledged an open problem; nothing when the board does not hold it.
  void acknowledge(std::uint64_t problem_id, const std::string& by, std::int64_t at_us);

  // Copies open problems (newest update first, at most `max_shown`) and the recently resolved
  // ones into `view`.
  void fill(StatusView& view, std::size_t max_shown = 200) const;

  std::size_t open_count() const { return open_.size(); }
  std::uint64_t evicted() const { return evicted_; }

 private:
  void apply_one(const detect::Alert& a);
  ProblemEntry& entry_for(const detect::Alert& a);
  void resolve(const detect::Alert& a);
  void add_sample(ProblemEntry& e, const detect::Alert& a) const;

  ProblemBoardOptions options_;
  std::unordered_map<std::uint64_t, ProblemEntry> open_;  // by problem id
  std::deque<ProblemEntry> resolved_;                      // newest first
  std::uint64_t evicted_ = 0;
};

}  // namespace logsift::status
