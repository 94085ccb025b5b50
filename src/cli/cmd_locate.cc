// sightline locate: reference pictures ranked by same-place evidence, and the position of the
// best verified one. Thin: analysis/scene/locate.h does the work (VLAD shortlist, geometric
// verification; doc/scene.md); this file gathers the references (a folder or a case), keeps the
// optional index file current, and prints.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "analysis/scene/locate.h"
#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {
namespace {

namespace sc = analysis::scene;

constexpr char kUsage[] =
    "Usage: sightline locate [--json] [--index FILE] [--shortlist N] (--refs DIR | --case DIR)\n"
    "                        QUERY...\n"
    "\n"
    "Where each QUERY (a photo or a video) was taken, from geotagged reference pictures: every\n"
    "reference is summarised once by a global descriptor (VLAD of RootSIFT features, vocabulary\n"
    "trained on the references), the most similar ones are verified with the geometry of\n"
    "`sightline scene`, and the best verified match gives its GPS position and a confidence\n"
    "(its score, halved when another strong match lies more than 1 km away). Only a geometric\n"
    "match is evidence; similarity alone only orders the rest (doc/scene.md).\n"
    "\n"
    "  --refs DIR     reference pictures: every JPEG, PNG, WebP, TIFF, BMP and HEIC under DIR\n"
    "  --case DIR     reference pictures: the image items of a case (read only)\n"
    "  --index FILE   keep the references' descriptors in FILE: used when it matches the\n"
    "                 references (same files, sizes and times), built and written otherwise.\n"
    "                 Without it the descriptors are computed for this run only. Nothing is ever\n"
    "                 written into DIR or the case.\n"
    "  --shortlist N  references verified with geometry per query (default 10)\n"
    "  --json         {\"file\",\"located\",\"position\":{\"lat\",\"lon\",\"alt_m\"?,\"source\",\n"
    "                 \"reference\"}|null,\"confidence\",\"reason\",\"seconds\",\"candidates\":[{\n"
    "                 \"reference\",\"path\",\"similarity\",\"verified\",\"match\",\"score\",\n"
    "                 \"inliers\",\"model\",\"query_time\",\"gps\":{\"lat\",\"lon\"}|null,\n"
    "                 \"problem\"?}]}; several queries: an array. A query that cannot be read:\n"
    "                 {\"file\",\"error\"}.\n"
    "\n"
    "Exit status: 0 every query was answered (located or not: both are answers), 1 a query or a\n"
    "reference could not be read, or the index not written, 2 usage error.\n";

Result<std::vector<sc::ReferenceFile>> CaseReferences(const std::string& dir) {
  auto c = OpenCase("locate", dir, evidence::Case::Access::kRead);
  if (!c) return InvalidArgument("cannot open the case " + DisplayPath(dir));
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c->catalog().ListItems());
  std::vector<sc::ReferenceFile> out;
  for (const evidence::Item& item : items) {
    if (item.media_kind != "image") continue;
    out.push_back({c->objects().PathFor(item.sha256), item.name});
  }
  return out;
}

double Round(double v, double unit) { return std::round(v / unit) * unit; }

nlohmann::ordered_json ResultJson(const std::string& file, const sc::LocateResult& r,
                                  const sc::ReferenceIndex& index, double seconds) {
  nlohmann::ordered_json j;
  j["file"] = DisplayPath(file);
  j["located"] = r.located;
  if (r.position) {
    nlohmann::ordered_json p;
    p["lat"] = r.position->lat;
    p["lon"] = r.position->lon;
    if (r.position->alt_m) p["alt_m"] = *r.position->alt_m;
    p["source"] = r.position->source;
    p["reference"] = r.position_label;
    j["position"] = p;
  } else {
    j["position"] = nullptr;
  }
  j["confidence"] = Round(r.confidence, 0.001);
  j["reason"] = r.reason;
  j["seconds"] = Round(seconds, 0.001);
  nlohmann::ordered_json cands = nlohmann::ordered_json::array();
  for (const sc::LocateCandidate& c : r.ranked) {
    const sc::Reference& ref = index.references()[c.reference];
    nlohmann::ordered_json k;
    k["reference"] = ref.label;
    k["path"] = DisplayPath(ref.path);
    k["similarity"] = Round(c.similarity, 0.0001);
    k["verified"] = c.verified;
    k["match"] = c.match.match;
    k["score"] = Round(c.match.score, 0.001);
    k["inliers"] = c.match.inliers;
    k["model"] = sc::ModelName(c.match.model);
    k["query_time"] = Round(c.query_t, 0.001);
    if (ref.gps) {
      k["gps"] = {{"lat", ref.gps->lat}, {"lon", ref.gps->lon}};
    } else {
      k["gps"] = nullptr;
    }
    if (!c.problem.empty()) k["problem"] = c.problem;
    cands.push_back(k);
  }
  j["candidates"] = cands;
  return j;
}

