// Where a record of the incidents topic goes: its key and its partition.
//
// Keys are 16 lowercase hex digits: the signature id for an incident, the shape hash for an
// unmatched message. The partition is Kafka's own murmur2 partitioner applied to the key text
// (what the Java client and librdkafka's murmur2_random compute), modulo the fixed partition
// count, so the same signature lands on the same partition from every ingest node, and any Kafka
// tool producing with that key agrees. logsift sets the partition itself when producing, so the
// producer's `partitioner` setting cannot change it.
//
// The shape hash keys unmatched messages by what the template miner would see without asking the
// miner: the message masked (detect/variable_mask.h: numbers, addresses, ids become "<*>") and
// hashed. The miner's template ids change as templates generalise and differ between miners;
// the shape hash of a message never does, so every occurrence of one shape meets one miner.
//
// Pure functions; thread-safe (shape_hash() writes only the caller's scratch).
#pragma once

#include <cstdint>
#include <string_view>

#include "daemon/detect/variable_mask.h"

namespace logsift::cluster {

// Kafka's murmur2 of `key` (seed 0x9747b28c), as org.apache.kafka.common.utils.Utils.murmur2.
std::uint32_t murmur2(std::string_view key);

// The partition of `key` among `partitions` (> 0): (murmur2(key) & 0x7fffffff) % partitions.
std::uint32_t partition_of(std::string_view key, std::uint32_t partitions);

// The 16-hex-digit key of a signature id or shape hash, written into `out`.
void write_key(std::uint64_t id, char (&out)[16]);

// The stateless shape of an unmatched message: XXH3 of its masked tokens (at most `max_tokens`,
// as the miner keeps them). `scratch` is reused between calls.
std::uint64_t shape_hash(std::string_view message, std::size_t max_tokens, detect::MaskedTokens& scratch);

}  // namespace logsift::cluster
