// The `splunk_hec` sink: alerts to a Splunk HTTP Event Collector.
//
// Each alert becomes one HEC event on POST /services/collector/event:
//   {"time":<@timestamp, seconds>,"host":<host.name>,"source":"logsift","sourcetype":<sourcetype>,
//    "index":<index>,"event":<the alert object>,"fields":{"event_id":<event.id>}}
// several to a request (up to 1 MiB), with `Authorization: Splunk <token from token_file>`.
//
// Confirmation:
// - without `indexer_ack`, HTTP 200 confirms a request's events (Splunk has validated them; they
//   may still be lost before indexing: HEC offers nothing stronger without acknowledgement,
//   and Splunk Cloud offers acknowledgement only to Firehose).
// - with `indexer_ack`, requests go on one channel (a random GUID per target, header
//   X-Splunk-Request-Channel); each returns an ackId; /services/collector/ack is polled (100 ms,
//   doubling to 10 s) until every ackId is true. Events of requests still unacknowledged after
//   `ack_timeout` are sent again on the next offer.
// - {"code":6,"invalid-event-number":k} rejects event k of a request: events before it are in
//   (with indexer_ack they have no ackId and are sent again), event k goes to the dead letters
//   with the server's text, the events after it are sent again at once.
// - transport errors, timeouts, 5xx, 429, 401/403: the offer fails and the delivery thread retries
//   later with backoff; events already confirmed are not sent again (BatchProgress).
// Resends are duplicates by design; `fields.event_id` makes them removable at search time.
#pragma once

#include <memory>
#include <string>

#include "daemon/config/config.h"
#include "daemon/emit/delivery.h"

namespace logsift::sinks {

// Reads the token from `token_file` now; the error names the file or the bad url.
std::unique_ptr<emit::DeliveryTarget> make_splunk_hec_target(const config::SinkConfig& config, std::string& error);

}  // namespace logsift::sinks
