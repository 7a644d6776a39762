#include "daemon/app/status_pages.h"

#include <sys/stat.h>

#include <filesystem>

#include "daemon/status/status_render.h"
#include "parsers/base/file_io.h"

namespace logsift::app {

TicketWatch::TicketWatch(const config::DaemonConfig& config) {
  for (const auto& sink : config.sinks) {
    if (sink.type != config::SinkType::kJira) continue;
    const auto path = std::filesystem::path(config.emit.spool_dir) / sink.name / "jira-issues.tsv";
    sources_.push_back(Source{sink.name, sink.url, path.native(), {}});
  }
}

void TicketWatch::refresh() {
  bool changed = false;
  for (auto& s : sources_) {
    struct stat st {};
    std::string seen;
    if (::stat(s.path.c_str(), &st) == 0) {
      seen = std::to_string(st.st_size) + ':' + std::to_string(st.st_mtim.tv_sec) + '.' +
             std::to_string(st.st_mtim.tv_nsec);
    }
    if (seen != s.seen) {
      s.seen = std::move(seen);
      changed = true;
    }
  }
  if (!changed) return;
  auto links = std::make_shared<std::vector<status::TicketLinks>>();
  for (const auto& s : sources_) {
    auto text = base::read_file(s.path);  // absent until the first issue: no links
    links->push_back(status::parse_ticket_links(s.sink, s.url, text ? std::string_view(text.value()) : ""));
  }
  std::lock_guard lock(mutex_);
  links_ = std::move(links);
}

std::shared_ptr<const std::vector<status::TicketLinks>> TicketWatch::links() const {
  std::lock_guard lock(mutex_);
  return links_;
}

std::vector<ops::MetricsPage> status_pages(const pipeline::Pipeline& pipeline, const TicketWatch& tickets) {
  const pipeline::Pipeline* p = &pipeline;
  const TicketWatch* t = &tickets;
  return {
      {"/", "text/html; charset=utf-8", [p, t] { return status::status_html(*p->status_view(), *t->links()); }},
      {"/api/status", "application/json", [p, t] { return status::status_json(*p->status_view(), *t->links()); }},
      {"/api/problems", "application/json",
       [p, t] { return status::problems_json(*p->status_view(), *t->links()); }},
  };
}

}  // namespace logsift::app
