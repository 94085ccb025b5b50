// The sharded frame-hash index at archive scale (bench/shards/run.sh; issue 10,
// doc/hash-shards.md).
//
// Part 1, in-process shards (no catalogue, no HTTP): synthetic PDQ-like frame hashes of video
// clips (the model of bench/index: 60-frame clips in 1–3 shots, sources re-posted 1–8 times, a
// few 30 times, 10 % unrelated frames; key frames from scene families) are given to N ShardIndex
// objects as the catalogue reads would give them (ids in order, item i to shard i mod N). For
// each N: build CPU time, index memory, the CPU time of each shard for 60-hash clip queries at
// radius 31 (stored clips re-encoded once more, and clips not stored), from which the latency of
// a fan-out with one core per shard is the slowest shard plus the merge; and recall against a
// flat brute-force scan of all rows (HashIndex::Scan on every shard, merged) on a sample.
//
// Part 2, the tail path end to end: a SQLite catalogue, N ShardServers (in this process, HTTP on
// loopback, polling every second), the fan-out client. Measures the 60-hash query through HTTP
// and the time from the commit of a new item's rows to the first query that finds it.
//
//   sightline_shards_bench [--frames N] [--shards 2,4,8] [--queries Q] [--check K]
//                          [--families P] [--tail-rows R] [--tail-items T] [--dir DIR]
//                          [--no-index] [--no-tail]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../synthetic_hashes.h"
#include "archive/archive_catalog.h"
#include "archive/shard_index.h"
#include "archive/shard_query.h"
#include "archive/shard_server.h"
#include "evidence/sql.h"

namespace {

using sightline::analysis::match::Hash256;
using sightline::analysis::match::HashHit;
using sightline::archive::CatalogueRead;
using sightline::archive::FrameRow;
using sightline::archive::ShardIndex;
using sightline::archive::ShardIndexOptions;
using sightline::archive::ShardSpec;
using Clock = std::chrono::steady_clock;
using sightline::bench::CpuSeconds;
using sightline::bench::kClipFrames;
using sightline::bench::PeakRssMiB;
using sightline::bench::RandomHash;
using sightline::bench::Rng;
using sightline::bench::Seconds;
using sightline::bench::Stats;
using sightline::bench::Summarize;

long CurrentRssMiB() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long pages = 0, resident = 0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024) / 1024;
}

// Clips shaped like PDQ hashes of video at one frame a second (bench/index/index_bench.cc has the
// reasoning): 1–3 shots, static shots within 8 bits of a key frame, moving shots drifting 6 bits a
// frame; key frames from P scene prototypes with 60 bits flipped (real PDQ hashes are far from
// uniform), or random with P = 0.
class ClipSource {
 public:
  ClipSource(std::uint64_t seed, int families) : rng_(seed) {
    for (int i = 0; i < families; ++i) prototypes_.push_back(RandomHash(rng_));
  }
  Rng& rng() { return rng_; }

  std::vector<Hash256> Source() { return sightline::bench::SourceClip(rng_, prototypes_); }
  std::vector<Hash256> Repost(std::vector<Hash256> frames) {
    return sightline::bench::Repost(std::move(frames), rng_);
  }
  // The next batch of clips as the archive receives them: a source and its re-posts, or one clip
  // of unrelated frames.
  std::vector<std::vector<Hash256>> NextClips() {
    std::vector<std::vector<Hash256>> clips;
    if (rng_.Uniform(10) == 0) {
      std::vector<Hash256> frames(kClipFrames);
      for (Hash256& h : frames) h = RandomHash(rng_);
      clips.push_back(std::move(frames));
      return clips;
    }
    const std::vector<Hash256> source = Source();
    const int copies = rng_.Uniform(50) == 0 ? 30 : 1 + rng_.Uniform(8);
    for (int c = 0; c < copies; ++c) clips.push_back(Repost(source));
    return clips;
  }

 private:
  Rng rng_;
  std::vector<Hash256> prototypes_;
};

void SortHits(std::vector<HashHit>* hits) {
  std::sort(hits->begin(), hits->end(), [](const HashHit& a, const HashHit& b) {
    return std::tie(a.query, a.distance, a.id, a.t) < std::tie(b.query, b.distance, b.id, b.t);
  });
}

struct Config {
  std::size_t frames = 10'000'000;
  std::vector<int> shard_counts = {2, 4, 8};
  int queries = 50;
  int check = 4;
  int families = 50;
  std::int64_t tail_rows = 300'000;
  int tail_items = 10;
  int tail_shards = 2;
  std::string dir = "/tmp";
  bool index = true;
  bool tail = true;
};

