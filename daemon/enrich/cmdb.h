// Cmdb: the lookup table that gives a record's host its business context (service, environment,
// owner, SLA tier, labels), loaded from a CSV or YAML file the operator keeps (`enrich.cmdb`).
//
// An entry matches hosts by name (exact, or a glob with `*` and `?`; case-insensitive) or by
// address (a CIDR range, or one address). A record is about a host name (its HOSTNAME, else the
// sender's address) and came from a sender address; lookup() tries, first match wins:
//   1. an exact host name,
//   2. host-name globs, in file order,
//   3. address ranges containing the host (when the host is an address literal), most specific
//      range first,
//   4. address ranges containing the sender's address, most specific first.
//
// File formats (docs in daemon/enrich/README.md): CSV with a header naming the columns `match`
// (required), `service`, `environment`, `owner`, `sla_tier` and `labels.<name>`; or YAML with
// `entries: [{hosts, addresses, service, environment, owner, sla_tier, labels}]`. Every problem
// is reported as `file:line: message`, and a table with any problem is refused whole.
//
// Ownership and threads: immutable once parsed and shared by shared_ptr (a reload builds a new
// table and swaps the pointer); lookup() is const, allocates nothing and is safe from any thread.
// The ServiceContext pointers it returns live as long as the table.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/enrich/host_match.h"
#include "parsers/base/expected.h"
#include "parsers/service_context.h"

namespace logsift::enrich {

struct CmdbError {
  std::string file;
  int line = 0;  // 1-based; 0 when the error is about the whole file
  std::string message;
  std::string to_string() const;  // "file:line: message"
};

class Cmdb {
 public:
  // Parses `text` read from `file` (its extension picks the format: .csv, else YAML). Every
  // problem found is reported, not just the first.
  static Expected<std::shared_ptr<const Cmdb>, std::vector<CmdbError>> parse(std::string_view text,
                                                                            const std::string& file);

  // The context of a record about `host` (empty: none) sent from `sender` (an address as text,
  // empty when unknown); null when no entry matches.
  const parsers::ServiceContext* lookup(std::string_view host, std::string_view sender) const;

  std::size_t entries() const { return contexts_.size(); }
  const std::string& file() const { return file_; }

 private:
  friend class CmdbBuilder;
  struct HashIgnoreCase {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const;
  };
  struct EqualIgnoreCase {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return equal_ignore_case(a, b); }
  };
  struct Glob {
    std::string pattern;
    std::uint32_t entry = 0;
  };
  struct Range {
    AddressRange range;
    std::uint32_t entry = 0;
  };
  const parsers::ServiceContext* in_ranges(const IpAddress& address) const;

  std::string file_;
  std::vector<parsers::ServiceContext> contexts_;  // one per entry, in file order
  std::unordered_map<std::string, std::uint32_t, HashIgnoreCase, EqualIgnoreCase> exact_;
  std::vector<Glob> globs_;    // file order
  std::vector<Range> ranges_;  // most specific first, then file order
};

}  // namespace logsift::enrich
