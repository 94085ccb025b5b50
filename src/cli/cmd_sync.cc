// sightline sync: put clips of one moment on one clock by their sound. Thin: features come from
// signals/audio/sync_features.h (one decode per file), pairs from analysis/sync/pair_sync.h,
// groups from analysis/sync/group_sync.h; --case adds stored Chromaprint fingerprints
// (signals/audio/fingerprint.h) to pick candidate pairs without decoding every clip.
#include <sys/stat.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "analysis/sync/fingerprint_match.h"
#include "analysis/sync/group_sync.h"
#include "analysis/sync/pair_sync.h"
#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/signal_store.h"
#include "signals/audio/fingerprint.h"
#include "signals/audio/sync_features.h"

namespace sightline::cli {
namespace {

namespace audio = signals::audio;
namespace sync = analysis::sync;

constexpr char kUsage[] =
    "Usage: sightline sync [--json] [options] FILE...\n"
    "       sightline sync --case DIR [--json] [options]\n"
    "\n"
    "Puts recordings of one moment on one clock by their sound: for every pair of files, the\n"
    "time in the first at which the second starts, found over the whole of both files (onset\n"
    "envelopes, then sample-level GCC-PHAT: typically well under a millisecond), with the clock\n"
    "drift between the devices when the overlap is long enough; then every group of files that\n"
    "share sound, placed on one clock. Pairs that share no sound say \"no match\" and why.\n"
    "\n"
    "  --case DIR         sync the audio and video items of a case: their Chromaprint\n"
    "                     fingerprints (computed and stored under DIR/derived/ when missing,\n"
    "                     with a custody entry) pick the candidate pairs; those are then decoded\n"
    "                     and matched as above\n"
    "  --min-overlap S    shortest overlap searched, seconds (default 2)\n"
    "  --max-drift PPM    clock drift searched, parts per million (default 200)\n"
    "  --threads N        files decoded and pairs matched at once (default: cores, at most 4)\n"
    "  --json             {\"pairs\":[{\"a\",\"b\",\"offset_s\",\"confidence\",\"overlap_s\",\n"
    "                     \"drift_ppm\",\"drift_estimated\",\"offset_end_s\",\"score\",\n"
    "                     \"candidates\":[{\"offset_s\",\"confidence\",\"overlap_s\"}]}],\n"
    "                     \"timeline\":[{\"file\",\"group\",\"start_s\",\"end_s\"}],\n"
    "                     \"groups\":[{\"group\",\"files\",\"rms_ms\"}],\n"
    "                     \"unmatched\":[{\"file\",\"reason\"}],\n"
    "                     "
    "\"conflicts\":[{\"a\",\"b\",\"offset_s\",\"expected_s\",\"residual_s\"}],\n"
    "                     \"no_match\":[{\"a\",\"b\",\"reason\"}],\n"
    "                     "
    "\"files\":[{\"file\",\"duration_s\",\"start_s\",\"codec\",\"warnings\"}]}\n"
    "                     With --case, files are named \"#ID name\" and \"case\" is added.\n"
    "\n"
    "offset_s: the time in a at which b's time 0 falls (negative when b starts first), on each\n"
    "file's own clock (the video's when there is video). With drift, a-time = offset_s +\n"
    "b-time * (1 + drift_ppm / 1e6); offset_end_s is a-time - b-time at the end of the overlap.\n"
    "confidence: 0.5 at the detection threshold, near 1 for clear matches. Every offset at which\n"
    "the same sound occurs again is listed in candidates. Timeline: start_s is where each file's\n"
    "time 0 falls on its group's clock (the group's earliest file starts at 0).\n"
    "\n"
    "Exit status: 0 every file was read (matched or not), 1 a file could not be read, 2 usage.\n";

double Round6(double v) { return std::round(v * 1e6) / 1e6; }
double Round3(double v) { return std::round(v * 1e3) / 1e3; }

struct Options {
  sync::SyncOptions sync;
  int threads = 2;
};

Result<double> ParseNumber(const Args& args, const char* name, double fallback, double lo,
                           double hi) {
  if (!args.Has(name)) return fallback;
  const std::string text = args.Get(name);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end || !(v >= lo && v <= hi)) {
    char range[96];
    std::snprintf(range, sizeof range, " must be a number from %g to %g", lo, hi);
    return InvalidArgument(std::string("--") + name + range);
  }
  return v;
}

Result<Options> ParseOptions(const Args& args) {
  Options o;
  SL_ASSIGN_OR_RETURN(o.sync.min_overlap_s, ParseNumber(args, "min-overlap", 2.0, 0.5, 3600));
  SL_ASSIGN_OR_RETURN(o.sync.max_drift_ppm, ParseNumber(args, "max-drift", 200, 0, 2000));
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  SL_ASSIGN_OR_RETURN(double threads, ParseNumber(args, "threads", std::min(cores, 4u), 1, 64));
  o.threads = static_cast<int>(threads);
  return o;
}

// Runs work(i) for i in [0, n) on `threads` threads.
void ParallelFor(std::size_t n, int threads, const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) work(i);
  };
  std::vector<std::thread> pool;
  const auto extra = static_cast<std::size_t>(std::max(0, threads - 1));
  for (std::size_t t = 0; t < std::min(extra, n > 0 ? n - 1 : 0); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

// One input to sync: its name in the output and, once decoded, its clip.
struct Input {
  std::string name;
  std::string path;
  std::int64_t item_id = 0;  // --case
  std::shared_ptr<const audio::SyncFeatures> features;
  std::unique_ptr<sync::Clip> clip;
  std::string error;     // could not be read
  std::string unusable;  // read, but nothing to sync (silent)
};

struct PairOutcome {
  int a = 0, b = 0;
  sync::PairSync sync;
};

// Decodes the inputs that have no clip yet (in parallel, PCM within one budget).
void DecodeInputs(std::vector<Input>* inputs, const std::vector<std::size_t>& which,
                  const Options& o, audio::PcmBudget* budget, bool fingerprint, const char* label) {
  std::uint64_t total = 0;
  for (std::size_t i : which) {
    struct stat st {};
    if (stat((*inputs)[i].path.c_str(), &st) == 0) total += static_cast<std::uint64_t>(st.st_size);
  }
  ProgressMeter progress(label, total, which.size(), ProgressMeter::Unit::kBytes);
  std::mutex mu;
  ParallelFor(which.size(), o.threads, [&](std::size_t k) {
    Input& in = (*inputs)[which[k]];
    audio::SyncFeatureOptions fo;
    fo.keep_pcm = true;
    fo.fingerprint = fingerprint;
    fo.budget = budget;
    auto f = audio::ExtractSyncFeatures(in.path, fo);
    std::lock_guard<std::mutex> lock(mu);
    struct stat st {};
    if (stat(in.path.c_str(), &st) == 0) progress.AddBytes(static_cast<std::uint64_t>(st.st_size));
    progress.FileDone();
    if (!f.ok()) {
      in.error = f.status().message();
      return;
    }
    in.features = std::make_shared<const audio::SyncFeatures>(std::move(*f));
    in.clip = std::make_unique<sync::Clip>(in.features);
    if (in.clip->silent()) in.unusable = "silent";
  });
  progress.Clear();
}

std::vector<PairOutcome> MatchPairs(const std::vector<Input>& inputs,
                                    const std::vector<std::pair<int, int>>& pairs,
                                    const Options& o) {
  std::vector<PairOutcome> out(pairs.size());
  ProgressMeter progress("sync", 0, pairs.size(), ProgressMeter::Unit::kMediaSeconds);
  std::mutex mu;
  ParallelFor(pairs.size(), o.threads, [&](std::size_t k) {
    const auto [a, b] = pairs[k];
    out[k].a = a, out[k].b = b;
    out[k].sync = sync::SyncPair(*inputs[a].clip, *inputs[b].clip, o.sync);
    std::lock_guard<std::mutex> lock(mu);
    progress.FileDone();
  });
  progress.Clear();
  return out;
}

std::string Signed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%+.*f", decimals, v);
  return buf;
}

