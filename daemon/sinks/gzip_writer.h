// GzipWriter: gzip (RFC 1952) request bodies with zlib, reusing one deflate state.
//
// compress() resets the stream and replaces `out` with the gzip member of `in`; after the first
// few calls neither zlib nor `out` allocates. One thread at a time.
#pragma once

#include <string>
#include <string_view>

namespace logsift::sinks {

class GzipWriter {
 public:
  explicit GzipWriter(int level = 1);  // 1: fast; request bodies are sent once
  ~GzipWriter();
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  void compress(std::string_view in, std::string& out);

 private:
  struct State;
  State* state_;
};

}  // namespace logsift::sinks
