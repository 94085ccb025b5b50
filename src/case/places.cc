#include "case/places.h"

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "analysis/scene/compare.h"
#include "base/parallel.h"

namespace sightline::investigation {

namespace sc = analysis::scene;

namespace {

// Which test found the match, for a person reading the evidence.
const char* Method(const sc::FileComparison& c) {
  if (c.guided) return "guided";
  if (c.pooled_frames) return "pooled_frames";
  if (c.affine) return "affine_views";
  return "direct";
}

double R3(double v) { return std::round(v * 1000) / 1000; }

}  // namespace

Result<StageOutcome> FindSamePlaces(evidence::Case& c, const PlaceOptions& options) {
  StageOutcome out;
  out.run.analyzer = kPlaceAnalyzer;
  out.run.version = kPlaceAnalyzerVersion;
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c.catalog().ListItems());
  SL_ASSIGN_OR_RETURN(std::vector<std::int64_t> done,
                      AnalyzedItems(c, out.run.analyzer, out.run.version));
  const std::set<std::int64_t> analyzed(done.begin(), done.end());
  std::vector<const evidence::Item*> pictures;
  for (const evidence::Item& item : items) {
    if (item.media_kind == "video" || item.media_kind == "image") {
      pictures.push_back(&item);
    } else if (!analyzed.count(item.id)) {
      out.run.items.push_back(item.id);  // holds no picture: done with
    }
  }
  out.items = items.size();
  const bool anything_new = std::any_of(pictures.begin(), pictures.end(),
                                        [&](const auto* i) { return !analyzed.count(i->id); });
  if (!anything_new) return out;

  // Pairs already suggested as the same footage show one place trivially.
  FindingFilter footage;
  footage.kind = FindingKind::kSameFootage;
  SL_ASSIGN_OR_RETURN(std::vector<Finding> copies, ListFindings(c, footage));
  std::set<std::pair<std::int64_t, std::int64_t>> same_footage;
  for (const Finding& f : copies) same_footage.insert({f.suggestion.item_a, f.suggestion.item_b});

  const sc::CompareOptions compare;
  std::vector<Result<sc::FileFeatures>> features(pictures.size(), Internal("not read"));
  ParallelFor(pictures.size(), options.threads, [&](std::size_t k) {
    Result<std::string> original = c.objects().OriginalPath(pictures[k]->sha256);
    if (!original.ok()) {
      features[k] = original.status();
      return;
    }
    features[k] = sc::ReadFileFeatures(*original, compare.frames, compare.features);
  });
  out.extracted = pictures.size();
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t b = 0; b < pictures.size(); ++b) {
    if (!features[b].ok()) {
      out.warnings.push_back("#" + std::to_string(pictures[b]->id) + " " + pictures[b]->name +
                             ": " + features[b].status().message());
      out.failed = true;
      continue;
    }
    const bool b_new = !analyzed.count(pictures[b]->id);
    if (b_new) out.run.items.push_back(pictures[b]->id);
    for (std::size_t a = 0; a < b; ++a) {
      if (!features[a].ok()) continue;
      if (!b_new && analyzed.count(pictures[a]->id)) continue;
      if (same_footage.count({pictures[a]->id, pictures[b]->id})) continue;
      pairs.push_back({a, b});
    }
  }
  out.new_items = out.run.items.size();
  out.compared = pairs.size();
  std::vector<sc::FileComparison> results(pairs.size());
  ParallelFor(pairs.size(), options.threads, [&](std::size_t k) {
    results[k] =
        sc::CompareFeatures(*features[pairs[k].first], *features[pairs[k].second], compare);
  });
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const sc::FileComparison& r = results[k];
    if (!r.match.match) continue;
    nlohmann::json evidence = {{"score", R3(r.match.score)},
                               {"inliers", r.match.inliers},
                               {"tentative", r.match.tentative},
                               {"model", sc::ModelName(r.match.model)},
                               {"a_time", R3(r.a_time)},
                               {"b_time", R3(r.b_time)},
                               {"a_still", r.a_still},
                               {"b_still", r.b_still},
                               {"method", Method(r)}};
    Suggestion s;
    s.kind = FindingKind::kSamePlace;
    s.item_a = pictures[pairs[k].first]->id;  // pictures follow item ids: a < b
    s.item_b = pictures[pairs[k].second]->id;
    s.analyzer = out.run.analyzer;
    s.version = out.run.version;
    s.score = std::clamp(r.match.score, 0.0, 1.0);
    s.evidence = evidence.dump();
    out.run.suggestions.push_back(std::move(s));
  }
  return out;
}

}  // namespace sightline::investigation
