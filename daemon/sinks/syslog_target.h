// The `syslog` sink: alerts as RFC 5424 messages over TCP or TLS with octet counting (RFC 6587,
// RFC 5425), for SIEMs that take syslog (QRadar, ArcSight, another rsyslog or syslog-ng).
//
// One message per alert:
//   <PRI>1 <@timestamp> <this host> logsift - <event.action> - <the alert JSON>
// PRI = facility local0 (16) * 8 + a severity from event.severity: critical 2 (crit), high 3
// (err), medium 4 (warning), low 5 (notice), informational 6 (info). Each frame is
// "<length> <message>". `address` and `port` name the receiver; `tls` turns on TLS (CA and host
// name verification on by default).
//
// Confirmation is weaker than the HTTP sinks': TCP syslog has no application-level
// acknowledgement, so a batch counts as delivered once all its frames were written and flushed
// to the connection. Before each batch an idle connection the receiver closed is noticed and
// reopened, but frames written into a connection the receiver drops at that moment can still be
// lost in kernel buffers. A failed write fails the offer, and the whole batch is sent again on a
// new connection (duplicates carry the same event.id).
#pragma once

#include <memory>
#include <string>

#include "daemon/config/config.h"
#include "daemon/emit/delivery.h"

namespace logsift::sinks {

// The error names a missing address or port, or a TLS file that could not be loaded.
std::unique_ptr<emit::DeliveryTarget> make_syslog_target(const config::SinkConfig& config, std::string& error);

// Appends one octet-counted RFC 5424 frame for `alert` (exposed for tests). `hostname` must be
// printable ASCII without spaces.
void append_syslog_frame(const emit::AlertLine& alert, int severity_score, std::string_view hostname,
                         std::string& out);

}  // namespace logsift::sinks
