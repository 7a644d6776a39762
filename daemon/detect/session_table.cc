#include "daemon/detect/session_table.h"

#include <xxhash.h>

#include <algorithm>
#include <limits>

namespace logsift::detect {

namespace {

// A session's fields are kept as one string: for each field, u16 name length, name, u16 value
// length, value (little-endian). Values longer than 64 KiB are cut.
void put_u16(std::string& out, std::size_t n) {
  out += static_cast<char>(n & 0xff);
  out += static_cast<char>((n >> 8) & 0xff);
}

void encode_field(std::string& out, std::string_view name, std::string_view value) {
  name = name.substr(0, 0xffff);
  value = value.substr(0, 0xffff);
  put_u16(out, name.size());
  out += name;
  put_u16(out, value.size());
  out += value;
}

std::size_t get_u16(std::string_view s, std::size_t at) {
  return static_cast<unsigned char>(s[at]) | (static_cast<std::size_t>(static_cast<unsigned char>(s[at + 1])) << 8);
}

template <typename OnField>
void decode_fields(std::string_view s, OnField on_field) {
  std::size_t at = 0;
  while (at + 2 <= s.size()) {
    const std::size_t name_size = get_u16(s, at);
    const std::string_view name = s.substr(at + 2, name_size);
    at += 2 + name_size;
    if (at + 2 > s.size()) return;
    const std::size_t value_size = get_u16(s, at);
    on_field(name, s.substr(at + 2, value_size));
    at += 2 + value_size;
  }
}

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

bool is_flag(std::string_view name) {
  return name == rules::kSessionNote || name == rules::kSessionEnd || name == rules::kSessionSuccess;
}

// A group is set when it took part in the match, even empty (the matcher leaves out the others).
bool has_set(std::span<const rules::Capture> captures, std::string_view name) {
  return std::any_of(captures.begin(), captures.end(), [&](const rules::Capture& c) { return c.name == name; });
}

std::string_view value_of(std::span<const rules::Capture> captures, std::string_view name) {
  for (const auto& c : captures) {
    if (c.name == name) return c.value;
  }
  return {};
}

}  // namespace

std::string_view session_step_name(SessionStep step) {
  switch (step) {
    case SessionStep::kIncident: return "incident";
    case SessionStep::kNoted: return "noted";
    case SessionStep::kWaiting: return "waiting";
  }
  return "incident";
}

SessionTable::SessionTable(std::size_t max_sessions) : max_sessions_(std::max<std::size_t>(max_sessions, 1)) {}

SessionCounters SessionTable::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

void SessionTable::apply(std::span<SessionMatch> matches, parsers::StringArena& arena,
                         std::vector<rules::Capture>& fields) {
  if (matches.empty()) return;
  std::lock_guard lock(mutex_);
  for (SessionMatch& m : matches) {
    m.fields_begin = static_cast<std::uint32_t>(fields.size());
    m.step = step(m, arena, fields);
    m.fields_end = static_cast<std::uint32_t>(fields.size());
  }
}

SessionStep SessionTable::step(SessionMatch& m, parsers::StringArena& arena, std::vector<rules::Capture>& fields) {
  const rules::SessionSpec& spec = m.rule->session;
  const std::string_view id = m.id;
  const bool success = has_set(m.captures, rules::kSessionSuccess);
  bool note = success || has_set(m.captures, rules::kSessionNote);
  const bool end = has_set(m.captures, rules::kSessionEnd);
  std::string_view distinct;
  for (const auto& name : spec.distinct) {
    if (distinct.empty()) distinct = value_of(m.captures, name);
  }

  // The merged fields: the session's, overwritten by this match's.
  merged_.clear();
  auto overlay = [&](std::string_view name, std::string_view value) {
    if (is_flag(name)) return;
    auto it = std::find_if(merged_.begin(), merged_.end(), [&](const auto& f) { return f.first == name; });
    if (it != merged_.end()) it->second = value;
    else merged_.emplace_back(name, value);
  };

  std::uint32_t slot = FlatIndex::kMissing;
  bool several = false, was_waiting = false, took_fields = false;
  if (!id.empty()) {
    key_.clear();
    key_ += m.rule->id;
    key_ += '\0';
    key_ += m.host;
    key_ += '\0';
    key_ += id;
    const std::uint64_t hash = XXH3_64bits(key_.data(), key_.size());
    slot = find(hash, key_);
    if (slot != FlatIndex::kMissing && expired(slots_[slot], m.now_us)) {
      ++counters_.expired;
      drop(slot);
      slot = FlatIndex::kMissing;
    }
    if (slot != FlatIndex::kMissing) {
      Slot& s = slots_[slot];
      if (!distinct.empty()) {
        if (s.distinct_first.empty()) s.distinct_first.assign(distinct);
        else if (s.distinct_first != distinct) s.several = true;
      }
      if (success) s.waiting = false;
      decode_fields(s.fields, overlay);
      took_fields = !merged_.empty();
      several = s.several;
      was_waiting = s.waiting;
      s.waiting = false;
    } else if (!end) {
      slot = open_slot(hash, key_, m.now_us);
      slots_[slot].distinct_first.assign(distinct);
      slots_[slot].part_us.assign(spec.wait_for_all.size(), kNever);
    }
  }
  for (const rules::Capture& c : m.captures) overlay(c.name, c.value);
  const bool parts_complete = slot != FlatIndex::kMissing && advance_parts(slots_[slot], spec, m);

  if (was_waiting || several) note = false;
  const bool lacks_identity =
      !note && !spec.wait_for.empty() && std::none_of(spec.wait_for.begin(), spec.wait_for.end(), [&](const std::string& name) {
        return std::any_of(merged_.begin(), merged_.end(), [&](const auto& f) { return f.first == name; });
      });
  const bool lacks_parts = !spec.wait_for_all.empty() && !parts_complete;
  SessionStep result = SessionStep::kIncident;
  if (note) result = SessionStep::kNoted;
  else if (lacks_identity || lacks_parts) result = SessionStep::kWaiting;
  if (result == SessionStep::kIncident && took_fields) ++counters_.merged;

  for (const auto& [name, value] : merged_) fields.push_back(rules::Capture{arena.copy(name), arena.copy(value)});
  if (slot != FlatIndex::kMissing) {
    Slot& s = slots_[slot];
    if (end || (result == SessionStep::kIncident && parts_complete)) {
      ++counters_.ended;
      drop(slot);
    } else {
      encoded_.clear();
      for (const auto& [name, value] : merged_) encode_field(encoded_, name, value);
      s.fields.swap(encoded_);
      s.waiting = lacks_identity;
      s.last_us = std::max(s.last_us, m.now_us);
      s.within_us = spec.within_ms * 1000;
      unlink(slot);
      link_newest(slot);
    }
  }
  return result;
}

bool SessionTable::advance_parts(Slot& s, const rules::SessionSpec& spec, const SessionMatch& m) {
  const std::size_t n = spec.wait_for_all.size();
  if (n == 0) return false;
  if (s.part_us.size() != n) s.part_us.assign(n, kNever);  // the rule was reloaded with other parts
  const std::int64_t oldest = m.now_us - spec.within_ms * 1000;
  auto recent = [&](std::int64_t at) { return at != kNever && at >= oldest; };
  if (!spec.in_order) {
    for (std::size_t k = 0; k < n; ++k) {
      if (has_set(m.captures, spec.wait_for_all[k])) s.part_us[k] = std::max(s.part_us[k], m.now_us);
    }
    return std::all_of(s.part_us.begin(), s.part_us.end(), recent);
  }
  // Last part first, so that one line setting parts k and k+1 does not follow itself.
  for (std::size_t k = n; k-- > 0;) {
    if (!has_set(m.captures, spec.wait_for_all[k])) continue;
    if (k == 0) s.part_us[0] = std::max(s.part_us[0], m.now_us);
    else if (recent(s.part_us[k - 1])) s.part_us[k] = std::max(s.part_us[k], s.part_us[k - 1]);
  }
  return recent(s.part_us[n - 1]);
}

std::uint32_t SessionTable::find(std::uint64_t hash, std::string_view key) {
  const std::uint32_t slot = index_.find(hash);
  if (slot == FlatIndex::kMissing) return slot;
  if (slots_[slot].key == key) return slot;
  // Two keys with one 64-bit hash: the newer takes the place (the older session is forgotten).
  ++counters_.evicted;
  drop(slot);
  return FlatIndex::kMissing;
}

std::uint32_t SessionTable::open_slot(std::uint64_t hash, std::string_view key, std::int64_t now_us) {
  while (oldest_ != FlatIndex::kMissing && expired(slots_[oldest_], now_us)) {
    ++counters_.expired;
    drop(oldest_);
  }
  if (counters_.open >= max_sessions_) {
    ++counters_.evicted;
    drop(oldest_);
  }
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.key.assign(key);
  s.fields.clear();
  s.hash = hash;
  s.last_us = now_us;
  s.in_use = true;
  s.several = false;
  s.waiting = false;
  index_.insert(hash, slot);
  link_newest(slot);
  ++counters_.open;
  ++counters_.started;
  return slot;
}

void SessionTable::drop(std::uint32_t slot) {
  Slot& s = slots_[slot];
  index_.erase(s.hash);
  unlink(slot);
  s.in_use = false;
  free_.push_back(slot);
  --counters_.open;
}

void SessionTable::unlink(std::uint32_t slot) {
  Slot& s = slots_[slot];
  if (s.newer != FlatIndex::kMissing) slots_[s.newer].older = s.older;
  else if (newest_ == slot) newest_ = s.older;
  if (s.older != FlatIndex::kMissing) slots_[s.older].newer = s.newer;
  else if (oldest_ == slot) oldest_ = s.newer;
  s.newer = s.older = FlatIndex::kMissing;
}

void SessionTable::link_newest(std::uint32_t slot) {
  Slot& s = slots_[slot];
  s.older = newest_;
  s.newer = FlatIndex::kMissing;
  if (newest_ != FlatIndex::kMissing) slots_[newest_].newer = slot;
  newest_ = slot;
  if (oldest_ == FlatIndex::kMissing) oldest_ = slot;
}

}  // namespace logsift::detect
