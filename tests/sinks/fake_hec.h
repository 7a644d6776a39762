// FakeHec: a Splunk HTTP Event Collector on loopback, for tests and benchmarks.
//
// Speaks /services/collector/event (concatenated JSON event objects, `Authorization: Splunk
// <token>`) and, when made with indexer acknowledgement, /services/collector/ack on the request's
// X-Splunk-Request-Channel. Answers as Splunk does: {"text":"Success","code":0[,"ackId":N]};
// a bad event k gets 400 {"text":"Invalid data format","code":6,"invalid-event-number":k} with the
// events before it stored and those after it not. stored() is the fake's own record of every
// event it accepted, in order, duplicates included.
#pragma once

#include <set>

#include "tests/sinks/fake_server.h"

namespace logsift::sinks::testing {

struct HecEvent {
  std::string event_id;    // fields.event_id
  std::string host, source, sourcetype, index;
  std::string time;        // as sent (a JSON number)
  std::string event;       // the event object, minified
  std::string channel;     // X-Splunk-Request-Channel, "" without
};

class FakeHec final : public FakeHttpServer {
 public:
  FakeHec(std::string token, bool indexer_ack, FakeTls tls = {});
  ~FakeHec() override { stop(); }

  std::vector<HecEvent> stored() const;
  void clear();  // forget what was stored
  // Events whose fields.event_id is `event_id` are "Invalid data format", every time.
  void reject_event(std::string event_id);
  // false: acknowledgement polls answer false for every ackId, as if indexing never finished.
  void set_acks_come(bool come);
  std::uint64_t ack_polls() const { return ack_polls_; }

 protected:
  FakeResponse handle(const FakeRequest& request) override;

 private:
  FakeResponse events(const FakeRequest& request);
  FakeResponse acks(const FakeRequest& request);

  const std::string authorization_;
  const bool indexer_ack_;
  mutable std::mutex mutex_;
  std::vector<HecEvent> stored_;
  std::set<std::string> rejected_;
  bool acks_come_ = true;
  std::map<std::string, std::uint64_t> next_ack_id_;              // per channel
  std::map<std::string, std::set<std::uint64_t>> unanswered_acks_; // per channel
  std::atomic<std::uint64_t> ack_polls_{0};
};

// Splits HEC's concatenated JSON objects ("{...}{...}" or separated by whitespace).
std::vector<std::string> split_json_objects(const std::string& body);

}  // namespace logsift::sinks::testing
