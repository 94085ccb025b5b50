// sightline locate: reference pictures ranked by same-place evidence, and the position of the
// best verified one. Thin: analysis/scene/locate.h does the work (VLAD and place-word shortlist,
// geometric verification; doc/locate.md); this file gathers the references (a folder or a case),
// keeps the optional index file current, makes the OCR reader, and prints.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "analysis/scene/locate.h"
#include "analysis/text/ocr.h"
#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {
namespace {

namespace sc = analysis::scene;

constexpr char kUsage[] =
    "Usage: sightline locate [--json] [--index FILE] [--ref-text] [--no-text] [--shortlist N]\n"
    "                        [--wide N] [--no-mirror] (--refs DIR | --case DIR) QUERY...\n"
    "\n"
    "Where each QUERY (a photo or a video) was taken, from geotagged reference pictures: every\n"
    "reference is summarised once by a global descriptor (VLAD of RootSIFT features, vocabulary\n"
    "trained on the references), the most similar ones are verified with the geometry of\n"
    "`sightline scene`, and the best verified match gives its GPS position and a confidence\n"
    "(its score, halved when another strong match lies more than 1 km away). When the index holds\n"
    "the references' text (--ref-text), the query's text is read too and references that share\n"
    "strong place words with it (street names, shop signs) are verified as well, however similar\n"
    "they look. Only a geometric match is evidence: shared words and similarity choose what is\n"
    "verified and are reported, never a match on their own (doc/locate.md).\n"
    "\n"
    "  --refs DIR     reference pictures: every JPEG, PNG, WebP, TIFF, BMP and HEIC under DIR\n"
    "  --case DIR     reference pictures: the image items of a case (read only)\n"
    "  --index FILE   keep the references' descriptors in FILE: used when it matches the\n"
    "                 references (same files, sizes and times), built and written otherwise.\n"
    "                 Without it the descriptors are computed for this run only. Nothing is ever\n"
    "                 written into DIR or the case. An index from an older sightline is rebuilt.\n"
    "  --ref-text     read the references' text (OCR) when building the index and keep their\n"
    "                 place words. OCR costs 3-12x the rest of the build (0.1-2.6 s per picture;\n"
    "                 the time per reference is printed), so it is asked for; an index built\n"
    "                 without it is rebuilt when it is given\n"
    "  --no-text      do not read the queries' text, even when the index holds the references'\n"
    "  --shortlist N  references verified with geometry per query, by similarity (default 10;\n"
    "                 0: only those sharing place words with it)\n"
    "  --wide N       when none matches directly, the N best rejected ones are tested again with\n"
    "                 affine-simulated views (a wide baseline; about 3x a direct test each;\n"
    "                 default 3, 0: off). A mirrored repost is looked for then too: of the\n"
    "                 candidates, the 3 that share the most ground with the query flipped left\n"
    "                 to right (10+ tentative matches) are tested flipped as well\n"
    "  --no-mirror    do not look for the query flipped left to right\n"
    "  --json         {\"file\",\"located\",\"position\":{\"lat\",\"lon\",\"alt_m\"?,\"source\",\n"
    "                 "
    "\"reference\"}|null,\"confidence\",\"reason\",\"seconds\",\"query_words\":[..]|null,\n"
    "                 "
    "\"text_seconds\",\"text_problem\"?,\"wide_tested\",\"candidates\":[{\"reference\",\n"
    "                 \"path\",\"similarity\",\"shortlisted_by\",\"shared_words\",\"text_score\",\n"
    "                 "
    "\"verified\",\"match\",\"stage\",\"wide_tested\",\"mirrored\",\"score\",\"inliers\",\n"
    "                 \"model\",\"query_time\",\"gps\":{\"lat\",\"lon\"}|null,\"problem\"?}]}; "
    "several\n"
    "                 queries: an array. A query that cannot be read: {\"file\",\"error\"}.\n"
    "\n"
    "Exit status: 0 every query was answered (located or not: both are answers), 1 a query or a\n"
    "reference could not be read, the OCR models are missing, or the index not written, 2 usage\n"
    "error.\n";

Result<std::vector<sc::ReferenceFile>> CaseReferences(const std::string& dir) {
  auto c = OpenCase("locate", dir, evidence::Case::Access::kRead);
  if (!c) return InvalidArgument("cannot open the case " + DisplayPath(dir));
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c->catalog().ListItems());
  std::vector<sc::ReferenceFile> out;
  for (const evidence::Item& item : items) {
    if (item.media_kind != "image") continue;
    Result<std::string> original = c->objects().OriginalPath(item.sha256);
    if (!original.ok()) {
      Warn("locate", "reference #" + std::to_string(item.id) + " " + item.name +
                         " left out: " + original.status().message());
      continue;
    }
    out.push_back({*original, item.name});
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
  if (r.text_used) {
    j["query_words"] = r.query_words;
  } else {
    j["query_words"] = nullptr;
  }
  j["text_seconds"] = Round(r.text_seconds, 0.001);
  if (!r.text_problem.empty()) j["text_problem"] = r.text_problem;
  j["wide_tested"] = r.wide_tested;
  nlohmann::ordered_json cands = nlohmann::ordered_json::array();
  for (const sc::LocateCandidate& c : r.ranked) {
    const sc::Reference& ref = index.references()[c.reference];
    nlohmann::ordered_json k;
    k["reference"] = ref.label;
    k["path"] = DisplayPath(ref.path);
    k["similarity"] = Round(c.similarity, 0.0001);
    k["shortlisted_by"] = c.by_similarity && c.by_text ? "both" : c.by_text ? "text" : "similarity";
    k["shared_words"] = c.words.shared;
    k["text_score"] = Round(c.words.score, 0.001);
    k["verified"] = c.verified;
    k["match"] = c.match.match;
    if (c.match.match) {
      k["stage"] = sc::StageName(c.stage);
    } else {
      k["stage"] = nullptr;
    }
    k["wide_tested"] = c.wide_tested;
    k["mirrored"] = c.mirrored;
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
  if (r.text_used) {
    std::string words;
    for (const std::string& w : r.query_words) words += (words.empty() ? "" : ", ") + w;
    std::printf("  text     %s  (%.1f s)%s%s\n", words.empty() ? "(no place words)" : words.c_str(),
                r.text_seconds,
                r.text_problem.empty() ? "" : "  not read: ", r.text_problem.c_str());
  }
  std::printf("  %-4s %-40s %-6s %-6s %-8s %s\n", "RANK", "REFERENCE", "SIM", "SCORE", "INLIERS",
              "GPS");
  int rank = 0;
  for (const sc::LocateCandidate& c : r.ranked) {
    const sc::Reference& ref = index.references()[c.reference];
    char gps[64] = "-";
    if (ref.gps) std::snprintf(gps, sizeof gps, "%.6f, %.6f", ref.gps->lat, ref.gps->lon);
    std::string verdict;
    if (c.match.match)
      verdict = c.stage == sc::LocateStage::kDirect
                    ? "  MATCH"
                    : std::string("  MATCH (") + sc::StageName(c.stage) + ")";
    if (c.match.match && c.mirrored) verdict += "  the query is mirrored against it";
    std::printf("  %-4d %-40s %-6.3f %-6.2f %-8d %s%s%s\n", ++rank, ref.label.c_str(), c.similarity,
                c.match.score, c.match.inliers, gps, verdict.c_str(),
                c.problem.empty() ? "" : "  (unreadable)");
    if (!c.words.shared.empty()) {
      std::string words;
      for (const std::string& w : c.words.shared) words += (words.empty() ? "" : ", ") + w;
      std::printf("       shares the words %s (text score %.2f)%s\n", words.c_str(), c.words.score,
                  c.by_similarity ? "" : ", shortlisted by them");
    }
  }
  std::printf("  (%.2f s)\n\n", seconds);
}

int Run(const Args& args) {
  if (args.positional().empty()) return UsageError("locate", "no QUERY file given");
  if (args.Has("refs") == args.Has("case"))
    return UsageError("locate", "give the references with exactly one of --refs DIR or --case DIR");
  sc::LocateOptions options;
  if (args.Has("shortlist") &&
      !ParseWholeNumber(args.Get("shortlist"), 0, 1000, &options.shortlist))
    return UsageError("locate", "--shortlist takes a whole number from 0 to 1000");
  if (args.Has("wide") && !ParseWholeNumber(args.Get("wide"), 0, 1000, &options.wide_baseline))
    return UsageError("locate", "--wide takes a whole number from 0 to 1000");
  if (args.Has("no-mirror")) options.mirror_tests = 0;
  const bool ref_text = args.Has("ref-text"), no_text = args.Has("no-text");
  if (ref_text && no_text)
    return UsageError("locate", "--ref-text reads text for the queries to use: not with --no-text");
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
    } else if (ref_text && !loaded->has_text()) {
      Warn("locate", DisplayPath(index_path) +
                         " was built without the references' text; building it again with it "
                         "(--ref-text)");
    } else {
      index = std::move(loaded).value();
    }
  }
  if (!index) {
    std::vector<std::string> problems;
    sc::IndexOptions index_options;
    index_options.read_text = ref_text;
    sc::IndexBuildTimes times;
    ProgressMeter progress(
        ref_text ? "locate: indexing references (with their text)" : "locate: indexing references",
        0, files->size());
    auto built = sc::ReferenceIndex::Build(
        *files, index_options, &problems, [&](size_t) { progress.FileDone(); }, &times);
    progress.Clear();
    if (built.ok() && ref_text) {
      const double n = std::max<size_t>(1, files->size());
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    "read the text of %d references: %.2f s per reference (features %.2f s), "
                    "%d with place words",
                    times.text_read, times.text_s / n, times.features_s / n, times.with_words);
      Warn("locate", buf);
    }
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

  // The query's text is read when the references' was (one reader for the whole batch).
  std::unique_ptr<analysis::text::TextReader> reader;
  if (!no_text && index->has_text()) {
    auto created = analysis::text::TextReader::Create();
    if (created.ok()) {
      reader = std::move(created).value();
      options.text_reader = reader.get();
    } else {
      Warn("locate", "text not used: " + created.status().message());
      failed = true;
    }
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
                                       {{"json", "ref-text", "no-text", "no-mirror"},
                                        {"refs", "case", "index", "shortlist", "wide"},
                                        {}},
                                       Run};

}  // namespace sightline::cli
