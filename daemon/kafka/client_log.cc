// ClientLog; see client_log.h.
#include "daemon/kafka/client_log.h"

namespace logsift::kafka {

void ClientLog::add(int level, std::string_view facility, std::string_view text) {
  std::lock_guard lock(mutex_);
  if (level <= 4) last_problem_ = std::string(facility) + ": " + std::string(text);
  if (lines_.size() >= max_lines_) {
    ++dropped_;
    return;
  }
  lines_.push_back(ClientLogLine{level, std::string(facility), std::string(text)});
}

std::vector<ClientLogLine> ClientLog::take() {
  std::lock_guard lock(mutex_);
  std::vector<ClientLogLine> out;
  out.swap(lines_);
  return out;
}

std::string ClientLog::last_problem() const {
  std::lock_guard lock(mutex_);
  return last_problem_;
}

std::uint64_t ClientLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace logsift::kafka
