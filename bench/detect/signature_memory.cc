// signature_memory: the resident memory of live signatures, for sizing max_signatures.
//
// Feeds 1,100,000 incidents of one rule grouped by source address (each a new signature) into a
// Detector capped at 1,000,000 signatures and prints how many stayed live, how many were evicted
// (the cap holds) and how much the resident set grew per live signature.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "daemon/detect/detector.h"

using namespace logsift;

long rss_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

int main() {
  detect::DetectOptions o;
  o.max_signatures = 1'000'000;
  detect::Detector d(o);
  rules::Rule rule;
  rule.id = "sshd.failed_password";
  rule.name = "SSH password authentication failed";
  rule.ruleset = "linux.sshd";
  rule.tags = {"authentication"};
  rule.group_by = {"source_ip"};
  const long before = rss_kib();
  std::vector<detect::Alert> out;
  parsers::Record record;
  record.host = "edge3.dc1.example.net";
  record.app = "sshd";
  std::string message, ip;
  for (int i = 0; i < 1'100'000; ++i) {
    ip = "10." + std::to_string(i >> 16 & 255) + "." + std::to_string(i >> 8 & 255) + "." + std::to_string(i & 255);
    message = "Failed password for invalid user oracle from " + ip + " port 51122 ssh2";
    record.message = message;
    record.original = message;
    rules::Capture captures[2] = {{"user_name", "oracle"}, {"source_ip", ip}};
    detect::Incident incident{&rule, &record, captures};
    d.observe({&incident, 1}, 1'773'000'000'000'000LL + i, out);
    out.clear();
  }
  const long after = rss_kib();
  std::printf("live signatures %llu (cap %zu), evictions %llu; RSS grew %ld MiB: %.0f bytes per signature\n",
              static_cast<unsigned long long>(d.counters().signatures_live), o.max_signatures,
              static_cast<unsigned long long>(d.counters().signature_evictions), (after - before) / 1024,
              (after - before) * 1024.0 / static_cast<double>(d.counters().signatures_live));
}
