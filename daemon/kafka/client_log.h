// ClientLog: what librdkafka says about one client (its log lines and error events), kept for the
// client's owner to report. Libraries never log; the daemon drains take() and logs the lines.
//
// Bounded: at most max_lines wait between two take() calls; further lines are counted as
// dropped. librdkafka logs from its own threads, so every member is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace logsift::kafka {

struct ClientLogLine {
  int level = 0;         // syslog levels as librdkafka uses them: 3 error, 4 warning, 6 info, 7 debug
  std::string facility;  // librdkafka's facility ("FAIL", "COMMITFAIL", ...) or "ERROR" for error events
  std::string text;
};

class ClientLog {
 public:
  explicit ClientLog(std::size_t max_lines = 64) : max_lines_(max_lines) {}

  void add(int level, std::string_view facility, std::string_view text);
  // The lines since the previous call, oldest first.
  std::vector<ClientLogLine> take();
  // "FACILITY: text" of the latest warning or worse; "" when there was none.
  std::string last_problem() const;
  std::uint64_t dropped() const;

 private:
  const std::size_t max_lines_;
  mutable std::mutex mutex_;
  std::vector<ClientLogLine> lines_;
  std::string last_problem_;
  std::uint64_t dropped_ = 0;
};

}  // namespace logsift::kafka
