// TcpFramer throughput on a stream that mixes octet-counted and newline-terminated frames, as a
// connection delivers it: in 32 KiB reads. Checks the framed output before timing.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "daemon/ingest/raw_batch.h"
#include "daemon/ingest/tcp_framer.h"

namespace {

using logsift::ingest::Frame;
using logsift::ingest::FrameEvent;
using logsift::ingest::FramerOptions;
using logsift::ingest::BatchLimits;
using logsift::ingest::PeerAddress;
using logsift::ingest::RawBatch;
using logsift::ingest::TcpFramer;

constexpr std::size_t kReadBytes = 32 * 1024;

struct Corpus {
  std::string stream;
  std::size_t messages = 0;
  std::size_t payload_bytes = 0;
};

Corpus make_corpus(std::size_t count) {
  Corpus c;
  for (std::size_t i = 0; i < count; ++i) {
    std::string line = "<34>1 2026-03-09T07:12:44.123Z edge" + std::to_string(i % 50) +
                       " sshd 2211 - - Failed password for invalid user oracle from 203.0.113." +
                       std::to_string(i % 250) + " port " + std::to_string(40000 + i % 20000) + " ssh2";
    switch (i % 3) {
      case 0: c.stream += std::to_string(line.size()) + " " + line; break;
      case 1: c.stream += line + "\n"; break;
      default: c.stream += line + "\r\n"; break;
    }
    ++c.messages;
    c.payload_bytes += line.size();
  }
  return c;
}

// Frames the whole stream in kReadBytes pieces; returns messages and bytes seen.
std::pair<std::size_t, std::size_t> frame_stream(TcpFramer& framer, const std::string& stream) {
  std::size_t messages = 0, bytes = 0;
  Frame frame;
  for (std::size_t at = 0; at < stream.size(); at += kReadBytes) {
    std::string_view chunk(stream.data() + at, std::min(kReadBytes, stream.size() - at));
    while (framer.next(chunk, frame) == FrameEvent::kMessage) {
      ++messages;
      bytes += frame.data.size();
    }
  }
  return {messages, bytes};
}

void BM_TcpFramerMixed(benchmark::State& state) {
  static const Corpus corpus = make_corpus(100000);
  TcpFramer framer(FramerOptions{});
  auto [messages, bytes] = frame_stream(framer, corpus.stream);
  if (messages != corpus.messages || bytes != corpus.payload_bytes || framer.mid_frame()) {
    std::fprintf(stderr, "ingest_bench: framer output wrong: %zu messages, %zu bytes (want %zu, %zu)\n", messages,
                 bytes, corpus.messages, corpus.payload_bytes);
    std::abort();
  }
  for (auto _ : state) {
    auto result = frame_stream(framer, corpus.stream);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.stream.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * corpus.messages));
}
BENCHMARK(BM_TcpFramerMixed)->Unit(benchmark::kMillisecond);

// What a connection does per read: frame, then copy each message into a padded 1 MiB batch
// (the batch is reset when full, as if pushed and recycled).
std::pair<std::size_t, std::size_t> frame_into_batches(TcpFramer& framer, RawBatch& batch, const std::string& stream) {
  std::size_t messages = 0, bytes = 0;
  const PeerAddress peer;
  Frame frame;
  for (std::size_t at = 0; at < stream.size(); at += kReadBytes) {
    std::string_view chunk(stream.data() + at, std::min(kReadBytes, stream.size() - at));
    for (;;) {
      if (!batch.fits(framer.options().max_message_bytes)) {
        messages += batch.size();
        bytes += batch.payload_bytes();
        batch.reset();
      }
      if (framer.next(chunk, frame) != FrameEvent::kMessage) break;
      batch.append(frame.data, 0, peer, 0, frame.truncated);
    }
  }
  messages += batch.size();
  bytes += batch.payload_bytes();
  batch.reset();
  return {messages, bytes};
}

void BM_TcpFramerIntoBatches(benchmark::State& state) {
  static const Corpus corpus = make_corpus(100000);
  TcpFramer framer(FramerOptions{});
  RawBatch batch(BatchLimits{1u << 20, 4096});
  auto [messages, bytes] = frame_into_batches(framer, batch, corpus.stream);
  if (messages != corpus.messages || bytes != corpus.payload_bytes) {
    std::fprintf(stderr, "ingest_bench: batched output wrong: %zu messages, %zu bytes\n", messages, bytes);
    std::abort();
  }
  for (auto _ : state) {
    auto result = frame_into_batches(framer, batch, corpus.stream);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.stream.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * corpus.messages));
}
BENCHMARK(BM_TcpFramerIntoBatches)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
