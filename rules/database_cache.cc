#include "rules/database_cache.h"

#include <hs/hs.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "parsers/base/coding.h"
#include "parsers/base/file_io.h"
#include "parsers/base/hex.h"

namespace logsift::rules {

namespace {

constexpr char kMagic[8] = {'L', 'S', 'H', 'S', 'D', 'B', '0', '2'};

std::string entry_path(const std::string& dir, const std::string& key) { return dir + "/" + key + ".hsdb"; }

}  // namespace

std::string database_key(std::span<const std::string> expressions,
                         std::span<const unsigned> flags, std::span<const unsigned> ids) {
  std::string material = "logsift-hsdb-2\n";
  material += hs_version();
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) == HS_SUCCESS) {
    material += "\ntune=" + std::to_string(platform.tune) +
                " features=" + std::to_string(platform.cpu_features);
  }
  for (std::size_t i = 0; i < expressions.size(); ++i) {
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
    for (const std::string& part : {std::to_string(ids[i]), std::to_string(flags[i]), std::to_string(expressions[i].size())}) {
      material += part;
      material += ':';
    }
    material += expressions[i];
    material += '\n';
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  EVP_Digest(material.data(), material.size(), digest, &digest_len, EVP_sha256(), nullptr);
  return base::hex_encode({digest, digest_len});
}

std::optional<CachedDatabase> load_cached_database(const std::string& dir, const std::string& key) {
  auto read = base::read_file(entry_path(dir, key));
  if (!read) return std::nullopt;
  const std::string& data = *read;
  if (data.size() < sizeof(kMagic) || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0) return std::nullopt;
  base::ByteReader in(std::string_view(data).substr(sizeof(kMagic)));
  const std::uint32_t count = in.u32();
  const std::string_view engines = in.bytes(count);
  const bool has_database = in.u8() != 0;
  if (!in.ok()) return std::nullopt;
  CachedDatabase entry;
  entry.engines.assign(engines.begin(), engines.end());
  for (std::uint8_t e : entry.engines) {
    if (e > 2) return std::nullopt;  // PatternEngine has three values
  }
  if (!has_database) return in.left() == 0 ? std::optional(std::move(entry)) : std::nullopt;
  const std::size_t pos = sizeof(kMagic) + in.position();
  hs_database_t* database = nullptr;
  if (hs_deserialize_database(data.data() + pos, data.size() - pos, &database) != HS_SUCCESS) {
    return std::nullopt;
  }
  entry.database.reset(database);
  return entry;
}

std::string store_cached_database(const std::string& dir, const std::string& key,
                                  const hs_database* database, std::span<const std::uint8_t> engines) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create cache folder " + dir + ": " + ec.message();
  std::string data(kMagic, sizeof(kMagic));
  base::put_fixed32(data, static_cast<std::uint32_t>(engines.size()));
  data.append(reinterpret_cast<const char*>(engines.data()), engines.size());
  data.push_back(database != nullptr ? 1 : 0);
  if (database != nullptr) {
    char* bytes = nullptr;
    std::size_t length = 0;
    if (hs_serialize_database(database, &bytes, &length) != HS_SUCCESS) {
      return "cannot serialize a Hyperscan database";
    }
    data.append(bytes, length);
    std::free(bytes);
  }

  // A per-process temp name: two processes may fill the same cache at once.
  const std::string final_path = entry_path(dir, key);
  base::AtomicWriteOptions options;
  options.temp_path = final_path + ".tmp." + std::to_string(::getpid());
  if (auto written = base::write_file_atomically(final_path, data, options); !written) {
    return std::move(written).error().message;
  }
  return {};
}

void HsDatabaseFree::operator()(hs_database* database) const { hs_free_database(database); }
void HsScratchFree::operator()(hs_scratch* scratch) const { hs_free_scratch(scratch); }

}  // namespace logsift::rules
