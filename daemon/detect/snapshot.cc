// Detector snapshots: the whole detection state in one checksummed binary file.
//
// Layout (all integers little-endian):
//   "LSDETECT"  u32 version (3)  u64 payload bytes  payload  u64 XXH3_64bits(payload)
// Version 2 adds the latest occurrence's event time, text cuts, syslog header and sender to each
// signature; version 3 adds each template's cluster id; version 4 adds each signature's CMDB
// context and its problem's SLA clock (deadline, target, escalated, acknowledgement). Older files
// are still read (the added fields start empty).
// payload:
//   u64 signature count, then each signature (oldest first, so a restore keeps recency);
//   u64 template count, then each template (text, hits, cluster id), oldest first.
// Files before version 3 (templates without cluster id) still restore: their clusters take the
// hash of their current text as id.
// Strings are u32 length + bytes. Reading checks every length against the bytes left, so a
// truncated or corrupt file is an error value, never an over-read or a huge allocation.
#include <xxhash.h>

#include <cstring>
#include <string>

#include "daemon/detect/detector.h"
#include "daemon/detect/detector_impl.h"
#include "daemon/detect/snapshot_files.h"
#include "parsers/base/coding.h"

namespace logsift::detect {
namespace {

constexpr char kMagic[8] = {'L', 'S', 'D', 'E', 'T', 'E', 'C', 'T'};
constexpr std::uint32_t kVersion = 4;
constexpr std::uint32_t kOldestReadable = 1;

using Error = SnapshotError;
using Result = Expected<SnapshotInfo, SnapshotError>;

Unexpected<Error> fail(Error::Kind kind, std::string message) {
  return Unexpected<Error>{Error{kind, std::move(message)}};
}

// Appends to a caller's buffer, so a reused buffer keeps its capacity between snapshots.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { base::put_fixed32(out_, v); }
  void u64(std::uint64_t v) { base::put_fixed64(out_, v); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void str(std::string_view s) { base::put_length_prefixed(out_, s); }

 private:
  std::string& out_;
};

// base::ByteReader plus what error messages and counts need: the offset in the whole file and
// element counts checked against the bytes left.
class Reader {
 public:
  Reader(std::string_view in, std::size_t base) : in_(in), base_(base) {}
  bool ok() const { return in_.ok(); }
  std::size_t offset() const { return base_ + in_.position(); }
  std::size_t left() const { return in_.left(); }

  std::uint8_t u8() { return in_.u8(); }
  std::uint32_t u32() { return in_.u32(); }
  std::uint64_t u64() { return in_.u64(); }
  std::int64_t i64() { return in_.i64(); }
  void str(std::string& s) { s.assign(in_.length_prefixed()); }
  // A count of elements each at least `min_bytes` long: rejects counts the input cannot hold.
  std::size_t count(std::size_t min_bytes) {
    const std::uint64_t n = u64();
    if (!ok() || n > left() / min_bytes) return in_.fail(), 0;
    return static_cast<std::size_t>(n);
  }

