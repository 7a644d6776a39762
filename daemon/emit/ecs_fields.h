// The table that places extracted capture names at ECS fields (`source_ip` -> `source.ip`).
//
// A capture whose name is in the table is written inside its ECS object (`"source":{"ip":...}`);
// any other capture goes under `labels`. docs/alerts.md reproduces the table; a test keeps the two
// in step. The table is constant data; lookups are thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace logsift::emit {

// ECS objects an extracted field may land in, in the order they are written in an alert line.
enum class EcsObject : std::uint8_t {
  kHost, kSource, kDestination, kClient, kServer, kUser, kProcess, kFile, kService, kUrl,
  kNetwork, kError,
};
inline constexpr std::size_t kEcsObjectCount = 12;

std::string_view ecs_object_name(EcsObject o);  // "host", "source", ...

struct EcsFieldMapping {
  std::string_view capture;  // the capture name as rules write it, e.g. "source_ip"
  EcsObject object;          // where it goes
  std::string_view key;      // the key inside the object, e.g. "ip"
  bool numeric = false;      // ECS types it as a number: written unquoted if it is an integer
  bool ip = false;           // ECS types it as an IP address: written only if it is one
};
// A capture whose value its ECS field's type cannot hold (a port that is no integer, an ip field
// holding no IPv4 or IPv6 address) is not written there, where it would make the SIEM reject the
// whole document; the alert keeps it under logsift.invalid_fields and the pipeline counts it.

// The whole table, sorted by `capture`.
std::span<const EcsFieldMapping> ecs_field_mappings();

// The mapping for a capture name, or nullptr if the capture goes under `labels`.
const EcsFieldMapping* find_ecs_field(std::string_view capture);

// True when `value` fits the type of the field `m` places it at.
bool fits_ecs_type(const EcsFieldMapping& m, std::string_view value);
// True unless the capture maps to an ECS field whose type `value` does not fit. No allocation.
bool capture_fits_ecs(std::string_view capture, std::string_view value);
// A textual IPv4 (dotted quad) or IPv6 address, as an ECS ip field takes it (no zone, no port).
bool is_ip_address(std::string_view text);

}  // namespace logsift::emit
