// Little-endian fixed-width integers: appending them to a byte string and reading them back.
//
// Every on-disk format of logsift (detection snapshots, the compiled-database cache) and every
// hash input that must be the same on every machine (alert ids, signature encodings) writes
// integers this way. `ByteReader` reads a buffer it does not own with bounds checks: reading past
// the end sets a sticky failure and yields 0, so a decoder checks ok() once at the end instead of
// after every field, and a truncated or corrupt input never over-reads.
//
// Thread-safety: free functions are pure; a ByteReader is used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace logsift::base {

inline void put_fixed32(std::string& out, std::uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, sizeof b);
}

inline void put_fixed64(std::string& out, std::uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, sizeof b);
}

// Writes `v` into the 8 bytes at `dst` (fixed buffers, e.g. hash inputs).
inline void encode_fixed64(unsigned char* dst, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) dst[i] = static_cast<unsigned char>(v >> (8 * i));
}

// Reads the `bytes` (at most 8) little-endian bytes at `src`.
inline std::uint64_t decode_fixed(const char* src, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t{static_cast<unsigned char>(src[i])} << (8 * i);
  return v;
}

inline std::uint32_t decode_fixed32(const char* src) { return static_cast<std::uint32_t>(decode_fixed(src, 4)); }
inline std::uint64_t decode_fixed64(const char* src) { return decode_fixed(src, 8); }

// u32 length + bytes.
inline void put_length_prefixed(std::string& out, std::string_view s) {
  put_fixed32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

// Sequential bounded reads from a buffer that outlives the reader.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  bool ok() const { return ok_; }
  std::size_t position() const { return pos_; }
  std::size_t left() const { return in_.size() - pos_; }

  // The next `bytes` (at most 8) bytes as a little-endian integer; 0 and !ok() past the end.
  std::uint64_t fixed(int bytes) {
    if (!ok_ || left() < static_cast<std::size_t>(bytes)) return ok_ = false, 0;
    const std::uint64_t v = decode_fixed(in_.data() + pos_, bytes);
    pos_ += static_cast<std::size_t>(bytes);
    return v;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(fixed(1)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(fixed(4)); }
  std::uint64_t u64() { return fixed(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(fixed(8)); }

  // The next `n` bytes; empty and !ok() if fewer are left.
  std::string_view bytes(std::size_t n) {
    if (!ok_ || left() < n) return ok_ = false, std::string_view{};
    const std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // A u32 length + bytes string, as put_length_prefixed writes it.
  std::string_view length_prefixed() { return bytes(u32()); }

  void fail() { ok_ = false; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace logsift::base
