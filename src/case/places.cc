#include "case/places.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "analysis/scene/compare.h"
#include "analysis/scene/feature_store.h"
#include "base/parallel.h"
#include "evidence/signal_store.h"

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

// The inliers as [ax, ay, bx, by] in 0..1 picture coordinates (x right, y down), as `scene
// --json` gives them: what a person checks, and what the report draws. At most kMaxPoints, spread
// over the list.
nlohmann::json MatchedPoints(const sc::SceneMatch& m) {
  constexpr std::size_t kMaxPoints = 200;
  nlohmann::json points = nlohmann::json::array();
  const std::size_t n = m.pairs.size();
  const std::size_t step = n > kMaxPoints ? (n + kMaxPoints - 1) / kMaxPoints : 1;
  auto r4 = [](float v) { return std::round(v * 1e4) / 1e4; };
  for (std::size_t i = 0; i < n; i += step) {
    const sc::PointPair& p = m.pairs[i];
    points.push_back({r4(p.ax), r4(p.ay), r4(p.bx), r4(p.by)});
  }
  return points;
}

// The storage key of an item's scene features: what shapes them.
evidence::SignalKey FeaturesKey(const sc::CompareOptions& o) {
  const nlohmann::json params = {{"max_side", o.frames.max_side},
                                 {"max_frames", o.frames.max_frames},
                                 {"min_period_s", o.frames.min_period_s},
                                 {"feature_side", o.features.max_side},
                                 {"max_keypoints", o.features.max_keypoints},
                                 {"contrast", o.features.contrast}};
  return {"scene_features", kSceneFeaturesVersion, params.dump()};
}

// The item's stored features, or nullopt when none are stored or they cannot be read (then they
// are extracted again; derived data is rebuildable).
std::optional<sc::FileFeatures> LoadStoredFeatures(evidence::Case& c, const evidence::Item& item,
                                                   const evidence::SignalKey& key) {
  auto found = evidence::FindSignal(c, item.id, key);
  if (!found.ok() || !*found) return std::nullopt;
  auto data = evidence::ReadSignalData(c, **found);
  if (!data.ok()) return std::nullopt;
  auto decoded = sc::DecodeFileFeatures(*data);
  if (!decoded.ok()) return std::nullopt;
  return std::move(*decoded);
}

}  // namespace

Result<StageOutcome> FindSamePlaces(evidence::Case& c, const evidence::Identity& who,
                                    const PlaceOptions& options) {
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
  const evidence::SignalKey key = FeaturesKey(compare);
  std::vector<Result<sc::FileFeatures>> features(pictures.size(), Internal("not read"));
  // The stored ones first (the case is read on this thread only), then the rest decoded.
  std::vector<std::size_t> to_extract;
  for (std::size_t k = 0; k < pictures.size(); ++k) {
    if (std::optional<sc::FileFeatures> stored = LoadStoredFeatures(c, *pictures[k], key)) {
      features[k] = std::move(*stored);
      ++out.reused;
    } else {
      to_extract.push_back(k);
    }
  }
  signals::SerialProgress progress(options.progress);
  progress.Begin(to_extract.size());
  ParallelFor(to_extract.size(), options.threads, [&](std::size_t n) {
    const std::size_t k = to_extract[n];
    Result<std::string> original = c.objects().OriginalPath(pictures[k]->sha256);
    features[k] = original.ok() ? sc::ReadFileFeatures(*original, compare.frames, compare.features)
                                : Result<sc::FileFeatures>(original.status());
    // As they will read back next run: a pair compares alike whichever run it falls in.
    if (features[k].ok()) sc::QuantizeDescriptors(*features[k]);
    progress.FileDone();
  });
  progress.End();
  for (std::size_t k : to_extract) {
    if (!features[k].ok()) continue;
    ++out.extracted;
    const nlohmann::json summary = {{"frames", features[k]->features.size()},
                                    {"still", features[k]->still}};
    auto stored = evidence::StoreSignal(
        c, who, *pictures[k], key, sc::EncodeFileFeatures(*features[k]), summary.dump(), {}, "bin");
    if (!stored.ok() && stored.status().code() != StatusCode::kAlreadyExists) {
      // The comparison goes on; the next run extracts them again.
      out.warnings.push_back("#" + std::to_string(pictures[k]->id) + " " + pictures[k]->name +
                             ": scene features not stored: " + stored.status().message());
      out.failed = true;
    }
  }
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
  // Features read back have no pixels, and the wide-baseline test (affine-simulated views) needs
  // them: the pairs that reached it are compared again once their frames are decoded, so a pair
  // is judged as it would be were both items new.
  std::set<std::size_t> need_pixels;
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    if (!results[k].wide_tested || !compare.affine) continue;
    for (std::size_t side : {pairs[k].first, pairs[k].second}) {
      if (!sc::HasPixels(*features[side])) need_pixels.insert(side);
    }
  }
  const std::vector<std::size_t> to_decode(need_pixels.begin(), need_pixels.end());
  ParallelFor(to_decode.size(), options.threads, [&](std::size_t n) {
    const std::size_t k = to_decode[n];
    Result<std::string> original = c.objects().OriginalPath(pictures[k]->sha256);
    if (!original.ok()) return;  // compared on its features alone, as before
    auto frames = sc::ReadSceneFrames(*original, compare.frames);
    if (!frames.ok() || frames->size() != features[k]->features.size()) return;
    for (std::size_t i = 0; i < frames->size(); ++i) {
      features[k]->frames[i].gray = std::move((*frames)[i].gray);
    }
  });
  std::vector<std::size_t> again;
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    if (results[k].wide_tested && compare.affine &&
        (need_pixels.count(pairs[k].first) || need_pixels.count(pairs[k].second))) {
      again.push_back(k);
    }
  }
  ParallelFor(again.size(), options.threads, [&](std::size_t n) {
    const std::size_t k = again[n];
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
                               {"method", Method(r)},
                               {"mirrored", r.mirrored},
                               {"points", MatchedPoints(r.match)}};
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
