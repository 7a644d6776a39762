// Owning handles for Hyperscan objects: a database or scratch is freed exactly once, by whoever
// holds its handle, on every path (errors included).
//
// Thread-safety: a handle is an object like any other; what may be shared is Hyperscan's business
// (a database is read-only and shared, a scratch is one thread's).
#pragma once

#include <memory>

struct hs_database;
struct hs_scratch;

namespace logsift::rules {

struct HsDatabaseFree {
  void operator()(hs_database* database) const;
};
struct HsScratchFree {
  void operator()(hs_scratch* scratch) const;
};

using HsDatabasePtr = std::unique_ptr<hs_database, HsDatabaseFree>;
using HsScratchPtr = std::unique_ptr<hs_scratch, HsScratchFree>;

}  // namespace logsift::rules
