// ECS placement table for extracted captures; see ecs_fields.h.
#include "daemon/emit/ecs_fields.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "daemon/emit/json_text.h"

namespace logsift::emit {
namespace {

using O = EcsObject;

// Keep sorted by capture name (a static_assert checks). Aliases that log formats commonly use
// (src/dst, uid, pid) map to the same ECS field as the long names; when both appear in one alert
// the first one extracted wins and the other is dropped from the line (not moved to labels) so the
// line never carries a key twice.
constexpr std::array kMappings = {
    EcsFieldMapping{"client_ip", O::kClient, "ip", false, true},
    EcsFieldMapping{"client_port", O::kClient, "port", true},
    EcsFieldMapping{"destination_address", O::kDestination, "address"},
    EcsFieldMapping{"destination_domain", O::kDestination, "domain"},
    EcsFieldMapping{"destination_ip", O::kDestination, "ip", false, true},
    EcsFieldMapping{"destination_port", O::kDestination, "port", true},
    EcsFieldMapping{"dst_ip", O::kDestination, "ip", false, true},
    EcsFieldMapping{"dst_port", O::kDestination, "port", true},
    EcsFieldMapping{"error_code", O::kError, "code"},
    EcsFieldMapping{"error_message", O::kError, "message"},
    EcsFieldMapping{"file_name", O::kFile, "name"},
    EcsFieldMapping{"file_path", O::kFile, "path"},
    EcsFieldMapping{"host_ip", O::kHost, "ip", false, true},
    EcsFieldMapping{"network_protocol", O::kNetwork, "protocol"},
    EcsFieldMapping{"network_transport", O::kNetwork, "transport"},
    EcsFieldMapping{"pid", O::kProcess, "pid", true},
    EcsFieldMapping{"process_name", O::kProcess, "name"},
    EcsFieldMapping{"process_pid", O::kProcess, "pid", true},
    EcsFieldMapping{"server_ip", O::kServer, "ip", false, true},
    EcsFieldMapping{"server_port", O::kServer, "port", true},
    EcsFieldMapping{"service_name", O::kService, "name"},
    EcsFieldMapping{"source_address", O::kSource, "address"},
    EcsFieldMapping{"source_domain", O::kSource, "domain"},
    EcsFieldMapping{"source_ip", O::kSource, "ip", false, true},
    EcsFieldMapping{"source_port", O::kSource, "port", true},
    EcsFieldMapping{"src_ip", O::kSource, "ip", false, true},
    EcsFieldMapping{"src_port", O::kSource, "port", true},
    EcsFieldMapping{"uid", O::kUser, "id"},
    EcsFieldMapping{"url_domain", O::kUrl, "domain"},
    EcsFieldMapping{"url_original", O::kUrl, "original"},
    EcsFieldMapping{"url_path", O::kUrl, "path"},
    EcsFieldMapping{"user_domain", O::kUser, "domain"},
    EcsFieldMapping{"user_id", O::kUser, "id"},
    EcsFieldMapping{"user_name", O::kUser, "name"},
};

constexpr bool sorted_and_unique() {
  for (std::size_t i = 1; i < kMappings.size(); ++i) {
    if (!(kMappings[i - 1].capture < kMappings[i].capture)) return false;
  }
  return true;
}
static_assert(sorted_and_unique(), "kMappings must be sorted by capture name, without repeats");

constexpr std::array<std::string_view, kEcsObjectCount> kObjectNames = {
    "host", "source", "destination", "client", "server", "user", "process",
    "file", "service", "url", "network", "error",
};

}  // namespace

std::string_view ecs_object_name(EcsObject o) { return kObjectNames[static_cast<std::size_t>(o)]; }

std::span<const EcsFieldMapping> ecs_field_mappings() { return kMappings; }

const EcsFieldMapping* find_ecs_field(std::string_view capture) {
  const auto it = std::lower_bound(
      kMappings.begin(), kMappings.end(), capture,
      [](const EcsFieldMapping& m, std::string_view name) { return m.capture < name; });
  return it != kMappings.end() && it->capture == capture ? &*it : nullptr;
}

bool is_ip_address(std::string_view text) {
  char buf[INET6_ADDRSTRLEN];  // the longest textual IPv6 address, with its NUL
  if (text.empty() || text.size() >= sizeof buf) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  unsigned char addr[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, buf, addr) == 1 || ::inet_pton(AF_INET6, buf, addr) == 1;
}

bool fits_ecs_type(const EcsFieldMapping& m, std::string_view value) {
  if (m.numeric) return is_json_integer(value);
  if (m.ip) return is_ip_address(value);
  return true;
}

bool capture_fits_ecs(std::string_view capture, std::string_view value) {
  const EcsFieldMapping* m = find_ecs_field(capture);
  return m == nullptr || fits_ecs_type(*m, value);
}

}  // namespace logsift::emit
