// The sharded frame-hash index on PostgreSQL (the fixture's throwaway server): shards built from
// the catalogue equal a brute-force scan; a row committed after a larger id is found (the gap is
// read again), a rolled-back id is given up once its transaction has ended; the registry's SQL
// and the fan-out over shard servers.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "archive/archive_catalog.h"
#include "archive/blob_store.h"
#include "archive/shard_index.h"
#include "archive/shard_query.h"
#include "archive/shard_registry.h"
#include "archive/shard_server.h"
#include "archive/shard_tail.h"
#include "evidence/sql.h"
#include "service_env.h"
#include "test_util.h"

namespace sightline::archive {
namespace {

using analysis::match::HashFrame;
using analysis::match::HashIndex;
using evidence::SqlBlob;
using evidence::SqlConnection;
using evidence::SqlValue;

void CreateTables(SqlConnection& db) {
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
  for (int i = 0; i < bits; ++i) {
    const int b = static_cast<int>(rng() % 256);
    h[static_cast<std::size_t>(b / 8)] ^= static_cast<std::uint8_t>(1u << (b % 8));
  }
  return h;
}

// Inserts `frames` of `item` in the connection's current state (inside or outside a
// transaction).
void InsertFrames(SqlConnection& db, std::int64_t item, const std::vector<HashFrame>& frames) {
  std::string sql = "INSERT INTO archive_frame_hashes (item_id, t, hash) VALUES ";
  std::vector<SqlValue> params;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    const std::size_t p = params.size();
    sql += (f ? "," : "") + std::string("($") + std::to_string(p + 1) + ",$" +
           std::to_string(p + 2) + ",$" + std::to_string(p + 3) + ")";
    params.emplace_back(item);
    params.emplace_back(frames[f].t);
    params.emplace_back(
        SqlBlob{std::string(reinterpret_cast<const char*>(frames[f].hash.data()), 32)});
  }
  auto r = db.Query(sql, params);
  ASSERT_TRUE(r.ok()) << r.status().message();
}

std::vector<HashFrame> RandomFrames(std::mt19937_64& rng, int n, const HashFrame* near = nullptr) {
  std::vector<HashFrame> frames;
  for (int i = 0; i < n; ++i) {
    frames.push_back({i * 1.5, near != nullptr
                                   ? Flipped(near[i].hash, static_cast<int>(rng() % 40), rng)
                                   : RandomHash(rng)});
  }
  return frames;
}

std::unique_ptr<SqlConnection> Open(const std::string& url) {
  auto db = evidence::OpenSql(url);
  EXPECT_TRUE(db.ok()) << db.status().message();
  return db.ok() ? std::move(*db) : nullptr;
}

TEST(ShardIndexServiceTest, OutOfOrderCommitsOnPostgres) {
  const std::string url = sightline::testing::FreshPgUrl("shards_gaps");
  ASSERT_FALSE(url.empty());
  auto db = Open(url), a = Open(url), c = Open(url);
  ASSERT_TRUE(db && a && c);
  CreateTables(*db);
  std::mt19937_64 rng(11);

  ShardIndexOptions options;
  options.gap_settle_seconds = 0;
  ShardIndex shard({0, 1}, options);
  ShardTailer tailer(&shard, db.get());
  EXPECT_TRUE(tailer.tracks_gaps());

  // Transaction A draws ids first and commits last.
  const auto frames_a = RandomFrames(rng, 10), frames_b = RandomFrames(rng, 10);
  ASSERT_TRUE(a->Begin().ok());
  InsertFrames(*a, 1, frames_a);
  InsertFrames(*db, 2, frames_b);  // autocommit: ids 11-20
  ASSERT_TRUE(tailer.Poll().ok());
  EXPECT_EQ(shard.scanned_to(), 20);
  EXPECT_EQ(shard.checkpoint(), 0);
  ASSERT_EQ(shard.gaps().size(), 1u);
  EXPECT_EQ(shard.gaps()[0].last, 10);
  EXPECT_EQ(shard.status().rows, 10);
  // While A runs, its gap is kept however often the shard polls.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(tailer.Poll().ok());
  ASSERT_EQ(shard.gaps().size(), 1u);
  ASSERT_TRUE(a->Commit().ok());
  ASSERT_TRUE(tailer.Poll().ok());
  EXPECT_TRUE(shard.gaps().empty());
  EXPECT_EQ(shard.checkpoint(), 20);
  EXPECT_EQ(shard.status().rows, 20);
  std::vector<Hash256> probe = {frames_a[3].hash};
  auto found = shard.Query(probe, 0);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->hits.size(), 1u);
  EXPECT_EQ(found->hits[0].id, 1);

