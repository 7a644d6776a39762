// BatchProgress: which alerts of the batch being delivered are already settled.
//
// The delivery thread offers a failed batch again, whole. A target that had part of it confirmed
// (HEC events before a rejected one, _bulk items that succeeded, acknowledged HEC requests) keeps
// that here, so the next offer sends only the rest and no alert is dead-lettered twice. The
// state belongs to one batch, recognised by its sequence number and size; another batch starts
// afresh. The counts of the whole batch accumulate until it is done, so the outcome reported once
// at the end is exact even when it took several offers. One thread (the sink's).
#pragma once

#include <cstdint>
#include <vector>

#include "daemon/emit/delivery.h"

namespace logsift::sinks {

class BatchProgress {
 public:
  // Resumes `batch` if it is the one in progress, else starts it with nothing settled.
  void begin(const emit::DeliveryBatch& batch) {
    const Key key{batch.decoded.header.sequence, batch.encoded.size(), batch.alerts.size()};
    if (active_ && key == key_) return;
    key_ = key;
    active_ = true;
    settled_.assign(batch.alerts.size(), 0);
    attempted_.assign(batch.alerts.size(), 0);
    unsettled_ = batch.alerts.size();
    outcome_ = {};
  }

  bool settled(std::size_t i) const { return settled_[i] != 0; }
  std::size_t unsettled() const { return unsettled_; }

  // Marks an alert as being sent; one that was sent before counts as retried.
  void sending(std::size_t i) {
    if (attempted_[i] != 0) ++outcome_.retried;
    attempted_[i] = 1;
  }
  void delivered(std::size_t i) { settle(i, outcome_.delivered); }
  void duplicate(std::size_t i) { settle(i, outcome_.duplicates); }
  void dead_lettered(std::size_t i) { settle(i, outcome_.dead_lettered); }

  emit::DeliveryOutcome& outcome() { return outcome_; }

  // The whole batch's outcome; forgets the batch.
  emit::DeliveryOutcome finish() {
    active_ = false;
    return outcome_;
  }

 private:
  struct Key {
    std::uint64_t sequence = 0;
    std::size_t encoded_bytes = 0;
    std::size_t alerts = 0;
    bool operator==(const Key&) const = default;
  };
  void settle(std::size_t i, std::uint64_t& counter) {
    if (settled_[i] != 0) return;
    settled_[i] = 1;
    --unsettled_;
    ++counter;
  }

  bool active_ = false;
  Key key_;
  std::vector<std::uint8_t> settled_;
  std::vector<std::uint8_t> attempted_;
  std::size_t unsettled_ = 0;
  emit::DeliveryOutcome outcome_;
};

}  // namespace logsift::sinks
