// Matching hosts the way operators write them in a CMDB or a change window: host names exact or
// as globs, sender addresses as CIDR ranges.
//
// Host names compare ASCII case-insensitively (DNS names are). Globs know `*` (any run, also
// empty, dots included) and `?` (one byte). Addresses are IPv4 or IPv6; an IPv4-mapped IPv6
// address (::ffff:10.1.2.3, how a dual-stack socket reports an IPv4 peer) is the IPv4 address.
// Free functions and plain values; nothing allocates; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace logsift::enrich {

// True when `pattern` has glob characters (`*` or `?`).
bool is_glob(std::string_view pattern);

// ASCII case-insensitive glob match of the whole `text`.
bool glob_match(std::string_view pattern, std::string_view text);

// ASCII case-insensitive equality.
bool equal_ignore_case(std::string_view a, std::string_view b);

// An IPv4 or IPv6 address, IPv4 held as IPv4-mapped IPv6.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;
};
std::optional<IpAddress> parse_ip(std::string_view text);

// "10.1.0.0/16", "2001:db8::/32", or a single address (a /32 or /128).
struct AddressRange {
  IpAddress base;    // masked to the prefix
  int prefix_bits = 0;  // of the 128-bit form (an IPv4 /16 is 96 + 16)
  bool contains(const IpAddress& address) const;
  int specificity() const { return prefix_bits; }
};
std::optional<AddressRange> parse_address_range(std::string_view text);

}  // namespace logsift::enrich
