// load_delivery_batch; see delivery.h.
#include "daemon/emit/delivery.h"

#include <simdjson.h>

namespace logsift::emit {
namespace {

// "2026-03-09T07:12:44.123456Z" -> microseconds since the epoch; 0 when it is not that shape.
std::int64_t parse_rfc3339_utc(std::string_view s) {
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(0, 4, year) || !digits(5, 2, month) || !digits(8, 2, day) || !digits(11, 2, hour) ||
      !digits(14, 2, minute) || !digits(17, 2, second)) {
    return 0;
  }
  std::int64_t micros = 0;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    int scale = 100000;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      micros += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  // Days from civil (Howard Hinnant's algorithm).
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = static_cast<unsigned>((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return ((days * 24 + hour) * 60 + minute) * 60'000'000LL + second * 1'000'000LL + micros;
}

// The raw text of a string field at `object.key` (or `object.key.sub`), as a view into `line`.
// simdjson returns unescaped copies in its own buffer; ids and actions never need escaping, so
// the raw token (without quotes) is the value and stays valid as long as the line does.
std::string_view raw_string(simdjson::simdjson_result<simdjson::ondemand::value> result) {
  simdjson::ondemand::value value;
  if (std::move(result).get(value) != simdjson::SUCCESS) return {};
  const std::string_view raw = value.raw_json_token();
  if (raw.size() >= 2 && raw.front() == '"') {
    const auto end = raw.rfind('"');
    if (end > 0) return raw.substr(1, end - 1);
  }
  return {};
}

}  // namespace

Expected<bool, std::string> load_delivery_batch(std::string encoded, DeliveryBatch& out) {
  out.encoded = std::move(encoded);
  out.alerts.clear();
  auto decoded = decode_batch(out.encoded);
  if (!decoded) return Unexpected{std::move(decoded).error()};
  out.decoded = std::move(decoded).value();
  const std::string_view all(out.decoded.ndjson);
  out.header_line = all.substr(0, out.decoded.header_bytes > 0 ? out.decoded.header_bytes - 1 : 0);

  // simdjson needs padding after each document it reads: parse each line from a padded copy and
  // map the fields found back to offsets in the batch's own text.
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded;
  const std::string_view body = out.decoded.alert_lines();
  std::size_t pos = 0;
  std::uint64_t line_number = 0;
  while (pos < body.size()) {
    std::size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.empty()) continue;
    padded = simdjson::padded_string(line);
    simdjson::ondemand::document doc;
    if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) {
      return Unexpected{"alert " + std::to_string(line_number) + " is not JSON"};
    }
    AlertLine alert;
    alert.json = line;
    const char* base = padded.data();
    auto in_line = [&](std::string_view v) {
      return v.empty() ? std::string_view() : line.substr(static_cast<std::size_t>(v.data() - base), v.size());
    };
    simdjson::ondemand::object object;
    if (doc.get_object().get(object) != simdjson::SUCCESS) {
      return Unexpected{"alert " + std::to_string(line_number) + " is not a JSON object"};
    }
    // Fields in the order the encoder writes them; find_field_unordered copes with any order.
    for (auto field : object) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) break;
      simdjson::ondemand::value value;
      if (field.value().get(value) != simdjson::SUCCESS) break;
      if (key == "@timestamp") {
        std::string_view stamp = value.raw_json_token();
        if (stamp.size() >= 2 && stamp.front() == '"') stamp = stamp.substr(1, stamp.rfind('"') - 1);
        alert.time_us = parse_rfc3339_utc(stamp);
      } else if (key == "event") {
        simdjson::ondemand::object event;
        if (value.get_object().get(event) != simdjson::SUCCESS) continue;
        for (auto f : event) {
          std::string_view k;
          if (f.unescaped_key().get(k) != simdjson::SUCCESS) break;
          if (k == "id") alert.event_id = in_line(raw_string(f.value()));
          else if (k == "action") alert.action = in_line(raw_string(f.value()));
        }
      } else if (key == "rule") {
        simdjson::ondemand::object rule;
        if (value.get_object().get(rule) != simdjson::SUCCESS) continue;
        for (auto f : rule) {
          std::string_view k;
          if (f.unescaped_key().get(k) != simdjson::SUCCESS) break;
          if (k == "id") alert.rule_id = in_line(raw_string(f.value()));
        }
      } else if (key == "host") {
        simdjson::ondemand::object host;
        if (value.get_object().get(host) != simdjson::SUCCESS) continue;
        for (auto f : host) {
          std::string_view k;
          if (f.unescaped_key().get(k) != simdjson::SUCCESS) break;
          if (k == "name") alert.host = in_line(raw_string(f.value()));
        }
      } else if (key == "logsift") {
        simdjson::ondemand::object ls;
        if (value.get_object().get(ls) != simdjson::SUCCESS) continue;
        for (auto f : ls) {
          std::string_view k;
          if (f.unescaped_key().get(k) != simdjson::SUCCESS) break;
          if (k == "signature_id") alert.signature_id = in_line(raw_string(f.value()));
        }
      }
    }
    if (alert.event_id.empty()) {
      return Unexpected{"alert " + std::to_string(line_number) + " has no event.id"};
    }
    out.alerts.push_back(alert);
  }
  return true;
}

}  // namespace logsift::emit