// Builds the report (JSON) and prints it, readable or JSON.
int Report(const std::vector<Input>& inputs, const std::vector<PairOutcome>& outcomes, bool json,
           const std::string& case_dir) {
  std::vector<sync::PairEdge> edges;
  for (const PairOutcome& p : outcomes) {
    if (p.sync.matched) edges.push_back({p.a, p.b, p.sync});
  }
  const sync::GroupResult groups = sync::SolveGroups(static_cast<int>(inputs.size()), edges, 0.02);
  nlohmann::ordered_json j;
  if (!case_dir.empty()) j["case"] = DisplayPath(case_dir);
  j["pairs"] = nlohmann::ordered_json::array();
  for (const sync::PairEdge& e : edges) {
    const sync::PairSync& s = e.sync;
    nlohmann::ordered_json p;
    p["a"] = inputs[e.a].name;
    p["b"] = inputs[e.b].name;
    p["offset_s"] = Round6(s.offset_s);
    p["confidence"] = Round3(s.confidence);
    p["overlap_s"] = Round3(s.overlap_s);
    p["drift_ppm"] = Round3(s.drift_ppm);
    p["drift_estimated"] = s.drift_estimated;
    p["offset_end_s"] = Round6(s.offset_end_s);
    p["score"] = Round3(s.score);
    p["windows"] = s.windows_agreeing;
    p["candidates"] = nlohmann::ordered_json::array();
    for (const sync::Candidate& c : s.candidates) {
      p["candidates"].push_back({{"offset_s", Round6(c.offset_s)},
                                 {"confidence", Round3(c.confidence)},
                                 {"overlap_s", Round3(c.overlap_s)}});
    }
    j["pairs"].push_back(p);
  }
  j["timeline"] = nlohmann::ordered_json::array();
  j["groups"] = nlohmann::ordered_json::array();
  for (std::size_t g = 0; g < groups.groups.size(); ++g) {
    nlohmann::ordered_json files = nlohmann::ordered_json::array();
    for (int c : groups.groups[g]) {
      files.push_back(inputs[c].name);
      j["timeline"].push_back({{"file", inputs[c].name},
                               {"group", g + 1},
                               {"start_s", Round6(groups.start_s[c])},
                               {"end_s", Round6(groups.start_s[c] + inputs[c].clip->duration_s() +
                                                inputs[c].features->start_s)}});
    }
    j["groups"].push_back(
        {{"group", g + 1}, {"files", files}, {"rms_ms", Round3(groups.group_rms_ms[g])}});
  }
  j["unmatched"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (groups.group_of[i] >= 0) continue;
    std::string reason = !inputs[i].error.empty()      ? inputs[i].error
                         : !inputs[i].unusable.empty() ? inputs[i].unusable
                         : inputs.size() < 2           ? "nothing to sync it with"
                                                       : "shares no sound with any other file";
    j["unmatched"].push_back({{"file", inputs[i].name}, {"reason", reason}});
  }
  j["conflicts"] = nlohmann::ordered_json::array();
  for (const sync::Conflict& c : groups.conflicts) {
    j["conflicts"].push_back({{"a", inputs[c.a].name},
                              {"b", inputs[c.b].name},
                              {"offset_s", Round6(c.offset_s)},
                              {"expected_s", Round6(c.expected_s)},
                              {"residual_s", Round6(c.residual_s)}});
  }
  j["no_match"] = nlohmann::ordered_json::array();
  for (const PairOutcome& p : outcomes) {
    if (p.sync.matched) continue;
    j["no_match"].push_back(
        {{"a", inputs[p.a].name}, {"b", inputs[p.b].name}, {"reason", p.sync.reason}});
  }
  j["files"] = nlohmann::ordered_json::array();
  bool failed = false;
  for (const Input& in : inputs) {
    nlohmann::ordered_json f;
    f["file"] = in.name;
    if (!in.error.empty()) {
      f["error"] = in.error;
      failed = true;
    } else if (in.features) {
      f["duration_s"] = Round6(in.features->duration_s);
      f["start_s"] = Round6(in.features->start_s);
      f["codec"] = in.features->codec;
      f["sample_rate"] = in.features->source_sample_rate;
      f["channels"] = in.features->source_channels;
      f["warnings"] = in.features->warnings;
    }
    j["files"].push_back(f);
  }
  if (json) {
    PrintOrderedJson(j);
    return failed ? kExitFailed : kExitOk;
  }
  // Readable.
  std::printf("%zu file%s, %zu group%s, %zu matched pair%s, %zu unmatched\n", inputs.size(),
              inputs.size() == 1 ? "" : "s", groups.groups.size(),
              groups.groups.size() == 1 ? "" : "s", edges.size(), edges.size() == 1 ? "" : "s",
              j["unmatched"].size());
  for (const sync::PairEdge& e : edges) {
    const sync::PairSync& s = e.sync;
    std::printf("\n%s ~ %s\n  %s starts at %s s in %s  (confidence %.2f, overlap %.1f s",
                inputs[e.a].name.c_str(), inputs[e.b].name.c_str(), inputs[e.b].name.c_str(),
                Signed(s.offset_s, 4).c_str(), inputs[e.a].name.c_str(), s.confidence, s.overlap_s);
    if (s.drift_estimated) {
      std::printf(", drift %s ppm: offset %s s at the end", Signed(s.drift_ppm, 1).c_str(),
                  Signed(s.offset_end_s, 4).c_str());
    }
    std::printf(")\n");
    for (std::size_t c = 1; c < s.candidates.size(); ++c) {
      std::printf("  the same sound also at %s s (confidence %.2f)\n",
                  Signed(s.candidates[c].offset_s, 4).c_str(), s.candidates[c].confidence);
    }
  }
  for (std::size_t g = 0; g < groups.groups.size(); ++g) {
    std::printf("\ngroup %zu on one clock (RMS disagreement %.2f ms):\n", g + 1,
                groups.group_rms_ms[g]);
    for (int c : groups.groups[g]) {
      std::printf("  %12.4f s  %s  (%.1f s)\n", groups.start_s[c], inputs[c].name.c_str(),
                  inputs[c].clip->duration_s());
    }
  }
  for (const sync::Conflict& c : groups.conflicts) {
    std::printf("\nconflict: %s ~ %s says %s s, the group says %s s (left out)\n",
                inputs[c.a].name.c_str(), inputs[c.b].name.c_str(), Signed(c.offset_s, 4).c_str(),
                Signed(c.expected_s, 4).c_str());
  }
  if (outcomes.size() == 1 && !outcomes[0].sync.matched) {
    std::printf("\nno match: %s ~ %s: %s\n", inputs[outcomes[0].a].name.c_str(),
                inputs[outcomes[0].b].name.c_str(), outcomes[0].sync.reason.c_str());
  }
  if (!j["unmatched"].empty()) {
    std::printf("\nunmatched:\n");
    for (const auto& u : j["unmatched"]) {
      std::printf("  %s: %s\n", u["file"].get<std::string>().c_str(),
                  u["reason"].get<std::string>().c_str());
    }
  }
  for (const Input& in : inputs) {
    if (!in.features) continue;
    for (const std::string& w : in.features->warnings) {
      Warn("sync", in.name + ": " + w);
    }
  }
  return failed ? kExitFailed : kExitOk;
}

