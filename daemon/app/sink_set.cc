// SinkSet; see sink_set.h.
#include "daemon/app/sink_set.h"

#include <filesystem>

#include "daemon/sinks/elasticsearch_target.h"
#include "daemon/sinks/http_target.h"
#include "daemon/sinks/jira_target.h"
#include "daemon/sinks/kafka_target.h"
#include "daemon/sinks/splunk_hec_target.h"
#include "daemon/sinks/syslog_target.h"
#include "daemon/sinks/webhook_target.h"

namespace logsift::app {
namespace {

std::optional<rules::Severity> severity_named(const std::string& name) {
  for (auto s : {rules::Severity::kInformational, rules::Severity::kLow, rules::Severity::kMedium,
                 rules::Severity::kHigh, rules::Severity::kCritical}) {
    if (rules::severity_name(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace

std::vector<config::SinkConfig> effective_sinks(const config::DaemonConfig& config) {
  if (!config.sinks.empty()) return config.sinks;
  config::SinkConfig file;
  file.name = "file";
  file.type = config::SinkType::kFile;
  file.dir = config.emit.dir;
  file.retention_bytes = config.emit.retention_bytes;
  return {file};
}

emit::AlertRoute route_of(const config::SinkRoute& route, config::SinkType type) {
  emit::AlertRoute r;
  r.during_change = route.during_change.value_or(type != config::SinkType::kJira);
  r.actions = route.actions;
  r.rulesets = route.rulesets;
  r.rules = route.rules;
  if (!route.min_severity.empty()) r.min_severity = severity_named(route.min_severity);
  return r;
}

std::unique_ptr<emit::DeliveryTarget> make_delivery_target(const config::SinkConfig& sink,
                                                           const std::string& spool_dir, std::string& error) {
  switch (sink.type) {
    case config::SinkType::kSplunkHec: return sinks::make_splunk_hec_target(sink, error);
    case config::SinkType::kElasticsearch: return sinks::make_elasticsearch_target(sink, error);
    case config::SinkType::kHttp: return sinks::make_http_target(sink, error);
    case config::SinkType::kSyslog: return sinks::make_syslog_target(sink, error);
    case config::SinkType::kWebhook: return sinks::make_webhook_target(sink, error);
    case config::SinkType::kJira: return sinks::make_jira_target(sink, spool_dir, error);
    case config::SinkType::kKafka: return sinks::make_kafka_target(sink, error);
    case config::SinkType::kFile: break;
  }
  error = "sink type \"" + std::string(config::to_string(sink.type)) + "\" is not available in this build";
  return nullptr;
}

Expected<std::unique_ptr<SinkSet>, std::string> SinkSet::build(const config::DaemonConfig& config) {
  auto set = std::unique_ptr<SinkSet>(new SinkSet());
  set->configs_ = effective_sinks(config);
  for (std::size_t i = 0; i < set->configs_.size(); ++i) {
    const config::SinkConfig& c = set->configs_[i];
    const std::string where = "sinks[" + std::to_string(i) + "] \"" + c.name + "\": ";
    auto entry = std::make_unique<Entry>();
    entry->config = c;
    if (c.type == config::SinkType::kFile) {
      std::error_code ec;
      std::filesystem::create_directories(c.dir, ec);
      if (ec) return Unexpected{where + "cannot create folder " + c.dir + ": " + ec.message()};
      auto next = emit::next_sequence_in(c.dir);
      if (!next) return Unexpected{where + next.error().message};
      entry->first_sequence = next.value();
      entry->folder = std::make_unique<emit::FileSink>(c.dir, emit::FileSinkOptions{c.retention_bytes});
    } else {
      const std::string dir = (std::filesystem::path(config.emit.spool_dir) / c.name).native();
      auto spool = emit::Spool::open(dir, emit::SpoolOptions{c.spool.max_bytes, {}});
      if (!spool) return Unexpected{where + spool.error().message};
      entry->spool = std::move(spool).value();
      entry->first_sequence = entry->spool->next_sequence();
      std::string error;
      entry->target = make_delivery_target(c, dir, error);
      if (!entry->target) return Unexpected{where + error};
    }
    set->entries_.push_back(std::move(entry));
  }
  return set;
}

std::vector<pipeline::SinkChannel> SinkSet::channels() const {
  std::vector<pipeline::SinkChannel> out;
  for (const auto& e : entries_) {
    pipeline::SinkChannel ch;
    ch.name = e->config.name;
    ch.type = std::string(config::to_string(e->config.type));
    ch.first_sequence = e->first_sequence;
    ch.emitter.route = route_of(e->config.route, e->config.type);
    ch.emitter.drop_oldest = e->config.spool.when_full == config::SpoolWhenFull::kDropOldest;
    if (e->folder) {
      ch.store = e->folder.get();
    } else {
      ch.store = e->spool.get();
      ch.spool = e->spool.get();
      ch.target = e->target.get();
    }
    ch.runner.name = e->config.name;
    ch.runner.retry_initial_ms = e->config.retry_initial_ms;
    ch.runner.retry_max_ms = e->config.retry_max_ms;
    out.push_back(std::move(ch));
  }
  return out;
}

}  // namespace logsift::app
