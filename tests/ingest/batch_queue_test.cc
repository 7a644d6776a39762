// Tests daemon/ingest/raw_batch.cc and batch_queue.cc.
#include "daemon/ingest/batch_queue.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <thread>

#include "daemon/ingest/raw_batch.h"

using namespace logsift::ingest;
using std::chrono::milliseconds;

TEST_CASE("raw batch stores messages back to back with zeroed padding after each", "[ingest][batch]") {
  RawBatch batch(BatchLimits{1024, 8});
  PeerAddress peer;
  peer.bytes[0] = 127;
  peer.bytes[3] = 1;
  batch.append("hello", 42, peer, 3, 0);
  batch.append("world!", 43, peer, 3, kMessageTruncated);
  REQUIRE(batch.size() == 2);
  const RawMessage& second = batch.messages()[1];
  CHECK(batch.view(batch.messages()[0]) == "hello");
  CHECK(batch.view(second) == "world!");
  CHECK(second.offset == 5 + kPadding);
  CHECK(second.flags == kMessageTruncated);
  CHECK(second.listener_index == 3);
  CHECK(second.arrival_us == 43);
  CHECK(second.peer.to_string() == "127.0.0.1:0");
  for (std::size_t i = 0; i < kPadding; ++i) CHECK(batch.data()[second.offset + second.length + i] == '\0');
  CHECK(batch.payload_bytes() == 11);
}

TEST_CASE("raw batch refuses what exceeds its byte or message capacity and keeps memory on reset",
          "[ingest][batch]") {
  RawBatch batch(BatchLimits{2 * (10 + kPadding), 3});
  PeerAddress peer;
  CHECK(batch.fits(10));
  batch.append("0123456789", 0, peer, 0, 0);
  CHECK(batch.fits(10));
  CHECK_FALSE(batch.fits(11));
  batch.append("0123456789", 0, peer, 0, 0);
  CHECK_FALSE(batch.fits(0));
  const char* memory = batch.data();
  batch.reset();
  CHECK(batch.empty());
  CHECK(batch.data() == memory);
  // Stale bytes from before the reset never show up in the padding.
  batch.append("ab", 0, peer, 0, 0);
  CHECK(std::memcmp(batch.data() + 2, std::string(kPadding, '\0').data(), kPadding) == 0);
}

TEST_CASE("batch pool recycles batches instead of allocating", "[ingest][batch]") {
  BatchPool pool(BatchLimits{4096, 16}, 4);
  auto a = pool.acquire();
  auto b = pool.acquire();
  RawBatch* raw_a = a.get();
  a->append("x", 0, PeerAddress{}, 0, 0);
  pool.release(std::move(a));
  auto c = pool.acquire();
  CHECK(c.get() == raw_a);
  CHECK(c->empty());
  CHECK(pool.allocated() == 2);
}

TEST_CASE("batch queue refuses pushes when full and keeps the batch with the producer", "[ingest][queue]") {
  BatchQueue queue(2);
  BatchPool pool(BatchLimits{4096, 16});
  auto first = pool.acquire();
  auto second = pool.acquire();
  auto third = pool.acquire();
  REQUIRE(queue.try_push(first) == QueueStatus::kOk);
  CHECK(first == nullptr);
  REQUIRE(queue.try_push(second) == QueueStatus::kOk);
  REQUIRE(queue.try_push(third) == QueueStatus::kFull);
  CHECK(third != nullptr);
  CHECK(queue.depth() == 2);
  CHECK(queue.rejected_pushes() == 1);
}

TEST_CASE("batch queue calls space callbacks on the pop after a refused push, once", "[ingest][queue]") {
  BatchQueue queue(1);
  BatchPool pool(BatchLimits{4096, 16});
  std::atomic<int> calls{0};
  auto id = queue.add_space_callback([&] { ++calls; });
  auto a = pool.acquire();
  auto b = pool.acquire();
  REQUIRE(queue.try_push(a) == QueueStatus::kOk);
  std::unique_ptr<RawBatch> out;
  REQUIRE(queue.pop(out, milliseconds(0)) == QueueStatus::kOk);
  CHECK(calls == 0);  // nobody was refused
  a = std::move(out);
  REQUIRE(queue.try_push(a) == QueueStatus::kOk);
  REQUIRE(queue.try_push(b) == QueueStatus::kFull);
  REQUIRE(queue.pop(out, milliseconds(0)) == QueueStatus::kOk);
  CHECK(calls == 1);
  REQUIRE(queue.try_push(b) == QueueStatus::kOk);
  REQUIRE(queue.pop(out, milliseconds(0)) == QueueStatus::kOk);
  CHECK(calls == 1);
  queue.remove_space_callback(id);
}

TEST_CASE("batch queue pop times out when empty and drains before reporting closed", "[ingest][queue]") {
  BatchQueue queue(4);
  BatchPool pool(BatchLimits{4096, 16});
  std::unique_ptr<RawBatch> out;
  CHECK(queue.pop(out, milliseconds(1)) == QueueStatus::kTimeout);
  auto a = pool.acquire();
  REQUIRE(queue.try_push(a) == QueueStatus::kOk);
  queue.close();
  auto b = pool.acquire();
  CHECK(queue.try_push(b) == QueueStatus::kClosed);
  CHECK(queue.pop(out, milliseconds(1)) == QueueStatus::kOk);
  CHECK(queue.pop(out, milliseconds(1)) == QueueStatus::kClosed);
  CHECK(out == nullptr);
}

TEST_CASE("batch queue blocking push waits for space", "[ingest][queue]") {
  BatchQueue queue(1);
  BatchPool pool(BatchLimits{4096, 16});
  auto a = pool.acquire();
  auto b = pool.acquire();
  REQUIRE(queue.try_push(a) == QueueStatus::kOk);
  CHECK(queue.push(b, milliseconds(1)) == QueueStatus::kTimeout);
  std::thread consumer([&] {
    std::unique_ptr<RawBatch> out;
    (void)queue.pop(out, milliseconds(5000));
  });
  CHECK(queue.push(b, milliseconds(5000)) == QueueStatus::kOk);
  consumer.join();
  CHECK(queue.depth() == 1);
}