std::vector<std::pair<int, int>> AllPairs(const std::vector<Input>& inputs) {
  std::vector<std::pair<int, int>> pairs;
  for (std::size_t a = 0; a < inputs.size(); ++a) {
    if (!inputs[a].clip || !inputs[a].unusable.empty()) continue;
    for (std::size_t b = a + 1; b < inputs.size(); ++b) {
      if (!inputs[b].clip || !inputs[b].unusable.empty()) continue;
      pairs.push_back({static_cast<int>(a), static_cast<int>(b)});
    }
  }
  return pairs;
}

int SyncFiles(const Args& args, const Options& o) {
  std::vector<Input> inputs;
  for (const std::string& f : args.positional()) {
    Input in;
    in.name = DisplayPath(f);
    in.path = f;
    inputs.push_back(std::move(in));
  }
  audio::PcmBudget budget(512ll << 20);
  std::vector<std::size_t> all(inputs.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  DecodeInputs(&inputs, all, o, &budget, false, "sync: decoding");
  for (const Input& in : inputs) {
    if (!in.error.empty()) Warn("sync", in.error);
  }
  std::vector<PairOutcome> outcomes = MatchPairs(inputs, AllPairs(inputs), o);
  return Report(inputs, outcomes, args.Has("json"), "");
}

int SyncCase(const Args& args, const Options& o);

int Run(const Args& args) {
  auto options = ParseOptions(args);
  if (!options.ok()) return UsageError("sync", options.status().message());
  if (args.Has("case")) {
    if (!args.positional().empty()) return UsageError("sync", "give FILEs or --case DIR, not both");
    return SyncCase(args, *options);
  }
  if (args.positional().empty()) return UsageError("sync", "no FILE given");
  return SyncFiles(args, *options);
}

int SyncCase(const Args&, const Options&) { return kExitFailed; }

}  // namespace

extern const Command kSyncCommand = {
    "sync", "put clips of one moment on one clock by their sound (offsets, drift, groups)",
    kUsage, {{"json"}, {"case", "min-overlap", "max-drift", "threads"}, {}},
    Run,
};

}  // namespace sightline::cli
