// The in-memory part of HashIndex: bit layout, segments, lookups and scans. Files are in
// hash_index_file.cc.
//
// Everything here counts bits. Without the POPCNT instruction GCC calls a table-driven library
// routine, which made scans 10x slower; every x86-64 processor since 2008 has it (x86-64-v2), so
// this file asks for it rather than the x86-64 baseline.
#if defined(__x86_64__) && !defined(__POPCNT__)
#pragma GCC target("popcnt")
#endif
#include "analysis/match/hash_index.h"

#include <algorithm>
#include <bit>
#include <tuple>
#include <utility>

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace sightline::analysis::match {

using Words = HashIndex::Words;

namespace {

constexpr int kM = HashIndex::kSubstrings;

int Distance(const Words& a, const Words& b) {
  return std::popcount(a[0] ^ b[0]) + std::popcount(a[1] ^ b[1]) + std::popcount(a[2] ^ b[2]) +
         std::popcount(a[3] ^ b[3]);
}

// The index bit order. Bit b of a hash (bit b % 8 of byte b / 8) belongs to substring b % 11, as
// its (b / 11)-th bit; substrings are laid out one after the other, so each is a run of at most
// 24 bits within the permuted 256, which may straddle two words.
struct BitLayout {
  std::array<int, kM> start{}, length{};
  std::array<Words, kM> mask{};  // the substring's bits in permuted order
  std::vector<Words> to_words;   // [byte · 256 + value]: its bits, permuted
  std::vector<Words> to_hash;    // [permuted byte · 256 + value]: its bits in hash order

  BitLayout() : to_words(32 * 256, Words{}), to_hash(32 * 256, Words{}) {
    for (int b = 0; b < 256; ++b) ++length[b % kM];
    for (int j = 1; j < kM; ++j) start[j] = start[j - 1] + length[j - 1];
    for (int b = 0; b < 256; ++b) {
      int pos = start[b % kM] + b / kM;
      mask[b % kM][pos / 64] |= 1ull << (pos % 64);
      for (int v = 0; v < 256; ++v) {
        if (v >> (b % 8) & 1) to_words[(b / 8) * 256 + v][pos / 64] |= 1ull << (pos % 64);
        if (v >> (pos % 8) & 1) to_hash[(pos / 8) * 256 + v][b / 64] |= 1ull << (b % 64);
      }
    }
  }

  Words ToWords(const Hash256& h) const {
    Words w{};
    for (int i = 0; i < 32; ++i) {
      const Words& part = to_words[i * 256 + h[i]];
      for (int k = 0; k < 4; ++k) w[k] |= part[k];
    }
    return w;
  }

  Hash256 ToHash(const Words& w) const {
    std::uint8_t bytes[32];
    std::memcpy(bytes, w.data(), 32);
    Words o{};
    for (int i = 0; i < 32; ++i) {
      const Words& part = to_hash[i * 256 + bytes[i]];
      for (int k = 0; k < 4; ++k) o[k] |= part[k];
    }
    Hash256 h;
    std::memcpy(h.data(), o.data(), 32);
    return h;
  }

  std::uint32_t Substring(const Words& w, int j) const {
    int s = start[j], word = s / 64, shift = s % 64;
    std::uint64_t v = w[word] >> shift;
    if (shift + length[j] > 64) v |= w[word + 1] << (64 - shift);
    return static_cast<std::uint32_t>(v & ((1ull << length[j]) - 1));
  }

  // Bits set in x within substring j.
  int MaskedDistance(const Words& x, int j) const {
    const Words& m = mask[j];
    return std::popcount(x[0] & m[0]) + std::popcount(x[1] & m[1]) + std::popcount(x[2] & m[2]) +
           std::popcount(x[3] & m[3]);
  }
};

// Immutable once built; shared by every index.
const BitLayout& GetBitLayout() {
  static const BitLayout layout;
  return layout;
}
// An entry packs the row within its segment (28 bits) with 4 more bits of the substring.
constexpr int kFilterBits = 4;
constexpr std::uint64_t kMaxSegmentRows = 1ull << (32 - kFilterBits);
// How many buckets (or candidate rows) ahead a lookup prefetches.
constexpr std::size_t kAhead = 12;

// Bucket bits for a segment of n rows: about 8 entries per bucket, so that a bucket is one or two
// cache lines and the direct-addressed offsets stay small next to the entries.
int BucketBits(std::uint64_t n) {
  int log2n = std::bit_width(std::max<std::uint64_t>(n, 1)) - 1;
  return std::clamp(log2n - 3, 4, 22);
}

// Where table j's key comes from: the top `bucket_bits` bits of the substring address the
// bucket, the next `filter_bits` (at most 4) go into the entry.
struct KeySplit {
  int rest_bits = 0;    // substring bits below the bucket bits
  int filter_bits = 0;  // min(kFilterBits, rest_bits)
  std::uint32_t Bucket(std::uint32_t s) const { return s >> rest_bits; }
  std::uint32_t Filter(std::uint32_t s) const {
    return (s >> (rest_bits - filter_bits)) & ((1u << filter_bits) - 1);
  }
};

KeySplit SplitOf(const BitLayout& layout, int table, int bucket_bits) {
  KeySplit k;
  k.rest_bits = layout.length[table] - bucket_bits;
  k.filter_bits = std::min(kFilterBits, k.rest_bits);
  return k;
}

// Table j's radius for a query radius r (Norouzi et al., Proposition 2): with r = q·m + a, the
// first a + 1 tables search radius q and the others q − 1 (negative: the table is not searched).
int TableRadius(int radius, int table) {
  int q = radius / kM, a = radius % kM;
  return table <= a ? q : q - 1;
}

std::uint64_t Binomial(int n, int k) {
  if (k < 0 || k > n) return 0;
  std::uint64_t c = 1;
  for (int i = 1; i <= k; ++i) c = c * static_cast<std::uint64_t>(n - k + i) / i;
  return c;
}

// Calls visit(value, d) for every `bits`-bit value within Hamming distance `radius` of `base`,
// d being the distance.
template <typename Visit>
void ForEachWithin(std::uint32_t base, int bits, int radius, Visit&& visit) {
  visit(base, 0);
  // Depth-first over ascending flip positions, so each value comes once.
  auto rec = [&](auto&& self, std::uint32_t value, int from, int depth) -> void {
    for (int b = from; b < bits; ++b) {
      std::uint32_t v = value ^ (1u << b);
      visit(v, depth + 1);
      if (depth + 1 < radius) self(self, v, b + 1, depth + 1);
    }
  };
  if (radius > 0) rec(rec, base, 0, 0);
}

}  // namespace

void* HashIndex::AllocateLarge(std::size_t bytes) {
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  if (bytes < kHuge) {
    void* p = std::malloc(std::max<std::size_t>(bytes, 1));
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  std::size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
  void* p = std::aligned_alloc(kHuge, rounded);
  if (p == nullptr) throw std::bad_alloc();
  // A hint: where transparent huge pages are off, or the kernel declines, nothing changes.
  ::madvise(p, rounded, MADV_HUGEPAGE);
  return p;
}

void HashIndex::FreeLarge(void* p) noexcept { std::free(p); }

struct HashIndex::Segment {
  std::uint64_t begin = 0, end = 0;  // rows
  int bucket_bits = 0;
  std::array<LargeVector<std::uint32_t>, kM> offsets;  // 2^bucket_bits + 1 per table
  std::array<LargeVector<std::uint32_t>, kM> entries;  // (row − begin) << 4 | filter

  std::uint64_t size() const { return end - begin; }

  // Counting sort of the rows by bucket, table by table.
  static Segment Build(const LargeVector<Words>& rows, std::uint64_t begin, std::uint64_t end) {
    const BitLayout& layout = GetBitLayout();
    Segment seg;
    seg.begin = begin;
    seg.end = end;
    seg.bucket_bits = BucketBits(end - begin);
    const std::size_t n = end - begin, buckets = std::size_t{1} << seg.bucket_bits;
    LargeVector<std::uint32_t> keys(n);
    for (int j = 0; j < kM; ++j) {
      KeySplit split = SplitOf(layout, j, seg.bucket_bits);
      LargeVector<std::uint32_t>& off = seg.offsets[j];
      off.assign(buckets + 1, 0);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t s = layout.Substring(rows[begin + i], j);
        keys[i] = s;
        ++off[split.Bucket(s) + 1];
      }
      for (std::size_t b = 0; b < buckets; ++b) off[b + 1] += off[b];
      std::vector<std::uint32_t> cursor(off.begin(), off.end() - 1);
      LargeVector<std::uint32_t>& ent = seg.entries[j];
      ent.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t s = keys[i];
        ent[cursor[split.Bucket(s)]++] =
            static_cast<std::uint32_t>(i) << kFilterBits | split.Filter(s);
      }
    }
    return seg;
  }

  std::size_t MemoryBytes() const {
    std::size_t bytes = sizeof(*this);
    for (int j = 0; j < kM; ++j) {
      bytes += offsets[j].capacity() * 4 + entries[j].capacity() * 4;
    }
    return bytes;
  }

  // Whether looking hashes up here beats scanning the rows, by estimated cost in units of one
  // row compared with one hash in a scan (about 1.6 ns). A bucket visit costs about 60 units
  // (cache and TLB misses of its bounds and entries) plus 8 per entry (the filter, and the row
  // read for a candidate): measured with bench/index at 1 and 10 million rows.
  bool LookupBeatsScan(int radius) const {
    double buckets = 0;
    for (int j = 0; j < kM; ++j) {
      int r = std::min(TableRadius(radius, j), bucket_bits);
      for (int d = 0; d <= r; ++d) buckets += static_cast<double>(Binomial(bucket_bits, d));
    }
    double per_bucket = 60.0 + 8.0 * static_cast<double>(size()) / (1u << bucket_bits);
    return buckets * per_bucket < static_cast<double>(size());
  }
};

