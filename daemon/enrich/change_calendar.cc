// ChangeCalendar: windows, their files and JSON, and alert annotation.
#include "daemon/enrich/change_calendar.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "daemon/emit/json_text.h"
#include "parsers/timestamp.h"

namespace logsift::enrich {

std::string ChangeError::to_string() const {
  return line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message;
}

// A window's host list split by kind, so matching an alert needs no parsing.
struct ChangeCalendar::Compiled {
  const ChangeWindow* window = nullptr;
  std::vector<std::string> names;
  std::vector<std::string> globs;
  std::vector<AddressRange> ranges;

  bool covers_host(std::string_view host) const {
    if (host.empty()) return false;
    for (const auto& n : names) {
      if (equal_ignore_case(n, host)) return true;
    }
    for (const auto& g : globs) {
      if (glob_match(g, host)) return true;
    }
    if (ranges.empty()) return false;
    const auto address = parse_ip(host);
    if (!address) return false;
    return std::any_of(ranges.begin(), ranges.end(), [&](const AddressRange& r) { return r.contains(*address); });
  }
  bool covers_service(std::string_view service) const {
    if (service.empty()) return false;
    return std::any_of(window->services.begin(), window->services.end(),
                       [&](const std::string& s) { return equal_ignore_case(s, service); });
  }
  // The occurrence the alert shows happened on a host the window covers.
  bool covers_occurrence(const detect::Alert& a) const {
    return covers_host(a.host) || covers_host(a.sender) || covers_service(a.context.service);
  }
  // Any host the alert's signature was seen on is covered.
  bool covers_any(const detect::Alert& a) const {
    if (covers_occurrence(a)) return true;
    return std::any_of(a.hosts.begin(), a.hosts.end(), [&](const std::string& h) { return covers_host(h); });
  }
};

namespace {

int line_of(const YAML::Node& n) { return n.Mark().line + 1; }

bool problem_alert(detect::AlertAction a) {
  return a == detect::AlertAction::kProblemOpened || a == detect::AlertAction::kProblemReopened ||
         a == detect::AlertAction::kProblemUpdated;
}

detect::ChangeMark mark_of(const ChangeWindow& w) {
  detect::ChangeMark m;
  m.id = w.id;
  m.summary = w.summary;
  m.requested_by = w.requested_by;
  m.rollback_contact = w.rollback_contact;
  m.from_us = w.from_us;
  m.to_us = w.end_us();
  return m;
}

}  // namespace

Expected<std::vector<ChangeWindow>, std::vector<ChangeError>> parse_changes(std::string_view text,
                                                                           const std::string& file) {
  std::vector<ChangeError> errors;
  std::vector<ChangeWindow> out;
  auto error = [&](int line, std::string message) { errors.push_back({file, line, std::move(message)}); };
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull() || !root.IsDefined()) return out;  // an empty file declares no change
    if (!root.IsMap() || !root["changes"]) {
      error(line_of(root), "expected a mapping with 'changes:'");
      return Unexpected{std::move(errors)};
    }
    const YAML::Node list = root["changes"];
    if (!list.IsSequence() && !list.IsNull()) error(line_of(list), "'changes' must be a list");
    for (const auto& item : list) {
      const int line = line_of(item);
      if (!item.IsMap()) {
        error(line, "a change is a mapping (id, summary, by, hosts, services, from, to, rollback_contact)");
        continue;
      }
      ChangeWindow w;
      w.origin = file + ":" + std::to_string(line);
      auto time = [&](const YAML::Node& v, const char* key, std::int64_t& target) {
        const std::string t = v.IsScalar() ? v.Scalar() : std::string();
        const auto parsed = parsers::parse_rfc3339(t);
        if (parsed.time_us == parsers::kNoTime || parsed.length != t.size() ||
            (parsed.error != parsers::TimeError::kNone && parsed.error != parsers::TimeError::kFractionTooLong)) {
          error(line_of(v), std::string("'") + key + "': expected an RFC 3339 time with offset, e.g. 2026-11-26T10:00:00Z");
          return;
        }
        target = parsed.time_us;
      };
      for (const auto& kv : item) {
        const std::string key = kv.first.Scalar();
        const YAML::Node& v = kv.second;
        if (key == "id" || key == "summary" || key == "by" || key == "rollback_contact") {
          if (!v.IsScalar()) {
            error(line_of(v), "'" + key + "' must be one value");
            continue;
          }
          (key == "id" ? w.id : key == "summary" ? w.summary : key == "by" ? w.requested_by : w.rollback_contact) = v.Scalar();
        } else if (key == "hosts" || key == "services") {
          auto& target = key == "hosts" ? w.hosts : w.services;
          if (v.IsScalar()) {
            target.push_back(v.Scalar());
          } else if (v.IsSequence()) {
            for (const auto& h : v) {
              if (h.IsScalar()) target.push_back(h.Scalar());
              else error(line_of(h), "'" + key + "' lists names");
            }
          } else {
            error(line_of(v), "'" + key + "' must be a name or a list of names");
          }
        } else if (key == "from") {
          time(v, "from", w.from_us);
        } else if (key == "to") {
          time(v, "to", w.to_us);
        } else if (key == "ended") {
          time(v, "ended", w.ended_us);
        } else {
          error(line_of(kv.first), "unknown key '" + key + "' (id, summary, by, hosts, services, from, to, rollback_contact)");
        }
      }
      if (w.id.empty()) error(line, "a change needs an 'id'");
      if (w.hosts.empty() && w.services.empty()) error(line, "change " + w.id + " names no hosts and no services");
      if (w.from_us == 0 || w.to_us == 0) error(line, "change " + w.id + " needs 'from' and 'to'");
      else if (w.to_us <= w.from_us) error(line, "change " + w.id + ": 'to' is not after 'from'");
      for (const auto& h : w.hosts) {
        if ((h.find('/') != std::string::npos || parse_ip(h)) && !parse_address_range(h)) {
          error(line, "change " + w.id + ": '" + h + "' is no address range");
        }
      }
      for (const auto& other : out) {
        if (other.id == w.id && !w.id.empty()) error(line, "change " + w.id + " declared twice (first at " + other.origin + ")");
      }
      out.push_back(std::move(w));
    }
  } catch (const YAML::Exception& e) {
    error(e.mark.line + 1, e.msg);
  }
  if (!errors.empty()) return Unexpected{std::move(errors)};
  return out;
}

