// IncidentSender; see incident_sender.h.
#include "daemon/cluster/incident_sender.h"

#include "daemon/cluster/incident_codec.h"
#include "daemon/cluster/partitioning.h"

namespace logsift::cluster {

namespace {

// Kafka timestamps are milliseconds; floor division keeps times before 1970 ordered.
std::int64_t to_ms(std::int64_t us) { return us >= 0 ? us / 1000 : -((-us + 999) / 1000); }

}  // namespace

void IncidentSender::relay(std::span<const detect::Incident> incidents,
                           std::span<const pipeline::DetectShards::Unmatched> unmatched) {
  for (const detect::Incident& incident : incidents) {
    value_.clear();
    encode_match(incident, incident.time_us, value_);
    send(incident.signature, incident.time_us);
  }
  for (const pipeline::DetectShards::Unmatched& u : unmatched) {
    const std::uint64_t shape = shape_hash(u.record->message, max_tokens_, tokens_);
    value_.clear();
    encode_unmatched(*u.record, shape, u.now_us, value_);
    send(shape, u.now_us);
  }
  producer_.poll(0);  // delivery reports of earlier records: counted, and their memory freed
}

void IncidentSender::send(std::uint64_t key_hash, std::int64_t time_us) {
  char key[16];
  write_key(key_hash, key);
  const std::string_view key_text(key, sizeof key);
  // A false return means the producer is stopping or refused the record; either is counted there.
  (void)producer_.produce(topic_, partition_of(key_text, partitions_), key_text, value_, to_ms(time_us));
}

}  // namespace logsift::cluster
