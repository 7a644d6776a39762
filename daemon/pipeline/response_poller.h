// ResponsePoller: one sink's thread that asks its destination which problems somebody took on
// (emit::ResponseSource: the jira sink's issue watch) and acknowledges them.
//
//   every interval_ms: awaiting() ──ids──> source.poll(ids) ──ok──> acknowledge(id, by) each
//                                                │ error
//                                                └──> counted, last error kept; asked again at
//                                                     the next interval
//
// The first poll runs at start, so issues taken on while the daemon was down count at once.
// The source has its own connection: a slow or dead destination holds this thread only, never
// delivery. Acknowledging goes the way POST /api/problems/ID/ack goes (Pipeline::acknowledge).
//
// Thread-safety: start/stop from one owner thread; stats() from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/emit/delivery.h"

namespace logsift::pipeline {

struct ResponsePollStats {
  std::uint64_t polls = 0;          // polls that asked the destination and got an answer
  std::uint64_t poll_failures = 0;  // polls that failed (asked again next interval)
  std::uint64_t requests = 0;       // requests made
  std::uint64_t acknowledged = 0;   // problems acknowledged from what the destination said
  std::int64_t failing_since_us = 0;  // first failure of the current run of failures; 0 = ok
  std::string last_error;
};

class ResponsePoller {
 public:
  // `awaiting` lists the open problems nobody acknowledged; `acknowledge` acknowledges one (false
  // when it is no longer open). `source` must outlive the poller.
  ResponsePoller(emit::ResponseSource& source, std::function<std::vector<std::uint64_t>()> awaiting,
                 std::function<bool(std::uint64_t, const std::string&)> acknowledge,
                 std::function<std::int64_t()> clock);
  ~ResponsePoller();
  ResponsePoller(const ResponsePoller&) = delete;
  ResponsePoller& operator=(const ResponsePoller&) = delete;

  void start();
  void stop();  // cancels a poll under way and joins
  ResponsePollStats stats() const;

 private:
  void run();
  void poll_once();

  emit::ResponseSource& source_;
  std::function<std::vector<std::uint64_t>()> awaiting_;
  std::function<bool(std::uint64_t, const std::string&)> acknowledge_;
  std::function<std::int64_t()> clock_;
  std::thread thread_;
  std::mutex wait_mutex_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by wait_mutex_
  mutable std::mutex stats_mutex_;
  ResponsePollStats stats_;
};

}  // namespace logsift::pipeline