void append_change_json(const ChangeWindow& w, std::int64_t now_us, std::string& out) {
  using emit::append_json_string;
  auto strings = [&](const std::vector<std::string>& v) {
    out.push_back('[');
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_json_string(v[i], out);
    }
    out.push_back(']');
  };
  out.append("{\"id\":");
  append_json_string(w.id, out);
  out.append(",\"summary\":");
  append_json_string(w.summary, out);
  out.append(",\"by\":");
  append_json_string(w.requested_by, out);
  out.append(",\"hosts\":");
  strings(w.hosts);
  out.append(",\"services\":");
  strings(w.services);
  out.append(",\"from\":");
  emit::append_rfc3339_us(w.from_us, out);
  out.append(",\"to\":");
  emit::append_rfc3339_us(w.to_us, out);
  out.append(",\"ended\":");
  if (w.ended_us != 0) emit::append_rfc3339_us(w.ended_us, out);
  else out.append("null");
  out.append(",\"rollback_contact\":");
  append_json_string(w.rollback_contact, out);
  out.append(",\"origin\":");
  append_json_string(w.origin, out);
  if (now_us != 0) {
    out.append(",\"state\":");
    out.append(w.active(now_us) ? "\"active\"" : now_us < w.from_us ? "\"planned\"" : "\"ended\"");
  }
  out.push_back('}');
}

std::string encode_changes(std::span<const ChangeWindow> windows) {
  std::string out = "{\"changes\":[";
  for (std::size_t i = 0; i < windows.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append("\n  ");
    ChangeWindow w = windows[i];
    w.origin.clear();
    std::string one;
    append_change_json(w, 0, one);
    // "origin" is not a key of the file format: the reader knows where it read a window.
    const auto at = one.find(",\"origin\":");
    out.append(one.substr(0, at)).push_back('}');
  }
  out.append("\n]}\n");
  return out;
}

ChangeCalendar::ChangeCalendar(ChangeOptions options) : options_(options) {}
ChangeCalendar::~ChangeCalendar() = default;

void ChangeCalendar::rebuild_locked() {
  compiled_.clear();
  for (auto* list : {&declared_, &added_}) {
    for (const ChangeWindow& w : *list) {
      Compiled c;
      c.window = &w;
      for (const auto& h : w.hosts) {
        if (auto r = parse_address_range(h); r && (h.find('/') != std::string::npos || parse_ip(h))) c.ranges.push_back(*r);
        else if (is_glob(h)) c.globs.push_back(h);
        else c.names.push_back(h);
      }
      compiled_.push_back(std::move(c));
    }
  }
}

void ChangeCalendar::set_declared(std::vector<ChangeWindow> windows) {
  std::lock_guard lock(mutex_);
  declared_ = std::move(windows);
  rebuild_locked();
}

