// TroubleFilter: decides whether a message no rule matched "looks like trouble" and so goes to the
// template miner: syslog severity warning or worse, or a trouble word (error, fail, timeout, ...)
// at the start of a word, case-insensitively.
//
// Every unmatched message passes through here, so the scan looks only at word starts and, there,
// only at the words beginning with that letter.
//
// Built once from DetectOptions; immutable afterwards, so one filter may be shared by threads.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
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
  std::vector<std::string> words_;  // lowercased, sorted, so words of one first byte are adjacent
  // Lowercased first byte -> [first, last) indices into words_.
  std::array<std::pair<std::uint16_t, std::uint16_t>, 256> by_first_byte_{};
};

}  // namespace logsift::detect
