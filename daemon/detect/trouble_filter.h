// TroubleFilter: decides whether a message no rule matched "looks like trouble" and so goes to the
// template miner: syslog severity warning or worse, or a trouble word (error, fail, timeout, ...)
// at the start of a word, case-insensitively.
//
// Built once from DetectOptions; immutable afterwards, so one filter may be shared by threads.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "daemon/detect/detect_options.h"
#include "parsers/record.h"

namespace logsift::detect {

class TroubleFilter {
 public:
  explicit TroubleFilter(const DetectOptions& options);

  bool looks_like_trouble(const parsers::Record& record) const;

 private:
  int max_severity_;
  std::vector<std::string> words_;     // lowercased
  std::array<bool, 256> first_byte_{};  // first bytes of the words, both cases
};

}  // namespace logsift::detect
