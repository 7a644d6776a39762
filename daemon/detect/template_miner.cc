// Drain-style template miner. The hot path (add) reuses its token buffers: in steady state a
// message that joins an existing cluster without changing it allocates nothing.
#include "daemon/detect/template_miner.h"

#include <xxhash.h>

#include <algorithm>
#include <unordered_map>

#include "daemon/detect/incident.h"
#include "daemon/detect/variable_mask.h"
#include "parsers/base/hex.h"

namespace logsift::detect {
namespace {

constexpr std::uint32_t kNone = 0xffffffffu;
constexpr std::string_view kWildcard = "<*>";

std::uint64_t hash_text(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

const std::uint64_t kWildcardHash = hash_text(kWildcard);

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h;
}

struct Cluster {
  std::vector<std::uint64_t> hashes;  // per position; kWildcardHash for variables
  std::vector<std::string> tokens;    // per position, "<*>" for variables
  std::string text;
  std::uint64_t id = 0;         // stable for the cluster's life: the hash of its first template
  std::uint64_t hits = 0;
  std::uint64_t leaf_key = 0;
  std::uint32_t prev = kNone;  // recency list: prev is more recently seen
  std::uint32_t next = kNone;
  bool live = false;
};

}  // namespace

std::string template_id_hex(std::uint64_t id) { return base::hex_u64(id); }

std::string mask_message(std::string_view message) {
  MaskedTokens tokens;
  mask_tokens(message, 1u << 20, tokens);
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i) out += ' ';
    out += tokens.text(i);
  }
  return out;
}

class TemplateMiner::Impl {
 public:
  explicit Impl(MinerOptions options) : options_(options) {
    if (options_.depth < 3) options_.depth = 3;
    if (options_.max_templates == 0) options_.max_templates = 1;
    if (options_.max_tokens == 0) options_.max_tokens = 1;
  }

  TemplateRef add(std::string_view message) {
    ++counters_.messages;
    mask_tokens(message, options_.max_tokens, tokens_);
    return mine(true);
  }

  // Clusters tokens_; with `may_join` false it always starts a new cluster (import) whose id is
  // `restored_id` (when not 0).
  TemplateRef mine(bool may_join, std::uint64_t restored_id = 0) {
    const std::size_t n = tokens_.size();
    hashes_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      hashes_[i] = tokens_.is_wildcard(i) ? kWildcardHash : hash_text(tokens_.text(i));
    }
    const std::uint64_t key = leaf_key();
    auto& leaf = leaves_[key];

