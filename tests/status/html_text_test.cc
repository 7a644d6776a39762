#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "daemon/status/html_text.h"

using namespace logsift::status;

namespace {

std::string escaped(std::string_view s) {
  std::string out;
  append_html_text(s, out);
  return out;
}

}  // namespace

TEST_CASE("html text escapes the five markup characters", "[status]") {
  CHECK(escaped("<script>alert(\"x\" & 'y')</script>") ==
        "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
  CHECK(escaped("plain text, tabs\tand\nnewlines") == "plain text, tabs\tand\nnewlines");
}

TEST_CASE("html text replaces control characters and invalid UTF-8 with U+FFFD", "[status]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(escaped(std::string("a\0b", 3)) == "a" + fffd + "b");
  CHECK(escaped("\x1b[31mred\x7f") == fffd + "[31mred" + fffd);
  CHECK(escaped("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\xA5") == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\xA5");
  CHECK(escaped("\xC0\xBC") == fffd + fffd);           // overlong '<' stays inert
  CHECK(escaped("\xED\xA0\x80") == fffd + fffd + fffd);  // a surrogate
  CHECK(escaped("cut \xE2\x82") == "cut " + fffd + fffd);
}

TEST_CASE("ticket links are made only from http(s) bases and issue-key-like keys", "[status]") {
  CHECK(ticket_url("https://jira.example.com/", "OPS-12") == "https://jira.example.com/browse/OPS-12");
  CHECK(ticket_url("http://127.0.0.1:8080", "OPS-1") == "http://127.0.0.1:8080/browse/OPS-1");
  CHECK(ticket_url("javascript:alert(1)//", "OPS-12").empty());
  CHECK(ticket_url("https://jira", "OPS-12\"><script>").empty());
  CHECK(ticket_url("https://jira", "../admin").empty());
  CHECK(ticket_url("https://jira", "").empty());
}

TEST_CASE("utc times print as date and time, and 0 as a dash", "[status]") {
  std::string out;
  append_utc_time(1'773'040'364'000'000, out);
  CHECK(out == "2026-03-09 07:12:44");
  out.clear();
  append_utc_time(0, out);
  CHECK(out == "\xE2\x80\x93");
}

TEST_CASE("svg plots scale lines together and leave gaps for unknown values", "[status]") {
  const std::vector<double> observed{0, 10, -1, 5, 20};
  const std::vector<double> expected{5, 5, 5, 5, 5};
  const PlotLine lines[] = {{observed, "obs"}, {expected, "exp"}};
  std::string out;
  append_svg_plot(lines, 102, 24, "per minute <last hour>", out);
  CHECK(out.rfind("<svg class=\"plot\"", 0) == 0);
  CHECK(out.find("aria-label=\"per minute &lt;last hour&gt;\"") != std::string::npos);
  // x steps (102 - 2 * 2) / 4 = 24.5 px; y runs from 22 (0) up to 2 (20, the largest value).
  // Two segments of the observed line around the gap, one of the expected line.
  CHECK(out.find("<polyline class=\"obs\" points=\"2,22 26.5,12\"/>") != std::string::npos);
  CHECK(out.find("<polyline class=\"obs\" points=\"75.5,17 100,2\"/>") != std::string::npos);
  CHECK(out.find("<polyline class=\"exp\" points=\"2,17 26.5,17 51,17 75.5,17 100,17\"/>") != std::string::npos);
  CHECK(out.find("</svg>") == out.size() - 6);

  // A value alone between gaps is a dot.
  const std::vector<double> lone{-1, 4, -1};
  const PlotLine one[] = {{lone, "obs"}};
  out.clear();
  append_svg_plot(one, 10, 10, "x", out);
  CHECK(out.find("<circle class=\"obs\" r=\"1.5\" cx=\"5\" cy=\"2\"/>") != std::string::npos);
  CHECK(out.find("<polyline") == std::string::npos);
}
