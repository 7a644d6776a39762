// The `elasticsearch` sink: alerts to Elasticsearch or OpenSearch with the _bulk API.
//
// One `create` action per alert, `_id` = event.id, into an index named from the alert's own
// @timestamp (`index`, strftime fields, default logsift-alerts-%Y.%m.%d, UTC), so a resend
// of the same alert lands in the same index and is refused as a duplicate instead of stored
// twice:
//   {"create":{"_index":"logsift-alerts-2026.03.09","_id":"6f1c0b9e2d4a7785"}}
//   <the alert object>
// Bodies are NDJSON (Content-Type: application/x-ndjson), gzip-compressed when `gzip` is on.
// Auth: basic (`username` + `password_file`) or an API key (`token_file`, the base64 "id:key"
// Elasticsearch prints, sent as `Authorization: ApiKey ...`).
//
// Per item of the response, in order: 2xx delivered; 409 already there, counted as a duplicate
// and settled; 429 and 5xx left for the next offer (only those items are sent again); any other
// status goes to the dead letters with the item's error type and reason. A whole request
// refused (429, 5xx, 401/403, transport errors) fails the offer and is retried with backoff.
#pragma once

#include <memory>
#include <string>

#include "daemon/config/config.h"
#include "daemon/emit/delivery.h"

namespace logsift::sinks {

// Reads token_file or password_file now; the error names the file or the bad url.
std::unique_ptr<emit::DeliveryTarget> make_elasticsearch_target(const config::SinkConfig& config, std::string& error);

}  // namespace logsift::sinks
