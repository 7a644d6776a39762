// The wall clock, as a value callers can replace.
//
// Libraries never read the clock themselves: the daemon reads it once per batch and passes `now`
// down (detection runs on event time in replay). A `Clock` is what those who do read it hold, so
// tests substitute a fake. Thread-safety: system_clock_us is thread-safe.
#pragma once

#include <cstdint>
#include <functional>

namespace logsift::base {

// Microseconds since the Unix epoch.
using Clock = std::function<std::int64_t()>;

// CLOCK_REALTIME in microseconds since the Unix epoch.
std::int64_t system_clock_us();

}  // namespace logsift::base