HashIndex::HashIndex() = default;
HashIndex::~HashIndex() = default;
HashIndex::HashIndex(HashIndex&&) noexcept = default;
HashIndex& HashIndex::operator=(HashIndex&&) noexcept = default;

void HashIndex::AddRows(std::int64_t id, std::span<const HashFrame> frames) {
  const BitLayout& layout = GetBitLayout();
  Run run;
  run.begin = rows_.size();
  run.end = run.begin + frames.size();
  run.id = id;
  for (const HashFrame& f : frames) {
    rows_.push_back(layout.ToWords(f.hash));
    times_.push_back(f.t);
  }
  runs_of_[id].push_back(runs_.size());
  runs_.push_back(run);
  live_rows_ += frames.size();
}

void HashIndex::Insert(std::int64_t id, std::span<const HashFrame> frames) {
  AddRows(id, frames);
  journal_.push_back({false, id, runs_.size() - 1});
  if (!defer_ && rows_.size() - indexed_end_ >= kPendingLimit) IndexPending();
}

std::size_t HashIndex::Remove(std::int64_t id) {
  auto it = runs_of_.find(id);
  if (it == runs_of_.end()) return 0;
  std::size_t removed = 0;
  for (std::size_t r : it->second) {
    runs_[r].dead = true;
    removed += runs_[r].end - runs_[r].begin;
  }
  runs_of_.erase(it);
  live_rows_ -= removed;
  dead_rows_ += removed;
  journal_.push_back({true, id, 0});
  return removed;
}

