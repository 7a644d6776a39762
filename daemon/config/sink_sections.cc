// The `sinks:` section: see sink_sections.h and the SinkConfig fields in config.h.
#include "daemon/config/sink_sections.h"

#include <set>

namespace logsift::config {

std::string_view to_string(SinkType t) {
  switch (t) {
    case SinkType::kFile: return "file";
    case SinkType::kKafka: return "kafka";
    case SinkType::kSplunkHec: return "splunk_hec";
    case SinkType::kElasticsearch: return "elasticsearch";
    case SinkType::kHttp: return "http";
    case SinkType::kSyslog: return "syslog";
    case SinkType::kWebhook: return "webhook";
    case SinkType::kJira: return "jira";
  }
  return "unknown";
}

namespace {

void read_route(YamlReader& r, const YAML::Node& n, const std::string& path, SinkRoute& route) {
  if (!r.expect_map(n, path, {"actions", "min_severity", "rulesets", "rules", "during_change"})) return;
  if (n.IsMap() && n["during_change"]) {
    bool during = true;
    r.read_bool(n, path, "during_change", during);
    route.during_change = during;
  }
  r.read_string_list(n, path, "actions", route.actions);
  r.read_string(n, path, "min_severity", route.min_severity);
  r.read_string_list(n, path, "rulesets", route.rulesets);
  r.read_string_list(n, path, "rules", route.rules);
}

void read_spool(YamlReader& r, const YAML::Node& n, const std::string& path, SinkSpoolConfig& spool) {
  if (!r.expect_map(n, path, {"max_bytes", "when_full"})) return;
  r.read_size_bytes(n, path, "max_bytes", spool.max_bytes);
  r.read_enum(n, path, "when_full", spool.when_full,
              {{"block", SpoolWhenFull::kBlock}, {"drop_oldest", SpoolWhenFull::kDropOldest}});
}

void read_tls(YamlReader& r, const YAML::Node& n, const std::string& path, SinkTlsConfig& tls) {
  if (n.IsScalar()) {  // `tls: true`
    const std::string& text = n.Scalar();
    if (text == "true" || text == "yes" || text == "on") tls.enabled = true;
    else if (text == "false" || text == "no" || text == "off") tls.enabled = false;
    else r.error(n, path + ": expected true, false or a map of TLS settings");
    return;
  }
  if (!r.expect_map(n, path, {"ca", "cert", "key", "verify", "server_name"})) return;
  tls.enabled = true;
  r.read_string(n, path, "ca", tls.ca_file);
  r.read_string(n, path, "cert", tls.cert_file);
  r.read_string(n, path, "key", tls.key_file);
  r.read_bool(n, path, "verify", tls.verify);
  r.read_string(n, path, "server_name", tls.server_name);
}

}  // namespace

// `properties:` is a map of librdkafka settings; values are kept as the text written.
void read_properties(YamlReader& r, const YAML::Node& n, const std::string& path,
                     std::vector<std::pair<std::string, std::string>>& out) {
  if (n.IsNull()) return;
  if (!n.IsMap()) {
    r.error(n, path + ": expected a map of librdkafka settings (\"key: value\")");
    return;
  }
  for (const auto& kv : n) {
    if (!kv.second.IsScalar()) {
      r.error(kv.first, path + "." + kv.first.Scalar() + ": expected a single value");
      continue;
    }
    out.emplace_back(kv.first.Scalar(), kv.second.Scalar());
  }
}

// `brokers:` as a list or as one comma-separated string, the way librdkafka takes it.
void read_brokers(YamlReader& r, const YAML::Node& n, const std::string& path,
                  std::vector<std::string>& out) {
  std::vector<std::string> raw;
  r.read_string_list(n, path, "brokers", raw);
  for (const auto& item : raw) {
    std::size_t start = 0;
    while (start <= item.size()) {
      std::size_t end = item.find(',', start);
      if (end == std::string::npos) end = item.size();
      std::string one = item.substr(start, end - start);
      const auto first = one.find_first_not_of(" \t");
      const auto last = one.find_last_not_of(" \t");
      if (first != std::string::npos) out.push_back(one.substr(first, last - first + 1));
      start = end + 1;
    }
  }
}

namespace {

void read_sink(YamlReader& r, const YAML::Node& n, const std::string& path, SinkConfig& s) {
  if (!r.expect_map(n, path,
                    {"name", "type", "route", "spool", "dir", "retention_bytes", "brokers",
                     "topic", "properties", "url", "token_file", "username", "password_file",
                     "index", "sourcetype", "indexer_ack", "ack_timeout", "gzip", "address",
                     "port", "tls", "timeout", "retry_initial", "retry_max", "unhealthy_after", "template",
                     "template_file", "content_type", "project", "issue_type", "api_version",
                     "resolve_transition", "reopen_transition", "new_issue_when_closed",
                     "comment_interval", "priorities", "ack_poll", "ack_statuses", "ack_on_assign"})) {
    return;
  }
  if (!n["name"]) r.error(n, path + ": \"name\" is required");
  if (!n["type"]) r.error(n, path + ": \"type\" is required");
  r.read_string(n, path, "name", s.name);
  r.read_enum(n, path, "type", s.type,
              {{"file", SinkType::kFile},
               {"kafka", SinkType::kKafka},
               {"splunk_hec", SinkType::kSplunkHec},
               {"elasticsearch", SinkType::kElasticsearch},
               {"http", SinkType::kHttp},
               {"syslog", SinkType::kSyslog},
               {"webhook", SinkType::kWebhook},
               {"jira", SinkType::kJira}});
  if (const YAML::Node route = r.child(n, path, "route"); route.IsDefined()) {
    read_route(r, route, path + ".route", s.route);
  }
  if (const YAML::Node spool = r.child(n, path, "spool"); spool.IsDefined()) {
    read_spool(r, spool, path + ".spool", s.spool);
  }
  r.read_string(n, path, "dir", s.dir);
  r.read_size_bytes(n, path, "retention_bytes", s.retention_bytes);
  read_brokers(r, n, path, s.brokers);
  r.read_string(n, path, "topic", s.topic);
  if (const YAML::Node props = r.child(n, path, "properties"); props.IsDefined()) {
    read_properties(r, props, path + ".properties", s.properties);
  }
  r.read_string(n, path, "url", s.url);
  r.read_string(n, path, "token_file", s.token_file);
  r.read_string(n, path, "username", s.username);
  r.read_string(n, path, "password_file", s.password_file);
  r.read_string(n, path, "index", s.index);
  r.read_string(n, path, "sourcetype", s.sourcetype);
  r.read_bool(n, path, "indexer_ack", s.indexer_ack);
  r.read_duration_ms(n, path, "ack_timeout", s.ack_timeout_ms);
  r.read_bool(n, path, "gzip", s.gzip);
  r.read_string(n, path, "template", s.body_template);
  r.read_string(n, path, "template_file", s.template_file);
  r.read_string(n, path, "content_type", s.content_type);
  r.read_string(n, path, "project", s.project);
  r.read_string(n, path, "issue_type", s.issue_type);
  r.read_u32(n, path, "api_version", s.api_version);
  r.read_string(n, path, "resolve_transition", s.resolve_transition);
  r.read_string(n, path, "reopen_transition", s.reopen_transition);
  r.read_bool(n, path, "new_issue_when_closed", s.new_issue_when_closed);
  r.read_duration_ms(n, path, "comment_interval", s.comment_interval_ms);
  if (const YAML::Node prio = r.child(n, path, "priorities"); prio.IsDefined()) {
    read_properties(r, prio, path + ".priorities", s.priorities);
  }
  r.read_duration_ms(n, path, "ack_poll", s.ack_poll_ms);
  r.read_string_list(n, path, "ack_statuses", s.ack_statuses);
  r.read_bool(n, path, "ack_on_assign", s.ack_on_assign);
  r.read_string(n, path, "address", s.address);
  r.read_u16(n, path, "port", s.port);
  if (const YAML::Node tls = r.child(n, path, "tls"); tls.IsDefined()) {
    read_tls(r, tls, path + ".tls", s.tls);
  }
  r.read_duration_ms(n, path, "timeout", s.timeout_ms);
  r.read_duration_ms(n, path, "retry_initial", s.retry_initial_ms);
  r.read_duration_ms(n, path, "retry_max", s.retry_max_ms);
  r.read_duration_ms(n, path, "unhealthy_after", s.unhealthy_after_ms);
}

bool is_http_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

}  // namespace

void read_sinks(YamlReader& r, const YAML::Node& root, std::vector<SinkConfig>& out) {
  YAML::Node list = r.child(root, "", "sinks");
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) {
    r.error(list, "sinks: expected a list of sinks (\"- name: ...\")");
    return;
  }
  out.clear();
  for (std::size_t i = 0; i < list.size(); ++i) {
    SinkConfig sink;
    const std::string path = "sinks[" + std::to_string(i) + "]";
    r.note_line(path, list[i]);
    read_sink(r, list[i], path, sink);
    out.push_back(std::move(sink));
  }
}

