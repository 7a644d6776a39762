// Tests for daemon/emit/batch_decoder.cc and batch_reader.cc: corrupt input and sequence gaps.
#include "daemon/emit/batch_decoder.h"

#include <zstd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/emit/alert_json.h"
#include "daemon/emit/file_sink.h"
#include "tests/emit/sample_alerts.h"

namespace logsift::emit {
namespace {

using testing::TempDir;

EncodedBatch make_batch(std::uint64_t sequence, std::size_t alerts = 3) {
  BatchWriter writer(BatchOptions{.producer_id = "edge-collector-1"}, sequence);
  std::vector<EncodedBatch> closed;
  for (std::size_t i = 0; i < alerts; ++i) writer.add(testing::incident_example(), 0, closed);
  writer.flush(closed);
  return std::move(closed.at(0));
}

void write_raw(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(),
                                              static_cast<std::streamsize>(bytes.size()));
}

std::string compress(std::string_view text, bool checksum) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const std::size_t n = ZSTD_compress2(cctx, out.data(), out.size(), text.data(), text.size());
  ZSTD_freeCCtx(cctx);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::string decode_error(std::string_view bytes) {
  const auto r = decode_batch(bytes);
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

TEST_CASE("a truncated batch is reported as truncated", "[emit]") {
  const std::string bytes = make_batch(1).bytes;
  for (const std::size_t keep : {bytes.size() - 1, bytes.size() - 4, bytes.size() / 2,
                                 std::size_t{12}}) {
    INFO(keep);
    CHECK(decode_error(std::string_view(bytes).substr(0, keep)).starts_with("truncated"));
  }
  CHECK(decode_error(std::string_view(bytes).substr(0, 3)) ==
        "truncated: the zstd frame header is incomplete");
  CHECK(decode_error("garbage, not zstd") == "not a zstd frame (bad magic number)");
  CHECK(decode_error("") == "empty file");
}

TEST_CASE("no flipped bit in a batch yields different content silently", "[emit]") {
  const std::string good = make_batch(1, 20).bytes;
  const auto reference = decode_batch(good);
  REQUIRE(reference.has_value());
  std::size_t detected = 0;
  std::size_t checksum_errors = 0;
  for (std::size_t byte = 0; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::string bad = good;
      bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
      const auto r = decode_batch(bad);
      INFO("byte " << byte << " bit " << bit);
      if (r.has_value()) {
        // A few bits change nothing decoded (e.g. unused table bits); the content must be equal.
        CHECK(r->ndjson == reference->ndjson);
      } else {
        ++detected;
        checksum_errors += r.error().starts_with("content checksum mismatch");
      }
    }
  }
  CHECK(detected * 10 > good.size() * 3 * 9);  // nearly every flip is caught
  CHECK(checksum_errors > 0);  // flips in literals decode "fine" and only the checksum sees them
}

TEST_CASE("a frame without a content checksum is refused", "[emit]") {
  const std::string text =
      R"({"logsift_batch":{"schema_version":1,"sequence":1,"alerts":0,"time_range":{"start":"1970-01-01T00:00:00.000000Z","end":"1970-01-01T00:00:00.000000Z"},"producer":""}})"
      "\n";
  REQUIRE(decode_batch(compress(text, true)).has_value());
  CHECK(decode_error(compress(text, false)) == "the zstd frame has no content checksum");
}

TEST_CASE("a header whose count disagrees with the lines is reported", "[emit]") {
  const std::string header =
      R"({"logsift_batch":{"schema_version":1,"sequence":4,"alerts":2,"time_range":{"start":"1970-01-01T00:00:00.000000Z","end":"1970-01-01T00:00:00.000000Z"},"producer":"p"}})"
      "\n";
  CHECK(decode_error(compress(header + "{}\n", true)) ==
        "the header announces 2 alerts but the batch holds 1");
  CHECK(decode_error(compress(header + "{}\nnot json\n", true)) ==
        "alert line 2 is not a JSON object");
  CHECK(decode_error(compress(header + "{}\n{}", true)) ==
        "the last line is not terminated by a newline");
  CHECK(decode_error(compress("{}\n", true)) ==
        "the first line is not a batch header (no \"logsift_batch\" object)");
  std::string v2 = header;
  v2.replace(v2.find("\"schema_version\":1"), 18, "\"schema_version\":2");
  CHECK(decode_error(compress(v2 + "{}\n{}\n", true)) ==
        "unsupported batch schema version 2 (this decoder reads 1)");
  CHECK(decode_error(make_batch(1).bytes + "xx") ==
        "unexpected data after the zstd frame (2 bytes)");
}

TEST_CASE("decoding a directory names each bad file, goes on, and fails overall", "[emit]") {
  TempDir dir;
  for (std::uint64_t seq = 1; seq <= 4; ++seq) {
    REQUIRE(write_file_atomically(dir.path(), batch_file_name(seq), make_batch(seq).bytes));
  }
  std::string truncated = make_batch(2).bytes;
  truncated.resize(truncated.size() - 5);
  write_raw(dir / batch_file_name(2), truncated);
  std::string flipped = make_batch(3).bytes;
  flipped[flipped.size() - 2] ^= 0x10;  // inside the checksum
  write_raw(dir / batch_file_name(3), flipped);

  std::ostringstream out;
  const DecodeReport report = decode_paths({dir.path()}, out);
  CHECK_FALSE(report.ok());
  CHECK(report.files == 4);
  CHECK(report.good_files == 2);
  CHECK(report.alerts == 6);
  REQUIRE(report.errors.size() == 2);
  CHECK(report.errors[0] == dir / batch_file_name(2) + ": truncated: the zstd frame ends early");
  CHECK(report.errors[1] ==
        dir / batch_file_name(3) + ": content checksum mismatch: the file is corrupted");
  CHECK(report.gaps.empty());  // bad files are errors, not gaps as well
  // Only verified batches reach the output.
  std::string expected;
  for (int i = 0; i < 6; ++i) append_alert_json(testing::incident_example(), expected);
  CHECK(out.str() == expected);

  std::ostringstream summary;
  write_decode_summary(report, summary);
  CHECK(summary.str().ends_with("decoded 6 alerts from 2 of 4 batch files; 2 bad files, 0 gaps\n"));
}

TEST_CASE("sequence gaps between batch files are reported", "[emit]") {
  TempDir dir;
  for (const std::uint64_t seq : {5, 6, 9, 11}) {
    REQUIRE(write_file_atomically(dir.path(), batch_file_name(seq), make_batch(seq).bytes));
  }
  std::ostringstream out;
  DecodeOptions options;
  options.include_headers = true;
  const DecodeReport report = decode_paths({dir.path()}, out, options);
  CHECK(report.errors.empty());
  CHECK_FALSE(report.ok());
  REQUIRE(report.gaps.size() == 2);
  CHECK(report.gaps[0].first_missing == 7);
  CHECK(report.gaps[0].last_missing == 8);
  CHECK(report.gaps[1].first_missing == 10);
  CHECK(report.gaps[1].last_missing == 10);
  CHECK(out.str().starts_with(R"({"logsift_batch":{"schema_version":1,"sequence":5,)"));
  std::ostringstream summary;
  write_decode_summary(report, summary);
  CHECK(summary.str() ==
        "sequence gap: batches 7..8 are missing\n"
        "sequence gap: batch 10 is missing\n"
        "decoded 12 alerts from 4 of 4 batch files; 0 bad files, 2 gaps\n");
}

TEST_CASE("files named explicitly, re-sent batches and missing paths", "[emit]") {
  TempDir dir;
  const std::string renamed = dir / "copy.zst";
  write_raw(renamed, make_batch(2).bytes);
  REQUIRE(write_file_atomically(dir.path(), batch_file_name(2), make_batch(2).bytes));
  REQUIRE(write_file_atomically(dir.path(), batch_file_name(3), make_batch(2).bytes));
  std::ostringstream out;
  const DecodeReport report =
      decode_paths({renamed, dir / batch_file_name(2), dir / "absent"}, out);
  CHECK(report.duplicate_sequences == std::vector<std::uint64_t>{2});
  REQUIRE(report.errors.size() == 1);
  CHECK(report.errors[0] == dir / "absent" + ": no such file or directory");

  const DecodeReport mismatch = decode_paths({dir / batch_file_name(3)}, out);
  REQUIRE(mismatch.errors.size() == 1);
  CHECK(mismatch.errors[0].ends_with("the header says sequence 2 but the file name says 3"));
}

TEST_CASE("the zstd command-line tool verifies batch files and their checksums", "[emit]") {
  if (std::system("command -v zstd >/dev/null 2>&1") != 0) {
    WARN("zstd is not installed; skipping the check against the reference tool");
    return;
  }
  TempDir dir;
  const std::string good = dir / batch_file_name(1);
  write_raw(good, make_batch(1, 50).bytes);
  CHECK(std::system(("zstd -q -t '" + good + "' 2>/dev/null").c_str()) == 0);
  std::string flipped = make_batch(2, 50).bytes;
  flipped[flipped.size() - 1] ^= 0x01;  // the last checksum byte
  const std::string bad = dir / batch_file_name(2);
  write_raw(bad, flipped);
  CHECK(std::system(("zstd -q -t '" + bad + "' 2>/dev/null").c_str()) != 0);
}

TEST_CASE("an empty directory is reported", "[emit]") {
  TempDir dir;
  std::ostringstream out;
  const DecodeReport report = decode_paths({dir.path()}, out);
  CHECK_FALSE(report.ok());
  REQUIRE(report.errors.size() == 1);
  CHECK(report.errors[0] == dir.path() + ": no batch files (alerts-*.ndjson.zst)");
}

}  // namespace
}  // namespace logsift::emit
