// Turning fail2ban's resolved regexes into logsift patterns on the whole line.
//
// fail2ban cuts the date out of a line and searches its regexes in what is left; logsift matches
// the line as received (field `original`). So the date pattern is put back where fail2ban took it
// out: after a leading `^`, and inside the `[]` fail2ban leaves where a bracketed date was. The
// fail2ban tags are expanded as fail2ban 1.0.2 does (`<HOST>`, `<ADDR>`, `<IP4>`, `<IP6>`, `<DNS>`,
// `<CIDR>`, `<SUBNET>`, `<F-ID/>`, `<F-PORT/>`, `<F-NAME>…</F-NAME>`), with the groups renamed to
// ECS-style capture names (FailureGroups below). Python-only syntax with a PCRE equivalent is
// rewritten (`(?<=:):` in `<IP6>` → `:`, `{,n}` → `{0,n}`, `((?i)…)` → `(?i:…)`); what has none is
// reported. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/base/expected.h"

namespace logsift::rules_import {

// Capture names of fail2ban's groups in imported rules.
struct FailureGroups {
  static constexpr std::string_view kIp = "source_ip";          // ip4, ip6
  static constexpr std::string_view kDomain = "source_domain";  // dns
  static constexpr std::string_view kFailureId = "failure_id";  // fid (<F-ID>)
  static constexpr std::string_view kUser = "user_name";        // user (<F-USER>)
  static constexpr std::string_view kAltUser = "user_name_alt"; // alt_user* (<F-ALT_USER…>)
};

// The logsift capture name for a fail2ban group name (already lower case).
std::string capture_name_for(std::string_view fail2ban_group);

struct RegexContext {
  std::string usedns = "warn";  // "no": <HOST> is <ADDR>
  std::string date_regex;       // what the date detector cuts out; empty: no date handling
  // The filter ties lines together with <F-MLFID>: the multi-line groups become the capture
  // names of a rule `session:` (session_id, session_note, session_end, session_success)
  // instead of refusing the match.
  bool sessions = false;
};

// Whether a fail2ban regex (any of a filter's) uses <F-MLFID>.
bool uses_sessions(std::string_view regex);

// A converted pattern: PCRE2 text on the whole line.
struct ConvertedRegex {
  std::string pcre;
  bool has_failure_id = false;  // yields an address, a host name or an <F-ID>
};

// Expands fail2ban tags and rewrites Python-only syntax. Errors name what cannot be imported.
Expected<std::string, std::string> expand_fail2ban_regex(std::string_view regex, const RegexContext& context);

// One failregex (combined with the filter's prefregex, may be empty) as a whole-line pattern.
Expected<ConvertedRegex, std::string> convert_failregex(std::string_view prefregex, std::string_view failregex,
                                                        const RegexContext& context);

// A failregex spanning lines: `FIRST<SKIPLINES>LAST`, where LAST refers back to a group of FIRST
// ((?P=name), the same process or connection), as fail2ban's obsolete maxlines filters write it.
// It becomes two patterns for one rule with `session:` (rules/rule.h): FIRST, which notes the
// session (captures session_note and first_line, both empty) and LAST, which ends it (captures
// session_end); the back-referenced group is the session id (session_id) in both. A session rule
// with `wait_for: [first_line]` then yields an incident for LAST only after FIRST.
struct MultilineRegex {
  ConvertedRegex first;
  ConvertedRegex last;
};
inline constexpr std::string_view kFirstLineCapture = "first_line";
Expected<MultilineRegex, std::string> convert_multiline_failregex(std::string_view prefregex, std::string_view failregex,
                                                                  const RegexContext& context);

// An ignoreregex as a whole-line pattern.
Expected<ConvertedRegex, std::string> convert_ignoreregex(std::string_view ignoreregex, const RegexContext& context);

// fail2ban's `datepattern` (empty: its default templates) as one regex; empty when the filter
// has no date ({NONE}). Errors name directives it does not know.
Expected<std::string, std::string> date_regex_for(std::string_view datepattern);

}  // namespace logsift::rules_import