void PrintText(const std::string& file, const sc::LocateResult& r, const sc::ReferenceIndex& index,
               double seconds) {
  std::printf("== %s\n", DisplayPath(file).c_str());
  if (r.located) {
    std::printf("  LOCATED  %.6f, %.6f  confidence %.2f  (GPS of %s)\n", r.position->lat,
                r.position->lon, r.confidence, r.position_label.c_str());
  } else {
    std::printf("  not located\n");
  }
  std::printf("  %s\n", r.reason.c_str());
  std::printf("  %-4s %-40s %-6s %-6s %-8s %s\n", "RANK", "REFERENCE", "SIM", "SCORE", "INLIERS",
              "GPS");
  int rank = 0;
  for (const sc::LocateCandidate& c : r.ranked) {
    const sc::Reference& ref = index.references()[c.reference];
    char gps[64] = "-";
    if (ref.gps) std::snprintf(gps, sizeof gps, "%.6f, %.6f", ref.gps->lat, ref.gps->lon);
    std::printf("  %-4d %-40s %-6.3f %-6.2f %-8d %s%s%s\n", ++rank, ref.label.c_str(), c.similarity,
                c.match.score, c.match.inliers, gps, c.match.match ? "  MATCH" : "",
                c.problem.empty() ? "" : "  (unreadable)");
  }
  std::printf("  (%.2f s)\n\n", seconds);
}

int Run(const Args& args) {
  if (args.positional().empty()) return UsageError("locate", "no QUERY file given");
  if (args.Has("refs") == args.Has("case"))
    return UsageError("locate", "give the references with exactly one of --refs DIR or --case DIR");
  sc::LocateOptions options;
  if (args.Has("shortlist") &&
      !ParseWholeNumber(args.Get("shortlist"), 1, 1000, &options.shortlist))
    return UsageError("locate", "--shortlist takes a whole number from 1 to 1000");
  bool failed = false;
  auto files = args.Has("refs") ? sc::ListReferencePictures(args.Get("refs"))
                                : CaseReferences(args.Get("case"));
  if (!files.ok()) {
    Warn("locate", files.status().message());
    return kExitFailed;
  }
  const std::string index_path = args.Get("index");
  std::optional<sc::ReferenceIndex> index;
  if (!index_path.empty() && PathExists(index_path)) {
    auto loaded = sc::ReferenceIndex::Load(index_path);
    if (!loaded.ok()) {
      Warn("locate", loaded.status().message() + "; building a new one");
    } else if (!loaded->Covers(*files)) {
      Warn("locate", DisplayPath(index_path) +
                         " is out of date (references added, removed or "
                         "changed); building it again");
    } else {
      index = std::move(loaded).value();
    }
  }
  if (!index) {
    std::vector<std::string> problems;
    ProgressMeter progress("locate: indexing references", 0, files->size());
    auto built = sc::ReferenceIndex::Build(*files, sc::IndexOptions{}, &problems,
                                           [&](size_t) { progress.FileDone(); });
    progress.Clear();
    for (const std::string& p : problems) Warn("locate", "reference skipped: " + p);
    if (!problems.empty()) failed = true;
    if (!built.ok()) {
      Warn("locate", built.status().message());
      return kExitFailed;
    }
    index = std::move(built).value();
    if (!index_path.empty()) {
      Status s = index->Save(index_path);
      if (!s.ok()) {
        Warn("locate", s.message());
        failed = true;
      }
    }
  } else if (!index->skipped().empty()) {
    for (const std::string& p : index->skipped())
      Warn("locate", "reference skipped (unreadable when the index was built): " + DisplayPath(p));
    failed = true;
  }

  const bool json = args.Has("json");
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const std::string& file : args.positional()) {
    const auto start = std::chrono::steady_clock::now();
    auto r = sc::Locate(file, *index, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!r.ok()) {
      Warn("locate", r.status().message());
      failed = true;
      if (json) all.push_back({{"file", DisplayPath(file)}, {"error", r.status().message()}});
      continue;
    }
    for (const sc::LocateCandidate& c : r->ranked)
      if (!c.problem.empty()) {
        Warn("locate", "reference not verified: " + c.problem);
        failed = true;
      }
    if (json) {
      all.push_back(ResultJson(file, *r, *index, seconds));
    } else {
      PrintText(file, *r, *index, seconds);
    }
  }
  if (json) PrintOrderedJson(all.size() == 1 ? all[0] : all);
  return failed ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kLocateCommand = {"locate",
                                       "reference images ranked by same-place evidence",
                                       kUsage,
                                       {{"json"}, {"refs", "case", "index", "shortlist"}, {}},
                                       Run};

}  // namespace sightline::cli