  // Transaction C rolls back: its ids are given up once it has ended, not before.
  ASSERT_TRUE(c->Begin().ok());
  InsertFrames(*c, 3, RandomFrames(rng, 5));   // ids 21-25
  InsertFrames(*db, 4, RandomFrames(rng, 5));  // ids 26-30
  ASSERT_TRUE(tailer.Poll().ok());
  ASSERT_EQ(shard.gaps().size(), 1u);
  ASSERT_TRUE(tailer.Poll().ok());  // the horizon to wait for is chosen: C still runs
  ASSERT_EQ(shard.gaps().size(), 1u);
  EXPECT_GT(shard.gaps()[0].wait_xmax, 0);
  c->Rollback();
  std::int64_t given_up = 0;
  for (int i = 0; i < 20 && !shard.gaps().empty(); ++i) {
    auto polled = tailer.Poll();
    ASSERT_TRUE(polled.ok()) << polled.status().message();
    given_up += polled->gap_ids_given_up;
  }
  EXPECT_TRUE(shard.gaps().empty());
  EXPECT_EQ(given_up, 5);
  EXPECT_EQ(shard.checkpoint(), 30);
  EXPECT_EQ(shard.status().rows, 25);
}

TEST(ShardIndexServiceTest, ShardServersOnPostgresEqualBruteForce) {
  const std::string url = sightline::testing::FreshPgUrl("shards_fanout");
  ASSERT_FALSE(url.empty());
  sightline::testing::ScratchDir dir;
  auto db = Open(url);
  ASSERT_TRUE(db);
  CreateTables(*db);
  std::mt19937_64 rng(12);
  HashIndex flat;
  std::vector<std::vector<HashFrame>> items;
  for (int item = 1; item <= 120; ++item) {
    const HashFrame* near =
        items.size() > 3 && rng() % 3 == 0 ? items[rng() % items.size()].data() : nullptr;
    items.push_back(RandomFrames(rng, 12, near));
    InsertFrames(*db, item, items.back());
    flat.Insert(item, items.back());
  }

  // Servers on threads, stopped and joined however the test ends.
  struct Running {
    std::unique_ptr<ShardServer> server;
    std::thread thread;
    Status result;
    ~Running() { Stop(); }
    void Stop() {
      if (!thread.joinable()) return;
      server->Stop();
      thread.join();
      EXPECT_TRUE(result.ok()) << result.message();
    }
  };
  std::vector<std::unique_ptr<Running>> servers;
  for (int i = 0; i < 2; ++i) {
    ShardServerOptions o;
    o.spec = {i, 2};
    o.catalog_url = url;
    o.objects_url = dir / "objects";
    o.poll_seconds = 0.05;
    o.heartbeat_seconds = 0.1;
    o.index.scratch_dir = dir.path();
    o.index.batch_rows = 100;
    auto s = ShardServer::Create(o);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Bind().ok());
    auto r = std::make_unique<Running>();
    r->server = std::move(*s);
    Running* raw = r.get();
    r->thread = std::thread([raw] { raw->result = raw->server->Run(); });
    servers.push_back(std::move(r));
  }
  ShardQueryOptions qopt;
  qopt.stale_after_seconds = 5;
  Status up;
  for (int i = 0; i < 400; ++i) {
    auto live = LiveShards(*db, qopt);
    up = live.ok() ? Status::Ok() : live.status();
    if (up.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(up.ok()) << up.message();
  auto listed = ListShards(*db);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[1].state, "ready");
  EXPECT_EQ((*listed)[1].scanned_to, 120 * 12);
  EXPECT_GE((*listed)[1].poll_age, 0);

  for (int q = 0; q < 6; ++q) {
    std::vector<Hash256> query;
    for (const HashFrame& f : items[rng() % items.size()]) {
      query.push_back(Flipped(f.hash, static_cast<int>(rng() % 40), rng));
    }
    auto got = QueryArchiveIndex(*db, query, 31, qopt);
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ(got->hits, *flat.Scan(query, 31));
  }

  servers[0]->Stop();
  auto missing = QueryArchiveIndex(*db, std::vector<Hash256>{items[0][0].hash}, 31, qopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("shard 0/2 is not running"), std::string::npos)
      << missing.status().message();
  servers[1]->Stop();
  listed = ListShards(*db);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

}  // namespace
}  // namespace sightline::archive
