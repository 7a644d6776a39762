// The status page and its JSON twin, rendered from a published StatusView.
//
//   status_html()  GET /            one self-contained HTML page: inline CSS and SVG plots, no
//                                   script, no external resource; refreshes itself every 10 s
//   status_json()  GET /api/status  the same content for tools (times in RFC 3339 UTC)
//   problems_json() GET /api/problems  only the open and recently resolved problems
//
// Everything that came from a log line, a rule or a config is escaped (html_text.h, or JSON
// string escaping), so a log line can never add markup or script to the page. Ticket links are
// taken from the jira sinks' problem -> issue maps.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <span>
#include <string>

#include "daemon/status/status_view.h"

namespace logsift::status {

std::string status_html(const StatusView& view, std::span<const TicketLinks> tickets);
std::string status_json(const StatusView& view, std::span<const TicketLinks> tickets);
std::string problems_json(const StatusView& view, std::span<const TicketLinks> tickets);

// Reads the text of a jira sink's jira-issues.tsv ("<problem id hex>\t<issue key>\t<time>"
// lines) into links; lines that do not parse are skipped.
TicketLinks parse_ticket_links(std::string sink, std::string base_url, std::string_view tsv);

}  // namespace logsift::status