    std::uint32_t best = kNone;
    std::size_t best_equal = 0;
    std::size_t best_wild = 0;
    const std::size_t candidates = may_join ? leaf.size() : 0;
    for (std::size_t li = 0; li < candidates; ++li) {
      const std::uint32_t c = leaf[li];
      const Cluster& cl = clusters_[c];
      std::size_t equal = 0;
      std::size_t wild = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (cl.hashes[i] == hashes_[i]) ++equal;
        if (cl.hashes[i] == kWildcardHash) ++wild;
      }
      if (best == kNone || equal > best_equal || (equal == best_equal && wild > best_wild)) {
        best = c;
        best_equal = equal;
        best_wild = wild;
      }
    }
    // The epsilon keeps exact fractions (4 of 5 against 0.8) on the joining side.
    const bool match = best != kNone &&
                       (n == 0 || static_cast<double>(best_equal) >=
                                      options_.similarity_threshold * static_cast<double>(n) - 1e-9);
    TemplateRef ref;
    if (match) {
      Cluster& cl = clusters_[best];
      bool changed = false;
      for (std::size_t i = 0; i < n; ++i) {
        if (cl.hashes[i] != hashes_[i] && cl.hashes[i] != kWildcardHash) {
          cl.hashes[i] = kWildcardHash;
          cl.tokens[i].assign(kWildcard);
          changed = true;
        }
      }
      if (changed) render(cl);
      ++cl.hits;
      touch(best);
      ref = make_ref(best);
      ref.changed = changed;
    } else {
      const std::uint32_t slot = allocate(key);
      Cluster& cl = clusters_[slot];
      cl.hashes.assign(hashes_.begin(), hashes_.end());
      cl.tokens.resize(n);
      for (std::size_t i = 0; i < n; ++i) cl.tokens[i].assign(tokens_.text(i));
      cl.hits = 1;
      render(cl);
      cl.id = restored_id != 0 ? restored_id : hash_text(cl.text);
      leaves_[key].push_back(slot);  // re-lookup: allocate() may have erased an empty leaf
      ref = make_ref(slot);
      ref.created = true;
    }
    return ref;
  }

  TemplateRef current(std::uint32_t cluster) const {
    if (cluster >= clusters_.size() || !clusters_[cluster].live) return {};
    return make_ref(cluster);
  }

  MinerCounters counters() const {
    MinerCounters c = counters_;
    c.templates = live_;
    return c;
  }
  const MinerOptions& options() const { return options_; }

  std::vector<TemplateMiner::Saved> export_templates() const {
    std::vector<TemplateMiner::Saved> out;
    out.reserve(live_);
    for (std::uint32_t c = lru_tail_; c != kNone; c = clusters_[c].prev) {
      out.push_back({clusters_[c].text, clusters_[c].hits, clusters_[c].id});
    }
    return out;
  }

  void import_templates(const std::vector<TemplateMiner::Saved>& saved) {
    for (const TemplateMiner::Saved& s : saved) {
      // The template's own tokens recreate the cluster in the leaf it came from; never merged
      // with another (two live templates may be similar enough to join by now).
      split_template(s.text, tokens_);
      TemplateRef ref = mine(false, s.id);
      Cluster& cl = clusters_[ref.cluster];
      cl.hits = ref.created ? s.hits : cl.hits + s.hits - 1;
    }
  }

 private:
  std::uint64_t leaf_key() const {
    const std::size_t n = hashes_.size();
    std::uint64_t key = mix(0x6c6f6773696674ull, n);
    const std::size_t prefix = std::min<std::size_t>(n, options_.depth - 2);
    for (std::size_t i = 0; i < prefix; ++i) key = mix(key, hashes_[i]);
    return key;
  }

  void render(Cluster& cl) {
    cl.text.clear();
    for (std::size_t i = 0; i < cl.tokens.size(); ++i) {
      if (i) cl.text += ' ';
      cl.text += cl.tokens[i];
    }
  }

  TemplateRef make_ref(std::uint32_t c) const {
    TemplateRef ref;
    ref.id = clusters_[c].id;
    ref.text = clusters_[c].text;
    ref.cluster = c;
    return ref;
  }

  void unlink(std::uint32_t c) {
    Cluster& cl = clusters_[c];
    if (cl.prev != kNone) clusters_[cl.prev].next = cl.next; else lru_head_ = cl.next;
    if (cl.next != kNone) clusters_[cl.next].prev = cl.prev; else lru_tail_ = cl.prev;
    cl.prev = cl.next = kNone;
  }
  void push_front(std::uint32_t c) {
    Cluster& cl = clusters_[c];
    cl.prev = kNone;
    cl.next = lru_head_;
    if (lru_head_ != kNone) clusters_[lru_head_].prev = c;
    lru_head_ = c;
    if (lru_tail_ == kNone) lru_tail_ = c;
  }
  void touch(std::uint32_t c) {
    if (lru_head_ == c) return;
    unlink(c);
    push_front(c);
  }

  std::uint32_t allocate(std::uint64_t key) {
    std::uint32_t slot;
    if (live_ >= options_.max_templates) {
      slot = lru_tail_;
      evict(slot);
      ++counters_.evictions;
    } else if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = static_cast<std::uint32_t>(clusters_.size());
      clusters_.emplace_back();
    }
    Cluster& cl = clusters_[slot];
    cl.live = true;
    cl.leaf_key = key;
    push_front(slot);
    ++live_;
    ++counters_.created;
    return slot;
  }

  void evict(std::uint32_t c) {
    Cluster& cl = clusters_[c];
    auto it = leaves_.find(cl.leaf_key);
    if (it != leaves_.end()) {
      auto& v = it->second;
      v.erase(std::remove(v.begin(), v.end(), c), v.end());
      if (v.empty()) leaves_.erase(it);
    }
    unlink(c);
    cl.live = false;
    --live_;
  }

  MinerOptions options_;
  MinerCounters counters_;
  std::vector<Cluster> clusters_;
  std::vector<std::uint32_t> free_;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> leaves_;
  std::uint32_t lru_head_ = kNone;
  std::uint32_t lru_tail_ = kNone;
  std::size_t live_ = 0;
  MaskedTokens tokens_;
  std::vector<std::uint64_t> hashes_;
};

TemplateMiner::TemplateMiner(MinerOptions options) : impl_(std::make_unique<Impl>(options)) {}
TemplateMiner::~TemplateMiner() = default;
TemplateMiner::TemplateMiner(TemplateMiner&&) noexcept = default;
TemplateMiner& TemplateMiner::operator=(TemplateMiner&&) noexcept = default;

TemplateRef TemplateMiner::add(std::string_view message) { return impl_->add(message); }
TemplateRef TemplateMiner::current(std::uint32_t cluster) const { return impl_->current(cluster); }
MinerCounters TemplateMiner::counters() const { return impl_->counters(); }
const MinerOptions& TemplateMiner::options() const { return impl_->options(); }
std::vector<TemplateMiner::Saved> TemplateMiner::export_templates() const {
  return impl_->export_templates();
}
void TemplateMiner::import_templates(const std::vector<Saved>& saved) {
  impl_->import_templates(saved);
}

}  // namespace logsift::detect
