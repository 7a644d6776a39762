// ResponsePoller; see response_poller.h.
#include "daemon/pipeline/response_poller.h"

#include <algorithm>
#include <chrono>

namespace logsift::pipeline {

ResponsePoller::ResponsePoller(emit::ResponseSource& source, std::function<std::vector<std::uint64_t>()> awaiting,
                               std::function<bool(std::uint64_t, const std::string&)> acknowledge,
                               std::function<std::int64_t()> clock)
    : source_(source), awaiting_(std::move(awaiting)), acknowledge_(std::move(acknowledge)), clock_(std::move(clock)) {}

ResponsePoller::~ResponsePoller() { stop(); }

void ResponsePoller::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void ResponsePoller::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(wait_mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  source_.cancel();
  thread_.join();
}

ResponsePollStats ResponsePoller::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

void ResponsePoller::run() {
  const auto interval = std::chrono::milliseconds(std::max<std::int64_t>(1, source_.interval_ms()));
  for (;;) {
    poll_once();
    std::unique_lock lock(wait_mutex_);
    if (wake_.wait_for(lock, interval, [&] { return stop_; })) return;
  }
}

void ResponsePoller::poll_once() {
  const std::vector<std::uint64_t> awaiting = awaiting_();
  if (awaiting.empty()) return;
  std::uint64_t requests = 0;
  auto answered = source_.poll(awaiting, requests);
  std::uint64_t acknowledged = 0;
  if (answered) {
    for (const auto& r : answered.value()) {
      if (acknowledge_(r.problem_id, r.by)) ++acknowledged;
    }
  }
  if (answered && requests == 0) return;  // none of them has an issue yet: nothing was asked
  std::lock_guard lock(stats_mutex_);
  stats_.requests += requests;
  if (!answered) {
    ++stats_.poll_failures;
    if (stats_.failing_since_us == 0) stats_.failing_since_us = clock_();
    stats_.last_error = answered.error().message;
    return;
  }
  ++stats_.polls;
  stats_.acknowledged += acknowledged;
  stats_.failing_since_us = 0;
}

}  // namespace logsift::pipeline
