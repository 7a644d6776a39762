// IncidentSender: an ingest node's pipeline::IncidentRelay. Each incident becomes one record of
// the incidents topic keyed by its signature id, each unmatched trouble record one keyed by its
// shape hash (partitioning.h), on the partition that key picks, with the detection time as the
// record's timestamp and the incident_codec.h encoding as its value.
//
// One sender per worker thread (its encoding buffers are its own); the RecordProducer behind
// them is shared. relay() blocks while the producer's queue is full (backpressure).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "daemon/cluster/record_producer.h"
#include "daemon/detect/variable_mask.h"
#include "daemon/pipeline/incident_relay.h"

namespace logsift::cluster {

class IncidentSender final : public pipeline::IncidentRelay {
 public:
  // `topic` from producer.topic(); `max_tokens` as the template miner masks messages.
  IncidentSender(RecordProducer& producer, rd_kafka_topic_s* topic, std::uint32_t partitions, std::size_t max_tokens)
      : producer_(producer), topic_(topic), partitions_(partitions), max_tokens_(max_tokens) {}

  void relay(std::span<const detect::Incident> incidents,
             std::span<const pipeline::DetectShards::Unmatched> unmatched) override;

 private:
  void send(std::uint64_t key_hash, std::int64_t time_us);

  RecordProducer& producer_;
  rd_kafka_topic_s* topic_;
  std::uint32_t partitions_;
  std::size_t max_tokens_;
  std::string value_;  // one record's encoding, capacity reused
  detect::MaskedTokens tokens_;
};

}  // namespace logsift::cluster
