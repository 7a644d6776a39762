// The status page on the ops port: the pages it serves and the ticket links it shows.
//
//   /              status::status_html of the pipeline's latest published view
//   /api/status    status::status_json of the same view
//   /api/problems  status::problems_json
//
// TicketWatch follows the `jira-issues.tsv` file of every jira sink (in its spool folder): the
// app's main loop calls refresh() about once a second, which rereads a file only when its size
// or modification time changed, and publishes the links as one immutable value. Pages take the
// latest view and links under short locks of their own, never a detection lock.
//
// Thread-safety: refresh() from one thread; links() and the pages' bodies from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/ops/metrics_server.h"
#include "daemon/pipeline/pipeline.h"
#include "daemon/status/status_view.h"

namespace logsift::app {

class TicketWatch {
 public:
  explicit TicketWatch(const config::DaemonConfig& config);

  void refresh();
  std::shared_ptr<const std::vector<status::TicketLinks>> links() const;

 private:
  struct Source {
    std::string sink;
    std::string url;
    std::string path;
    std::string seen;  // size and modification time at the last read
  };
  std::vector<Source> sources_;
  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<status::TicketLinks>> links_ =
      std::make_shared<const std::vector<status::TicketLinks>>();
};

// The pages above; `pipeline` and `tickets` must outlive the server that serves them.
std::vector<ops::MetricsPage> status_pages(const pipeline::Pipeline& pipeline, const TicketWatch& tickets);

}  // namespace logsift::app
