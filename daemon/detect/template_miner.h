// TemplateMiner: online log template mining, Drain-style, with generic variable masking.
//
// A message is split on whitespace; tokens that are variables (anything with a digit, hex runs,
// UUIDs, paths, URLs, the value of key=value) are masked to "<*>" and runs of masks collapse to
// one. The masked token sequence walks a fixed-depth prefix tree (token count, then the first
// `depth - 2` tokens) to a leaf holding candidate clusters; the most similar cluster at or above
// `similarity_threshold` absorbs the message (positions that differ become "<*>"), else a new
// cluster starts.
//
// Ids: a cluster's id is the 64-bit XXH3 of its template text when it was created, rendered as 16
// hex digits, and it never changes while the cluster lives, even when the template generalises (a
// constant position becomes "<*>"; the current text is TemplateRef::text). The id depends only on
// the message that started the cluster, never on the machine, the process or the order clusters
// were made; snapshots keep it (export_templates), so it survives restarts. A cluster evicted and
// later started again by the same message gets the same id back.
//
// Memory is bounded by `max_templates`: the least recently seen cluster is evicted (counted).
// The miner owns all its memory; the TemplateRef that add() returns views it and stays valid until
// the next call that mutates the miner. Not thread-safe: one miner per thread (or per shard).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/base/expected.h"

namespace logsift::detect {

struct MinerOptions {
  // Tree depth as in Drain: the prefix tree looks at `depth - 2` leading tokens. Deeper trees
  // separate templates that share a short prefix but compare fewer candidates; shallower ones
  // group more aggressively. Default 4 (Drain's usual setting).
  std::uint32_t depth = 4;
  // Fraction of positions that must agree for a message to join a cluster. Higher splits more
  // templates; lower merges more. Default 0.8 (with masking doing most of the work, the
  // differences left are mostly words, which more often mean a different template: one word in
  // five may differ, one in six may not).
  double similarity_threshold = 0.8;
  // Live clusters kept; the least recently seen is evicted beyond it. Bounds memory (a cluster
  // costs roughly 100 bytes plus its template text). Default 10000.
  std::size_t max_templates = 10000;
  // Messages are cut to this many tokens before mining; longer tails become one "<*>". Bounds
  // the cost of pathological lines. Default 128.
  std::size_t max_tokens = 128;
};

// One template as the miner sees it right now. `text` views the miner's memory.
struct TemplateRef {
  std::uint64_t id = 0;      // the cluster's id: stable while it lives (see above)
  std::string_view text;     // current template: tokens joined by single spaces, variables as "<*>"
  std::uint32_t cluster = 0; // slot of the cluster inside this miner (reused after eviction)
  bool created = false;      // the message started a new cluster
  bool changed = false;      // the message generalised the cluster's template text (not its id)
};

struct MinerCounters {
  std::uint64_t messages = 0;    // add() calls
  std::uint64_t templates = 0;   // live clusters
  std::uint64_t created = 0;     // clusters ever created
  std::uint64_t evictions = 0;   // clusters dropped for the max_templates cap
};

// Renders a template id as 16 lowercase hex digits.
std::string template_id_hex(std::uint64_t id);

// Masks the variables of `message` and returns the masked tokens joined by single spaces (what
// the miner clusters). Exposed for tests and tools; allocates.
std::string mask_message(std::string_view message);

class TemplateMiner {
 public:
  explicit TemplateMiner(MinerOptions options = {});
  ~TemplateMiner();
  TemplateMiner(TemplateMiner&&) noexcept;
  TemplateMiner& operator=(TemplateMiner&&) noexcept;
  TemplateMiner(const TemplateMiner&) = delete;
  TemplateMiner& operator=(const TemplateMiner&) = delete;

  // Mines one message and returns the template it belongs to now.
  TemplateRef add(std::string_view message);

  // The current template of a cluster slot returned earlier by add(); `id == 0` when the slot is
  // empty. A slot is reused after eviction, so callers that keep slots must also keep the id.
  TemplateRef current(std::uint32_t cluster) const;

  MinerCounters counters() const;
  const MinerOptions& options() const;

  // Live templates with their hit counts, least recently seen first: what a snapshot stores.
  struct Saved {
    std::string text;
    std::uint64_t hits = 0;
    std::uint64_t id = 0;  // the cluster's id; 0 (snapshots before ids were kept): hash of `text`
  };
  std::vector<Saved> export_templates() const;
  // Re-creates clusters from exported templates (in order, so recency is kept). Templates that
  // do not fit `max_templates` evict the oldest as add() does.
  void import_templates(const std::vector<Saved>& saved);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace logsift::detect