 private:
  base::ByteReader in_;
  std::size_t base_;
};

void write_pairs(Writer& w, const std::vector<std::pair<std::string, std::string>>& v) {
  w.u64(v.size());
  for (const auto& [k, val] : v) {
    w.str(k);
    w.str(val);
  }
}

void read_pairs(Reader& r, std::vector<std::pair<std::string, std::string>>& v) {
  v.resize(r.count(8));
  for (auto& [k, val] : v) {
    r.str(k);
    r.str(val);
  }
}

void write_state(Writer& w, const SignatureState& s) {
  w.u64(s.signature_id);
  w.str(s.rule_id);
  w.str(s.rule_name);
  w.str(s.ruleset);
  w.u8(static_cast<std::uint8_t>(s.severity));
  w.u64(s.tags.size());
  for (const auto& t : s.tags) w.str(t);
  w.u32(s.count);
  w.i64(s.within_ms);
  w.i64(s.resolve_after_ms);
  w.u32(s.spread_hosts);
  write_pairs(w, s.signature_values);
  w.u64(s.template_id);
  w.str(s.template_text);
  w.i64(s.window.bucket_ms());
  w.i64(s.window.newest_bucket());
  for (std::uint32_t c : s.window.counts()) w.u32(c);
  w.u64(s.occurrences);
  w.i64(s.first_seen_us);
  w.i64(s.last_seen_us);
  w.u64(s.hosts.size());
  for (const HostSeen& h : s.hosts) {
    w.u64(h.hash);
    w.i64(h.last_seen_us);
    w.str(h.name);
  }
  w.u32(s.hosts_affected);
  w.str(s.last_host);
  w.str(s.last_message);
  w.str(s.last_original);
  write_pairs(w, s.last_fields);
  w.i64(s.incident_interval_start_us);
  w.u64(s.incident_suppressed);
  w.u8(static_cast<std::uint8_t>(s.problem));
  w.u64(s.problem_id);
  w.i64(s.opened_us);
  w.i64(s.resolved_us);
  w.u32(s.reopen_count);
  w.u32(s.update_seq);
  w.i64(s.last_problem_alert_us);
  w.u64(s.problem_suppressed);
  // Version 2.
  w.i64(s.last_event_us);
  w.u64(s.last_original_bytes);
  w.u8(static_cast<std::uint8_t>((s.last_original_truncated ? 1 : 0) | (s.last_message_truncated ? 2 : 0)));
  w.u8(static_cast<std::uint8_t>(s.last_facility));
  w.u8(static_cast<std::uint8_t>(s.last_syslog_severity));
  w.str(s.last_app);
  w.str(s.last_procid);
  w.str(s.last_msgid);
  w.str(s.last_syslog_host);
  w.str(s.last_sender);
  // Version 4.
  const parsers::ServiceContext& c = s.last_context;
  for (const std::string* text : {&c.service, &c.environment, &c.owner, &c.sla_tier, &c.source}) w.str(*text);
  w.u64(c.fingerprint);
  write_pairs(w, c.labels);
  w.i64(s.sla_deadline_us);
  w.i64(s.sla_response_ms);
  w.u8(s.sla_escalated ? 1 : 0);
  w.i64(s.acknowledged_us);
  w.str(s.acknowledged_by);
}

// Reads one state into `s`; false (with r.ok() possibly still true) on an invalid value.
bool read_state(Reader& r, SignatureState& s, std::uint32_t version) {
  s.signature_id = r.u64();
  r.str(s.rule_id);
  r.str(s.rule_name);
  r.str(s.ruleset);
  const std::uint8_t severity = r.u8();
  s.severity = static_cast<rules::Severity>(severity);
  s.tags.resize(r.count(4));
  for (auto& t : s.tags) r.str(t);
  s.count = r.u32();
  s.within_ms = r.i64();
  s.resolve_after_ms = r.i64();
  s.spread_hosts = r.u32();
  read_pairs(r, s.signature_values);
  s.template_id = r.u64();
  r.str(s.template_text);
  const std::int64_t bucket_ms = r.i64();
  const std::int64_t newest = r.i64();
  std::array<std::uint32_t, RecurrenceWindow::kBuckets> counts{};
  for (auto& c : counts) c = r.u32();
  s.window.restore(bucket_ms, newest, counts);
  s.occurrences = r.u64();
  s.first_seen_us = r.i64();
  s.last_seen_us = r.i64();
  s.hosts.resize(r.count(20));
  for (HostSeen& h : s.hosts) {
    h.hash = r.u64();
    h.last_seen_us = r.i64();
    r.str(h.name);
  }
  s.hosts_affected = r.u32();
  r.str(s.last_host);
  r.str(s.last_message);
  r.str(s.last_original);
  read_pairs(r, s.last_fields);
  s.incident_interval_start_us = r.i64();
  s.incident_suppressed = r.u64();
  const std::uint8_t problem = r.u8();
  s.problem = static_cast<ProblemState>(problem);
  s.problem_id = r.u64();
  s.opened_us = r.i64();
  s.resolved_us = r.i64();
  s.reopen_count = r.u32();
  s.update_seq = r.u32();
  s.last_problem_alert_us = r.i64();
  s.problem_suppressed = r.u64();
  s.last_event_us = s.last_seen_us;
  if (version >= 2) {
    s.last_event_us = r.i64();
    s.last_original_bytes = r.u64();
    const std::uint8_t cuts = r.u8();
    s.last_original_truncated = (cuts & 1) != 0;
    s.last_message_truncated = (cuts & 2) != 0;
    s.last_facility = static_cast<std::int8_t>(r.u8());
    s.last_syslog_severity = static_cast<std::int8_t>(r.u8());
    r.str(s.last_app);
    r.str(s.last_procid);
    r.str(s.last_msgid);
    r.str(s.last_syslog_host);
    r.str(s.last_sender);
  }
  if (version >= 4) {
    parsers::ServiceContext& c = s.last_context;
    for (std::string* text : {&c.service, &c.environment, &c.owner, &c.sla_tier, &c.source}) r.str(*text);
    c.fingerprint = r.u64();
    read_pairs(r, c.labels);
    s.sla_deadline_us = r.i64();
    s.sla_response_ms = r.i64();
    s.sla_escalated = r.u8() != 0;
    s.acknowledged_us = r.i64();
    r.str(s.acknowledged_by);
  }
  return severity <= static_cast<std::uint8_t>(rules::Severity::kCritical) &&
         problem <= static_cast<std::uint8_t>(ProblemState::kResolved) && s.count > 0 &&
         s.within_ms > 0 && bucket_ms > 0;
}

}  // namespace

SnapshotInfo Detector::encode_snapshot(std::string& out) const {
  const Impl& d = *impl_;
  out.clear();
  out.append(kMagic, sizeof kMagic);
  Writer w(out);
  w.u32(kVersion);
  const std::size_t size_at = out.size();
  w.u64(0);  // payload size, patched below
  const std::size_t payload_at = out.size();
  w.u64(d.table_.size());
  auto& table = const_cast<SignatureTable&>(d.table_);  // iteration only; no mutation
  for (SignatureState* s = table.oldest(); s; s = table.newer(*s)) write_state(w, *s);
  const auto templates = d.miner_.export_templates();
  w.u64(templates.size());
  for (const auto& t : templates) {
    w.str(t.text);
    w.u64(t.hits);
    w.u64(t.id);
  }
  const std::size_t payload_size = out.size() - payload_at;
  for (int i = 0; i < 8; ++i) out[size_at + static_cast<std::size_t>(i)] = static_cast<char>(std::uint64_t{payload_size} >> (8 * i));
  w.u64(XXH3_64bits(out.data() + payload_at, payload_size));
  return SnapshotInfo{d.table_.size(), templates.size(), out.size()};
}

Result Detector::save_snapshot(const std::string& path) const {
  std::string bytes;
  const SnapshotInfo info = encode_snapshot(bytes);
  if (auto written = write_file_atomically(path, bytes); !written) return Unexpected<Error>{written.error()};
  return info;
}

Result Detector::restore_snapshot(const std::string& path) {
  std::string data;
  if (auto read = read_whole_file(path, data); !read) return Unexpected<Error>{read.error()};
  return decode_snapshot(data, path);
}

Result Detector::decode_snapshot(std::string_view data, const std::string& path) {
  const std::size_t header = sizeof kMagic + 4 + 8;
  if (data.size() < sizeof kMagic || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) {
    return fail(Error::Kind::kBadMagic, path + ": not a logsift detect snapshot");
  }
  if (data.size() < header + 8) {
    return fail(Error::Kind::kTruncated, path + ": truncated header (" + std::to_string(data.size()) + " bytes)");
  }
  Reader head(std::string_view(data).substr(sizeof kMagic, 12), sizeof kMagic);
  const std::uint32_t version = head.u32();
  const std::uint64_t payload_size = head.u64();
  if (version < kOldestReadable || version > kVersion) {
    return fail(Error::Kind::kUnsupportedVersion,
                path + ": snapshot version " + std::to_string(version) + ", expected " +
                    std::to_string(kOldestReadable) + " to " + std::to_string(kVersion));
  }
  if (payload_size != data.size() - header - 8) {
    return fail(Error::Kind::kTruncated, path + ": payload of " + std::to_string(payload_size) +
                                             " bytes announced, " + std::to_string(data.size() - header - 8) + " present");
  }
  const std::string_view payload = std::string_view(data).substr(header, payload_size);
  Reader tail(std::string_view(data).substr(header + payload_size), header + payload_size);
  if (tail.u64() != XXH3_64bits(payload.data(), payload.size())) {
    return fail(Error::Kind::kCorrupt, path + ": checksum mismatch");
  }

  // Build the new state aside; the current one is kept on any error.
  Impl fresh(impl_->options_);
  Reader r(payload, header);
  const std::size_t signatures = r.count(64);
  for (std::size_t i = 0; i < signatures && r.ok(); ++i) {
    SignatureState loaded;
    if (!read_state(r, loaded, version) || !r.ok()) {
      return fail(Error::Kind::kCorrupt, path + ": invalid signature record near byte " + std::to_string(r.offset()));
    }
    bool inserted = false;
    SignatureState& s = fresh.insert(loaded.signature_id, &inserted);
    s = std::move(loaded);
    s.live = true;
    s.scheduled_at_us = kNever;
  }
  std::vector<TemplateMiner::Saved> templates(r.count(version >= 3 ? 20 : 12));
  for (auto& t : templates) {
    r.str(t.text);
    t.hits = r.u64();
    t.id = version >= 3 ? r.u64() : 0;
  }
  if (!r.ok() || r.left() != 0) {
    return fail(Error::Kind::kCorrupt, path + ": malformed payload at byte " + std::to_string(r.offset()));
  }
  fresh.miner_.import_templates(templates);
  for (SignatureState* s = fresh.table_.oldest(); s; s = fresh.table_.newer(*s)) fresh.schedule(*s);
  // Process counters carry on; only what describes the live state is recomputed.
  fresh.counters_ = impl_->counters_;
  fresh.counters_.problems_open = 0;
  for (SignatureState* s = fresh.table_.oldest(); s; s = fresh.table_.newer(*s)) {
    if (s->problem == ProblemState::kOpen) ++fresh.counters_.problems_open;
  }
  const SnapshotInfo info{fresh.table_.size(), templates.size(), data.size()};
  *impl_ = std::move(fresh);
  return info;
}

}  // namespace logsift::detect
