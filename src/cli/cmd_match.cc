// sightline match: which clips share footage, where on both time lines, and why (evidence).
// Signatures are extracted once per file (signals/visual/match_signature.h), every pair is
// matched (analysis/match/match.h), and the pairs are joined into groups of copies.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <thread>

#include "analysis/match/match.h"
#include "analysis/match/originality.h"
#include "base/file.h"
#include "base/union_find.h"
#include "cli/args.h"
#include "cli/command.h"
#include "cli/output.h"
#include "media/probe.h"
#include "signals/visual/match_signature.h"

namespace sightline::cli {

namespace {

namespace visual = signals::visual;
namespace am = analysis::match;

constexpr char kUsage[] =
    "Usage: sightline match [--json] [--explain] [--threads N] FILE...\n"
    "\n"
    "Finds the footage that videos (and images grabbed from them) share, under re-encoding,\n"
    "resizing, cropping, bars, overlays, mirroring and rotation, colour changes, noise and blur,\n"
    "frame-rate and speed changes (up to 15 %), excerpts, picture-in-picture and a screen filmed\n"
    "with a phone; and which parts: one segment per shared stretch, in seconds of each file.\n"
    "Two takes of one scene (same room, same camera) are told apart by how their content moves.\n"
    "Video only: the sound is not compared (see `sightline sync`).\n"
    "\n"
    "  --explain          every hypothesis tried for every pair and the verdict, on stderr\n"
    "  --threads N        files read and pairs matched at once (default 2)\n"
    "  --json             {\"pairs\":[{\"a\",\"b\",\"score\",\"mirrored\",\"static\",\n"
    "                     \"segments\":[{\"a_start\",\"a_end\",\"b_start\",\"b_end\",\"score\",\n"
    "                     \"speed\",\"appearance\",\"motion\",\"static\",\"method\",\n"
    "                     \"transform\",\"mirrored\",\"region\"}],\n"
    "                     \"evidence\":[{\"segment\",\"a_t\",\"b_t\",\"distance\",\"method\",\n"
    "                     \"similarity\"}]}],\n"
    "                     \"groups\":[{\"group\",\"files\",\"ranking\":[{\"file\",\"rank\",\n"
    "                     \"reasons\"}]}],\n"
    "                     "
    "\"files\":[{\"file\",\"duration_s\",\"still\",\"frames\",\"warnings\"}]}\n"
    "\n"
    "a, b: the files of a pair, in the order given. score: 0..1 (about 0.5 for a static scene,\n"
    "which only appearance can confirm). speed: b seconds per a second. transform: what turns\n"
    "a's picture into b's (\"none\", \"mirror\", \"rotate90cw\", \"rotate180\", ..., or\n"
    "\"geometric\" for a crop, inset or filmed screen, found from keypoints); region: where a's\n"
    "picture lies in b's frame (x0, y0, x1, y1, fractions of b's frame). evidence: frame pairs\n"
    "that proposed each segment, with their PDQ distance (bits of 256) or mean ORB descriptor\n"
    "distance, and the appearance correlation there. A still's segment is a_start = a_end.\n"
    "groups: files joined by pairs (connected components), each with two files or more;\n"
    "ranking: its copies from the closest to the original (rank 1) down, each with the reasons\n"
    "that told it apart (camera metadata, re-encoding tags, capture time, size, bitrate,\n"
    "coverage, bars, transforms): a suggestion to check, not a verdict.\n"
    "\n"
    "Exit status: 0 every file was read, 1 a file could not be read (the others are still\n"
    "matched), 2 usage.\n";

double R3(double v) { return std::round(v * 1000) / 1000; }

nlohmann::ordered_json PairJson(const am::PairMatch& m, const std::string& a,
                                const std::string& b) {
  nlohmann::ordered_json p;
  p["a"] = a;
  p["b"] = b;
  p["score"] = R3(m.score);
  p["mirrored"] = m.mirrored;
  p["static"] = m.is_static;
  nlohmann::ordered_json segs = nlohmann::ordered_json::array();
  nlohmann::ordered_json ev = nlohmann::ordered_json::array();
  for (std::size_t k = 0; k < m.segments.size(); ++k) {
    const am::Segment& s = m.segments[k];
    segs.push_back({{"a_start", R3(s.a_start)},
                    {"a_end", R3(s.a_end)},
                    {"b_start", R3(s.b_start)},
                    {"b_end", R3(s.b_end)},
                    {"score", R3(s.score)},
                    {"speed", R3(s.speed)},
                    {"appearance", R3(s.appearance)},
                    {"motion", R3(s.motion)},
                    {"static", s.is_static},
                    {"method", s.method},
                    {"transform", s.transform},
                    {"mirrored", s.mirrored},
                    {"region", {s.region[0], s.region[1], s.region[2], s.region[3]}}});
    for (const am::Evidence& e : s.evidence) {
      nlohmann::ordered_json j = {{"segment", k},
                                  {"a_t", R3(e.a_t)},
                                  {"b_t", R3(e.b_t)},
                                  {"distance", e.distance},
                                  {"method", e.method}};
      j["similarity"] = std::isnan(e.similarity) ? nlohmann::ordered_json()
                                                 : nlohmann::ordered_json(R3(e.similarity));
      ev.push_back(j);
    }
  }
  p["segments"] = segs;
  p["evidence"] = ev;
  return p;
}

// Connected components of the pair graph over n files: lists of file indices (two or more), in
// the order of their first file.
std::vector<std::vector<int>> Components(int n, const std::vector<std::pair<int, int>>& edges) {
  UnionFind sets(n);
  for (const auto& [a, b] : edges) sets.Unite(a, b);
  std::vector<std::vector<int>> groups;
  std::vector<int> group_of(n, -1);
  for (int i = 0; i < n; ++i) {
    const int r = sets.Find(i);
    if (group_of[r] < 0) {
      group_of[r] = static_cast<int>(groups.size());
      groups.emplace_back();
    }
    groups[group_of[r]].push_back(i);
  }
  groups.erase(std::remove_if(groups.begin(), groups.end(),
                              [](const std::vector<int>& g) { return g.size() < 2; }),
               groups.end());
  return groups;
}

struct MatchedPair {
  int a = 0, b = 0;  // input indices
  const am::PairMatch* match = nullptr;
};

struct Input {
  std::string name;
  Result<visual::MatchSignature> sig = Internal("not read");
};

// A group's copies from the closest to the original down (analysis/match/originality.h).
std::vector<am::RankedCopy> RankGroup(const std::vector<int>& group,
                                      const std::vector<std::string>& paths,
                                      const std::vector<Input>& inputs,
                                      const std::vector<MatchedPair>& matched) {
  std::vector<am::CopyFacts> copies;
  std::vector<int> member(inputs.size(), -1);
  for (int i : group) {
    member[i] = static_cast<int>(copies.size());
    am::CopyFacts f = am::CopyFactsFromProbe(inputs[i].name, media::ProbeFile(paths[i]));
    f.bars = am::HasBars(*inputs[i].sig);
    f.still = f.still || inputs[i].sig->still;
    copies.push_back(std::move(f));
  }
  std::vector<am::GroupPair> pairs;
  for (const MatchedPair& m : matched)
    if (member[m.a] >= 0 && member[m.b] >= 0) pairs.push_back({member[m.a], member[m.b], m.match});
  am::AddMatchFacts(pairs, &copies);
  return am::RankCopies(copies);
}

int MatchFiles(const Args& args, int threads) {
  const bool json = args.Has("json");
  const bool explain = args.Has("explain");
  const visual::MatchSignatureOptions options;
  const std::vector<std::string>& paths = args.positional();
  std::vector<Input> inputs(paths.size());
  {
    ProgressMeter progress("match", 0, paths.size(), ProgressMeter::Unit::kMediaSeconds);
    std::mutex mu;
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t i = next++; i < paths.size(); i = next++) {
        double last_t = 0;
        visual::MatchSignatureOptions o = options;
        o.threads = 1;
        inputs[i].name = DisplayPath(paths[i]);
        inputs[i].sig = visual::ExtractMatchSignature(paths[i], o, [&](double t) {
          std::lock_guard<std::mutex> lock(mu);
          progress.Add(std::max(0.0, t - last_t));
          last_t = t;
        });
        std::lock_guard<std::mutex> lock(mu);
        progress.FileDone();
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    progress.Clear();
  }
  bool failed = false;
  std::vector<int> ok;  // indices of inputs read
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].sig.ok()) {
      Warn("match", inputs[i].sig.status().message());
      failed = true;
      continue;
    }
    const visual::MatchSignature& s = *inputs[i].sig;
    ok.push_back(static_cast<int>(i));
    files.push_back({{"file", inputs[i].name},
                     {"duration_s", R3(s.Span())},
                     {"still", s.still},
                     {"frames", s.frames.size()},
                     {"warnings", s.warnings}});
  }
  // Every pair (j, i), j < i, matched on `threads` threads: a worker takes a file i, indexes its
  // keypoints once, and matches every earlier file against it.
  struct PairResult {
    am::PairMatch match;
    std::vector<std::string> trace;
  };
  std::vector<std::vector<PairResult>> results(ok.size());
  {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t n = next++; n < ok.size(); n = next++) {
        const std::size_t ii = ok.size() - 1 - n;  // the most pairs first
        const visual::MatchSignature& b = *inputs[ok[ii]].sig;
        am::OrbIndex index(b);
        results[ii].resize(ii);
        for (std::size_t jj = 0; jj < ii; ++jj) {
          am::MatchOptions mo;
          if (explain) mo.trace = &results[ii][jj].trace;
          results[ii][jj].match = am::MatchSignatures(*inputs[ok[jj]].sig, b, index, mo);
        }
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
  }
  nlohmann::ordered_json pairs = nlohmann::ordered_json::array();
  std::vector<std::pair<int, int>> edges;
  std::vector<MatchedPair> matched;
  for (std::size_t ii = 0; ii < ok.size(); ++ii) {
    const Input& in_b = inputs[ok[ii]];
    for (std::size_t jj = 0; jj < ii; ++jj) {
      const Input& in_a = inputs[ok[jj]];
      const am::PairMatch& m = results[ii][jj].match;
      if (explain) {
        std::fprintf(stderr, "== %s vs %s: %s\n", in_a.name.c_str(), in_b.name.c_str(),
                     m.matched ? "MATCH" : "no match");
        for (const auto& t : results[ii][jj].trace) std::fprintf(stderr, "  %s\n", t.c_str());
      }
      if (!m.matched) continue;
      edges.push_back({ok[jj], ok[ii]});
      matched.push_back({ok[jj], ok[ii], &m});
      if (json) {
        pairs.push_back(PairJson(m, in_a.name, in_b.name));
      } else {
        std::printf("%s  <->  %s  score %.2f%s%s\n", in_a.name.c_str(), in_b.name.c_str(), m.score,
                    m.mirrored ? "  mirrored" : "", m.is_static ? "  static" : "");
        for (const auto& s : m.segments) {
          std::printf("    a %7.2f-%7.2f s  b %7.2f-%7.2f s  score %.2f  %s, %s\n", s.a_start,
                      s.a_end, s.b_start, s.b_end, s.score, s.method.c_str(), s.transform.c_str());
        }
      }
    }
  }
  const auto groups = Components(static_cast<int>(inputs.size()), edges);
  if (json) {
    nlohmann::ordered_json gj = nlohmann::ordered_json::array();
    for (std::size_t g = 0; g < groups.size(); ++g) {
      nlohmann::ordered_json names = nlohmann::ordered_json::array();
      for (int i : groups[g]) names.push_back(inputs[i].name);
      nlohmann::ordered_json ranking = nlohmann::ordered_json::array();
      for (const am::RankedCopy& r : RankGroup(groups[g], paths, inputs, matched))
        ranking.push_back({{"file", r.id}, {"rank", r.rank}, {"reasons", r.reasons}});
      gj.push_back({{"group", g + 1}, {"files", names}, {"ranking", ranking}});
    }
    PrintOrderedJson({{"pairs", pairs}, {"groups", gj}, {"files", files}});
  } else {
    if (edges.empty()) std::printf("no shared footage among %zu file(s)\n", ok.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
      std::printf("group %zu:", g + 1);
      for (int i : groups[g]) std::printf("  %s", inputs[i].name.c_str());
      std::printf("\n");
      for (const am::RankedCopy& r : RankGroup(groups[g], paths, inputs, matched)) {
        std::printf("  %d. %s%s\n", r.rank, r.id.c_str(),
                    r.rank == 1 ? "  (closest to the original)" : "");
        for (const std::string& why : r.reasons) std::printf("       %s\n", why.c_str());
      }
    }
  }
  return failed ? kExitFailed : kExitOk;
}

int Run(const Args& args) {
  if (args.positional().empty()) return UsageError("match", "no FILE given");
  int threads = 2;
  if (args.Has("threads") && !ParseWholeNumber(args.Get("threads"), 1, 64, &threads))
    return UsageError("match",
                      "--threads needs a number from 1 to 64, not '" + args.Get("threads") + "'");
  return MatchFiles(args, threads);
}

}  // namespace

extern const Command kMatchCommand = {
    "match", "shared footage between clips: which parts, under which edit, and the evidence",
    kUsage,  {{"json", "explain"}, {"threads"}, {}},
    Run,
};

}  // namespace sightline::cli
