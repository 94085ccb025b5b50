#include "analysis/match/hash_index.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "test_util.h"

namespace sightline::analysis::match {
namespace {

using sightline::testing::ScratchDir;

Hash256 RandomHash(std::mt19937_64& rng) {
  Hash256 h;
  for (auto& b : h) b = static_cast<std::uint8_t>(rng());
  return h;
}

Hash256 Flipped(Hash256 h, int bits, std::mt19937_64& rng) {
  for (int i = 0; i < bits; ++i) {
    int b = static_cast<int>(rng() % 256);
    h[b / 8] ^= static_cast<std::uint8_t>(1u << (b % 8));
  }
  return h;
}

int Distance(const Hash256& a, const Hash256& b) {
  int d = 0;
  for (int i = 0; i < 32; i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    d += std::popcount(x ^ y);
  }
  return d;
}

// What the index should hold, kept beside it, and the brute-force answer computed from it
// independently of the index's own code.
struct Reference {
  std::vector<std::tuple<std::int64_t, double, Hash256>> frames;

  void Add(std::int64_t id, const std::vector<HashFrame>& fs) {
    for (const HashFrame& f : fs) frames.emplace_back(id, f.t, f.hash);
  }
  void Remove(std::int64_t id) {
    std::erase_if(frames, [&](const auto& f) { return std::get<0>(f) == id; });
  }
  std::vector<HashHit> Query(const std::vector<Hash256>& queries, int radius) const {
    std::vector<HashHit> hits;
    for (std::size_t q = 0; q < queries.size(); ++q) {
      for (const auto& [id, t, hash] : frames) {
        int d = Distance(queries[q], hash);
        if (d <= radius) hits.push_back({static_cast<int>(q), id, t, d});
      }
    }
    std::sort(hits.begin(), hits.end(), [](const HashHit& a, const HashHit& b) {
      return std::tie(a.query, a.distance, a.id, a.t) < std::tie(b.query, b.distance, b.id, b.t);
    });
    return hits;
  }
};

// Clips of 20 frames: half are near-duplicate families (a source and re-posts 2–14 bits away,
// some exact copies), half unrelated random frames.
std::vector<std::vector<HashFrame>> MakeClips(int clips, std::mt19937_64& rng) {
  std::vector<std::vector<HashFrame>> out;
  while (static_cast<int>(out.size()) < clips) {
    std::vector<HashFrame> source(20);
    for (std::size_t i = 0; i < source.size(); ++i) source[i] = {0.5 * i, RandomHash(rng)};
    out.push_back(source);
    if (rng() % 2 == 0) continue;
    int copies = 1 + static_cast<int>(rng() % 4);
    for (int c = 0; c < copies && static_cast<int>(out.size()) < clips; ++c) {
      std::vector<HashFrame> copy = source;
      for (HashFrame& f : copy) f.hash = Flipped(f.hash, c == 0 ? 0 : 2 + rng() % 13, rng);
      out.push_back(copy);
    }
  }
  return out;
}

// Queries: frames of stored clips moved 0–20 bits, and fresh random hashes.
std::vector<Hash256> MakeQueries(const std::vector<std::vector<HashFrame>>& clips,
                                 std::mt19937_64& rng) {
  std::vector<Hash256> q;
  for (int i = 0; i < 40; ++i) {
    const auto& clip = clips[rng() % clips.size()];
    q.push_back(Flipped(clip[rng() % clip.size()].hash, static_cast<int>(rng() % 21), rng));
  }
  for (int i = 0; i < 20; ++i) q.push_back(RandomHash(rng));
  return q;
}

TEST(HashIndexTest, EmptyIndexAnswersNothing) {
  HashIndex index;
  std::mt19937_64 rng(1);
  std::vector<Hash256> q = {RandomHash(rng)};
  auto hits = index.Query(q, 256);
  ASSERT_TRUE(hits.ok());
  EXPECT_TRUE(hits->empty());
  EXPECT_TRUE(index.empty());
  EXPECT_TRUE(index.Ids().empty());
  EXPECT_EQ(index.Remove(7), 0u);

  ScratchDir dir;
  ASSERT_TRUE(index.Save(dir / "empty.idx").ok());
  auto loaded = HashIndex::Load(dir / "empty.idx");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_TRUE(loaded->empty());
  EXPECT_TRUE(loaded->Query(q, 256)->empty());
}

TEST(HashIndexTest, RejectsRadiusOutOfRange) {
  HashIndex index;
  std::vector<Hash256> q(1);
  EXPECT_EQ(index.Query(q, -1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Query(q, 257).status().code(), StatusCode::kInvalidArgument);
}

// The tables give exactly the brute-force hits at every radius, for an index built in one
// segment and for one grown clip by clip (several segments and pending rows).
TEST(HashIndexTest, SameHitsAsBruteForceAtEveryRadius) {
  std::mt19937_64 rng(42);
  auto clips = MakeClips(3000, rng);  // 60,000 frames
  HashIndex bulk, grown;
  Reference ref;
  bulk.DeferIndexing(true);
  for (std::size_t i = 0; i < clips.size(); ++i) {
    bulk.Insert(static_cast<std::int64_t>(i), clips[i]);
    grown.Insert(static_cast<std::int64_t>(i), clips[i]);
    ref.Add(static_cast<std::int64_t>(i), clips[i]);
  }
  bulk.DeferIndexing(false);
  EXPECT_EQ(bulk.segment_count(), 1u);
  EXPECT_GT(grown.segment_count(), 1u);
  auto queries = MakeQueries(clips, rng);
  const std::vector<HashHit> within_64 = ref.Query(queries, 64);
  for (int radius : {0, 10, 31, 45, 64}) {
    SCOPED_TRACE("radius " + std::to_string(radius));
    std::vector<HashHit> want;
    std::copy_if(within_64.begin(), within_64.end(), std::back_inserter(want),
                 [&](const HashHit& h) { return h.distance <= radius; });
    if (radius >= 10) {
      EXPECT_GT(want.size(), radius >= 31 ? 40u : 20u);
    }
    for (const HashIndex* index : {&bulk, &grown}) {
      for (HashSearch how : {HashSearch::kAuto, HashSearch::kTables, HashSearch::kScan}) {
        auto got = index->Query(queries, radius, how);
        ASSERT_TRUE(got.ok());
        EXPECT_EQ(*got, want) << "method " << static_cast<int>(how);
      }
    }
  }
  // Exact copies are found at radius 0; random queries find nothing at 31.
  EXPECT_TRUE(std::any_of(within_64.begin(), within_64.end(),
                          [](const HashHit& h) { return h.distance == 0; }));
  std::vector<Hash256> randoms(queries.end() - 20, queries.end());
  EXPECT_TRUE(bulk.Query(randoms)->empty());
}

// Clustered data: many near-identical frames (a static shot), which crowd single buckets.
TEST(HashIndexTest, SameHitsAsBruteForceOnDenseClusters) {
  std::mt19937_64 rng(7);
  HashIndex index;
  Reference ref;
  index.DeferIndexing(true);
  Hash256 key = RandomHash(rng);
  for (int id = 0; id < 400; ++id) {
    std::vector<HashFrame> frames(60);
    for (int i = 0; i < 60; ++i) {
      frames[i] = {static_cast<double>(i), Flipped(key, static_cast<int>(rng() % 40), rng)};
    }
    if (id % 2) {
      for (auto& f : frames) f.hash = RandomHash(rng);
    }
    index.Insert(id, frames);
    ref.Add(id, frames);
  }
  index.DeferIndexing(false);
  std::vector<Hash256> queries = {key, Flipped(key, 12, rng), Flipped(key, 30, rng),
                                  RandomHash(rng)};
  for (int radius : {0, 10, 31, 64}) {
    SCOPED_TRACE("radius " + std::to_string(radius));
    auto got = index.Query(queries, radius, HashSearch::kTables);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, ref.Query(queries, radius));
  }
  EXPECT_GT(index.Query(queries, 31)->size(), 1000u);
}

TEST(HashIndexTest, InsertAndRemove) {
  std::mt19937_64 rng(3);
  auto clips = MakeClips(600, rng);
  HashIndex index;
  Reference ref;
  for (std::size_t i = 0; i < clips.size(); ++i) {
    index.Insert(static_cast<std::int64_t>(i), clips[i]);
    ref.Add(static_cast<std::int64_t>(i), clips[i]);
  }
  index.Insert(9999, {});  // present without frames
  EXPECT_TRUE(index.Contains(9999));
  EXPECT_EQ(index.size(), 600u * 20);
  auto queries = MakeQueries(clips, rng);

  EXPECT_EQ(index.Remove(5), 20u);
  ref.Remove(5);
  EXPECT_EQ(index.Remove(5), 0u);
  EXPECT_FALSE(index.Contains(5));
  EXPECT_EQ(index.size(), 599u * 20);
  std::vector<Hash256> own = {clips[5][0].hash, clips[5][7].hash};
  auto own_hits = index.Query(own);
  ASSERT_TRUE(own_hits.ok());
  for (const HashHit& h : *own_hits) {
    EXPECT_NE(h.id, 5);
  }
  EXPECT_EQ(*index.Query(queries, 31, HashSearch::kTables), ref.Query(queries, 31));

  // The id can come back, with other frames; and a second Insert adds to an id.
  index.Insert(5, clips[6]);
  index.Insert(5, clips[7]);
  ref.Add(5, clips[6]);
  ref.Add(5, clips[7]);
  EXPECT_TRUE(index.Contains(5));
  EXPECT_EQ(*index.Query(queries, 31, HashSearch::kTables), ref.Query(queries, 31));
  EXPECT_EQ(index.Remove(5), 40u);
  ref.Remove(5);

  index.Compact();
  EXPECT_EQ(index.segment_count(), 1u);
  EXPECT_EQ(*index.Query(queries, 31, HashSearch::kTables), ref.Query(queries, 31));
  std::vector<std::int64_t> ids = index.Ids();
  EXPECT_EQ(ids.size(), 600u);  // 599 clips and 9999
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
}

std::uint64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(HashIndexTest, SaveLoadAndAppendRoundTrip) {
  ScratchDir dir;
  const std::string path = dir / "frames.idx";
  std::mt19937_64 rng(5);
  auto clips = MakeClips(300, rng);
  HashIndex index;
  Reference ref;
  index.set_tag(HashIndex::TagDigest("pdq_frames v1"));
  for (int i = 0; i < 200; ++i) {
    index.Insert(i, clips[i]);
    ref.Add(i, clips[i]);
  }
  index.Insert(-1, {});
  index.Remove(3);
  ref.Remove(3);
  EXPECT_EQ(index.Append(path).code(), StatusCode::kInvalidArgument);  // never saved there
  ASSERT_TRUE(index.Save(path).ok());
  EXPECT_FALSE(index.dirty());
  EXPECT_TRUE(index.Append(path).ok());  // nothing new: untouched
  const std::uint64_t saved_size = FileSize(path);

  for (int i = 200; i < 300; ++i) {
    index.Insert(i, clips[i]);
    ref.Add(i, clips[i]);
  }
  index.Remove(10);
  ref.Remove(10);
  EXPECT_TRUE(index.dirty());
  ASSERT_TRUE(index.Append(path).ok());
  EXPECT_GT(FileSize(path), saved_size);

  auto loaded = HashIndex::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->tag(), HashIndex::TagDigest("pdq_frames v1"));
  EXPECT_EQ(loaded->Ids(), index.Ids());
  EXPECT_TRUE(loaded->Contains(-1));
  EXPECT_FALSE(loaded->Contains(3));
  EXPECT_EQ(loaded->size(), index.size());
  EXPECT_EQ(loaded->torn_bytes(), 0u);
  auto queries = MakeQueries(clips, rng);
  EXPECT_EQ(*loaded->Query(queries), ref.Query(queries, 31));
  EXPECT_FALSE(ref.Query(queries, 31).empty());

