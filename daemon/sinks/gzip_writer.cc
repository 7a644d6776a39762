// GzipWriter; see gzip_writer.h.
#include "daemon/sinks/gzip_writer.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>

namespace logsift::sinks {

struct GzipWriter::State {
  z_stream z{};
};

GzipWriter::GzipWriter(int level) : state_(new State) {
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&state_->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    std::fputs("logsift: zlib deflateInit2 failed (out of memory)\n", stderr);
    std::abort();
  }
}

GzipWriter::~GzipWriter() {
  deflateEnd(&state_->z);
  delete state_;
}

void GzipWriter::compress(std::string_view in, std::string& out) {
  z_stream& z = state_->z;
  deflateReset(&z);
  out.resize(deflateBound(&z, static_cast<uLong>(in.size())) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  // deflateBound() leaves room for the whole input in one call.
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
    std::fputs("logsift: zlib deflate did not finish within deflateBound\n", stderr);
    std::abort();
  }
  out.resize(out.size() - z.avail_out);
}

}  // namespace logsift::sinks