void validate_sinks(const std::vector<SinkConfig>& sinks, std::vector<std::string>& problems) {
  std::set<std::string> names;
  auto add = [&](const std::string& path, const std::string& message) {
    problems.push_back(path + ": " + message);
  };
  for (std::size_t i = 0; i < sinks.size(); ++i) {
    const SinkConfig& s = sinks[i];
    const std::string path = "sinks[" + std::to_string(i) + "]";
    if (s.name.empty()) add(path + ".name", "must not be empty");
    if (s.name.find_first_of("/\\ ") != std::string::npos || s.name == "." || s.name == "..") {
      add(path + ".name", "must be usable as a folder name (no '/', '\\' or spaces)");
    }
    if (!names.insert(s.name).second) add(path + ".name", "\"" + s.name + "\" is used by two sinks");
    const auto& sev = s.route.min_severity;
    if (!sev.empty() && sev != "informational" && sev != "low" && sev != "medium" && sev != "high" && sev != "critical") {
      add(path + ".route.min_severity", "expected one of: informational, low, medium, high, critical");
    }
    if (s.retry_initial_ms <= 0) add(path + ".retry_initial", "must be positive");
    if (s.retry_max_ms < s.retry_initial_ms) add(path + ".retry_max", "must be at least retry_initial");
    if (s.timeout_ms <= 0) add(path + ".timeout", "must be positive");
    switch (s.type) {
      case SinkType::kFile:
        if (s.dir.empty()) add(path + ".dir", "is required for a file sink");
        break;
      case SinkType::kKafka:
        if (s.brokers.empty()) add(path + ".brokers", "is required for a kafka sink");
        if (s.topic.empty()) add(path + ".topic", "is required for a kafka sink");
        break;
      case SinkType::kSplunkHec:
        if (!is_http_url(s.url)) add(path + ".url", "must be an http:// or https:// URL");
        if (s.token_file.empty()) add(path + ".token_file", "is required for a splunk_hec sink (the HEC token)");
        break;
      case SinkType::kElasticsearch:
      case SinkType::kHttp:
        if (!is_http_url(s.url)) add(path + ".url", "must be an http:// or https:// URL");
        break;
      case SinkType::kWebhook:
        if (!is_http_url(s.url)) add(path + ".url", "must be an http:// or https:// URL");
        if (s.body_template.empty() == s.template_file.empty()) {
          add(path + ".template", "a webhook sink needs exactly one of template and template_file");
        }
        break;
      case SinkType::kJira:
        if (!is_http_url(s.url)) add(path + ".url", "must be the Jira base URL (http:// or https://)");
        if (s.project.empty()) add(path + ".project", "is required for a jira sink");
        if (s.api_version != 2 && s.api_version != 3) add(path + ".api_version", "must be 2 or 3");
        if (s.token_file.empty() && s.password_file.empty()) {
          add(path + ".token_file", "a jira sink needs token_file (a personal access token) or username and "
                                    "password_file (an API token)");
        }
        break;
      case SinkType::kSyslog:
        if (s.address.empty()) add(path + ".address", "is required for a syslog sink");
        if (s.port == 0) add(path + ".port", "is required for a syslog sink");
        break;
    }
    for (const auto& [severity, priority] : s.priorities) {
      if (severity != "informational" && severity != "low" && severity != "medium" && severity != "high" &&
          severity != "critical") {
        add(path + ".priorities." + severity, "not a severity (informational, low, medium, high, critical)");
      }
    }
    if (s.type != SinkType::kJira && (s.ack_poll_ms != 0 || !s.ack_statuses.empty())) {
      add(path + ".ack_poll", "only jira sinks watch issues for acknowledgements");
    }
    if (s.type != SinkType::kKafka && !s.properties.empty()) {
      add(path + ".properties", "only kafka sinks take librdkafka properties");
    }
  }
}

}  // namespace logsift::config
