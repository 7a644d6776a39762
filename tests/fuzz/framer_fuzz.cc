// libFuzzer target: any byte stream through the RFC 6587 TCP framer, fed in the split points the
// input itself chooses, in octet-counting and NDJSON modes. Every frame must lie within limits.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/ingest/tcp_framer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t chunk = 1 + data[0] % 17;  // the first byte picks the read size
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (bool octets : {true, false}) {
    logsift::ingest::TcpFramer framer({/*max_message_bytes=*/32, octets, /*max_octet_count=*/1000});
    logsift::ingest::Frame frame;
    for (std::size_t pos = 0; pos < stream.size(); pos += chunk) {
      std::string_view input = stream.substr(pos, chunk);
      for (;;) {
        auto event = framer.next(input, frame);
        if (event == logsift::ingest::FrameEvent::kNeedMore) break;
        if (event == logsift::ingest::FrameEvent::kMessage && frame.data.size() > 32) std::abort();
      }
    }
    if (framer.finish(frame) && frame.data.size() > 32) std::abort();
  }
  return 0;
}
