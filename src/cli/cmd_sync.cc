// sightline sync: put clips of one moment on one clock by their sound. Thin: the pipeline (one
// decode per file, stored fingerprints and envelopes with --case, candidate pairs, sample-level
// matches, groups) is case/moments.h; this file parses the options, draws the progress and prints.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "analysis/sync/group_sync.h"
#include "analysis/sync/pair_sync.h"
#include "case/moments.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {
namespace {

namespace inv = investigation;
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

Result<inv::MomentOptions> ParseOptions(const Args& args) {
  inv::MomentOptions o;
  SL_ASSIGN_OR_RETURN(o.sync.min_overlap_s, ParseNumber(args, "min-overlap", 2.0, 0.5, 3600));
  SL_ASSIGN_OR_RETURN(o.sync.max_drift_ppm, ParseNumber(args, "max-drift", 200, 0, 2000));
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  SL_ASSIGN_OR_RETURN(double threads, ParseNumber(args, "threads", std::min(cores, 4u), 1, 64));
  o.threads = static_cast<int>(threads);
  return o;
}

// Draws the run's progress on stderr, one meter per stage (the library serialises the calls).
void ShowProgress(inv::MomentOptions* o, std::unique_ptr<ProgressMeter>* meter) {
  o->on_progress = [meter](const inv::MomentProgress& p) {
    using Event = inv::MomentProgress::Event;
    using Stage = inv::MomentProgress::Stage;
    switch (p.event) {
      case Event::kStageStarted:
        if (p.stage == Stage::kMatching) {
          *meter = std::make_unique<ProgressMeter>("sync", 0, p.units,
                                                   ProgressMeter::Unit::kMediaSeconds);
        } else {
          *meter = std::make_unique<ProgressMeter>(
              p.stage == Stage::kFingerprinting ? "sync: fingerprinting" : "sync: decoding",
              p.bytes, p.units, ProgressMeter::Unit::kBytes);
        }
        break;
      case Event::kUnitDone:
        if (!*meter) break;
        if (p.bytes > 0) (*meter)->AddBytes(p.bytes);
        (*meter)->FileDone();
        break;
      case Event::kStageFinished:
        if (*meter) (*meter)->Clear();
        meter->reset();
        break;
    }
  };
}

std::string Signed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%+.*f", decimals, v);
  return buf;
}