bool HashIndex::Contains(std::int64_t id) const { return runs_of_.count(id) != 0; }

std::vector<std::int64_t> HashIndex::Ids() const {
  std::vector<std::int64_t> ids;
  ids.reserve(runs_of_.size());
  for (const auto& [id, runs] : runs_of_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

void HashIndex::DeferIndexing(bool defer) {
  defer_ = defer;
  if (!defer_) IndexPending();
}

// The pending rows become a segment that absorbs the newest segments no larger than itself.
void HashIndex::IndexPending() {
  std::uint64_t end = rows_.size(), begin = indexed_end_;
  if (begin == end) return;
  while (!segments_.empty() && segments_.back().size() <= end - begin &&
         end - segments_.back().begin <= kMaxSegmentRows) {
    begin = segments_.back().begin;
    segments_.pop_back();
  }
  for (std::uint64_t b = begin; b < end; b += kMaxSegmentRows) {
    segments_.push_back(Segment::Build(rows_, b, std::min(end, b + kMaxSegmentRows)));
  }
  indexed_end_ = end;
}

void HashIndex::Compact() {
  segments_.clear();
  indexed_end_ = 0;
  if (dead_rows_ == 0) {
    if (!defer_) IndexPending();
    return;
  }
  LargeVector<Words> rows;
  std::vector<double> times;
  std::vector<Run> runs;
  std::vector<std::size_t> new_index(runs_.size(), SIZE_MAX);
  rows.reserve(live_rows_);
  times.reserve(live_rows_);
  for (std::size_t r = 0; r < runs_.size(); ++r) {
    const Run& old = runs_[r];
    if (old.dead) continue;
    Run run = old;
    run.begin = rows.size();
    rows.insert(rows.end(), rows_.begin() + old.begin, rows_.begin() + old.end);
    times.insert(times.end(), times_.begin() + old.begin, times_.begin() + old.end);
    run.end = rows.size();
    new_index[r] = runs.size();
    runs.push_back(run);
  }
  // An insert of a run that died since is followed in the journal by the remove that killed it,
  // so dropping the insert leaves the same outcome.
  std::vector<JournalOp> journal;
  for (JournalOp op : journal_) {
    if (!op.remove) {
      if (new_index[op.run] == SIZE_MAX) continue;
      op.run = new_index[op.run];
    }
    journal.push_back(op);
  }
  rows_ = std::move(rows);
  times_ = std::move(times);
  runs_ = std::move(runs);
  journal_ = std::move(journal);
  runs_of_.clear();
  for (std::size_t r = 0; r < runs_.size(); ++r) runs_of_[runs_[r].id].push_back(r);
  dead_rows_ = 0;
  if (!defer_) IndexPending();
}

const HashIndex::Run& HashIndex::RunOf(std::uint64_t row) const {
  // The last run beginning at or before the row; an empty run never comes after a non-empty one
  // with the same beginning, since rows are only appended.
  auto it = std::upper_bound(runs_.begin(), runs_.end(), row,
                             [](std::uint64_t r, const Run& run) { return r < run.begin; });
  return *(it - 1);
}

void HashIndex::EmitHit(int query, std::uint64_t row, int distance,
                        std::vector<HashHit>* hits) const {
  const Run& run = RunOf(row);
  if (run.dead) return;
  hits->push_back({query, run.id, times_[row], distance});
}

void HashIndex::ScanRows(std::span<const Words> queries, int radius, std::uint64_t begin,
                         std::uint64_t end, std::vector<HashHit>* hits) const {
  for (std::uint64_t row = begin; row < end; ++row) {
    const Words& r = rows_[row];
    for (std::size_t q = 0; q < queries.size(); ++q) {
      int d = Distance(queries[q], r);
      if (d <= radius) EmitHit(static_cast<int>(q), row, d, hits);
    }
  }
}

namespace {

struct Probe {
  std::uint32_t table_and_bucket;  // table << 27 | bucket (bucket < 2^22)
  int d;                           // bucket bits flipped
  std::uint32_t first = 0, last = 0;
};
struct Candidate {
  std::uint32_t row;  // within the segment
  int table;
};

}  // namespace

Result<std::vector<HashHit>> HashIndex::Query(std::span<const Hash256> hashes, int radius,
                                              HashSearch how) const {
  if (radius < 0 || radius > 256) {
    return InvalidArgument("hash radius " + std::to_string(radius) + " is outside 0..256");
  }
  const BitLayout& layout = GetBitLayout();
  std::vector<Words> queries;
  queries.reserve(hashes.size());
  for (const Hash256& h : hashes) queries.push_back(layout.ToWords(h));

  std::vector<HashHit> hits;
  std::vector<Probe> probes;
  std::vector<Candidate> candidates;
  std::array<int, kM> table_radius;
  for (int j = 0; j < kM; ++j) table_radius[j] = TableRadius(radius, j);

  for (const Segment& seg : segments_) {
    if (how == HashSearch::kScan || (how == HashSearch::kAuto && !seg.LookupBeatsScan(radius))) {
      ScanRows(queries, radius, seg.begin, seg.end, &hits);
      continue;
    }
    std::array<KeySplit, kM> split;
    for (int j = 0; j < kM; ++j) split[j] = SplitOf(layout, j, seg.bucket_bits);
    for (std::size_t qi = 0; qi < queries.size(); ++qi) {
      const Words& q = queries[qi];
      std::array<std::uint32_t, kM> qfilter;
      // The buckets to visit.
      probes.clear();
      for (int j = 0; j < kM; ++j) {
        if (table_radius[j] < 0) continue;
        std::uint32_t s = layout.Substring(q, j);
        qfilter[j] = split[j].Filter(s);
        int r = std::min(table_radius[j], seg.bucket_bits);
        ForEachWithin(split[j].Bucket(s), seg.bucket_bits, r, [&](std::uint32_t b, int d) {
          probes.push_back({static_cast<std::uint32_t>(j) << 27 | b, d});
        });
      }
      // A pipeline over the buckets: the bounds of bucket i + 2k and the entries of bucket i + k
      // are prefetched while bucket i is read, so that about k cache misses are in flight.
      // (Prefetching all of them first overflowed the miss buffers and stalled.)
      auto bounds = [&](std::size_t i) {
        Probe& p = probes[i];
        int j = static_cast<int>(p.table_and_bucket >> 27);
        std::uint32_t b = p.table_and_bucket & ((1u << 27) - 1);
        p.first = seg.offsets[j][b];
        p.last = seg.offsets[j][b + 1];
        __builtin_prefetch(seg.entries[j].data() + p.first);
      };
      auto prefetch_bounds = [&](std::size_t i) {
        const Probe& p = probes[i];
        int j = static_cast<int>(p.table_and_bucket >> 27);
        __builtin_prefetch(&seg.offsets[j][p.table_and_bucket & ((1u << 27) - 1)]);
      };
      const std::size_t n = probes.size();
      for (std::size_t i = 0; i < std::min(n, 2 * kAhead); ++i) prefetch_bounds(i);
      for (std::size_t i = 0; i < std::min(n, kAhead); ++i) bounds(i);
      // Entries whose 4 filter bits leave the substring possibly within the table's radius
      // become candidates.
      candidates.clear();
      for (std::size_t i = 0; i < n; ++i) {
        if (i + 2 * kAhead < n) prefetch_bounds(i + 2 * kAhead);
        if (i + kAhead < n) bounds(i + kAhead);
        const Probe& p = probes[i];
        int j = static_cast<int>(p.table_and_bucket >> 27);
        int budget = table_radius[j] - p.d;
        const std::uint32_t* ent = seg.entries[j].data();
        for (std::uint32_t e = p.first; e < p.last; ++e) {
          std::uint32_t v = ent[e];
          if (std::popcount((v & ((1u << kFilterBits) - 1)) ^ qfilter[j]) > budget) continue;
          candidates.push_back({v >> kFilterBits, j});
        }
      }
      // Stage 4: full distance; a hit belongs to the first table whose substring is within its
      // radius (pigeonhole: there is one), so each is reported once.
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (i + kAhead < candidates.size()) {
          __builtin_prefetch(&rows_[seg.begin + candidates[i + kAhead].row]);
        }
        const Candidate& c = candidates[i];
        std::uint64_t row = seg.begin + c.row;
        const Words& r = rows_[row];
        int d = Distance(q, r);
        if (d > radius) continue;
        Words x = {q[0] ^ r[0], q[1] ^ r[1], q[2] ^ r[2], q[3] ^ r[3]};
        if (layout.MaskedDistance(x, c.table) > table_radius[c.table]) continue;
        bool earlier = false;
        for (int k = 0; k < c.table && !earlier; ++k) {
          earlier = table_radius[k] >= 0 && layout.MaskedDistance(x, k) <= table_radius[k];
        }
        if (!earlier) EmitHit(static_cast<int>(qi), row, d, &hits);
      }
    }
  }
  ScanRows(queries, radius, indexed_end_, rows_.size(), &hits);
  std::sort(hits.begin(), hits.end(), [](const HashHit& a, const HashHit& b) {
    return std::tie(a.query, a.distance, a.id, a.t) < std::tie(b.query, b.distance, b.id, b.t);
  });
  return hits;
}

std::size_t HashIndex::MemoryBytes() const {
  std::size_t bytes = rows_.capacity() * sizeof(Words) + times_.capacity() * sizeof(double) +
                      runs_.capacity() * sizeof(Run) + journal_.capacity() * sizeof(JournalOp);
  // Buckets of the id map: a node with its vector, roughly.
  bytes += runs_of_.size() * (sizeof(std::int64_t) + sizeof(std::vector<std::size_t>) + 32);
  for (const Segment& seg : segments_) bytes += seg.MemoryBytes();
  return bytes;
}

Hash256 HashIndex::HashOfRow(std::uint64_t row) const { return GetBitLayout().ToHash(rows_[row]); }

std::size_t HashIndex::segment_count() const { return segments_.size(); }

}  // namespace sightline::analysis::match
