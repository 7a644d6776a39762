// Decoding and verifying one batch; see batch_reader.h.
#include "daemon/emit/batch_reader.h"

#include <simdjson.h>
// ZSTD_getFrameHeader() is in zstd's "experimental" section; libzstd.so has exported it
// unchanged since 1.3, and it is the way to read the frame's checksum flag before decoding.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "daemon/emit/json_text.h"

namespace logsift::emit {
namespace {

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

Unexpected<std::string> fail(std::string message) { return Unexpected{std::move(message)}; }

std::string zstd_error_sentence(std::size_t code) {
  if (ZSTD_getErrorCode(code) == ZSTD_error_checksum_wrong) {
    return "content checksum mismatch: the file is corrupted";
  }
  return std::string("corrupt zstd data: ") + ZSTD_getErrorName(code);
}

// Decompresses exactly one frame that must carry a content checksum.
Expected<std::string, std::string> decompress_frame(std::string_view bytes,
                                                    const ReadOptions& options) {
  if (bytes.empty()) return fail("empty file");
  ZSTD_frameHeader fh;
  const std::size_t hr = ZSTD_getFrameHeader(&fh, bytes.data(), bytes.size());
  if (ZSTD_isError(hr)) return fail("not a zstd frame (bad magic number)");
  if (hr > 0) return fail("truncated: the zstd frame header is incomplete");
  if (fh.frameType != ZSTD_frame) return fail("not a zstd data frame (skippable frame)");
  if (fh.checksumFlag == 0) return fail("the zstd frame has no content checksum");
  if (fh.frameContentSize != ZSTD_CONTENTSIZE_UNKNOWN &&
      fh.frameContentSize > options.max_decoded_bytes) {
    return fail("the frame declares " + std::to_string(fh.frameContentSize) +
                " bytes, more than the limit of " + std::to_string(options.max_decoded_bytes));
  }

  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
  if (!dctx) return fail("out of memory creating a zstd context");
  std::string out;
  if (fh.frameContentSize != ZSTD_CONTENTSIZE_UNKNOWN) {
    out.reserve(static_cast<std::size_t>(fh.frameContentSize));
  }
  ZSTD_inBuffer input{bytes.data(), bytes.size(), 0};
  std::size_t hint = 1;
  while (hint != 0) {
    if (out.size() > options.max_decoded_bytes) {
      return fail("decompresses to more than the limit of " +
                  std::to_string(options.max_decoded_bytes) + " bytes");
    }
    const std::size_t used = out.size();
    out.resize(used + ZSTD_DStreamOutSize());
    ZSTD_outBuffer output{out.data(), out.size(), used};
    hint = ZSTD_decompressStream(dctx.get(), &output, &input);
    const bool flushed_all = output.pos < output.size;  // zstd's "nothing more to give" signal
    out.resize(output.pos);
    if (ZSTD_isError(hint)) return fail(zstd_error_sentence(hint));
    if (hint != 0 && input.pos == input.size && flushed_all) {
      return fail("truncated: the zstd frame ends early");
    }
  }
  if (input.pos != input.size) {
    return fail("unexpected data after the zstd frame (" +
                std::to_string(input.size - input.pos) + " bytes)");
  }
  if (fh.frameContentSize != ZSTD_CONTENTSIZE_UNKNOWN && out.size() != fh.frameContentSize) {
    return fail("content size does not match the frame header");
  }
  return out;
}

Expected<BatchHeader, std::string> parse_header(simdjson::dom::parser& parser,
                                                std::string_view line) {
  simdjson::dom::element doc;
  if (parser.parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS) {
    return fail("the first line is not valid JSON (expected the batch header)");
  }
  simdjson::dom::object h;
  if (doc["logsift_batch"].get_object().get(h) != simdjson::SUCCESS) {
    return fail("the first line is not a batch header (no \"logsift_batch\" object)");
  }
  BatchHeader header;
  std::int64_t version = 0;
  if (h["schema_version"].get_int64().get(version) != simdjson::SUCCESS) {
    return fail("the batch header has no schema_version");
  }
  if (version != kBatchSchemaVersion) {
    return fail("unsupported batch schema version " + std::to_string(version) +
                " (this decoder reads " + std::to_string(kBatchSchemaVersion) + ")");
  }
  header.schema_version = static_cast<int>(version);
  std::string_view start, end, producer;
  if (h["sequence"].get_uint64().get(header.sequence) != simdjson::SUCCESS ||
      h["alerts"].get_uint64().get(header.alerts) != simdjson::SUCCESS ||
      h["time_range"]["start"].get_string().get(start) != simdjson::SUCCESS ||
      h["time_range"]["end"].get_string().get(end) != simdjson::SUCCESS ||
      h["producer"].get_string().get(producer) != simdjson::SUCCESS) {
    return fail("the batch header lacks sequence, alerts, time_range or producer");
  }
  if (!parse_rfc3339_us(start, header.start_us) || !parse_rfc3339_us(end, header.end_us)) {
    return fail("the batch header's time_range is not RFC 3339 UTC with microseconds");
  }
  header.producer = producer;
  // Optional: batches written before these fields existed have none (nothing dropped).
  if (h["dropped_alerts"].get_uint64().get(header.dropped_alerts) != simdjson::SUCCESS) header.dropped_alerts = 0;
  if (h["dropped_alerts_total"].get_uint64().get(header.dropped_alerts_total) != simdjson::SUCCESS) {
    header.dropped_alerts_total = 0;
  }
  return header;
}

}  // namespace

Expected<DecodedBatch, std::string> decode_batch(std::string_view bytes,
                                                 const ReadOptions& options) {
  auto content = decompress_frame(bytes, options);
  if (!content) return fail(std::move(content).error());
  DecodedBatch batch;
  batch.ndjson = std::move(content).value();
  const std::string_view text = batch.ndjson;
  if (text.empty()) return fail("the batch is empty (no header line)");
  if (text.back() != '\n') return fail("the last line is not terminated by a newline");

  simdjson::dom::parser parser;
  const std::size_t header_end = text.find('\n');
  auto header = parse_header(parser, text.substr(0, header_end));
  if (!header) return fail(std::move(header).error());
  batch.header = std::move(header).value();
  batch.header_bytes = header_end + 1;

  std::uint64_t lines = 0;
  for (std::size_t pos = batch.header_bytes; pos < text.size();) {
    const std::size_t eol = text.find('\n', pos);
    const std::string_view line = text.substr(pos, eol - pos);
    ++lines;
    simdjson::dom::element doc;
    if (parser.parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS ||
        !doc.is_object()) {
      return fail("alert line " + std::to_string(lines) + " is not a JSON object");
    }
    pos = eol + 1;
  }
  if (lines != batch.header.alerts) {
    return fail("the header announces " + std::to_string(batch.header.alerts) +
                " alerts but the batch holds " + std::to_string(lines));
  }
  return batch;
}

Expected<std::string, std::string> read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(path + ": cannot open: " + std::strerror(errno));
  std::string bytes;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) bytes.reserve(static_cast<std::size_t>(st.st_size));
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      return fail(path + ": cannot read: " + std::strerror(saved));
    }
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

Expected<EncodedBatch, std::string> read_batch_file(const std::string& path,
                                                    const ReadOptions& options) {
  auto bytes = read_whole_file(path);
  if (!bytes) return fail(std::move(bytes).error());
  auto decoded = decode_batch(bytes.value(), options);
  if (!decoded) return fail(path + ": " + std::move(decoded).error());
  EncodedBatch batch;
  batch.sequence = decoded->header.sequence;
  batch.alert_count = static_cast<std::uint32_t>(decoded->header.alerts);
  batch.first_us = decoded->header.start_us;
  batch.last_us = decoded->header.end_us;
  batch.bytes = std::move(bytes).value();
  return batch;
}

}  // namespace logsift::emit
