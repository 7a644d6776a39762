// HTML text primitives for the status page: escaping, times, ticket URLs and inline SVG plots.
//
// Everything a log line (or a rule, a host, a sink's error) puts on the page goes through
// append_html_text(), which makes it inert in element content and in quoted attribute values:
// the five markup characters become entities, control characters and every byte that does not
// start a valid UTF-8 sequence become U+FFFD. Plots are built from numbers only.
//
// Stateless; each function appends to a caller-owned string.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace logsift::status {

// `s` escaped for HTML element content and double- or single-quoted attribute values.
void append_html_text(std::string_view s, std::string& out);

// "2026-03-09 07:12:44" (UTC) for microseconds since the epoch; "–" for 0.
void append_utc_time(std::int64_t time_us, std::string& out);

// `base_url` + "/browse/" + `key` when base_url is an http(s) URL and key looks like a Jira issue
// key (letters, digits, '_' and one '-' run: "OPS-12"); "" otherwise. The result still needs
// append_html_text() in an attribute.
std::string ticket_url(std::string_view base_url, std::string_view key);

// One line of a plot: values in drawing order, negative = unknown (a gap in the line).
struct PlotLine {
  std::span<const double> values;
  std::string_view css_class;  // "obs", "exp", "trend", "limit"
};

// An inline <svg> of `lines` scaled together to width x height pixels (the x axis spans the
// longest line; y from 0 to the largest value). `label` is its accessible name (escaped here).
void append_svg_plot(std::span<const PlotLine> lines, int width, int height, std::string_view label,
                     std::string& out);

}  // namespace logsift::status
