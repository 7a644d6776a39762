// Rule: one validated rule as loaded from a rule file, and the values a match produces.
//
// Rules are plain data owned by a RuleSet (rules/rule_set.h); everything downstream refers to a
// rule by pointer or index into that set and must not outlive it. A Rule is immutable once loaded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logsift::rules {

// Rule severity, the Sigma levels. Alerts carry it as ECS event.severity with severity_score().
enum class Severity : std::uint8_t { kInformational, kLow, kMedium, kHigh, kCritical };

std::string_view severity_name(Severity s);
// ECS event.severity numbers as Elastic detection rules use them: 21 / 47 / 73 / 99 (1 for info).
int severity_score(Severity s);

// Which part of a record a pattern or condition looks at.
struct FieldRef {
  enum class Kind : std::uint8_t {
    kMessage,   // "message" (the default)
    kHost,      // "host"
    kApp,       // "app"
    kProcId,    // "procid"
    kMsgId,     // "msgid"
    kOriginal,  // "original": the whole line as received
    kJson,      // "json.<dotted.path>": a value in a JSON record
    kSd,        // "sd.<SD-ID>.<PARAM-NAME>": an RFC 5424 structured-data parameter
    // What the CMDB says about the record's host (parsers::ServiceContext); empty without an entry.
    kServiceName,         // "service.name"
    kServiceEnvironment,  // "service.environment"
    kServiceOwner,        // "service.owner"
    kServiceTier,         // "service.sla_tier"
    kLabel,               // "labels.<name>": a free-form CMDB label
  };
  Kind kind = Kind::kMessage;
  std::string json_path;  // for kJson, the dotted path after "json."
  std::string sd_id;      // for kSd: the SD-ID (everything between "sd." and the last '.')
  std::string sd_param;   // for kSd: the PARAM-NAME (after the last '.')
  std::string label;      // for kLabel: the label name (after "labels.")

  std::string name() const;  // the spelling used in rule files
  friend bool operator==(const FieldRef&, const FieldRef&) = default;
};

// A cheap condition from a rule's `when:` block: the field equals one of the values.
struct Condition {
  FieldRef field;
  std::vector<std::string> any_of;  // compared exactly, or ASCII case-insensitively
  bool case_insensitive = false;
};

struct Pattern {
  FieldRef field;
  std::string source;        // as written in the rule file
  bool literal = false;      // `literal:` instead of `regex:`; matched as a substring
  bool case_insensitive = false;
};

// One example from a rule's `examples:` list, run by `logsift check`.
struct Example {
  std::string line;
  bool should_match = true;
  std::vector<std::pair<std::string, std::string>> fields;  // captures the match must yield
  int source_line = 0;
};

// When a signature becomes a problem (see daemon/detect). Zero means "use the configured default".
struct Recurrence {
  std::uint32_t count = 0;           // occurrences within `within_ms` that open a problem
  std::int64_t within_ms = 0;        // sliding window length
  std::int64_t resolve_after_ms = 0; // quiet period after which an open problem resolves
  std::uint32_t spread_hosts = 0;    // distinct hosts within the window that open a problem
};

// `session:` — lines of one session (one connection, one process) seen together, as fail2ban's
// <F-MLFID> does: a match whose `id` capture names a session merges its captures with what earlier
// lines of the same session (same rule, same host) left, and the incident carries the merged
// fields. Three capture names in the rule's patterns steer it (set and non-empty = on):
//   session_note     the match is no incident; its captures are remembered (fail2ban <F-NOFAIL>)
//   session_end      the session is forgotten after this line (<F-MLFFORGET>)
//   session_success  the session authenticated: no incident, earlier waiting failures are
//                    dropped (<F-MLFGAINED>)
// The state lives in daemon/detect/session_table.h.
struct SessionSpec {
  // What names the session: a capture, else a record field (host, app, procid, msgid,
  // sd.<id>.<param>, service.*, labels.*) as for group_by. Empty: the rule has no session.
  std::string id;
  std::int64_t within_ms = 5 * 60 * 1000;  // a session with no line for this long is forgotten
  // An incident needs one of these fields (merged); a match with none waits for a later line of
  // its session that brings one, which then becomes the incident. Empty: no such need.
  std::vector<std::string> wait_for;
  // Parts (captures) that must all have been seen in the session within `within_ms` before a
  // match is an incident: lines that together show something (a Sigma temporal correlation).
  // A match counts as the parts it set; the incident uses them up (the session is forgotten).
  // Empty: no such need.
  std::vector<std::string> wait_for_all;
  // With wait_for_all: the parts must have been seen in the listed order; a part seen before
  // the parts listed ahead of it is ignored (it may still count once they have been seen).
  bool in_order = false;
  // A session that has seen two different values of these captures (a match's value: the first
  // of them it set) turns its notes and successes into incidents (several user names tried on
  // one connection). Empty: off.
  std::vector<std::string> distinct;

  bool enabled() const { return !id.empty(); }
};

// Capture names with a meaning for sessions (see SessionSpec).
inline constexpr std::string_view kSessionNote = "session_note";
inline constexpr std::string_view kSessionEnd = "session_end";
inline constexpr std::string_view kSessionSuccess = "session_success";

struct Rule {
  std::string id;          // unique across the loaded set, e.g. "sshd.failed_password"
  std::string name;        // one-line human title
  std::string description;
  std::string ruleset;     // the `ruleset:` of the file it came from
  Severity severity = Severity::kMedium;
  std::vector<std::string> tags;
  // Where the rule came from, carried into alerts: authors (a licence may require them, e.g.
  // SigmaHQ's Detection Rule License), reference URLs, the id it has in its home estate (a Sigma
  // rule's UUID), and the MITRE ATT&CK technique ids its tags name ("attack.t1110.001" ->
  // "T1110.001").
  std::vector<std::string> authors;
  std::vector<std::string> references;
  std::string uuid;
  std::vector<std::string> techniques;
  std::vector<Condition> when;     // all must hold
  std::vector<Pattern> patterns;   // any may match
  std::vector<Pattern> ignore;     // a record any of these matches does not match the rule
  std::vector<std::string> group_by;  // capture or field names that make up the signature
  Recurrence recurrence;
  SessionSpec session;
  std::vector<Example> examples;
  // `allow_slow: true`: accept a pattern that must run in PCRE2 although it may backtrack
  // without bound (rules/slow_pattern.h); otherwise compiling refuses it.
  bool allow_slow = false;
  std::string file;        // where the rule was defined, for messages
  int line = 0;
  // Equal for two loads of the same rule text (with the same file defaults) in one process;
  // a reload compares it to tell changed rules from unchanged ones. Not stable across builds.
  std::size_t content_fingerprint = 0;
};

// A named value a match extracted: a named capture, viewing the scanned field.
struct Capture {
  std::string_view name;
  std::string_view value;
};

}  // namespace logsift::rules
