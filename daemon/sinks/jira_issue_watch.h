// The jira sink's issue watch: which problems somebody took on in Jira.
//
// Every ack_poll the pipeline's response thread hands it the open problems nobody acknowledged
// yet. It looks up their issues in the target's problem -> issue map (jira-issues.tsv in the
// sink's spool folder, re-read each time: the target rewrites it atomically) and asks Jira about
// all of them in one JQL search (`labels in ("logsift-<problem id>", ...)`, up to 100 issues a
// request; a label query, unlike `key in (...)`, is not refused whole for one deleted issue),
// reading `fields.assignee` and `fields.status.name`. An issue with an assignee (unless
// ack_on_assign is off) or in one of ack_statuses answers its problem: acknowledged by the
// assignee's display name (accountId or user name when it has none), or "jira:<key>" when the
// status alone showed it. Issues the map does not name (an older issue a new one replaced) are
// ignored.
//
// It has a connection of its own, so a slow or failing Jira never holds the delivery thread, and
// a failure is an error the pipeline counts before asking again next interval.
//
// Thread-safety: poll() from one thread; cancel() from any thread.
#pragma once

#include <memory>
#include <string>

#include "daemon/config/config.h"
#include "daemon/emit/delivery.h"

namespace logsift::sinks {

// Null with `error` set when the URL or a secret file is wrong. `state_dir` is the sink's spool
// folder, where the target keeps its map.
std::unique_ptr<emit::ResponseSource> make_jira_issue_watch(const config::SinkConfig& config,
                                                           const std::string& state_dir, std::string& error);

}  // namespace logsift::sinks
