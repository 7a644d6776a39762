// Reading one alert batch back: decompress its zstd frame, verify it, parse its header.
//
// Verification covers what a consumer relies on: the bytes are exactly one complete zstd frame
// with a content checksum that matches (zstd checks it while decompressing), the first line is a
// batch header of a schema version this code reads, the number of alert lines equals the header's
// count, and every line is a JSON object. Any failure comes back as a message saying what is wrong
// ("content checksum mismatch: the file is corrupted", "truncated: the zstd frame ends early").
// Stateless functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/emit/batch_writer.h"
#include "parsers/base/expected.h"

namespace logsift::emit {

struct BatchHeader {
  int schema_version = 0;
  std::uint64_t sequence = 0;
  std::uint64_t alerts = 0;
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
  std::string producer;
  std::uint64_t dropped_alerts = 0;        // dropped by policy since the previous batch
  std::uint64_t dropped_alerts_total = 0;  // dropped by policy since the producer started
};

struct DecodedBatch {
  BatchHeader header;
  std::string ndjson;             // the whole decompressed content, header line first
  std::size_t header_bytes = 0;   // length of the header line, with its newline
  std::string_view alert_lines() const { return std::string_view(ndjson).substr(header_bytes); }
};

struct ReadOptions {
  // Refuse frames that decompress to more than this (a corrupt or hostile size field).
  std::uint64_t max_decoded_bytes = 256ull * 1024 * 1024;
};

// Decodes and verifies one batch. The error is a sentence without the file name.
[[nodiscard]] Expected<DecodedBatch, std::string> decode_batch(std::string_view bytes,
                                                               const ReadOptions& options = {});

// Reads a whole file; the error names the path.
[[nodiscard]] Expected<std::string, std::string> read_whole_file(const std::string& path);

// Reads and verifies a batch file and rebuilds the EncodedBatch that produced it (used to replay
// spooled batches). The error names the path.
[[nodiscard]] Expected<EncodedBatch, std::string> read_batch_file(const std::string& path,
                                                                  const ReadOptions& options = {});

}  // namespace logsift::emit
