// An index of 256-bit frame hashes (PDQ) that answers "which stored frames are within Hamming
// radius r of any of these hashes": exact, i.e. the same hits as a brute-force scan, for millions
// of hashes (doc/hash-index.md has the measurements: a 60-hash query against 10 million stored
// hashes at radius 31 takes about 20 ms of one core, brute force about 900 ms).
//
// Method: multi-index hashing (Norouzi, Punjani, Fleet, "Fast search in Hamming space with
// multi-index hashing", CVPR 2012). The 256 bits are split into m = 11 substrings of 23 or 24
// bits. If two hashes differ in at most r bits, then by the pigeonhole principle, writing
// r = q·m + a (0 ≤ a < m), one of the first a + 1 substrings differs in at most q bits or one of
// the others in at most q − 1 bits. So each substring has a table; a query looks up every
// substring value within that radius of its own, and the stored hashes found are checked at full
// length. A hit is reported only by the first table whose test it passes, so never twice.
//
// Layout:
//  - Substring j takes the bits b with b mod 11 = j (interleaved), not a run of adjacent bits:
//    PDQ's neighbouring bits come from neighbouring DCT coefficients, which are correlated in
//    real images. Rows are stored with their bits permuted into that order once, at insert.
//  - A table is direct-addressed by the top p bits of its substring (p ≈ log2(n) − 3, so about 8
//    entries per bucket); an entry is one 32-bit word: the row (28 bits) and the next 4 bits of
//    the substring, which filter most entries before the full hash is read. A lookup's bucket
//    visits are known in advance, so their cache misses are prefetched and overlap.
//  - Rows live in segments (tables over a range of rows). Inserted rows are first scanned
//    linearly; every kPendingLimit rows they become a segment, which absorbs the newest segments
//    no larger than itself (a binary counter: O(log n) rebuilds per row, O(log n) segments).
//  - When the radius is so large that the lookups would cost more than a linear scan (about
//    r > 54 at 10 million), a segment is scanned instead: results stay exact at any radius.
//
// Persistence: a file of checksummed records after a 64-byte header. The tables are not stored:
// they are rebuilt at load (about a second per 10 million rows), which keeps the file a plain log
// of what was inserted and removed. Save writes a compacted snapshot (temporary file, fsync,
// rename); Append adds one record with the changes since (write, fsync). A crash during Append
// leaves an incomplete last record, which Load ignores and the next Append overwrites; a record
// that fails its checksum with data after it is corruption (kCorrupt). Format: doc/hash-index.md.
//
// Thread safety: const methods may run concurrently; anything else needs exclusive access.
#ifndef SIGHTLINE_ANALYSIS_MATCH_HASH_INDEX_H_
#define SIGHTLINE_ANALYSIS_MATCH_HASH_INDEX_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace sightline::analysis::match {

// The 32 bytes of a PDQ hash as signals::visual::PdqHash::bits holds them.
using Hash256 = std::array<std::uint8_t, 32>;

// Meta's PDQ match threshold: hashes of the same picture after ordinary edits differ by ≤ 31 bits.
inline constexpr int kDefaultHashRadius = 31;

struct HashFrame {
  double t = 0;  // the frame's time in its clip (seconds)
  Hash256 hash{};
};

struct HashHit {
  int query = 0;        // index into the query hashes
  std::int64_t id = 0;  // the id the frame was inserted under
  double t = 0;         // its time
  int distance = 0;     // Hamming distance to the query hash, 0..256
  friend bool operator==(const HashHit&, const HashHit&) = default;
};

// How Query finds hits; all three give the same hits.
enum class HashSearch {
  kAuto,    // per segment, the tables or a scan, whichever its cost estimate says is faster
  kTables,  // always the tables (for tests: exactness at any radius)
  kScan,    // brute force: a linear scan of every row
};

class HashIndex {
 public:
  static constexpr int kFormatVersion = 1;
  static constexpr int kSubstrings = 11;
  // Inserted rows scanned linearly before they become a segment.
  static constexpr std::size_t kPendingLimit = 4096;

  HashIndex();
  ~HashIndex();
  HashIndex(HashIndex&&) noexcept;
  HashIndex& operator=(HashIndex&&) noexcept;
  HashIndex(const HashIndex&) = delete;
  HashIndex& operator=(const HashIndex&) = delete;

  // Adds the frames of `id` (e.g. the stored signal of a clip; all frames of a clip share it).
  // Calling it again for the same id adds more frames. With no frames, records `id` as present
  // (Contains), so that a clip without hashes is known to be indexed.
  void Insert(std::int64_t id, std::span<const HashFrame> frames);
  // Removes every frame of `id`; returns how many there were. The rows stay in memory, skipped,
  // until Compact() or a reload (files keep only live ones).
  std::size_t Remove(std::int64_t id);
  bool Contains(std::int64_t id) const;
  // The ids present, ascending.
  std::vector<std::int64_t> Ids() const;
  // Live frames.
  std::size_t size() const { return live_rows_; }
  bool empty() const { return live_rows_ == 0; }

