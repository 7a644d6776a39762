// The `jira` sink: one Jira issue per problem, kept in step with the problem's life.
//
//   problem.opened   -> create an issue (project, issue type, priority from severity (which the
//                       host's SLA tier may have raised), labels from
//                       tags plus "logsift" and "logsift-<problem id>", summary and description
//                       with the counts and a sample line)
//   problem.updated  -> a comment, at most once per comment_interval per issue (alert time)
//   problem.resolved -> the resolve transition, with a resolution comment
//   problem.reopened -> the reopen transition (or, with new_issue_when_closed, a new issue
//                       linked to the old one)
//   problem.escalated -> the priority one level above the severity's, and a comment (the SLA
//                       response deadline passed with nobody acknowledging the problem)
//   incident         -> nothing (problems are what tickets are for)
//
// The mapping problem id -> issue key lives in "<spool>/jira-issues.tsv", rewritten atomically
// after every change, so a restart never opens a second issue for a problem. A create whose
// answer was lost is not repeated blindly: before creating, the target searches for an issue
// labelled "logsift-<problem id>" and adopts it. An issue somebody closed by hand is reopened (or
// replaced by a linked new one) when its problem recurs.
//
// Jira REST API v2 (Server/Data Center: token_file = personal access token, sent as Bearer) or v3
// (Cloud: username + password_file = API token, basic auth; texts in Atlassian Document Format).
// 429, 5xx and transport errors fail the batch (offered again, resuming where it stopped); other
// 4xx answers dead-letter the alert with Jira's message.
//
// With `ack_poll` set the target owns an issue watch (jira_issue_watch.h), handed out by
// responses(): the pipeline polls it on a thread of its own to acknowledge problems whose issue
// somebody took on.
#pragma once

#include <memory>
#include <string>

#include "daemon/config/config.h"
#include "daemon/emit/delivery.h"

namespace logsift::sinks {

// `state_dir` holds jira-issues.tsv (the sink's spool folder). Null with `error` set when the URL
// or a secret file is wrong.
std::unique_ptr<emit::DeliveryTarget> make_jira_target(const config::SinkConfig& config,
                                                       const std::string& state_dir, std::string& error);

}  // namespace logsift::sinks
