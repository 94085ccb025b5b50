// sightline sync: put clips of one moment on one clock by their sound. Thin: features come from
// signals/audio/sync_features.h (one decode per file), pairs from analysis/sync/pair_sync.h,
// groups from analysis/sync/group_sync.h; --case adds stored Chromaprint fingerprints
// (signals/audio/fingerprint.h) to pick candidate pairs without decoding every clip.
#include <sys/stat.h>
#include <algorithm>
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
#include "base/parallel.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/signal_store.h"
#include "signals/audio/envelope.h"
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

// Rounded for the report; never "-0" (a start of −0.0 s reads as a negative time).
double Round6(double v) { return std::round(v * 1e6) / 1e6 + 0.0; }
double Round3(double v) { return std::round(v * 1e3) / 1e3 + 0.0; }

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
      in.features.reset();
      in.clip.reset();
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
           const std::string& case_dir, const nlohmann::ordered_json& stats = {}) {
  std::vector<sync::PairEdge> edges;
  for (const PairOutcome& p : outcomes) {
    if (p.sync.matched) edges.push_back({p.a, p.b, p.sync});
  }
  const sync::GroupResult groups = sync::SolveGroups(static_cast<int>(inputs.size()), edges, 0.02);
  nlohmann::ordered_json j;
  if (!case_dir.empty()) j["case"] = DisplayPath(case_dir);
  if (!stats.is_null()) j["stats"] = stats;
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
  if (!stats.is_null()) {
    std::printf("%d item%s with sound: %d fingerprinted now, %d up to date; %d candidate pair%s\n",
                stats["items"].get<int>(), stats["items"].get<int>() == 1 ? "" : "s",
                stats["fingerprinted"].get<int>(), stats["up_to_date"].get<int>(),
                stats["candidate_pairs"].get<int>(),
                stats["candidate_pairs"].get<int>() == 1 ? "" : "s");
  }
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

// Reads a stored signal's JSON.
Result<nlohmann::json> ReadStored(evidence::Case& c, const evidence::StoredSignal& s) {
  SL_ASSIGN_OR_RETURN(std::string text, ReadStoredSignal(c, s));
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Corrupt(s.path + ": not JSON");
  return j;
}

int SyncCase(const Args& args, const Options& o) {
  const bool json = args.Has("json");
  auto opened = OpenCaseToWrite("sync", args.Get("case"));
  if (!opened) return kExitFailed;
  auto& c = opened->c;
  const evidence::Identity* who = &opened->who;
  auto items = c->catalog().ListItems();
  if (!items.ok()) {
    Warn("sync", items.status().message());
    return kExitFailed;
  }
  const evidence::SignalKey fp_key{"chromaprint", audio::kChromaprintFormatVersion,
                                   audio::FingerprintParamsJson()};
  const evidence::SignalKey env_key{"sync_envelope", audio::kEnvelopeFormatVersion,
                                    audio::EnvelopeParamsJson()};
  std::vector<Input> inputs;
  std::vector<evidence::Item> item_of;
  for (const evidence::Item& item : *items) {
    // Items ingest could not read as media are tried too (the check at ingest may have missed
    // a stream); those that do not decode here are left out quietly.
    if (item.media_kind != "video" && item.media_kind != "audio" && !item.media_kind.empty()) {
      continue;
    }
    Input in;
    in.name = "#" + std::to_string(item.id) + " " + item.name;
    in.path = c->objects().PathFor(item.sha256);
    in.item_id = item.id;
    inputs.push_back(std::move(in));
    item_of.push_back(item);
  }
  // 1. Stored fingerprints and envelopes; what is missing is computed (one decode) and stored.
  std::vector<std::size_t> missing;
  int up_to_date = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    auto fp = evidence::FindSignal(*c, inputs[i].item_id, fp_key);
    auto env = evidence::FindSignal(*c, inputs[i].item_id, env_key);
    if (!fp.ok() || !env.ok() || !fp->has_value() || !env->has_value()) {
      missing.push_back(i);
      continue;
    }
    auto fj = ReadStored(*c, **fp);
    auto ej = ReadStored(*c, **env);
    Result<audio::AudioFingerprint> f =
        fj.ok() ? audio::FingerprintFromJson(*fj) : Result<audio::AudioFingerprint>(fj.status());
    Result<audio::StoredEnvelope> e =
        ej.ok() ? audio::EnvelopeFromJson(*ej) : Result<audio::StoredEnvelope>(ej.status());
    if (!f.ok() || !e.ok()) {
      Warn("sync", inputs[i].name + ": stored signal unreadable (" +
                       (!f.ok() ? f.status() : e.status()).message() + "); recomputing");
      missing.push_back(i);
      continue;
    }
    auto features = std::make_shared<audio::SyncFeatures>();
    features->file = inputs[i].path;
    features->start_s = e->start_s;
    features->duration_s = e->duration_s;
    features->peak_dbfs = e->peak_dbfs;
    features->envelope = std::move(e->energies);
    features->fingerprint = std::move(*f);
    inputs[i].features = features;
    inputs[i].clip = std::make_unique<sync::Clip>(inputs[i].features);
    if (inputs[i].clip->silent()) inputs[i].unusable = "silent";
    ++up_to_date;
  }
  audio::PcmBudget budget(512ll << 20);
  DecodeInputs(&inputs, missing, o, &budget, /*fingerprint=*/true, "sync: fingerprinting");
  int stored = 0;
  for (std::size_t i : missing) {
    Input& in = inputs[i];
    if (!in.features) {
      if (item_of[i].media_kind.empty()) {
        in.error.clear();
        in.unusable = "not readable as media";
        continue;
      }
      Warn("sync", in.name + ": " + in.error);
      continue;
    }
    const audio::SyncFeatures& f = *in.features;
    const std::string fp_data =
        audio::FingerprintJson(*f.fingerprint, item_of[i].name).dump(1) + "\n";
    audio::StoredEnvelope env{f.envelope, f.start_s, f.duration_s, f.peak_dbfs};
    const std::string env_data = audio::EnvelopeJson(env, item_of[i].name).dump(1) + "\n";
    const nlohmann::json fp_summary = {{"words", f.fingerprint->words.size()},
                                       {"duration_s", f.duration_s}};
    const nlohmann::json env_summary = {{"frames", f.envelope.frames},
                                        {"duration_s", f.duration_s}};
    bool ok = true;
    for (const auto& [key, data, summary] : {std::tuple{&fp_key, &fp_data, &fp_summary},
                                             std::tuple{&env_key, &env_data, &env_summary}}) {
      auto existing = evidence::FindSignal(*c, in.item_id, *key);
      if (existing.ok() && existing->has_value()) continue;
      auto s = evidence::StoreSignal(*c, *who, item_of[i], *key, *data, summary->dump(), {});
      if (!s.ok()) {
        Warn("sync", in.name + ": cannot store the " + key->kind + ": " + s.status().message());
        ok = false;
      }
    }
    if (ok) ++stored;
  }
  {  // Leave out what is not media at all.
    std::vector<Input> kept;
    std::vector<evidence::Item> kept_items;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].unusable == "not readable as media") continue;
      kept.push_back(std::move(inputs[i]));
      kept_items.push_back(item_of[i]);
    }
    inputs = std::move(kept);
    item_of = std::move(kept_items);
  }
  // 2. Candidate pairs: fingerprints that agree somewhere; for clips that agree with none (too
  // short for fingerprints, or very unlike), the envelope search against every other clip.
  std::vector<std::pair<int, int>> candidates;
  std::vector<bool> has_pair(inputs.size(), false);
  auto usable = [&](std::size_t i) { return inputs[i].clip && inputs[i].unusable.empty(); };
  for (std::size_t a = 0; a < inputs.size(); ++a) {
    if (!usable(a) || !inputs[a].features->fingerprint) continue;
    for (std::size_t b = a + 1; b < inputs.size(); ++b) {
      if (!usable(b) || !inputs[b].features->fingerprint) continue;
      if (!sync::MatchFingerprints(*inputs[a].features->fingerprint,
                                   *inputs[b].features->fingerprint)
               .empty()) {
        candidates.push_back({static_cast<int>(a), static_cast<int>(b)});
        has_pair[a] = has_pair[b] = true;
      }
    }
  }
  std::vector<std::pair<int, int>> orphan_pairs;
  for (std::size_t a = 0; a < inputs.size(); ++a) {
    if (!usable(a) || has_pair[a]) continue;
    for (std::size_t b = 0; b < inputs.size(); ++b) {
      if (a == b || !usable(b)) continue;
      if (has_pair[b] == false && b < a) continue;  // orphan pairs once
      const auto x = static_cast<int>(std::min(a, b)), y = static_cast<int>(std::max(a, b));
      if (!sync::CoarseSearch(*inputs[x].clip, *inputs[y].clip, o.sync).empty()) {
        orphan_pairs.push_back({x, y});
      }
    }
  }
  candidates.insert(candidates.end(), orphan_pairs.begin(), orphan_pairs.end());
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  // 3. Decode the clips of candidate pairs that have no PCM yet, and match them.
  std::vector<bool> needed(inputs.size(), false);
  for (const auto& [a, b] : candidates) needed[a] = needed[b] = true;
  std::vector<std::size_t> to_decode;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (needed[i] && inputs[i].clip && inputs[i].clip->samples() == 0) to_decode.push_back(i);
  }
  DecodeInputs(&inputs, to_decode, o, &budget, false, "sync: decoding");
  std::vector<std::pair<int, int>> ready;
  for (const auto& [a, b] : candidates) {
    if (inputs[a].clip && inputs[b].clip && inputs[a].clip->samples() > 0 &&
        inputs[b].clip->samples() > 0) {
      ready.push_back({a, b});
    }
  }
  std::vector<PairOutcome> outcomes = MatchPairs(inputs, ready, o);
  nlohmann::ordered_json stats;
  stats["items"] = static_cast<int>(inputs.size());
  stats["fingerprinted"] = stored;
  stats["up_to_date"] = up_to_date;
  stats["candidate_pairs"] = static_cast<int>(ready.size());
  return Report(inputs, outcomes, json, args.Get("case"), stats);
}

}  // namespace

extern const Command kSyncCommand = {
    "sync", "put clips of one moment on one clock by their sound (offsets, drift, groups)",
    kUsage, {{"json"}, {"case", "min-overlap", "max-drift", "threads"}, {}},
    Run,
};

}  // namespace sightline::cli