  // A second writer that loaded the file earlier is told to reload instead of clobbering it.
  auto other = HashIndex::Load(path);
  ASSERT_TRUE(other.ok());
  loaded->Insert(1000, clips[0]);
  ASSERT_TRUE(loaded->Append(path).ok());
  other->Insert(2000, clips[1]);
  EXPECT_EQ(other->Append(path).code(), StatusCode::kBusy);
  auto again = HashIndex::Load(path);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->Contains(1000));
  EXPECT_FALSE(again->Contains(2000));

  // So is one whose file was replaced by another's Save.
  ASSERT_TRUE(index.Save(path).ok());
  again->Insert(3000, clips[2]);
  EXPECT_EQ(again->Append(path).code(), StatusCode::kBusy);
}

// Compact renumbers runs; what Append then writes must still be what changed.
TEST(HashIndexTest, AppendAfterCompact) {
  ScratchDir dir;
  const std::string path = dir / "frames.idx";
  std::mt19937_64 rng(13);
  auto clips = MakeClips(10, rng);
  HashIndex index;
  index.Insert(0, clips[0]);
  index.Insert(1, clips[1]);
  ASSERT_TRUE(index.Save(path).ok());
  index.Insert(2, clips[2]);
  index.Insert(3, clips[3]);
  index.Remove(0);
  index.Remove(2);
  index.Compact();
  index.Insert(4, clips[4]);
  ASSERT_TRUE(index.Append(path).ok());
  auto loaded = HashIndex::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->Ids(), (std::vector<std::int64_t>{1, 3, 4}));
  std::vector<Hash256> q = {clips[3][0].hash, clips[4][0].hash, clips[0][0].hash};
  EXPECT_EQ(*loaded->Query(q, 0), *index.Query(q, 0));
  EXPECT_EQ(loaded->Query(q, 0)->size(), 2u);
}

