#include "daemon/status/html_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

namespace logsift::status {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid, shortest-form UTF-8 sequence of a scalar value at s[i]; 0 if invalid.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

void append_number(double v, std::string& out) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, std::round(v * 10) / 10);
  out.append(buf, r.ptr);
}

}  // namespace

void append_html_text(std::string_view s, std::string& out) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out.append("&amp;"); break;
        case '<': out.append("&lt;"); break;
        case '>': out.append("&gt;"); break;
        case '"': out.append("&quot;"); break;
        case '\'': out.append("&#39;"); break;
        case '\t':
        case '\n': out.push_back(static_cast<char>(c)); break;
        default:
          if (c < 0x20 || c == 0x7F) out.append(kReplacement);
          else out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
}

void append_utc_time(std::int64_t time_us, std::string& out) {
  if (time_us == 0) {
    out.append("\xE2\x80\x93");  // "–"
    return;
  }
  const std::time_t seconds = static_cast<std::time_t>(time_us / 1'000'000 - (time_us % 1'000'000 < 0 ? 1 : 0));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  out.append(buf, n);
}

std::string ticket_url(std::string_view base_url, std::string_view key) {
  if (!(base_url.starts_with("http://") || base_url.starts_with("https://"))) return {};
  if (key.empty() || key.size() > 64) return {};
  for (char c : key) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return {};
  }
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  std::string url(base_url);
  url.append("/browse/");
  url.append(key);
  return url;
}

void append_svg_plot(std::span<const PlotLine> lines, int width, int height, std::string_view label,
                     std::string& out) {
  std::size_t points = 0;
  double top = 0;
  for (const PlotLine& l : lines) {
    points = std::max(points, l.values.size());
    for (double v : l.values) {
      if (std::isfinite(v)) top = std::max(top, v);
    }
  }
  if (top <= 0) top = 1;
  const double pad = 2;
  const double dx = points > 1 ? (width - 2 * pad) / static_cast<double>(points - 1) : 0;
  const double dy = (height - 2 * pad) / top;
  out.append("<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"");
  out.append(std::to_string(width));
  out.append("\" height=\"");
  out.append(std::to_string(height));
  out.append("\" viewBox=\"0 0 ");
  out.append(std::to_string(width) + " " + std::to_string(height));
  out.append("\" role=\"img\" aria-label=\"");
  append_html_text(label, out);
  out.append("\"><title>");
  append_html_text(label, out);
  out.append("</title>");
  for (const PlotLine& l : lines) {
    // Runs of known values become polylines; a value alone between gaps becomes a dot.
    const auto known = [&](std::size_t i) { return i < l.values.size() && l.values[i] >= 0 && std::isfinite(l.values[i]); };
    for (std::size_t i = 0; i < l.values.size(); ++i) {
      if (!known(i)) continue;
      std::size_t end = i;
      while (known(end + 1)) ++end;
      out.append(end == i ? "<circle class=\"" : "<polyline class=\"");
      out.append(l.css_class);  // a constant from this program, not from input
      if (end == i) {
        out.append("\" r=\"1.5\" cx=\"");
        append_number(pad + dx * static_cast<double>(i), out);
        out.append("\" cy=\"");
        append_number(height - pad - dy * l.values[i], out);
        out.append("\"/>");
        continue;
      }
      out.append("\" points=\"");
      for (std::size_t k = i; k <= end; ++k) {
        if (k > i) out.push_back(' ');
        append_number(pad + dx * static_cast<double>(k), out);
        out.push_back(',');
        append_number(height - pad - dy * l.values[k], out);
      }
      out.append("\"/>");
      i = end;
    }
  }
  out.append("</svg>");
}

}  // namespace logsift::status
