// Tests daemon/ingest/tcp_framer.cc: RFC 6587 framing detected per frame, at any read boundary.
#include "daemon/ingest/tcp_framer.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

namespace {

using logsift::ingest::Frame;
using logsift::ingest::FrameEvent;
using logsift::ingest::FramerOptions;
using logsift::ingest::TcpFramer;

struct Out {
  std::vector<std::string> messages;
  std::vector<bool> truncated;
  int framing_errors = 0;
  bool operator==(const Out&) const = default;
};

void feed(TcpFramer& framer, std::string_view chunk, Out& out) {
  Frame frame;
  for (;;) {
    FrameEvent event = framer.next(chunk, frame);
    if (event == FrameEvent::kNeedMore) break;
    if (event == FrameEvent::kFramingError) {
      ++out.framing_errors;
      continue;
    }
    out.messages.emplace_back(frame.data);
    out.truncated.push_back(frame.truncated);
  }
  CHECK(chunk.empty());
}

Out frame_chunks(const std::vector<std::string>& chunks, FramerOptions options = {}) {
  TcpFramer framer(options);
  Out out;
  for (const auto& chunk : chunks) feed(framer, chunk, out);
  return out;
}

Out frame_whole(const std::string& stream, FramerOptions options = {}) { return frame_chunks({stream}, options); }

Out frame_bytewise(const std::string& stream, FramerOptions options = {}) {
  std::vector<std::string> chunks;
  for (char c : stream) chunks.emplace_back(1, c);
  return frame_chunks(chunks, options);
}

FramerOptions small(std::size_t max_message_bytes) {
  FramerOptions options;
  options.max_message_bytes = max_message_bytes;
  options.max_octet_count = 1000;
  return options;
}

}  // namespace

TEST_CASE("framer splits newline-terminated messages and drops CR before LF", "[ingest][framer]") {
  Out out = frame_whole("<13>one\n<13>two\r\n<13>three\n");
  REQUIRE(out.messages == std::vector<std::string>{"<13>one", "<13>two", "<13>three"});
  CHECK(out.framing_errors == 0);
}

TEST_CASE("framer treats NUL as a terminator and skips empty lines", "[ingest][framer]") {
  static const char kStream[] = "<13>one\0<13>two\n\n\r\n\0<13>three\n";
  Out out = frame_whole(std::string(kStream, sizeof kStream - 1));
  REQUIRE(out.messages == std::vector<std::string>{"<13>one", "<13>two", "<13>three"});
}

TEST_CASE("framer reads octet-counted frames, whose body may contain LF", "[ingest][framer]") {
  Out out = frame_whole("11 <13>a\nb c d7 <13>two");
  REQUIRE(out.messages == std::vector<std::string>{"<13>a\nb c d", "<13>two"});
}

TEST_CASE("framer detects the framing per frame when a sender mixes both", "[ingest][framer]") {
  Out out = frame_whole("8 <13>oct1<13>line1\n8 <13>oct2\n<13>line2\n");
  REQUIRE(out.messages == std::vector<std::string>{"<13>oct1", "<13>line1", "<13>oct2", "<13>line2"});
}

TEST_CASE("framer treats a leading digit run without a space as line text", "[ingest][framer]") {
  Out out = frame_whole("2024-03-09 host app: hi\n0 zero\n42\n");
  REQUIRE(out.messages == std::vector<std::string>{"2024-03-09 host app: hi", "0 zero", "42"});
  CHECK(out.framing_errors == 0);
}

TEST_CASE("framer in newline-only mode keeps a count-like prefix as text (NDJSON)", "[ingest][framer]") {
  FramerOptions options;
  options.detect_octet_counting = false;
  Out out = frame_whole("12 {\"a\":1}\n{\"b\":2}\n", options);
  REQUIRE(out.messages == std::vector<std::string>{"12 {\"a\":1}", "{\"b\":2}"});
}

