// Reading fail2ban filter files as fail2ban 1.0 does, down to resolved regex text.
//
// A filter is an INI file in fail2ban's dialect: `X.conf` is followed by `X.local`; `[INCLUDES]
// before/after` name files read before/after it (relative to its folder); later files override
// earlier keys per section; values continue on indented lines; `%(name)s`, `%(section/name)s`,
// `%(default/name)s` and `%(known/name)s` interpolate (ConfigParser style, option names in lower
// case); after that, `<tag>` references to other options are substituted recursively and nested
// (`<mdre-<mode>>`, `<lt_<logtype>/__prefix_line>`), at most 25 times per tag, unknown tags left as
// they are (so `<HOST>` survives for the regex stage). Options given by the caller (a jail's
// `filter = name[mode=aggressive]`) take precedence over `[Definition]` and `[Init]`.
//
// Plain functions over values; no global state; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "parsers/base/expected.h"

namespace logsift::rules_import {

// Where a value or a problem comes from.
struct SourceLocation {
  std::string file;
  int line = 0;
  std::string to_string() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
};

// One option after every file was read: its raw text and where it was (last) defined.
struct RawOption {
  std::string value;
  SourceLocation at;
};

// The sections of a filter and its includes, merged in reading order.
struct IniConfig {
  std::map<std::string, std::vector<std::pair<std::string, RawOption>>> sections;
  std::vector<std::string> files;  // every file read, in order

  const RawOption* find(const std::string& section, const std::string& option) const;
};

// Reads `path` (a .conf file) with its .local and includes. Errors: unreadable files, include
// loops, lines that are neither section, option nor continuation.
Expected<IniConfig, std::string> read_fail2ban_ini(const std::string& path);

// A filter's options resolved for one set of caller options.
struct ResolvedFilter {
  std::string name;                       // file name without .conf
  std::vector<std::pair<std::string, SourceLocation>> failregex;  // one regex per line
  std::vector<std::pair<std::string, SourceLocation>> ignoreregex;
  std::string prefregex;
  SourceLocation prefregex_at;
  std::string datepattern;
  SourceLocation datepattern_at;
  int maxlines = 1;
  std::string journalmatch;
  std::string usedns = "warn";
  std::string mode;                       // the mode the filter was resolved with, if any
};

// Resolves the options a filter uses. `options` override [Definition] and [Init] (e.g. mode).
Expected<ResolvedFilter, std::string> resolve_fail2ban_filter(
    const IniConfig& config, const std::string& name,
    const std::vector<std::pair<std::string, std::string>>& options);

// What a jail says about one filter: which options it passes (`filter = sshd[mode=aggressive]`,
// or `mode = ...`) and its thresholds, as written (fail2ban time syntax).
struct JailSettings {
  std::string jail;  // the jail section
  std::vector<std::pair<std::string, std::string>> filter_options;
  std::string maxretry, findtime, bantime;
  SourceLocation at;
};

// Finds the jail that uses filter `filter_name` (a section of that name, else the first whose
// `filter` names it) in a jail file read with read_fail2ban_ini. Error when none does.
Expected<JailSettings, std::string> resolve_fail2ban_jail(const IniConfig& jails, const std::string& filter_name);

// fail2ban's time syntax ("600", "10m", "1h30m", "1d", "2w", "1mo", "1y") in seconds; nullopt for
// anything else (including a negative, i.e. permanent, ban time).
std::optional<long long> fail2ban_seconds(std::string_view text);

}  // namespace logsift::rules_import