// A crash during Append leaves part of a record: the committed part loads, and the next Append
// overwrites the torn end.
TEST(HashIndexTest, TornAppendKeepsTheCommittedPart) {
  ScratchDir dir;
  const std::string path = dir / "frames.idx";
  std::mt19937_64 rng(9);
  auto clips = MakeClips(100, rng);
  HashIndex index;
  for (int i = 0; i < 50; ++i) index.Insert(i, clips[i]);
  ASSERT_TRUE(index.Save(path).ok());
  const std::uint64_t committed = FileSize(path);
  for (int i = 50; i < 100; ++i) index.Insert(i, clips[i]);
  ASSERT_TRUE(index.Append(path).ok());
  const std::string full = ReadAll(path);
  ASSERT_GT(full.size(), committed + 100);

  for (std::uint64_t cut : {committed + 10, committed + 100, std::uint64_t{full.size()} - 1}) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    WriteAll(path, full.substr(0, cut));
    auto loaded = HashIndex::Load(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    EXPECT_EQ(loaded->Ids().size(), 50u);
    EXPECT_FALSE(loaded->Contains(50));
    EXPECT_EQ(loaded->torn_bytes(), cut - committed);
  }
  // A tail the file system filled with zeros.
  WriteAll(path, full.substr(0, committed) + std::string(3000, '\0'));
  auto loaded = HashIndex::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->Ids().size(), 50u);

  // Appending again replaces the torn end; everything then loads.
  loaded->Insert(77, clips[77]);
  ASSERT_TRUE(loaded->Append(path).ok());
  auto reloaded = HashIndex::Load(path);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().message();
  EXPECT_EQ(reloaded->Ids().size(), 51u);
  EXPECT_TRUE(reloaded->Contains(77));
  EXPECT_EQ(reloaded->torn_bytes(), 0u);
  std::vector<Hash256> q = {clips[77][3].hash};
  auto hits = reloaded->Query(q, 0);
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().id, 77);
  EXPECT_EQ(hits->front().t, 1.5);
}

