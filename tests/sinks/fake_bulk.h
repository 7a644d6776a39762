// FakeBulk: an Elasticsearch/OpenSearch _bulk endpoint on loopback, for tests and benchmarks.
//
// Takes POST /_bulk NDJSON (gzip or not) with `create` actions and answers per item in order, as
// Elasticsearch does: 201 created; 409 version_conflict_engine_exception when the index already
// holds that _id; and the statuses a test plans for an _id (429 es_rejected_execution_exception,
// 400 mapper_parsing_exception, 503 ...). documents() is what the fake stored: one entry per
// (index, _id), so a duplicate can never be stored twice, and created() counts every 201 given.
#pragma once

#include <deque>

#include "tests/sinks/fake_server.h"

namespace logsift::sinks::testing {

struct BulkItem {
  std::string index;
  std::string id;
  unsigned status = 0;
};

class FakeBulk final : public FakeHttpServer {
 public:
  explicit FakeBulk(std::string authorization = "", FakeTls tls = {});
  ~FakeBulk() override { stop(); }

  std::map<std::string, std::string> documents() const;  // "index/_id" -> document, minified
  std::vector<BulkItem> items() const;                   // every item answered, in order
  std::uint64_t created() const;
  void clear();  // an empty cluster again (documents, items, counts)
  // The next answers for the item with this _id, before it is handled normally. A status listed
  // `times` times is given on that many attempts.
  void plan_item(const std::string& id, unsigned status, int times = 1);

 protected:
  FakeResponse handle(const FakeRequest& request) override;

 private:
  const std::string authorization_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> documents_;
  std::vector<BulkItem> items_;
  std::uint64_t created_ = 0;
  std::map<std::string, std::deque<unsigned>> plans_;
};

}  // namespace logsift::sinks::testing