bool g_failed = false;

// --- Part 1 ---------------------------------------------------------------------------------

int RunIndexPart(const Config& cfg, int n) {
  std::printf("\n== %zu frames in %d shards (in-process, one thread; times are its CPU time) ==\n",
              cfg.frames, n);
  const long rss0 = CurrentRssMiB();
  ShardIndexOptions options;
  options.scratch_dir = cfg.dir;
  std::vector<std::unique_ptr<ShardIndex>> shards;
  for (int i = 0; i < n; ++i) {
    shards.push_back(std::make_unique<ShardIndex>(ShardSpec{i, n}, options));
    shards.back()->DeferIndexing(true);
  }
  ClipSource source(20261207, cfg.families);
  // Stored clips to query (picked along the way, re-encoded once more later).
  std::vector<std::vector<Hash256>> stored;
  const int pick_every = static_cast<int>(std::max<std::size_t>(
      1, cfg.frames / kClipFrames / (2 * static_cast<std::size_t>(cfg.queries))));
  std::int64_t next_item = 1, next_id = 0, applied_to = 0;
  std::vector<std::vector<FrameRow>> pending(static_cast<std::size_t>(n));
  double generate_cpu = 0, insert_cpu = 0;
  auto flush = [&] {
    const double c0 = CpuSeconds();
    for (int i = 0; i < n; ++i) {
      CatalogueRead read;
      read.after = applied_to;
      read.through = next_id;
      read.rows = std::move(pending[static_cast<std::size_t>(i)]);
      pending[static_cast<std::size_t>(i)].clear();
      sightline::Status s = shards[static_cast<std::size_t>(i)]->ApplyNew(read);
      if (!s.ok()) {
        std::printf("apply failed: %s\n", s.message().c_str());
        g_failed = true;
      }
    }
    applied_to = next_id;
    insert_cpu += CpuSeconds() - c0;
  };
  std::size_t total = 0;
  while (total < cfg.frames) {
    const double g0 = CpuSeconds();
    auto clips = source.NextClips();
    for (const auto& clip : clips) {
      if (total >= cfg.frames) break;
      const std::int64_t item = next_item++;
      auto& rows = pending[static_cast<std::size_t>(item % n)];
      for (std::size_t f = 0; f < clip.size(); ++f) {
        rows.push_back({++next_id, item, static_cast<double>(f), clip[f]});
      }
      total += clip.size();
      if (static_cast<int>(stored.size()) < cfg.queries && source.rng().Uniform(pick_every) == 0) {
        stored.push_back(clip);
      }
    }
    generate_cpu += CpuSeconds() - g0;
    if (next_id - applied_to >= 1'000'000) flush();
  }
  flush();
  std::vector<double> build_cpu;
  for (auto& s : shards) {
    const double c0 = CpuSeconds();
    s->DeferIndexing(false);
    s->set_ready(true);
    build_cpu.push_back(CpuSeconds() - c0);
  }
  double build_total = 0, build_max = 0;
  for (double b : build_cpu) {
    build_total += b;
    build_max = std::max(build_max, b);
  }
  std::size_t memory = 0, memory_max = 0;
  std::int64_t rows = 0;
  for (auto& s : shards) {
    const auto st = s->status();
    memory += st.memory_bytes;
    memory_max = std::max(memory_max, st.memory_bytes);
    rows += st.rows;
  }
  if (rows != static_cast<std::int64_t>(total)) {
    std::printf("MISMATCH: %lld rows indexed of %zu\n", static_cast<long long>(rows), total);
    g_failed = true;
  }
  for (auto& clip : stored) clip = source.Repost(clip);
  std::vector<std::vector<Hash256>> absent;
  while (static_cast<int>(absent.size()) < cfg.queries) {
    absent.push_back(source.Repost(source.Source()));
  }
  std::printf("%-58s %9.1f s CPU (%.2f s per million frames)\n",
              "insert (rows applied to the shards, bit permutation)", insert_cpu,
              insert_cpu / (static_cast<double>(cfg.frames) / 1e6));
  std::printf("%-58s %9.1f s CPU in all, %.1f s for the largest shard\n",
              "table build (one segment per shard)", build_total, build_max);
  std::printf("%-58s %9zu MiB in all (%.1f bytes a frame), %zu MiB the largest shard\n",
              "index memory (MemoryBytes)", memory >> 20,
              static_cast<double>(memory) / static_cast<double>(cfg.frames), memory_max >> 20);
  std::printf("%-58s %9ld MiB now, %ld MiB peak (before: %ld MiB)\n", "process resident memory",
              CurrentRssMiB(), PeakRssMiB(), rss0);
  (void)generate_cpu;

  // Queries: each shard's CPU time; a fan-out with one core per shard answers after the slowest
  // shard, plus the merge (measured: concatenate and sort the hits).
  auto run = [&](const std::vector<std::vector<Hash256>>& clips, const char* label) {
    std::vector<double> slowest, sum, merge, hits;
    for (const auto& clip : clips) {
      double worst = 0, all = 0;
      std::vector<HashHit> merged;
      for (auto& s : shards) {
        const double c0 = CpuSeconds();
        auto r = s->Query(clip, 31);
        const double ms = (CpuSeconds() - c0) * 1e3;
        worst = std::max(worst, ms);
        all += ms;
        if (r.ok()) merged.insert(merged.end(), r->hits.begin(), r->hits.end());
      }
      const double m0 = CpuSeconds();
      SortHits(&merged);
      merge.push_back((CpuSeconds() - m0) * 1e3);
      slowest.push_back(worst);
      sum.push_back(all);
      hits.push_back(static_cast<double>(merged.size()));
    }
    const Stats w = Summarize(slowest), a = Summarize(sum), m = Summarize(merge),
                h = Summarize(hits);
    std::printf("  %-34s %7.1f %7.1f %7.1f   %7.1f %7.1f   %6.2f   %7.0f %7.0f\n", label, w.p50,
                w.p95, w.max, a.p50, a.p95, m.p95, h.p50, h.max);
    return w;
  };
  std::printf(
      "60-hash clip queries at radius 31, %zu stored + %zu absent clips (ms of CPU):\n"
      "  %-34s %7s %7s %7s   %7s %7s   %6s   %7s %7s\n",
      stored.size(), absent.size(), "", "slow50", "slow95", "slowmx", "all50", "all95", "merge95",
      "hits50", "hitsmx");
  const Stats ws = run(stored, "stored clips (re-encoded again)");
  const Stats wa = run(absent, "clips not stored");
  std::printf(
      "  (slow: the slowest shard = the fan-out's latency with a core per shard; all: the CPU of\n"
      "   all shards together = what one core would spend)\n");
  std::printf("%-58s %s (p95 %.1f ms)\n", "goal: a 60-hash query < 200 ms with shards",
              std::max(ws.p95, wa.p95) < 200 ? "met" : "NOT MET", std::max(ws.p95, wa.p95));

  // Recall against a flat brute-force scan of every row, on a sample.
  std::size_t expected = 0, found = 0;
  std::vector<double> brute_ms;
  bool identical = true;
  for (int k = 0; k < cfg.check; ++k) {
    for (const auto* set : {&stored, &absent}) {
      if (k >= static_cast<int>(set->size())) continue;
      const auto& clip = (*set)[static_cast<std::size_t>(k)];
      std::vector<HashHit> flat, fast;
      const double c0 = CpuSeconds();
      for (auto& s : shards) {
        auto r = s->Scan(clip, 31);
        if (r.ok()) flat.insert(flat.end(), r->hits.begin(), r->hits.end());
      }
      brute_ms.push_back((CpuSeconds() - c0) * 1e3);
      for (auto& s : shards) {
        auto r = s->Query(clip, 31);
        if (r.ok()) fast.insert(fast.end(), r->hits.begin(), r->hits.end());
      }
      SortHits(&flat);
      SortHits(&fast);
      expected += flat.size();
      std::size_t i = 0, j = 0;
      while (i < flat.size() && j < fast.size()) {
        if (flat[i] == fast[j]) {
          ++found;
          ++i;
          ++j;
        } else if (std::tie(flat[i].query, flat[i].distance, flat[i].id, flat[i].t) <
                   std::tie(fast[j].query, fast[j].distance, fast[j].id, fast[j].t)) {
          ++i;
        } else {
          ++j;
        }
      }
      identical = identical && flat == fast;
    }
  }
  const double recall = expected == 0 ? 1.0 : static_cast<double>(found) / expected;
  std::printf("%-58s %9.4f (%zu of %zu hits; %zu queries; hits identical: %s)\n",
              "recall at radius 31 against a flat brute-force scan", recall, found, expected,
              brute_ms.size(), identical ? "yes" : "NO");
  std::printf("%-58s %9.0f ms CPU median\n", "  (the flat scan itself)", Summarize(brute_ms).p50);
  if (!identical || recall != 1.0) g_failed = true;
  return 0;
}

