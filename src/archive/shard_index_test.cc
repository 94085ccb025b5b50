// The sharded frame-hash index on a SQLite catalogue and a directory object store: built from the
// catalogue's rows, equal to a brute-force scan; snapshots and restarts that read only new rows;
// gaps in the ids (rows committing out of order) waited for and given up by the horizon rule;
// in-process shard servers queried through the registry, equal to one flat index; a missing,
// stale or unreachable shard fails the query by name.
#include "archive/shard_index.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "archive/archive_catalog.h"
#include "archive/blob_store.h"
#include "archive/shard_query.h"
#include "archive/shard_registry.h"
#include "archive/shard_server.h"
#include "archive/shard_tail.h"
#include "evidence/sql.h"
#include "test_util.h"

namespace sightline::archive {
namespace {

using analysis::match::HashFrame;
using analysis::match::HashIndex;
using evidence::SqlBlob;
using evidence::SqlConnection;
using evidence::SqlValue;
using sightline::testing::ScratchDir;

void CreateTestSchema(SqlConnection& db) {
  Status made = ArchiveCatalog(&db).CreateSchema();
  ASSERT_TRUE(made.ok()) << made.message();
}

Hash256 RandomHash(std::mt19937_64& rng) {
  Hash256 h;
  for (int i = 0; i < 32; i += 8) {
    const std::uint64_t w = rng();
    std::memcpy(h.data() + i, &w, 8);
  }
  return h;
}

Hash256 Flipped(Hash256 h, int bits, std::mt19937_64& rng) {
  std::vector<int> order(256);
  for (int i = 0; i < 256; ++i) order[static_cast<std::size_t>(i)] = i;
  std::shuffle(order.begin(), order.end(), rng);
  for (int i = 0; i < bits; ++i) {
    const int b = order[static_cast<std::size_t>(i)];
    h[static_cast<std::size_t>(b / 8)] ^= static_cast<std::uint8_t>(1u << (b % 8));
  }
  return h;
}

struct Item {
  std::int64_t id = 0;
  std::vector<HashFrame> frames;
};

// Items of `frames` random frames, a third of them near-copies of an earlier item (every frame
// 0–40 bits away: some within radius 31, some just beyond).
std::vector<Item> MakeItems(std::mt19937_64& rng, std::int64_t first_id, int count, int frames,
                            const std::vector<Item>& earlier = {}) {
  std::vector<Item> items;
  for (int k = 0; k < count; ++k) {
    Item item;
    item.id = first_id + k;
    std::vector<const Item*> pool;
    for (const Item& e : earlier) pool.push_back(&e);
    for (const Item& e : items) pool.push_back(&e);
    const Item* source = !pool.empty() && rng() % 3 == 0 ? pool[rng() % pool.size()] : nullptr;
    for (int f = 0; f < frames; ++f) {
      HashFrame frame;
      frame.t = f * 0.5 + 0.25;
      frame.hash =
          source != nullptr
              ? Flipped(source->frames[static_cast<std::size_t>(f) % source->frames.size()].hash,
                        static_cast<int>(rng() % 41), rng)
              : RandomHash(rng);
      item.frames.push_back(frame);
    }
    items.push_back(std::move(item));
  }
  return items;
}

// Inserts each item's rows in one transaction (several rows a statement).
void InsertItems(SqlConnection& db, const std::vector<Item>& items) {
  for (const Item& item : items) {
    evidence::SqlTransaction tx(&db);
    ASSERT_TRUE(tx.Begin().ok());
    for (std::size_t i = 0; i < item.frames.size(); i += 50) {
      std::string sql = "INSERT INTO archive_frame_hashes (item_id, t, hash) VALUES ";
      std::vector<SqlValue> params;
      for (std::size_t j = i; j < std::min(item.frames.size(), i + 50); ++j) {
        const std::size_t p = params.size();
        sql += (j > i ? "," : "") + std::string("($") + std::to_string(p + 1) + ",$" +
               std::to_string(p + 2) + ",$" + std::to_string(p + 3) + ")";
        params.emplace_back(item.id);
        params.emplace_back(item.frames[j].t);
        params.emplace_back(
            SqlBlob{std::string(reinterpret_cast<const char*>(item.frames[j].hash.data()), 32)});
      }
      auto r = db.Query(sql, params);
      ASSERT_TRUE(r.ok()) << r.status().message();
    }
    ASSERT_TRUE(tx.Commit().ok());
  }
}

// One row with an explicit id (for gaps).
void InsertRowWithId(SqlConnection& db, std::int64_t id, std::int64_t item_id, double t,
                     const Hash256& hash) {
  auto r = db.Query(
      "INSERT INTO archive_frame_hashes (id, item_id, t, hash) VALUES ($1,$2,$3,$4)",
      {id, item_id, t, SqlBlob{std::string(reinterpret_cast<const char*>(hash.data()), 32)}});
  ASSERT_TRUE(r.ok()) << r.status().message();
}

HashIndex FlatIndex(const std::vector<Item>& items) {
  HashIndex flat;
  for (const Item& item : items) flat.Insert(item.id, item.frames);
  return flat;
}

std::vector<HashHit> OfShard(const std::vector<HashHit>& hits, const ShardSpec& spec) {
  std::vector<HashHit> out;
  for (const HashHit& h : hits) {
    if (spec.Owns(h.id)) out.push_back(h);
  }
  return out;
}

// Query sets: frames of stored items moved 0–40 bits, and random frames.
std::vector<std::vector<Hash256>> MakeQueries(std::mt19937_64& rng, const std::vector<Item>& items,
                                              int count, int size) {
  std::vector<std::vector<Hash256>> queries;
  for (int q = 0; q < count; ++q) {
    std::vector<Hash256> hashes;
    const Item& item = items[rng() % items.size()];
    for (int k = 0; k < size; ++k) {
      if (k % 4 == 3) {
        hashes.push_back(RandomHash(rng));
      } else {
        const Hash256& h = item.frames[static_cast<std::size_t>(k) % item.frames.size()].hash;
        hashes.push_back(Flipped(h, static_cast<int>(rng() % 41), rng));
      }
    }
    queries.push_back(std::move(hashes));
  }
  return queries;
}

class ShardIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_url_ = dir_ / "catalog.db";
    objects_url_ = dir_ / "objects";
    auto db = evidence::OpenSql(catalog_url_);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    CreateTestSchema(*db_);
    auto store = OpenBlobStore(objects_url_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }

