#include "rules/database_cache.h"

#include <fcntl.h>
#include <hs/hs.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace logsift::rules {

namespace {

constexpr char kMagic[8] = {'L', 'S', 'H', 'S', 'D', 'B', '0', '1'};

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
bool get_u32(const std::string& in, std::size_t& pos, std::uint32_t& v) {
  if (pos + 4 > in.size()) return false;
  v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[pos + i])) << (8 * i);
  pos += 4;
  return true;
}

std::string entry_path(const std::string& dir, const std::string& key) { return dir + "/" + key + ".hsdb"; }

}  // namespace

std::string database_key(std::span<const std::string> expressions,
                         std::span<const unsigned> flags, std::span<const unsigned> ids) {
  std::string material = "logsift-hsdb-1\n";
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
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < digest_len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

std::optional<CachedDatabase> load_cached_database(const std::string& dir, const std::string& key) {
  std::ifstream in(entry_path(dir, key), std::ios::binary);
  if (!in) return std::nullopt;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < sizeof(kMagic) || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0) return std::nullopt;
  std::size_t pos = sizeof(kMagic);
  std::uint32_t demoted_count = 0;
  if (!get_u32(data, pos, demoted_count) || demoted_count > data.size()) return std::nullopt;
  CachedDatabase entry;
  for (std::uint32_t i = 0; i < demoted_count; ++i) {
    std::uint32_t v = 0;
    if (!get_u32(data, pos, v)) return std::nullopt;
    entry.demoted.push_back(v);
  }
  if (hs_deserialize_database(data.data() + pos, data.size() - pos, &entry.database) != HS_SUCCESS) {
    return std::nullopt;
  }
  return entry;
}

std::string store_cached_database(const std::string& dir, const std::string& key,
                                  const CachedDatabase& entry) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create cache folder " + dir + ": " + ec.message();
  char* bytes = nullptr;
  std::size_t length = 0;
  if (hs_serialize_database(entry.database, &bytes, &length) != HS_SUCCESS) {
    return "cannot serialize a Hyperscan database";
  }
  std::string data(kMagic, sizeof(kMagic));
  put_u32(data, static_cast<std::uint32_t>(entry.demoted.size()));
  for (auto d : entry.demoted) put_u32(data, d);
  data.append(bytes, length);
  std::free(bytes);

  const std::string final_path = entry_path(dir, key);
  const std::string temp_path = final_path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return "cannot write " + temp_path + ": " + std::strerror(errno);
  std::size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(temp_path.c_str());
      return "cannot write " + temp_path + ": " + err;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp_path.c_str());
    return "cannot flush " + temp_path + ": " + std::strerror(errno);
  }
  if (std::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    ::unlink(temp_path.c_str());
    return "cannot rename " + temp_path + ": " + std::strerror(errno);
  }
  return {};
}

}  // namespace logsift::rules