Expected<ChangeWindow, std::string> ChangeCalendar::add(ChangeWindow window, std::int64_t now_us) {
  std::lock_guard lock(mutex_);
  if (window.id.empty()) return Unexpected{std::string("a change needs an id")};
  if (window.hosts.empty() && window.services.empty()) return Unexpected{"change " + window.id + " names no hosts and no services"};
  if (window.from_us == 0) window.from_us = now_us;
  if (window.to_us <= window.from_us) return Unexpected{"change " + window.id + ": 'to' is not after 'from'"};
  for (const auto& h : window.hosts) {
    if ((h.find('/') != std::string::npos || parse_ip(h)) && !parse_address_range(h)) {
      return Unexpected{"change " + window.id + ": '" + h + "' is no address range"};
    }
  }
  for (const auto* list : {&declared_, &added_}) {
    for (const auto& w : *list) {
      if (w.id == window.id) return Unexpected{"change " + window.id + " exists (" + w.origin + ")"};
    }
  }
  window.origin = "api";
  prune_locked(now_us);
  if (added_.size() + declared_.size() >= options_.max_windows && !added_.empty()) {
    // Make room: the added window that ended first goes.
    auto oldest = std::min_element(added_.begin(), added_.end(),
                                   [](const ChangeWindow& a, const ChangeWindow& b) { return a.end_us() < b.end_us(); });
    added_.erase(oldest);
    ++counters_.windows_evicted;
  }
  added_.push_back(window);
  rebuild_locked();
  return window;
}

Expected<ChangeWindow, std::string> ChangeCalendar::end(std::string_view id, std::int64_t now_us) {
  std::lock_guard lock(mutex_);
  for (auto* list : {&added_, &declared_}) {
    for (auto& w : *list) {
      if (w.id != id) continue;
      if (w.end_us() <= now_us) return Unexpected{"change " + w.id + " already ended"};
      w.ended_us = std::max(now_us, w.from_us);
      return w;
    }
  }
  return Unexpected{"no change " + std::string(id)};
}

std::vector<ChangeWindow> ChangeCalendar::added() const {
  std::lock_guard lock(mutex_);
  return added_;
}

void ChangeCalendar::restore_added(std::vector<ChangeWindow> windows) {
  std::lock_guard lock(mutex_);
  added_ = std::move(windows);
  for (auto& w : added_) w.origin = "api";
  rebuild_locked();
}

void ChangeCalendar::prune_locked(std::int64_t now_us) {
  const std::int64_t keep_after = now_us - options_.suspect_for_ms * 1000;
  const auto before = added_.size();
  std::erase_if(added_, [&](const ChangeWindow& w) { return w.end_us() < keep_after; });
  if (added_.size() != before) rebuild_locked();
}

std::vector<ChangeWindow> ChangeCalendar::in_force(std::int64_t now_us) const {
  std::vector<ChangeWindow> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto* list : {&declared_, &added_}) {
      for (const auto& w : *list) {
        if (w.active(now_us)) out.push_back(w);
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ChangeWindow& a, const ChangeWindow& b) { return a.end_us() < b.end_us(); });
  return out;
}

std::string ChangeCalendar::to_json(std::int64_t now_us) const {
  std::lock_guard lock(mutex_);
  std::string out = "{\"changes\":[";
  bool first = true;
  for (const auto* list : {&declared_, &added_}) {
    for (const auto& w : *list) {
      if (!first) out.push_back(',');
      first = false;
      append_change_json(w, now_us, out);
    }
  }
  out.append("]}\n");
  return out;
}

void ChangeCalendar::annotate(std::span<detect::Alert> alerts, std::int64_t now_us) {
  std::lock_guard lock(mutex_);
  (void)now_us;
  if (compiled_.empty()) return;
  const std::int64_t suspect_us = options_.suspect_for_ms * 1000;
  for (detect::Alert& a : alerts) {
    const Compiled* suspected = nullptr;
    for (const Compiled& c : compiled_) {
      const ChangeWindow& w = *c.window;
      if (w.active(a.time_us)) {
        if (!c.covers_occurrence(a)) continue;
        a.change = mark_of(w);
        a.change->during = true;
        ++counters_.alerts_during;
        suspected = nullptr;
        break;
      }
      if (suspected == nullptr && problem_alert(a.action) && a.time_us >= w.end_us() &&
          a.time_us < w.end_us() + suspect_us && a.first_seen_us >= w.from_us && c.covers_any(a)) {
        suspected = &c;
      }
    }
    if (suspected != nullptr && !a.change) {
      a.change = mark_of(*suspected->window);
      a.change->suspected = true;
      ++counters_.alerts_suspected;
    }
  }
}

ChangeCounters ChangeCalendar::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace logsift::enrich