  // While deferred, inserted rows are only scanned linearly (still exact); ending it indexes them
  // in one segment. For bulk loads: building one segment beats merging many.
  void DeferIndexing(bool defer);
  // Drops removed rows and rebuilds the tables as one segment.
  void Compact();

  // Every stored frame within `radius` (0..256) of any of `hashes`, ordered by query, distance,
  // id, time. Exact: the same hits as a brute-force scan. kInvalidArgument for a radius out of
  // range.
  Result<std::vector<HashHit>> Query(std::span<const Hash256> hashes,
                                     int radius = kDefaultHashRadius,
                                     HashSearch how = HashSearch::kAuto) const;
  // Query by brute force: the reference for tests and benches.
  Result<std::vector<HashHit>> Scan(std::span<const Hash256> hashes,
                                    int radius = kDefaultHashRadius) const {
    return Query(hashes, radius, HashSearch::kScan);
  }

  // Bytes of memory held (rows, times, tables), approximately.
  std::size_t MemoryBytes() const;
  std::size_t segment_count() const;

  // --- Files (format: doc/hash-index.md) ---
  // A 64-bit digest of a description of what is indexed (e.g. "pdq_frames v1"), kept in the
  // header so that a file made for something else is not taken for this; Load does not check it.
  static std::uint64_t TagDigest(const std::string& description);
  void set_tag(std::uint64_t tag) { tag_ = tag; }
  std::uint64_t tag() const { return tag_; }

  // Reads a file and indexes its frames. kNotFound when missing; kCorrupt naming the path and the
  // failed check (magic, header checksum, a record's checksum or structure); kUnsupported for a
  // newer format. An incomplete last record (an Append cut short by a crash) is ignored:
  // torn_bytes() says how many bytes that was.
  static Result<HashIndex> Load(const std::string& path);
  // Writes the live frames as a new file (temporary file, fsync, rename): the compacted snapshot.
  Status Save(const std::string& path);
  // Appends, as one record, what changed since the last Load, Save or Append of `path`.
  // kInvalidArgument when the index was not loaded from or saved to this file; kBusy when the
  // file changed since (replaced or appended to by another writer): reload then. A torn last
  // record is overwritten. With nothing new, the file is left untouched.
  Status Append(const std::string& path);
  // Whether there are changes that Append would write.
  bool dirty() const { return !journal_.empty(); }
  // Bytes of an incomplete last record that the last Load ignored.
  std::uint64_t torn_bytes() const { return torn_bytes_; }

  struct Segment;                              // implementation (hash_index.cc)
  using Words = std::array<std::uint64_t, 4>;  // a hash in index bit order (interleaved)

  // Memory for the big arrays (rows and tables): 2 MiB aligned and offered to the kernel for
  // transparent huge pages, which makes the random accesses of a lookup cheaper (fewer TLB
  // misses; doc/hash-index.md).
  static void* AllocateLarge(std::size_t bytes);
  static void FreeLarge(void* p) noexcept;
  template <typename T>
  struct LargeAllocator {
    using value_type = T;
    LargeAllocator() = default;
    template <typename U>
    LargeAllocator(const LargeAllocator<U>&) {}  // NOLINT: allocators convert implicitly
    T* allocate(std::size_t n) { return static_cast<T*>(AllocateLarge(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { FreeLarge(p); }
    friend bool operator==(const LargeAllocator&, const LargeAllocator&) { return true; }
  };
  template <typename T>
  using LargeVector = std::vector<T, LargeAllocator<T>>;

 private:
  struct Run {  // consecutive rows inserted under one id by one Insert
    std::uint64_t begin = 0, end = 0;
    std::int64_t id = 0;
    bool dead = false;
  };
  struct JournalOp {
    bool remove = false;
    std::int64_t id = 0;
    std::size_t run = 0;  // insert: index into runs_
  };

  void AddRows(std::int64_t id, std::span<const HashFrame> frames);
  void IndexPending();
  const Run& RunOf(std::uint64_t row) const;
  Hash256 HashOfRow(std::uint64_t row) const;  // as inserted
  void ScanRows(std::span<const Words> queries, int radius, std::uint64_t begin, std::uint64_t end,
                std::vector<HashHit>* hits) const;
  void EmitHit(int query, std::uint64_t row, int distance, std::vector<HashHit>* hits) const;
  Status ReplayRecord(const std::uint8_t* payload, std::size_t size);

  LargeVector<Words> rows_;
  std::vector<double> times_;
  std::vector<Run> runs_;                                               // ascending by begin
  std::unordered_map<std::int64_t, std::vector<std::size_t>> runs_of_;  // id → runs_ indices
  std::vector<Segment> segments_;  // consecutive row ranges from 0 to indexed_end_
  std::uint64_t indexed_end_ = 0;
  std::size_t live_rows_ = 0;
  std::size_t dead_rows_ = 0;
  bool defer_ = false;

  std::uint64_t tag_ = 0;
  std::vector<JournalOp> journal_;
  std::string persisted_path_;
  std::uint64_t persisted_file_id_ = 0;
  std::uint64_t persisted_length_ = 0;
  std::uint64_t torn_bytes_ = 0;
};

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_HASH_INDEX_H_
