// BatchWriter; see batch_writer.h. The header can only be written once the batch closes (it holds
// the count and time range), so alert lines collect in body_ and the frame is compressed from two
// inputs, header_ then body_, without copying them together.
#include "daemon/emit/batch_writer.h"

#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "daemon/emit/alert_json.h"
#include "daemon/emit/json_text.h"

namespace logsift::emit {
namespace {

[[noreturn]] void die(const char* what, std::size_t code) {
  std::fprintf(stderr, "logsift emit: %s: %s\n", what, ZSTD_getErrorName(code));
  std::abort();
}

void check(std::size_t code, const char* what) {
  if (ZSTD_isError(code)) die(what, code);
}

// Feeds `in` to the compressor with `mode`, growing `out` as needed.
void compress_into(ZSTD_CCtx* cctx, std::string_view in, ZSTD_EndDirective mode,
                   std::string& out) {
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  for (;;) {
    if (out.capacity() - out.size() < ZSTD_CStreamOutSize()) {
      out.reserve(std::max(out.capacity() * 2, out.size() + ZSTD_CStreamOutSize()));
    }
    const std::size_t used = out.size();
    out.resize(out.capacity());
    ZSTD_outBuffer output{out.data(), out.size(), used};
    const std::size_t remaining = ZSTD_compressStream2(cctx, &output, &input, mode);
    check(remaining, "ZSTD_compressStream2");
    out.resize(output.pos);
    const bool done = mode == ZSTD_e_end ? remaining == 0 : input.pos == input.size;
    if (done) return;
  }
}

}  // namespace

BatchWriter::BatchWriter(BatchOptions options, std::uint64_t first_sequence)
    : options_(std::move(options)), next_sequence_(first_sequence), cctx_(ZSTD_createCCtx()) {
  if (cctx_ == nullptr) die("ZSTD_createCCtx", 0);
  options_.max_alerts = std::max<std::size_t>(options_.max_alerts, 1);
  const int level =
      std::clamp(options_.compression_level, ZSTD_minCLevel(), ZSTD_maxCLevel());
  check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level), "compression level");
  check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1), "checksum flag");
  check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_contentSizeFlag, 1), "content size flag");
  body_.reserve(std::min<std::size_t>(options_.max_bytes, 4u << 20) + 4096);
}

BatchWriter::~BatchWriter() { ZSTD_freeCCtx(cctx_); }

std::int64_t BatchWriter::deadline_us() const {
  constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  if (open_count_ == 0) return kNever;
  if (options_.max_age_ms > (kNever - opened_at_us_) / 1000) return kNever;  // no overflow
  return opened_at_us_ + options_.max_age_ms * 1000;
}

void BatchWriter::add(const detect::Alert& alert, std::int64_t now_us,
                      std::vector<EncodedBatch>& closed) {
  poll(now_us, closed);
  const std::size_t before = body_.size();
  append_alert_json(alert, body_);
  if (open_count_ > 0 && body_.size() > options_.max_bytes) {
    close_batch(before, closed);  // the new line stays in body_ and opens the next batch
  }
  if (open_count_ == 0) {
    opened_at_us_ = now_us;
    first_us_ = last_us_ = alert.time_us;
  } else {
    first_us_ = std::min(first_us_, alert.time_us);
    last_us_ = std::max(last_us_, alert.time_us);
  }
  ++open_count_;
  if (open_count_ >= options_.max_alerts) close_batch(body_.size(), closed);
}

void BatchWriter::poll(std::int64_t now_us, std::vector<EncodedBatch>& closed) {
  if (open_count_ > 0 && now_us >= deadline_us()) close_batch(body_.size(), closed);
}

void BatchWriter::flush(std::vector<EncodedBatch>& closed) {
  if (open_count_ > 0) close_batch(body_.size(), closed);
}

void BatchWriter::close_batch(std::size_t body_bytes, std::vector<EncodedBatch>& closed) {
  EncodedBatch batch;
  batch.sequence = next_sequence_++;
  batch.alert_count = static_cast<std::uint32_t>(open_count_);
  batch.first_us = first_us_;
  batch.last_us = last_us_;

  header_.clear();
  header_.append("{\"logsift_batch\":{\"schema_version\":");
  append_json_int(kBatchSchemaVersion, header_);
  header_.append(",\"sequence\":");
  append_json_uint(batch.sequence, header_);
  header_.append(",\"alerts\":");
  append_json_uint(batch.alert_count, header_);
  header_.append(",\"time_range\":{\"start\":");
  append_rfc3339_us(batch.first_us, header_);
  header_.append(",\"end\":");
  append_rfc3339_us(batch.last_us, header_);
  header_.append("},\"producer\":");
  append_json_string(options_.producer_id, header_);
  header_.append(",\"dropped_alerts\":");
  append_json_uint(dropped_since_last_, header_);
  header_.append(",\"dropped_alerts_total\":");
  append_json_uint(dropped_total_, header_);
  header_.append("}}\n");
  batch.dropped_alerts = dropped_since_last_;
  dropped_since_last_ = 0;

  const std::string_view body(body_.data(), body_bytes);
  check(ZSTD_CCtx_reset(cctx_, ZSTD_reset_session_only), "ZSTD_CCtx_reset");
  check(ZSTD_CCtx_setPledgedSrcSize(cctx_, header_.size() + body.size()), "pledged size");
  batch.bytes.reserve(ZSTD_compressBound(header_.size() + body.size()));
  compress_into(cctx_, header_, ZSTD_e_continue, batch.bytes);
  compress_into(cctx_, body, ZSTD_e_end, batch.bytes);

  body_.erase(0, body_bytes);
  open_count_ = 0;
  closed.push_back(std::move(batch));
}

}  // namespace logsift::emit