// --- Part 2 ---------------------------------------------------------------------------------

void InsertClip(sightline::evidence::SqlConnection& db, std::int64_t item,
                const std::vector<Hash256>& frames) {
  sightline::evidence::SqlTransaction tx(&db);
  if (!tx.Begin().ok()) {
    g_failed = true;
    return;
  }
  std::string sql = "INSERT INTO archive_frame_hashes (item_id, t, hash) VALUES ";
  std::vector<sightline::evidence::SqlValue> params;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    const std::size_t p = params.size();
    sql += (f ? "," : "") + std::string("($") + std::to_string(p + 1) + ",$" +
           std::to_string(p + 2) + ",$" + std::to_string(p + 3) + ")";
    params.emplace_back(item);
    params.emplace_back(static_cast<double>(f));
    params.emplace_back(sightline::evidence::SqlBlob{
        std::string(reinterpret_cast<const char*>(frames[f].data()), 32)});
  }
  auto r = db.Query(sql, params);
  if (!r.ok() || !tx.Commit().ok()) {
    std::printf("insert failed: %s\n", r.ok() ? "commit" : r.status().message().c_str());
    g_failed = true;
  }
}

int RunTailPart(const Config& cfg) {
  namespace fs = std::filesystem;
  const std::string dir = cfg.dir + "/shards-bench-tail";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string catalog = dir + "/catalog.db";
  auto db = sightline::evidence::OpenSql(catalog);
  if (!db.ok()) {
    std::printf("catalogue: %s\n", db.status().message().c_str());
    return 1;
  }
  sightline::Status made = sightline::archive::ArchiveCatalog(db->get()).CreateSchema();
  if (!made.ok()) {
    std::printf("schema: %s\n", made.message().c_str());
    return 1;
  }
  ClipSource source(7, cfg.families);
  std::int64_t item = 1, rows = 0;
  const auto fill0 = Clock::now();
  while (rows < cfg.tail_rows) {
    for (const auto& clip : source.NextClips()) {
      InsertClip(**db, item++, clip);
      rows += static_cast<std::int64_t>(clip.size());
    }
  }
  std::printf(
      "\n== Tail path: SQLite catalogue of %lld frames (%lld items; written in %.0f s), %d shard "
      "servers in this process, HTTP on loopback, polling every 1 s ==\n",
      static_cast<long long>(rows), static_cast<long long>(item - 1), Seconds(fill0),
      cfg.tail_shards);

  std::vector<std::unique_ptr<sightline::archive::ShardServer>> servers;
  std::vector<std::thread> threads;
  const auto start0 = Clock::now();
  for (int i = 0; i < cfg.tail_shards; ++i) {
    sightline::archive::ShardServerOptions o;
    o.spec = {i, cfg.tail_shards};
    o.catalog_url = catalog;
    o.objects_url = dir + "/objects";
    o.poll_seconds = 1;
    o.index.scratch_dir = dir;
    auto s = sightline::archive::ShardServer::Create(o);
    if (!s.ok() || !(*s)->Bind().ok()) {
      std::printf("shard server failed to start\n");
      return 1;
    }
    servers.push_back(std::move(*s));
  }
  for (auto& s : servers) threads.emplace_back([&s] { (void)s->Run(); });
  sightline::archive::ShardQueryOptions qopt;
  bool up = false;
  for (int i = 0; i < 1200 && !up; ++i) {
    up = sightline::archive::LiveShards(**db, qopt).ok();
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::printf("%-58s %9.1f s (build from the catalogue and first snapshot)\n", "shards ready after",
              Seconds(start0));
  if (!up) {
    std::printf("shards did not become ready\n");
    g_failed = true;
  }

  // 60-hash queries through HTTP: stored clips re-encoded, end to end (registry read included).
  std::vector<double> query_ms, registry_ms, request_ms, index_ms;
  for (int k = 0; k < 40 && up; ++k) {
    std::vector<Hash256> clip = source.Repost(source.Source());
    const auto q0 = Clock::now();
    auto live = sightline::archive::LiveShards(**db, qopt);
    registry_ms.push_back(Seconds(q0) * 1e3);
    auto r = live.ok() ? sightline::archive::QueryShards(*live, clip, 31, qopt.timeout_seconds)
                       : sightline::Result<sightline::archive::ShardedHits>(live.status());
    query_ms.push_back(Seconds(q0) * 1e3);
    if (!r.ok()) {
      std::printf("query failed: %s\n", r.status().message().c_str());
      g_failed = true;
      break;
    }
    double slowest = 0;
    for (const auto& reply : r->shards) slowest = std::max(slowest, reply.seconds * 1e3);
    request_ms.push_back(slowest);
    double index_slowest = 0;
    for (const auto& s : servers) {
      const double c0 = CpuSeconds();
      (void)s->index().Query(clip, 31);
      index_slowest = std::max(index_slowest, (CpuSeconds() - c0) * 1e3);
    }
    index_ms.push_back(index_slowest);
  }
  const Stats q = Summarize(query_ms), reg = Summarize(registry_ms), req = Summarize(request_ms);
  std::printf("%-58s %6.1f / %6.1f / %6.1f ms wall\n",
              "fan-out query via HTTP (registry + all shards), p50/p95/max", q.p50, q.p95, q.max);
  std::printf("%-58s %6.1f / %6.1f ms wall\n", "  of which reading the registry, p50/p95", reg.p50,
              reg.p95);
  std::printf("%-58s %6.1f / %6.1f ms wall\n", "  of which the slowest shard's request, p50/p95",
              req.p50, req.p95);
  const Stats ix = Summarize(index_ms);
  std::printf("%-58s %6.1f / %6.1f ms CPU\n",
              "  (the same query on the slowest shard's index, p50/p95)", ix.p50, ix.p95);

  // New items: time from commit to the first query that finds them.
  std::vector<double> visible_s;
  for (int k = 0; k < cfg.tail_items && up; ++k) {
    std::vector<Hash256> clip = source.Repost(source.Source());
    const std::int64_t id = item++;
    InsertClip(**db, id, clip);
    const auto c0 = Clock::now();
    bool seen = false;
    while (!seen && Seconds(c0) < 30) {
      auto r = sightline::archive::QueryArchiveIndex(**db, clip, 0, qopt);
      seen = r.ok() && std::any_of(r->hits.begin(), r->hits.end(),
                                   [id](const HashHit& h) { return h.id == id; });
      if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    visible_s.push_back(Seconds(c0));
    if (!seen) g_failed = true;
    // Spread the commits over the poll interval.
    std::this_thread::sleep_for(std::chrono::milliseconds(137 * (k % 7)));
  }
  const Stats v = Summarize(visible_s);
  std::printf("%-58s %6.2f / %6.2f / %6.2f s (%d items; goal < 60 s)\n",
              "new item searchable after its commit, p50/p95/max", v.p50, v.p95, v.max,
              cfg.tail_items);
  for (auto& s : servers) s->Stop();
  for (auto& t : threads) t.join();
  fs::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Config cfg;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--frames") {
      cfg.frames = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--shards") {
      cfg.shard_counts.clear();
      const std::string list = next();
      for (std::size_t p = 0; p < list.size();) {
        std::size_t comma = list.find(',', p);
        if (comma == std::string::npos) comma = list.size();
        cfg.shard_counts.push_back(std::atoi(list.substr(p, comma - p).c_str()));
        p = comma + 1;
      }
    } else if (a == "--queries") {
      cfg.queries = std::atoi(next().c_str());
    } else if (a == "--check") {
      cfg.check = std::atoi(next().c_str());
    } else if (a == "--families") {
      cfg.families = std::atoi(next().c_str());
    } else if (a == "--tail-rows") {
      cfg.tail_rows = std::atoll(next().c_str());
    } else if (a == "--tail-items") {
      cfg.tail_items = std::atoi(next().c_str());
    } else if (a == "--tail-shards") {
      cfg.tail_shards = std::atoi(next().c_str());
    } else if (a == "--dir") {
      cfg.dir = next();
    } else if (a == "--no-index") {
      cfg.index = false;
    } else if (a == "--no-tail") {
      cfg.tail = false;
    } else {
      std::fprintf(stderr,
                   "usage: sightline_shards_bench [--frames N] [--shards 2,4,8] [--queries Q] "
                   "[--check K] [--families P] [--tail-rows R] [--tail-items T] "
                   "[--tail-shards S] [--dir DIR] [--no-index] [--no-tail]\n");
      return 2;
    }
  }
  if (cfg.queries < 2 || cfg.frames < 100'000 || cfg.tail_shards < 1) {
    std::fprintf(stderr, "sightline_shards_bench: needs --queries >= 2 and --frames >= 100000\n");
    return 2;
  }
  if (cfg.index) {
    for (int n : cfg.shard_counts) {
      if (n < 1) continue;
      if (RunIndexPart(cfg, n) != 0) return 1;
    }
  }
  if (cfg.tail && RunTailPart(cfg) != 0) return 1;
  if (g_failed) std::printf("FAILED: see MISMATCH or failure lines above\n");
  return g_failed ? 1 : 0;
}
