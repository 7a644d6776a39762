// BodyTemplate: the request body of a webhook sink, written by the operator around an alert.
//
// A template is text with expressions in double braces that read the alert's own JSON (the ECS
// object of docs/alerts.md), so one webhook sink can speak Slack, Teams, PagerDuty, Opsgenie or
// ServiceNow without code:
//
//   {"text": "[{{ event.action | text }}] {{ rule.name | text }} on {{ host.name | text }}",
//    "severity": {{ logsift.severity | map "critical=critical,high=error,medium=warning,*=info" }},
//    "alert": {{ alert }}}
//
// Expressions: a dotted path into the alert (`rule.id`, `labels.user_name`,
// `logsift.problem_id`), or `alert` for the whole object, then filters applied left to right:
//   | text            the value as text for use inside a JSON string: escaped, no quotes
//   | json            the value as a JSON value (the default): strings quoted, numbers, objects
//   | upper / lower   ASCII case of a string
//   | default "v"     "v" when the value is missing, null or ""
//   | map "a=b,c=d,*=e"  a string value looked up in the list; "*" matches anything else
// A missing path is null (or "" as text). Everything outside braces is copied as it is.
//
// Compile once (errors name the column), render per alert. Immutable after compile(); render()
// is safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/base/expected.h"

namespace logsift::sinks {

class BodyTemplate {
 public:
  // Parses the template; the error reads "column N: what is wrong".
  [[nodiscard]] static Expected<BodyTemplate, std::string> compile(std::string_view text);

  // Renders for one alert given as its JSON text. Appends to `out`; an alert that is not a JSON
  // object renders its paths as missing.
  void render(std::string_view alert_json, std::string& out) const;

  struct Filter {
    enum class Kind { kText, kJson, kUpper, kLower, kDefault, kMap } kind = Kind::kJson;
    std::string argument;                                   // default's value
    std::vector<std::pair<std::string, std::string>> map;   // map's pairs; "*" = otherwise
  };
  struct Part {
    std::string literal;              // text to copy, when path is empty and !whole_alert
    std::vector<std::string> path;    // the value's path
    bool whole_alert = false;         // {{ alert }}
    std::vector<Filter> filters;
  };

 private:
  std::vector<Part> parts_;
};

}  // namespace logsift::sinks
