// The `webhook` sink: one HTTP POST per alert, its body rendered from the sink's template
// (body_template.h), for ServiceNow, PagerDuty, Opsgenie, Slack, Teams and anything that takes a
// JSON request per event.
//
// Delivery per alert: 2xx delivered; 408, 429 and 5xx (and transport errors) make the batch fail
// and be offered again later, resuming after the alerts already delivered (BatchProgress); any
// other 4xx is a refusal for good: the alert goes to the dead letters with the status and the
// start of the response. Headers: Content-Type from the config, Authorization from token_file
// ("Bearer <token>") or username/password_file (basic), X-Logsift-Event-Id with the alert's
// event.id so a receiver can drop resends.
#pragma once

#include <memory>
#include <string>

#include "daemon/config/config.h"
#include "daemon/emit/delivery.h"

namespace logsift::sinks {

// Null with `error` set ("sink NAME: ...") when the URL, the template or a secret file is wrong.
std::unique_ptr<emit::DeliveryTarget> make_webhook_target(const config::SinkConfig& config, std::string& error);

}  // namespace logsift::sinks
