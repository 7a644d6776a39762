// Tests for daemon/emit/file_sink.cc: naming, atomic writes, retention, errors as values.
#include "daemon/emit/file_sink.h"

#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/emit/alert_json.h"
#include "daemon/emit/batch_decoder.h"
#include "tests/emit/sample_alerts.h"

namespace logsift::emit {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<EncodedBatch> make_batches(std::size_t count, std::uint64_t first_sequence,
                                       std::size_t alerts_per_batch = 2) {
  BatchWriter writer(BatchOptions{.max_alerts = alerts_per_batch}, first_sequence);
  std::vector<EncodedBatch> closed;
  detect::Alert a = testing::incident_example();
  while (closed.size() < count) {
    a.id = std::to_string(closed.size()) + "-" + std::to_string(writer.open_alerts());
    writer.add(a, 0, closed);
  }
  return closed;
}

TEST_CASE("batch file names are zero-padded so they sort by sequence", "[emit]") {
  CHECK(batch_file_name(42) == "alerts-00000000000000000042.ndjson.zst");
  CHECK(batch_file_name(UINT64_MAX) == "alerts-18446744073709551615.ndjson.zst");
  CHECK(parse_batch_file_name("alerts-00000000000000000042.ndjson.zst") == 42u);
  CHECK(parse_batch_file_name(batch_file_name(UINT64_MAX)) == UINT64_MAX);
  CHECK_FALSE(parse_batch_file_name("alerts-42.ndjson.zst"));
  CHECK_FALSE(parse_batch_file_name(".tmp-alerts-00000000000000000042.ndjson.zst"));
  CHECK_FALSE(parse_batch_file_name("alerts-0000000000000000004x.ndjson.zst"));
  CHECK(batch_file_name(9) < batch_file_name(10));
}

TEST_CASE("batches round-trip through the file sink and the decoder", "[emit]") {
  TempDir dir;
  FileSink sink(dir.path(), FileSinkOptions{});
  const auto batches = make_batches(3, 1);
  for (const auto& b : batches) {
    auto r = sink.write(b);
    REQUIRE(r.has_value());
    CHECK(r->bytes == b.bytes.size());
    CHECK_FALSE(r->spooled);
  }
  // Atomic writes leave no temp files behind.
  CHECK(names_in(dir.path()) == std::vector<std::string>{batch_file_name(1), batch_file_name(2),
                                                         batch_file_name(3)});
  std::ostringstream out;
  const DecodeReport report = decode_paths({dir.path()}, out);
  CHECK(report.ok());
  CHECK(report.files == 3);
  CHECK(report.alerts == 6);
  std::string expected;
  for (int i = 0; i < 6; ++i) {
    detect::Alert a = testing::incident_example();
    a.id = std::to_string(i / 2) + "-" + std::to_string(i % 2);
    append_alert_json(a, expected);
  }
  CHECK(out.str() == expected);
}

TEST_CASE("the next sequence continues after the highest batch file", "[emit]") {
  TempDir dir;
  CHECK(next_sequence_in(dir.path()).value() == 1);
  FileSink sink(dir.path(), FileSinkOptions{});
  for (const auto& b : make_batches(2, 41)) REQUIRE(sink.write(b).has_value());
  std::ofstream(dir / "unrelated.txt") << "x";
  CHECK(next_sequence_in(dir.path()).value() == 43);
  const auto missing = next_sequence_in(dir / "nope");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == SinkError::Kind::kMissing);
}

TEST_CASE("retention deletes the oldest batch files beyond the size limit", "[emit]") {
  TempDir dir;
  const auto batches = make_batches(6, 1);
  const std::uint64_t size = batches[0].bytes.size();
  // Files of an earlier run count toward the limit too.
  REQUIRE(write_file_atomically(dir.path(), batch_file_name(0), batches[0].bytes).has_value());
  FileSink sink(dir.path(), FileSinkOptions{.retention_bytes = size * 3 + size / 2});
  for (const auto& b : batches) REQUIRE(sink.write(b).has_value());
  CHECK(names_in(dir.path()) == std::vector<std::string>{batch_file_name(4), batch_file_name(5),
                                                         batch_file_name(6)});
  CHECK(sink.retention_deleted_files() == 4);
  CHECK(sink.stored_bytes() <= size * 3 + size / 2);
}

