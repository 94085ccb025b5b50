// The same_place stage of `analyze`: which pictures of a case (photos, and a few frames of each
// video) show the same place, found by `scene`'s method (analysis/scene/compare.h: local
// features, robust geometry, gates measured to give no false match on different places).
// Pairs already suggested as the same footage are skipped: copies trivially show one place.
// Incremental like the other stages: only items not compared at this version are compared, each
// with every other picture item. Each item's features are stored as the derived signal
// "scene_features" (analysis/scene/feature_store.h), so an item is decoded for them once; the few
// pairs that reach the wide-baseline test decode their frames again for it.
//
// Thread safety: one thread per Case; runs `threads` workers itself.
#ifndef SIGHTLINE_CASE_PLACES_H_
#define SIGHTLINE_CASE_PLACES_H_

#include "base/status.h"
#include "case/footage.h"
#include "evidence/case.h"
#include "evidence/identity.h"
#include "signals/match_input.h"  // ExtractionProgress

namespace sightline::investigation {

inline constexpr char kPlaceAnalyzer[] = "scene";
// Bump when a change to analysis/scene changes which pairs match.
inline constexpr int kPlaceAnalyzerVersion = 3;
// Bump when a change to analysis/scene changes the features taken of a picture.
// 2: stills are turned upright by their EXIF orientation (media/frame_source.h).
inline constexpr int kSceneFeaturesVersion = 2;

struct PlaceOptions {
  int threads = 2;
  signals::ExtractionProgress* progress = nullptr;  // hears of each item whose features are taken
};

// Suggests a same_place finding for every matching pair, its evidence the comparison:
// {"score","inliers","tentative","model","a_time","b_time","a_still","b_still","method"}.
Result<StageOutcome> FindSamePlaces(evidence::Case& c, const evidence::Identity& who,
                                    const PlaceOptions& options);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_PLACES_H_
