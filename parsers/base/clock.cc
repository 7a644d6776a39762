#include "parsers/base/clock.h"

#include <chrono>

namespace logsift::base {

std::int64_t system_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace logsift::base
