// sightline hash: PDQ fingerprints of images and video frames, for files or a whole case.
#include <cstdio>
#include <cstdlib>

#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/signal_store.h"
#include "signals/visual/frame_hashes.h"

namespace sightline::cli {

namespace {

namespace visual = signals::visual;

constexpr char kUsage[] =
    "Usage: sightline hash [--json] [--rate R|all] FILE...\n"
    "       sightline hash --case DIR [--rate R|all] [--json]\n"
    "\n"
    "Computes PDQ perceptual hashes (Meta's 256-bit image hash; hex as Meta's tools print it):\n"
    "one for an image, one per sampled frame for a video, in one decoding pass. Copies,\n"
    "excerpts and re-uploads are found by comparing these hashes (Hamming distance: up to about\n"
    "31 of 256 bits is the same picture). Quality (0-100) says how much detail a hash rests on;\n"
    "below 50 it says little.\n"
    "\n"
    "  --rate R    frames per second to hash (default 1); 'all' hashes every frame\n"
    "  --case DIR  hash every item of the case that is not hashed yet at this rate, storing the\n"
    "              hashes under DIR/derived/ and in the catalogue (recorded in the custody log)\n"
    "  --json      image: {\"file\",\"pdq\",\"quality\"}; video: "
    "{\"file\",\"duration_s\",\"rate\",\n"
    "              \"frames\":[{\"t\",\"pdq\",\"quality\"}],\"warnings\":[...]}; several files: an "
    "array.\n"
    "              With --case: "
    "{\"items\":[{\"id\",\"name\",\"status\",\"frames\",\"path\",\"message\"}]}\n"
    "\n"
    "Exit status: 0 all hashed, 1 a file could not be hashed, 2 usage error.\n";

Result<visual::FrameHashOptions> ParseRate(const Args& args) {
  visual::FrameHashOptions o;
  std::string rate = args.Get("rate", "1");
  if (rate == "all") {
    o.every_frame = true;
    return o;
  }
  char* end = nullptr;
  o.rate = std::strtod(rate.c_str(), &end);
  if (*end || !(o.rate > 0 && o.rate <= 1000)) {
    return InvalidArgument("--rate must be 'all' or a number of frames per second (0 < R <= 1000)");
  }
  return o;
}

std::string ParamsJson(const visual::FrameHashOptions& o) {
  nlohmann::json p = {{"rate", o.every_frame ? nlohmann::json("all") : nlohmann::json(o.rate)}};
  return p.dump();
}

void PrintReadable(const std::string& file, const visual::FrameHashes& h,
                   const visual::FrameHashOptions& o) {
  if (h.still) {
    std::printf("%s  %s  quality %d\n", h.frames[0].pdq.Hex().c_str(), file.c_str(),
                h.frames[0].pdq.quality);
    return;
  }
  char rate[32];
  std::snprintf(rate, sizeof rate, "%g/s", o.rate);
  std::printf("== %s  (%.3f s, %zu frame%s hashed at %s, %dx%d)\n", file.c_str(), h.duration_s,
              h.frames.size(), h.frames.size() == 1 ? "" : "s",
              o.every_frame ? "every frame" : rate, h.width, h.height);
  for (const auto& f : h.frames) {
    std::printf("%10.3f  %s  quality %d\n", f.t, f.pdq.Hex().c_str(), f.pdq.quality);
  }
  for (const auto& w : h.warnings) std::printf("warning: %s\n", w.c_str());
}

int HashFiles(const Args& args, const visual::FrameHashOptions& options) {
  const bool json = args.Has("json");
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  bool failed = false;
  ProgressMeter progress("hash", 0, args.positional().size(), ProgressMeter::Unit::kMediaSeconds);
  for (const std::string& file : args.positional()) {
    double last_t = 0;
    auto hashes = visual::HashFrames(file, options, [&](double t) {
      progress.Add(std::max(0.0, t - last_t));
      last_t = t;
    });
    progress.FileDone();
    progress.Clear();
    if (!hashes.ok()) {
      Warn("hash", hashes.status().message());
      failed = true;
      if (json) all.push_back({{"file", DisplayPath(file)}, {"error", hashes.status().message()}});
      continue;
    }
    for (const auto& w : hashes->warnings) Warn("hash", DisplayPath(file) + ": " + w);
    if (json) {
      all.push_back(visual::FrameHashesJson(*hashes, DisplayPath(file), options));
    } else {
      PrintReadable(DisplayPath(file), *hashes, options);
    }
  }
  if (json) PrintOrderedJson(all.size() == 1 ? all[0] : all);
  return failed ? kExitFailed : kExitOk;
}

// Hashes one item's original and stores the result in the case.
Result<evidence::StoredSignal> HashItem(evidence::Case& c, const evidence::Identity& who,
                                        const evidence::Item& item, const evidence::SignalKey& key,
                                        const visual::FrameHashOptions& options,
                                        std::size_t* frames,
                                        const std::function<void(double)>& on_progress) {
  SL_ASSIGN_OR_RETURN(std::string original, c.objects().OriginalPath(item.sha256));
  SL_ASSIGN_OR_RETURN(visual::FrameHashes hashes,
                      visual::HashFrames(original, options, on_progress));
  std::vector<evidence::FrameHashRow> rows;
  for (const auto& f : hashes.frames) rows.push_back({f.t, f.pdq.bits, f.pdq.quality});
  std::string data = visual::FrameHashesJson(hashes, item.name, options).dump(1) + "\n";
  nlohmann::json summary = {
      {"frames", hashes.frames.size()}, {"duration_s", hashes.duration_s}, {"still", hashes.still}};
  *frames = hashes.frames.size();
  return evidence::StoreSignal(c, who, item, key, data, summary.dump(), rows);
}

int HashCase(const Args& args, const visual::FrameHashOptions& options) {
  const bool json = args.Has("json");
  auto opened = OpenCaseToWrite("hash", args.Get("case"));
  if (!opened) return kExitFailed;
  auto& c = opened->c;
  const evidence::Identity* who = &opened->who;
  auto items = c->catalog().ListItems();
  if (!items.ok()) {
    Warn("hash", items.status().message());
    return kExitFailed;
  }
  const evidence::SignalKey key{"pdq_frames", visual::kPdqFormatVersion, ParamsJson(options)};
  nlohmann::json report = nlohmann::json::array();
  int hashed = 0, current = 0, skipped = 0, failed = 0;
  ProgressMeter progress("hash", 0, items->size(), ProgressMeter::Unit::kMediaSeconds);
  for (const evidence::Item& item : *items) {
    nlohmann::json r = {{"id", item.id}, {"name", item.name}};
    auto existing = evidence::FindSignal(*c, item.id, key);
    if (existing.ok() && existing->has_value()) {
      r["status"] = "up_to_date";
      r["path"] = (*existing)->path;
      ++current;
    } else if (item.media_kind != "video" && item.media_kind != "image") {
      r["status"] = "skipped";
      r["message"] = item.media_kind.empty() ? "not readable as media" : "no picture (audio)";
      ++skipped;
    } else {
      double last_t = 0;
      std::size_t frames = 0;
      Result<evidence::StoredSignal> stored =
          HashItem(*c, *who, item, key, options, &frames, [&](double t) {
            progress.Add(std::max(0.0, t - last_t));
            last_t = t;
          });
      if (stored.ok()) {
        r["status"] = "hashed";
        r["frames"] = frames;
        r["path"] = stored->path;
        ++hashed;
      } else {
        r["status"] = "failed";
        r["message"] = stored.status().message();
        ++failed;
        progress.Clear();
        Warn("hash", "item " + std::to_string(item.id) + " (" + item.name +
                         "): " + stored.status().message());
      }
    }
    progress.FileDone();
    progress.Clear();
    if (!json) {
      std::string frames;
      if (r.contains("frames")) {
        std::size_t n = r["frames"].get<std::size_t>();
        frames = "  " + std::to_string(n) + (n == 1 ? " frame" : " frames");
      }
      std::printf("%-10s item %-4lld %s%s\n", r["status"].get<std::string>().c_str(),
                  static_cast<long long>(item.id), item.name.c_str(), frames.c_str());
    }
    report.push_back(r);
  }
  if (json) {
    PrintJson({{"case", DisplayPath(args.Get("case"))}, {"items", report}});
  } else {
    std::printf("%d hashed, %d up to date, %d skipped (no picture), %d failed\n", hashed, current,
                skipped, failed);
  }
  return failed ? kExitFailed : kExitOk;
}

int Run(const Args& args) {
  auto options = ParseRate(args);
  if (!options.ok()) return UsageError("hash", options.status().message());
  if (args.Has("case")) {
    if (!args.positional().empty()) return UsageError("hash", "give FILEs or --case DIR, not both");
    return HashCase(args, *options);
  }
  if (args.positional().empty()) return UsageError("hash", "no FILE given");
  return HashFiles(args, *options);
}

}  // namespace

extern const Command kHashCommand = {
    "hash", "PDQ perceptual hashes of images and video frames",
    kUsage, {{"json"}, {"case", "rate"}, {}},
    Run,
};

}  // namespace sightline::cli
