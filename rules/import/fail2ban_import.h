// fail2ban filters -> logsift rule files.
//
// One rule file per filter: a rule `fail2ban.<filter>` whose patterns are the filter's failregexes
// (each combined with its prefregex) on the whole line, whose `ignore` patterns are its
// ignoreregexes, grouped by the failure id (address, host name or <F-ID>). A filter using
// <F-MLFID> becomes a rule with `session:` (rules/rule.h), so lines of one session merge. With a jail,
// maxretry/findtime/bantime become the rule's problem count/within/resolve_after. What cannot be
// imported faithfully is left out of the rule and listed, with the file and line it came from, in
// the result and as comments at the top of the written file. Stateless; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "parsers/base/expected.h"

namespace logsift::rules_import {

struct Fail2banImportOptions {
  std::vector<std::pair<std::string, std::string>> filter_options;  // e.g. {"mode", "aggressive"}
  std::string jail_file;  // optional jail.conf: thresholds and the options the jail passes
};

struct Fail2banImport {
  std::string filter;          // filter name
  std::string source;          // the .conf file
  std::string rule_text;       // the YAML rule file; empty when nothing could be imported
  std::size_t patterns = 0;    // failregexes imported
  std::size_t ignores = 0;     // ignoreregexes imported
  std::vector<std::string> notes;  // "file:line: what was left out or changed, and why"
  bool include_only = false;   // a file with no failregex (common.conf): nothing to import
};

// Imports one filter file (X.conf; X.local and includes are read too).
Expected<Fail2banImport, std::string> import_fail2ban_filter(const std::string& conf_path,
                                                            const Fail2banImportOptions& options);

}  // namespace logsift::rules_import
