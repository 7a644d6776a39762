// A hand-written RELP client for the ingest tests: frames, the open handshake, reading answers
// until an expected text arrived, and the consumer side that reports batches processed.
#pragma once

#include "tests/ingest/ingest_test_support.h"

namespace ingest_test {

inline std::string relp_frame(std::uint32_t txnr, std::string_view command, std::string_view data) {
  std::string f = std::to_string(txnr) + " " + std::string(command) + " " + std::to_string(data.size());
  if (!data.empty()) f += " " + std::string(data);
  return f + "\n";
}

// What omrelp offers (txnr 1).
inline std::string relp_open() {
  return relp_frame(1, "open", "relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog");
}

inline std::string relp_open_answer() {
  return "1 rsp 59 200 OK\nrelp_version=0\nrelp_software=logsift\ncommands=syslog\n";
}

// Reads until the text read ends with `needle` (or the peer closes, or 10 s pass); returns it.
inline std::string read_until(const Socket& s, std::string_view needle, int timeout_ms = 10000) {
  std::string text;
  const Deadline until = deadline_in(timeout_ms);
  while (!text.ends_with(needle) && std::chrono::steady_clock::now() < until) {
    pollfd p{s.fd, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    char c;  // one byte at a time: never read past the needle
    if (::recv(s.fd, &c, 1, 0) <= 0) break;
    text.push_back(c);
  }
  return text;
}

// Reads (and discards) answers until the server closes the connection; false after 10 s.
inline bool read_to_close(const Socket& s, int timeout_ms = 10000) {
  const Deadline until = deadline_in(timeout_ms);
  char buffer[4096];
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{s.fd, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    if (::recv(s.fd, buffer, sizeof buffer, 0) <= 0) return true;
  }
  return false;
}

// A batch the test popped as the pipeline would: its messages, and who to tell it was processed.
struct PoppedBatch {
  std::vector<std::string> messages;
  std::weak_ptr<BatchObserver> observer;
  std::uint64_t ticket = 0;

  void report_processed() {
    if (auto o = observer.lock()) o->on_batch_processed(ticket);
  }
};

// Pops batches until at least `count` messages arrived (or 10 s passed).
inline std::vector<PoppedBatch> pop_messages(Harness& h, std::size_t count) {
  std::vector<PoppedBatch> out;
  std::size_t total = 0;
  const Deadline until = deadline_in(10000);
  while (total < count && std::chrono::steady_clock::now() < until) {
    std::unique_ptr<RawBatch> batch;
    if (h.queue.pop(batch, std::chrono::milliseconds(20)) != QueueStatus::kOk) continue;
    PoppedBatch popped{{}, batch->observer(), batch->ticket()};
    for (const RawMessage& m : batch->messages()) popped.messages.emplace_back(batch->view(m));
    total += popped.messages.size();
    out.push_back(std::move(popped));
    h.pool.release(std::move(batch));
  }
  return out;
}

inline std::vector<std::string> messages_of(const std::vector<PoppedBatch>& batches) {
  std::vector<std::string> out;
  for (const auto& b : batches) out.insert(out.end(), b.messages.begin(), b.messages.end());
  return out;
}

}  // namespace ingest_test