TEST_CASE("retention never deletes the batch just written", "[emit]") {
  TempDir dir;
  FileSink sink(dir.path(), FileSinkOptions{.retention_bytes = 1});
  for (const auto& b : make_batches(3, 1)) REQUIRE(sink.write(b).has_value());
  CHECK(names_in(dir.path()) == std::vector<std::string>{batch_file_name(3)});
}

TEST_CASE("temp files a crash left behind are removed on the first write", "[emit]") {
  TempDir dir;
  std::ofstream(dir / ".tmp-alerts-00000000000000000009.ndjson.zst") << "partial";
  FileSink sink(dir.path(), FileSinkOptions{});
  REQUIRE(sink.write(make_batches(1, 10)[0]).has_value());
  CHECK(names_in(dir.path()) == std::vector<std::string>{batch_file_name(10)});
}

TEST_CASE("a missing directory is an error value and the batch stays with the caller",
          "[emit]") {
  TempDir dir;
  FileSink sink(dir / "missing", FileSinkOptions{});
  const auto batch = make_batches(1, 1)[0];
  const auto r = sink.write(batch);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == SinkError::Kind::kMissing);
  CHECK(r.error().message.find(dir / "missing") != std::string::npos);
  // Once the directory exists, the same batch goes through.
  fs::create_directory(dir / "missing");
  CHECK(sink.write(batch).has_value());
}

TEST_CASE("a file in place of the directory is an error value", "[emit]") {
  TempDir dir;
  std::ofstream(dir / "file") << "x";
  FileSink sink(dir / "file", FileSinkOptions{});
  const auto r = sink.write(make_batches(1, 1)[0]);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == SinkError::Kind::kMissing);
  CHECK(r.error().errno_value == ENOTDIR);
}

TEST_CASE("an unwritable directory is an error value, even for root", "[emit]") {
  // /proc refuses new files whatever the caller's privileges.
  const auto r = write_file_atomically("/proc", "alerts-test.ndjson.zst", "x");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().errno_value != 0);
  CHECK(r.error().message.find("/proc/.tmp-alerts-test.ndjson.zst") != std::string::npos);
}

TEST_CASE("errno values map to sink error kinds", "[emit]") {
  CHECK(sink_error_from_errno(ENOSPC, "cannot write", "/x").kind == SinkError::Kind::kNoSpace);
  CHECK(sink_error_from_errno(EDQUOT, "cannot write", "/x").kind == SinkError::Kind::kNoSpace);
  CHECK(sink_error_from_errno(EACCES, "cannot write", "/x").kind ==
        SinkError::Kind::kPermission);
  CHECK(sink_error_from_errno(EROFS, "cannot write", "/x").kind == SinkError::Kind::kPermission);
  CHECK(sink_error_from_errno(EIO, "cannot write", "/x").kind == SinkError::Kind::kIo);
  CHECK(sink_error_from_errno(ENOSPC, "cannot write", "/x").message ==
        "cannot write /x: No space left on device");
}

TEST_CASE("a write that fails midway is an error value and leaves no temp file", "[emit]") {
  // RLIMIT_FSIZE makes write() fail (EFBIG) past a size, as ENOSPC does on a full disk, without
  // needing a full filesystem. SIGXFSZ would kill the process; ignore it for the test.
  TempDir dir;
  const auto batch = make_batches(1, 1, 200)[0];
  REQUIRE(batch.bytes.size() > 1024);
  rlimit old_limit{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old_limit;
  small.rlim_cur = 512;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  FileSink sink(dir.path(), FileSinkOptions{});
  const auto r = sink.write(batch);
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().errno_value == EFBIG);
  CHECK(r.error().message.starts_with("cannot write "));
  CHECK(names_in(dir.path()).empty());
  CHECK(sink.write(batch).has_value());  // the caller still holds it and can retry
}

}  // namespace
}  // namespace logsift::emit
