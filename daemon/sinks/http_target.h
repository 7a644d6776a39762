// The `http` sink: each batch POSTed whole, as the batch file (docs/alerts.md), to `url`.
//
//   POST <url path>
//   Content-Type: application/x-ndjson
//   Content-Encoding: zstd
//   X-Logsift-Batch-Sequence: <header sequence>
//   Authorization: Bearer <token from token_file>   (or Basic from username + password_file)
//   <the zstd frame: batch header line, then one ECS alert per line>
//
// Any 2xx confirms the whole batch; anything else (and transport errors) fails the offer, which
// the delivery thread retries with backoff. The receiver sees the batch sequence in the header and
// in the body's first line and can drop a resent batch or its alerts by event.id.
#pragma once

#include <memory>
#include <string>

#include "daemon/config/config.h"
#include "daemon/emit/delivery.h"

namespace logsift::sinks {

// Reads token_file now when it is set; the error names the file or the bad url.
std::unique_ptr<emit::DeliveryTarget> make_http_target(const config::SinkConfig& config, std::string& error);

}  // namespace logsift::sinks
