// Heap allocations made by a test binary so far (every operator new, on any thread), to check
// the "no allocation per message in steady state" contracts of the hot paths. Link
// tests/allocation_counter.cc into the binary (it replaces the global allocation functions) and
// set ENABLE_EXPORTS on it, so shared libraries (simdjson) allocate through the same functions.
#pragma once

#include <cstddef>

namespace logsift::testing {

std::size_t allocation_count();

}  // namespace logsift::testing