  ShardIndexOptions Options() const {
    ShardIndexOptions o;
    o.scratch_dir = dir_.path();
    o.batch_rows = 97;  // many batches, so that batch boundaries are exercised
    return o;
  }

  ScratchDir dir_;
  std::string catalog_url_, objects_url_;
  std::unique_ptr<SqlConnection> db_;
  std::unique_ptr<BlobStore> store_;
};

TEST(ShardSpecTest, ParsesAndAssigns) {
  auto spec = ParseShardSpec("2/8");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->shard, 2);
  EXPECT_EQ(spec->count, 8);
  EXPECT_TRUE(spec->Owns(10));
  EXPECT_FALSE(spec->Owns(11));
  EXPECT_EQ(spec->Name(), "2/8");
  EXPECT_EQ(spec->SnapshotKey(), "index/frame-hashes/8-2/snapshot");
  for (const char* bad : {"8/8", "-1/4", "1/0", "1", "a/4", "1/4x", "1/5000", ""}) {
    EXPECT_EQ(ParseShardSpec(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(ShardIndexTest, ShardsBuiltFromTheCatalogueEqualBruteForce) {
  std::mt19937_64 rng(101);
  const std::vector<Item> items = MakeItems(rng, 1, 240, 20);
  InsertItems(*db_, items);
  HashIndex flat = FlatIndex(items);
  const auto queries = MakeQueries(rng, items, 12, 24);

  std::int64_t total_rows = 0;
  std::vector<std::vector<HashHit>> merged(queries.size());
  for (int i = 0; i < 3; ++i) {
    ShardIndex shard({i, 3}, Options());
    ShardTailer tailer(&shard, db_.get());
    EXPECT_FALSE(tailer.tracks_gaps());  // SQLite commits ids in order
    auto stats = tailer.CatchUp();
    ASSERT_TRUE(stats.ok()) << stats.status().message();
    EXPECT_EQ(stats->head, 240 * 20);
    const ShardStatus s = shard.status();
    EXPECT_EQ(s.scanned_to, 240 * 20);
    EXPECT_EQ(s.checkpoint, 240 * 20);
    EXPECT_EQ(s.rows, 80 * 20);  // items are 1..240: 80 per shard
    total_rows += s.rows;
    for (std::size_t q = 0; q < queries.size(); ++q) {
      for (int radius : {0, 10, 31, 45}) {
        auto got = shard.Query(queries[q], radius);
        auto want = flat.Scan(queries[q], radius);
        ASSERT_TRUE(got.ok() && want.ok());
        EXPECT_EQ(got->hits, OfShard(*want, shard.spec())) << "query " << q << " r " << radius;
        if (radius == 31) {
          merged[q].insert(merged[q].end(), got->hits.begin(), got->hits.end());
        }
      }
    }
  }
  EXPECT_EQ(total_rows, 240 * 20);
  std::size_t hits = 0;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    auto want = flat.Scan(queries[q], 31);
    std::sort(merged[q].begin(), merged[q].end(), [](const HashHit& a, const HashHit& b) {
      return std::tie(a.query, a.distance, a.id, a.t) < std::tie(b.query, b.distance, b.id, b.t);
    });
    EXPECT_EQ(merged[q], *want);
    hits += want->size();
  }
  EXPECT_GT(hits, 50u);  // the planted near-duplicates are found
}

TEST_F(ShardIndexTest, RestartFromSnapshotReadsOnlyNewRows) {
  std::mt19937_64 rng(202);
  std::vector<Item> items = MakeItems(rng, 1, 90, 12);
  InsertItems(*db_, items);
  const ShardSpec spec{1, 2};
  {
    ShardIndex shard(spec, Options());
    ShardTailer tailer(&shard, db_.get());
    ASSERT_TRUE(tailer.CatchUp().ok());
    EXPECT_TRUE(shard.changed_since_snapshot());
    Status saved = shard.SaveSnapshot(*store_);
    ASSERT_TRUE(saved.ok()) << saved.message();
    EXPECT_FALSE(shard.changed_since_snapshot());
    EXPECT_EQ(shard.status().snapshot_rows, 45 * 12);
  }
  // New items after the snapshot: 10, of which 5 are this shard's.
  const std::vector<Item> more = MakeItems(rng, 91, 10, 12, items);
  InsertItems(*db_, more);
  items.insert(items.end(), more.begin(), more.end());

  ShardIndex restarted(spec, Options());
  Status loaded = restarted.LoadSnapshot(*store_);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  EXPECT_EQ(restarted.scanned_to(), 90 * 12);
  EXPECT_EQ(restarted.status().rows, 45 * 12);
  EXPECT_EQ(restarted.status().rows_read, 0);
  ShardTailer tailer(&restarted, db_.get());
  ASSERT_TRUE(tailer.VerifySnapshotProbe().ok());
  auto stats = tailer.Poll();
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(stats->rows_added, 5 * 12);
  EXPECT_EQ(restarted.status().rows_read, 5 * 12);  // only the new rows were read
  EXPECT_EQ(restarted.status().rows, 50 * 12);

  HashIndex flat = FlatIndex(items);
  for (const auto& q : MakeQueries(rng, items, 8, 16)) {
    auto got = restarted.Query(q, 31);
    auto want = flat.Scan(q, 31);
    ASSERT_TRUE(got.ok() && want.ok());
    EXPECT_EQ(got->hits, OfShard(*want, spec));
  }

  // Another shard's snapshot is not this one's.
  EXPECT_EQ(ShardIndex({0, 2}, Options()).LoadSnapshot(*store_).code(), StatusCode::kNotFound);

  // A snapshot is checked against the catalogue it is used with.
  ScratchDir other;
  auto other_db = evidence::OpenSql(other / "catalog.db");
  ASSERT_TRUE(other_db.ok());
  CreateTestSchema(**other_db);
  InsertItems(**other_db, MakeItems(rng, 1, 120, 12));
  ShardIndex foreign(spec, Options());
  ASSERT_TRUE(foreign.LoadSnapshot(*store_).ok());
  Status probe = ShardTailer(&foreign, other_db->get()).VerifySnapshotProbe();
  EXPECT_EQ(probe.code(), StatusCode::kCorrupt);
  EXPECT_NE(probe.message().find("another catalogue"), std::string::npos) << probe.message();

  // A damaged snapshot is refused, and the index stays as it was.
  const std::string object = objects_url_ + "/named/" + spec.SnapshotKey();
  ASSERT_TRUE(std::filesystem::exists(object));
  {
    std::fstream f(object, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-20, std::ios::end);
    f.put('\x55');
  }
  ShardIndex damaged(spec, Options());
  EXPECT_EQ(damaged.LoadSnapshot(*store_).code(), StatusCode::kCorrupt);
  EXPECT_EQ(damaged.status().rows, 0);
}

// PostgreSQL can commit a row with a smaller id after a larger one. Gaps are exercised here on
// SQLite (explicit ids, a horizon given by the test): a gap is read again at every poll, filled
// when its rows commit, and given up only once the horizon passes the one chosen for it.
TEST_F(ShardIndexTest, GapsAreWaitedForUntilTheirTransactionsEnd) {
  TxHorizon horizon{100, 105};
  double now = 1000;
  ShardIndexOptions options = Options();
  options.gap_settle_seconds = 5;
  options.horizon = [&]() -> Result<TxHorizon> { return horizon; };
  options.clock = [&] { return now; };
  const ShardSpec spec{0, 1};
  ShardIndex shard(spec, options);
  ShardTailer tailer(&shard, db_.get());
  EXPECT_TRUE(tailer.tracks_gaps());
  std::mt19937_64 rng(303);
  std::vector<Hash256> h;
  for (int i = 0; i < 40; ++i) h.push_back(RandomHash(rng));

  // Ids 1-4 and 8-10 commit first; 5-7 (another transaction) later.
  for (int id : {1, 2, 3, 4, 8, 9, 10}) InsertRowWithId(*db_, id, 1 + id / 4, id, h[id]);
  ASSERT_TRUE(tailer.Poll().ok());
  EXPECT_EQ(shard.scanned_to(), 10);
  EXPECT_EQ(shard.checkpoint(), 4);
  ASSERT_EQ(shard.gaps().size(), 1u);
  EXPECT_EQ(shard.gaps()[0].first, 5);
  EXPECT_EQ(shard.gaps()[0].last, 7);
  EXPECT_EQ(shard.status().rows, 7);

  for (int id : {5, 6}) InsertRowWithId(*db_, id, 7, id, h[id]);
  now += 1;
  auto polled = tailer.Poll();
  ASSERT_TRUE(polled.ok()) << polled.status().message();
  EXPECT_EQ(polled->gap_ids_filled, 2);
  EXPECT_EQ(shard.status().rows, 9);
  ASSERT_EQ(shard.gaps().size(), 1u);
  EXPECT_EQ(shard.gaps()[0].first, 7);
  EXPECT_EQ(shard.checkpoint(), 6);
  auto found = shard.Query(std::vector<Hash256>{h[5], h[6]}, 0);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->hits.size(), 2u);

  // Id 7 never comes (rolled back). Before the settle time, no horizon is chosen.
  ASSERT_TRUE(tailer.Poll().ok());
  EXPECT_EQ(shard.gaps()[0].wait_xmax, 0);
  now += 5;
  ASSERT_TRUE(tailer.Poll().ok());
  EXPECT_EQ(shard.gaps()[0].wait_xmax, 105);  // the transactions running then must end first
  horizon = {104, 110};
  ASSERT_TRUE(tailer.Poll().ok());
  ASSERT_EQ(shard.gaps().size(), 1u);  // one of them still runs

  // A snapshot keeps the gap: a restarted shard still waits for it, and finds a late row.
  ASSERT_TRUE(shard.SaveSnapshot(*store_).ok());
  ShardIndex restarted(spec, options);
  ASSERT_TRUE(restarted.LoadSnapshot(*store_).ok());
  ASSERT_EQ(restarted.gaps().size(), 1u);
  EXPECT_EQ(restarted.checkpoint(), 6);
  InsertRowWithId(*db_, 7, 9, 7, h[7]);
  ShardTailer tailer2(&restarted, db_.get());
  ASSERT_TRUE(tailer2.Poll().ok());
  EXPECT_TRUE(restarted.gaps().empty());
  EXPECT_EQ(restarted.checkpoint(), 10);
  EXPECT_EQ(restarted.status().rows, 10);

  // A gap whose transactions have all ended is given up.
  for (int id : {12, 13}) InsertRowWithId(*db_, id, 3, id, h[id]);
  ASSERT_TRUE(tailer.Poll().ok());  // finds the late id 7 too; 11 is a new gap
  EXPECT_EQ(shard.checkpoint(), 10);
  ASSERT_EQ(shard.gaps().size(), 1u);
  EXPECT_EQ(shard.gaps()[0].first, 11);
  now += 6;
  horizon = {110, 120};
  auto settled = tailer.Poll();
  ASSERT_TRUE(settled.ok());
  ASSERT_EQ(shard.gaps().size(), 1u);
  EXPECT_EQ(shard.gaps()[0].wait_xmax, 120);
  horizon = {120, 121};
  settled = tailer.Poll();
  ASSERT_TRUE(settled.ok());
  EXPECT_EQ(settled->gap_ids_given_up, 1);
  EXPECT_TRUE(shard.gaps().empty());
  EXPECT_EQ(shard.checkpoint(), 13);
  EXPECT_EQ(shard.status().rows, 12);
}

TEST_F(ShardIndexTest, WithoutGapTrackingSqliteIdsAreFinal) {
  std::mt19937_64 rng(404);
  for (int id : {1, 2, 5}) InsertRowWithId(*db_, id, 4, id, RandomHash(rng));
  ShardIndex shard({0, 2}, Options());
  ShardTailer tailer(&shard, db_.get());
  ASSERT_TRUE(tailer.Poll().ok());
  EXPECT_EQ(shard.checkpoint(), 5);
  EXPECT_TRUE(shard.gaps().empty());
  EXPECT_EQ(shard.status().rows, 3);
}

TEST(ShardWireTest, RoundTripsAndRefusesMalformedQueries) {
  std::mt19937_64 rng(505);
  std::vector<Hash256> hashes = {RandomHash(rng), RandomHash(rng)};
  auto req = DecodeShardQuery(EncodeShardQuery(hashes, 17));
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->radius, 17);
  EXPECT_EQ(req->hashes, hashes);
  for (const char* bad :
       {"[]", "{\"hashes\": 3}", "{\"hashes\": [\"zz\"]}", "{\"radius\": 300, \"hashes\": []}",
        "{\"radius\": 1.5, \"hashes\": []}"}) {
    EXPECT_EQ(DecodeShardQuery(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  ShardAnswer answer;
  answer.checkpoint = 9;
  answer.scanned_to = 12;
  answer.rows = 3;
  answer.hits = {{0, 4, 1.0 / 3.0, 5}, {1, 1LL << 40, 1e-9, 31}};
  auto decoded = DecodeShardAnswer(EncodeShardAnswer({1, 4}, answer));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->first.Name(), "1/4");
  EXPECT_EQ(decoded->second.hits, answer.hits);  // times exactly
  EXPECT_EQ(decoded->second.scanned_to, 12);
}

// Runs a ShardServer on its own thread until stopped.
class RunningShard {
 public:
  RunningShard(const std::string& catalog, const std::string& objects, ShardSpec spec,
               const std::string& scratch) {
    ShardServerOptions o;
    o.spec = spec;
    o.catalog_url = catalog;
    o.objects_url = objects;
    o.poll_seconds = 0.05;
    o.heartbeat_seconds = 0.1;
    o.index.scratch_dir = scratch;
    auto s = ShardServer::Create(o);
    EXPECT_TRUE(s.ok());
    server_ = std::move(*s);
    auto port = server_->Bind();
    EXPECT_TRUE(port.ok()) << port.status().message();
    thread_ = std::thread([this] { result_ = server_->Run(); });
  }
  ~RunningShard() { (void)Stop(); }
  Status Stop() {
    if (thread_.joinable()) {
      server_->Stop();
      thread_.join();
    }
    return result_;
  }
  ShardServer& server() { return *server_; }

 private:
  std::unique_ptr<ShardServer> server_;
  std::thread thread_;
  Status result_;
};

// Waits until the registry lists a complete, ready set; returns the last failure otherwise.
Status WaitForShards(SqlConnection& db, const ShardQueryOptions& options) {
  Status last;
  for (int i = 0; i < 400; ++i) {
    auto live = LiveShards(db, options);
    if (live.ok()) return Status::Ok();
    last = live.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return last;
}

TEST_F(ShardIndexTest, FanOutOverThreeShardsEqualsOneFlatIndex) {
  std::mt19937_64 rng(606);
  std::vector<Item> items = MakeItems(rng, 1, 150, 16);
  InsertItems(*db_, items);
  ShardQueryOptions qopt;
  qopt.stale_after_seconds = 3;
  qopt.timeout_seconds = 10;

  auto shards = std::make_unique<std::vector<std::unique_ptr<RunningShard>>>();
  for (int i = 0; i < 3; ++i) {
    shards->push_back(
        std::make_unique<RunningShard>(catalog_url_, objects_url_, ShardSpec{i, 3}, dir_.path()));
  }
  Status up = WaitForShards(*db_, qopt);
  ASSERT_TRUE(up.ok()) << up.message();

  HashIndex flat = FlatIndex(items);
  const auto queries = MakeQueries(rng, items, 6, 30);
  std::size_t hits = 0;
  for (const auto& q : queries) {
    auto got = QueryArchiveIndex(*db_, q, 31, qopt);
    ASSERT_TRUE(got.ok()) << got.status().message();
    auto want = flat.Scan(q, 31);
    EXPECT_EQ(got->hits, *want);
    EXPECT_EQ(got->shards.size(), 3u);
    hits += want->size();
  }
  EXPECT_GT(hits, 20u);

  // A new item becomes searchable through the tail.
  const std::vector<Item> more = MakeItems(rng, 151, 1, 16, items);
  InsertItems(*db_, more);
  items.insert(items.end(), more.begin(), more.end());
  std::vector<Hash256> probe;
  for (const HashFrame& f : more[0].frames) probe.push_back(f.hash);
  bool seen = false;
  for (int i = 0; i < 200 && !seen; ++i) {
    auto got = QueryArchiveIndex(*db_, probe, 0, qopt);
    ASSERT_TRUE(got.ok()) << got.status().message();
    seen = std::any_of(got->hits.begin(), got->hits.end(),
                       [](const HashHit& h) { return h.id == 151; });
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_TRUE(seen);
  {
    auto got = QueryArchiveIndex(*db_, probe, 31, qopt);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->hits, *FlatIndex(items).Scan(probe, 31));
  }

  // Shard 1 stops: it unregisters, and the query fails naming it (never a partial answer).
  EXPECT_TRUE((*shards)[1]->Stop().ok());
  auto missing = QueryArchiveIndex(*db_, queries[0], 31, qopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("shard 1/3 is not running"), std::string::npos)
      << missing.status().message();

  // It restarts from the snapshot it wrote when stopping, reading no row again.
  (*shards)[1] =
      std::make_unique<RunningShard>(catalog_url_, objects_url_, ShardSpec{1, 3}, dir_.path());
  up = WaitForShards(*db_, qopt);
  ASSERT_TRUE(up.ok()) << up.message();
  EXPECT_EQ((*shards)[1]->server().index().status().rows_read, 0);
  EXPECT_GT((*shards)[1]->server().index().status().rows, 0);
  {
    auto got = QueryArchiveIndex(*db_, queries[1], 31, qopt);
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ(got->hits, *FlatIndex(items).Scan(queries[1], 31));
  }

  // A registered shard that does not answer fails the query by name.
  auto live = LiveShards(*db_, qopt);
  ASSERT_TRUE(live.ok());
  std::vector<ShardRecord> wrong = *live;
  wrong[2].address = "127.0.0.1:1";
  auto unreachable = QueryShards(wrong, queries[0], 31, 5);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_NE(unreachable.status().message().find("shard 2/3 at 127.0.0.1:1 did not answer"),
            std::string::npos)
      << unreachable.status().message();
  // Another shard's answer at a registered address is refused.
  wrong = *live;
  std::swap(wrong[0].address, wrong[2].address);
  auto swapped = QueryShards(wrong, queries[0], 31, 5);
  ASSERT_FALSE(swapped.ok());
  EXPECT_NE(swapped.status().message().find("answered as shard"), std::string::npos);

  // A shard that died (its heartbeat stops) is stale.
  shards->clear();
  ShardRecord dead;
  dead.spec = {0, 2};
  dead.address = "127.0.0.1:1";
  dead.instance = "x";
  dead.state = "ready";
  ASSERT_TRUE(RegisterShard(*db_, dead).ok());
  ASSERT_TRUE(db_->Query("UPDATE archive_shards SET heartbeat_at = heartbeat_at - 100, "
                         "polled_at = heartbeat_at - 100")
                  .ok());
  auto stale = QueryArchiveIndex(*db_, queries[0], 31, qopt);
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.status().message().find("shard 0/2 (127.0.0.1:1) last reported"),
            std::string::npos)
      << stale.status().message();
  EXPECT_NE(stale.status().message().find("shard 1/2 is not running"), std::string::npos);
}

}  // namespace
}  // namespace sightline::archive