TEST(HashIndexTest, DamageIsReportedAsCorrupt) {
  ScratchDir dir;
  const std::string path = dir / "frames.idx";
  std::mt19937_64 rng(11);
  auto clips = MakeClips(40, rng);
  HashIndex index;
  for (int i = 0; i < 20; ++i) index.Insert(i, clips[i]);
  ASSERT_TRUE(index.Save(path).ok());
  const std::uint64_t first_end = FileSize(path);
  for (int i = 20; i < 40; ++i) index.Insert(i, clips[i]);
  ASSERT_TRUE(index.Append(path).ok());
  const std::string good = ReadAll(path);

  EXPECT_EQ(HashIndex::Load(dir / "missing.idx").status().code(), StatusCode::kNotFound);

  std::string bad = good;
  bad[24] ^= 1;  // the tag, inside the header's checksum
  WriteAll(path, bad);
  auto r = HashIndex::Load(path);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("header"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("frames.idx"), std::string::npos);

  bad = good;
  bad[0] = 'X';
  WriteAll(path, bad);
  EXPECT_EQ(HashIndex::Load(path).status().code(), StatusCode::kCorrupt);
  WriteAll(path, "short");
  EXPECT_EQ(HashIndex::Load(path).status().code(), StatusCode::kCorrupt);

  // A damaged record size is not taken for a torn append either.
  bad = good;
  bad[64 + 8 + 2] ^= 0x40;
  WriteAll(path, bad);
  r = HashIndex::Load(path);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("size"), std::string::npos) << r.status().message();

  // A damaged byte in a record that has another after it is not a torn append.
  bad = good;
  bad[first_end / 2] ^= 0x10;
  WriteAll(path, bad);
  r = HashIndex::Load(path);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("checksum"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace sightline::analysis::match
