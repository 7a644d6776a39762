// Heap allocations made by the emit test binary so far (every operator new, on any thread), to
// check the no-allocation contracts of the hot paths.
#pragma once

#include <cstddef>

namespace logsift::emit::testing {

std::size_t allocation_count();

}  // namespace logsift::emit::testing