TEST_CASE("framer truncates an oversize line, flags it and skips to its LF", "[ingest][framer]") {
  Out out = frame_whole("0123456789abcdef\nshort\n", small(8));
  REQUIRE(out.messages == std::vector<std::string>{"01234567", "short"});
  REQUIRE(out.truncated == std::vector<bool>{true, false});
}

TEST_CASE("framer does not flag a line of exactly the maximum followed by CRLF", "[ingest][framer]") {
  for (const Out& out : {frame_whole("01234567\r\nx\n", small(8)), frame_bytewise("01234567\r\nx\n", small(8))}) {
    REQUIRE(out.messages == std::vector<std::string>{"01234567", "x"});
    REQUIRE(out.truncated == std::vector<bool>{false, false});
  }
}

TEST_CASE("framer truncates an oversize octet frame and skips exactly its remaining bytes", "[ingest][framer]") {
  // The skipped tail contains an LF: octet counting must not resynchronise on it.
  Out out = frame_whole("20 0123456789\nabcdefghi5 after", small(8));
  REQUIRE(out.messages == std::vector<std::string>{"01234567", "after"});
  REQUIRE(out.truncated == std::vector<bool>{true, false});
  CHECK(out.framing_errors == 0);
}

TEST_CASE("framer counts a count above the hard limit as a framing error and resyncs at LF", "[ingest][framer]") {
  Out out = frame_whole("99999 garbage that is not a frame\n<13>next\n123456789012345678901234 x\n<13>last\n",
                        small(64));
  REQUIRE(out.messages == std::vector<std::string>{"<13>next", "<13>last"});
  CHECK(out.framing_errors == 2);
}

TEST_CASE("framer hands out an unterminated line or a cut octet frame at end of stream", "[ingest][framer]") {
  TcpFramer framer(FramerOptions{});
  Out out;
  feed(framer, "<13>done\n<13>no newline", out);
  Frame frame;
  REQUIRE(framer.finish(frame));
  CHECK(frame.data == "<13>no newline");
  CHECK_FALSE(frame.truncated);
  CHECK_FALSE(framer.finish(frame));

  feed(framer, "50 <13>cut short", out);
  REQUIRE(framer.finish(frame));
  CHECK(frame.data == "<13>cut short");
  CHECK(frame.truncated);
}

TEST_CASE("framer gives the same messages for any split of a mixed stream", "[ingest][framer]") {
  std::string stream;
  stream += "8 <13>oct1<14>line one\r\n";
  stream += std::string("<15>nul\0", 8);
  stream += "30 <13>octet body longer than 16!";  // 30 bytes: truncated to 16
  stream += "<16>a line that is longer than sixteen bytes\n";
  stream += "77777 resync me\n";
  stream += "2024-03-09 plain\n\n";
  stream += "5 <13>x";
  const FramerOptions options = small(16);
  const Out expected = frame_whole(stream, options);
  REQUIRE(expected.messages == std::vector<std::string>{"<13>oct1", "<14>line one", "<15>nul", "<13>octet body l",
                                                        "<16>a line that ", "2024-03-09 plain", "<13>x"});
  REQUIRE(expected.framing_errors == 1);

  SECTION("one byte at a time") { CHECK(frame_bytewise(stream, options) == expected); }
  SECTION("split into two at every position") {
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
      INFO("cut at " << cut);
      CHECK(frame_chunks({stream.substr(0, cut), stream.substr(cut)}, options) == expected);
    }
  }
  SECTION("random splits") {
    std::mt19937 rng(12345);
    for (int round = 0; round < 500; ++round) {
      std::vector<std::string> chunks;
      std::size_t at = 0;
      while (at < stream.size()) {
        std::size_t n = std::uniform_int_distribution<std::size_t>(0, 12)(rng);
        chunks.push_back(stream.substr(at, n));
        at += n;
      }
      CHECK(frame_chunks(chunks, options) == expected);
    }
  }
}