// Prints the run, readable or JSON; `names` are the inputs' names in the output.
int Report(const inv::MomentRun& run, const std::vector<std::string>& names, bool json,
           const std::string& case_dir) {
  const std::vector<inv::MomentInput>& inputs = run.inputs;
  const sync::GroupResult& groups = run.groups;
  std::vector<const inv::MomentPair*> edges;
  for (const inv::MomentPair& p : run.pairs) {
    if (p.sync.matched) edges.push_back(&p);
  }
  nlohmann::ordered_json j;
  nlohmann::ordered_json stats;
  if (!case_dir.empty()) {
    j["case"] = DisplayPath(case_dir);
    stats["items"] = run.stats.items;
    stats["fingerprinted"] = run.stats.fingerprinted;
    stats["up_to_date"] = run.stats.up_to_date;
    stats["candidate_pairs"] = run.stats.candidate_pairs;
    j["stats"] = stats;
  }
  j["pairs"] = nlohmann::ordered_json::array();
  for (const inv::MomentPair* e : edges) {
    const sync::PairSync& s = e->sync;
    nlohmann::ordered_json p;
    p["a"] = names[e->a];
    p["b"] = names[e->b];
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
      files.push_back(names[c]);
      j["timeline"].push_back(
          {{"file", names[c]},
           {"group", g + 1},
           {"start_s", Round6(groups.start_s[c])},
           {"end_s", Round6(groups.start_s[c] + inputs[c].duration_s + inputs[c].start_s)}});
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
    j["unmatched"].push_back({{"file", names[i]}, {"reason", reason}});
  }
  j["conflicts"] = nlohmann::ordered_json::array();
  for (const sync::Conflict& c : groups.conflicts) {
    j["conflicts"].push_back({{"a", names[c.a]},
                              {"b", names[c.b]},
                              {"offset_s", Round6(c.offset_s)},
                              {"expected_s", Round6(c.expected_s)},
                              {"residual_s", Round6(c.residual_s)}});
  }
  j["no_match"] = nlohmann::ordered_json::array();
  for (const inv::MomentPair& p : run.pairs) {
    if (p.sync.matched) continue;
    j["no_match"].push_back({{"a", names[p.a]}, {"b", names[p.b]}, {"reason", p.sync.reason}});
  }
  j["files"] = nlohmann::ordered_json::array();
  bool failed = false;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const inv::MomentInput& in = inputs[i];
    nlohmann::ordered_json f;
    f["file"] = names[i];
    if (!in.error.empty()) {
      f["error"] = in.error;
      failed = true;
    } else if (in.read) {
      f["duration_s"] = Round6(in.duration_s);
      f["start_s"] = Round6(in.start_s);
      f["codec"] = in.codec;
      f["sample_rate"] = in.sample_rate;
      f["channels"] = in.channels;
      f["warnings"] = in.warnings;
    }
    j["files"].push_back(f);
  }
  if (json) {
    PrintOrderedJson(j);
    return failed ? kExitFailed : kExitOk;
  }
  // Readable.
  if (!case_dir.empty()) {
    const inv::MomentStats& st = run.stats;
    std::printf("%d item%s with sound: %d fingerprinted now, %d up to date; %d candidate pair%s\n",
                st.items, st.items == 1 ? "" : "s", st.fingerprinted, st.up_to_date,
                st.candidate_pairs, st.candidate_pairs == 1 ? "" : "s");
  }
  std::printf("%zu file%s, %zu group%s, %zu matched pair%s, %zu unmatched\n", inputs.size(),
              inputs.size() == 1 ? "" : "s", groups.groups.size(),
              groups.groups.size() == 1 ? "" : "s", edges.size(), edges.size() == 1 ? "" : "s",
              j["unmatched"].size());
  for (const inv::MomentPair* e : edges) {
    const sync::PairSync& s = e->sync;
    std::printf("\n%s ~ %s\n  %s starts at %s s in %s  (confidence %.2f, overlap %.1f s",
                names[e->a].c_str(), names[e->b].c_str(), names[e->b].c_str(),
                Signed(s.offset_s, 4).c_str(), names[e->a].c_str(), s.confidence, s.overlap_s);
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
      std::printf("  %12.4f s  %s  (%.1f s)\n", groups.start_s[c], names[c].c_str(),
                  inputs[c].duration_s);
    }
  }
  for (const sync::Conflict& c : groups.conflicts) {
    std::printf("\nconflict: %s ~ %s says %s s, the group says %s s (left out)\n",
                names[c.a].c_str(), names[c.b].c_str(), Signed(c.offset_s, 4).c_str(),
                Signed(c.expected_s, 4).c_str());
  }
  if (run.pairs.size() == 1 && !run.pairs[0].sync.matched) {
    std::printf("\nno match: %s ~ %s: %s\n", names[run.pairs[0].a].c_str(),
                names[run.pairs[0].b].c_str(), run.pairs[0].sync.reason.c_str());
  }
  if (!j["unmatched"].empty()) {
    std::printf("\nunmatched:\n");
    for (const auto& u : j["unmatched"]) {
      std::printf("  %s: %s\n", u["file"].get<std::string>().c_str(),
                  u["reason"].get<std::string>().c_str());
    }
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].read) continue;
    for (const std::string& w : inputs[i].warnings) Warn("sync", names[i] + ": " + w);
  }
  return failed ? kExitFailed : kExitOk;
}

int SyncFiles(const Args& args, inv::MomentOptions o) {
  std::unique_ptr<ProgressMeter> meter;
  ShowProgress(&o, &meter);
  const inv::MomentRun run = inv::SyncFiles(args.positional(), o);
  // Each file's error names the file.
  for (const inv::MomentWarning& w : run.warnings) Warn("sync", w.message);
  std::vector<std::string> names;
  for (const inv::MomentInput& in : run.inputs) names.push_back(DisplayPath(in.name));
  return Report(run, names, args.Has("json"), "");
}

int SyncCase(const Args& args, inv::MomentOptions o) {
  auto opened = OpenCaseToWrite("sync", args.Get("case"));
  if (!opened) return kExitFailed;
  std::unique_ptr<ProgressMeter> meter;
  ShowProgress(&o, &meter);
  auto run = inv::FindSameMoments(*opened->c, opened->who, o);
  if (!run.ok()) {
    Warn("sync", run.status().message());
    return kExitFailed;
  }
  std::vector<std::string> names;
  for (const inv::MomentInput& in : run->inputs) {
    names.push_back("#" + std::to_string(in.item_id) + " " + in.name);
  }
  for (const inv::MomentWarning& w : run->warnings) Warn("sync", names[w.input] + ": " + w.message);
  return Report(*run, names, args.Has("json"), args.Get("case"));
}

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

}  // namespace

extern const Command kSyncCommand = {
    "sync", "put clips of one moment on one clock by their sound (offsets, drift, groups)",
    kUsage, {{"json"}, {"case", "min-overlap", "max-drift", "threads"}, {}},
    Run,
};

}  // namespace sightline::cli
