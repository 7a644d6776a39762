// SpoolingSink; see spooling_sink.h.
#include "daemon/emit/spooling_sink.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "daemon/emit/batch_reader.h"
#include "daemon/emit/file_sink.h"

namespace logsift::emit {
namespace {

namespace fs = std::filesystem;

std::string spool_path(const std::string& dir, std::uint64_t sequence) {
  return (fs::path(dir) / batch_file_name(sequence)).native();
}

}  // namespace

SpoolingSink::SpoolingSink(Sink& destination, std::string spool_dir, SpoolOptions options)
    : destination_(destination), spool_dir_(std::move(spool_dir)), options_(options) {}

Expected<bool, SinkError> SpoolingSink::load_index() {
  std::error_code ec;
  fs::directory_iterator it(spool_dir_, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (const auto seq = parse_batch_file_name(it->path().filename().native())) {
      std::error_code size_ec;
      const std::uint64_t size = it->file_size(size_ec);
      if (size_ec) continue;
      spooled_[*seq] = size;
      spooled_bytes_ += size;
    }
  }
  if (ec) {
    return Unexpected{sink_error_from_errno(ec.value(), "cannot read spool directory",
                                            spool_dir_)};
  }
  indexed_ = true;
  return true;
}

Expected<std::size_t, SinkError> SpoolingSink::replay() {
  if (!indexed_) {
    auto loaded = load_index();
    if (!loaded) return Unexpected{std::move(loaded).error()};
  }
  while (!spooled_.empty()) {
    const auto oldest = spooled_.begin();
    const std::string path = spool_path(spool_dir_, oldest->first);
    auto batch = read_batch_file(path);
    if (!batch) {
      // Set it aside for an operator rather than block the spool or delete evidence.
      const std::string aside =
          (fs::path(spool_dir_) / ("corrupt-" + batch_file_name(oldest->first))).native();
      std::rename(path.c_str(), aside.c_str());
      ++corrupt_spool_files_;
    } else {
      auto sent = destination_.write(batch.value());
      if (!sent) {
        last_destination_error_ = std::move(sent).error();
        break;
      }
      ::unlink(path.c_str());
    }
    spooled_bytes_ -= oldest->second;
    spooled_.erase(oldest);
  }
  return spooled_.size();
}

Expected<SinkReceipt, SinkError> SpoolingSink::spool(const EncodedBatch& batch) {
  if (spooled_bytes_ + batch.bytes.size() > options_.max_spool_bytes) {
    SinkError e;
    e.kind = SinkError::Kind::kNoSpace;
    e.message = "spool " + spool_dir_ + " is full (" + std::to_string(spooled_bytes_) +
                " bytes, limit " + std::to_string(options_.max_spool_bytes) +
                "); destination: " + last_destination_error_.message;
    return Unexpected{std::move(e)};
  }
  auto written = write_file_atomically(spool_dir_, batch_file_name(batch.sequence), batch.bytes);
  if (!written) {
    SinkError e = std::move(written).error();
    e.message += "; destination: " + last_destination_error_.message;
    return Unexpected{std::move(e)};
  }
  spooled_bytes_ -= spooled_.count(batch.sequence) ? spooled_[batch.sequence] : 0;
  spooled_[batch.sequence] = batch.bytes.size();
  spooled_bytes_ += batch.bytes.size();
  return SinkReceipt{batch.bytes.size(), true};
}

Expected<SinkReceipt, SinkError> SpoolingSink::write(const EncodedBatch& batch) {
  auto remaining = replay();
  if (!remaining) return Unexpected{std::move(remaining).error()};
  if (remaining.value() > 0) return spool(batch);  // keep order: behind the older batches
  auto sent = destination_.write(batch);
  if (sent) return sent;
  last_destination_error_ = std::move(sent).error();
  return spool(batch);
}

}  // namespace logsift::emit
