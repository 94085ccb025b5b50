// Same-place matching and locating benchmark (bench/scene/run.sh).
//
// 1. Corpus pairs: every pair of the corpus's photos (photos/multiview_gps, photos/exif_cameras,
//    photos/gps) and multi-camera clips (video/multicam), with the truth the corpus README gives:
//    views in one multiview folder show one place, the multicam clips film one room, every other
//    file is a different place. Prints recall (overall, by distance along the Lund street, by
//    camera pair for the clips), false matches (listed), features per file, and pairs per second
//    with features computed once per file (as `sightline locate` and a batch would). Clips are
//    compared with each other and with every fourth photo.
// 2. Locate at scale: an index of N references (the odd Lund views, which carry GPS, plus N
//    generated textured pictures as distractors), its build, save and load times, and the query
//    time and answer for each even Lund view.
//
//   sightline_scene_bench --corpus DIR --work DIR [--refs N] [--skip-pairs] [--skip-locate]
//                         [--no-affine] [--no-pool] [--no-guided] [--no-precheck] [--same-only]
//                         [--max-lund-gap N] [--cache DIR] [--seed N] [--video-side N]
//                         [--video-keypoints N] [--places-px N] [--clips-only] [--no-mirror]
//                         [--skip-mirror]
// (--no-affine --no-pool --no-guided: the method before the wide-baseline stages, for comparison;
// --video-side 1920 --video-keypoints 4000 --places-px 12: full-HD clip frames with guided
// matching counted in places (measured, not the default: doc/scene.md); --clips-only: only the
// pairs with a clip; --max-lund-gap N skips Lund pairs more than N views apart, for quicker runs;
// --cache DIR keeps each file's features, simulated views included, in DIR between runs: delete DIR
// when the feature extraction changes; --seed N lets weak fits of N consistent inliers guide, a
// stress test of the guided stage's null distribution; --no-mirror: without the flipped test of
// B; --no-guided-check: guided matches need not beat B flipped; --skip-mirror: skip the flipped
// Lund pairs)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/scene/compare.h"
#include "analysis/scene/locate.h"
#include "analysis/scene/mirror.h"
#include "analysis/scene/synthetic.h"
#include "base/file.h"
#include "media/image_writer.h"
#include "media/probe.h"

namespace sc = sightline::analysis::scene;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Item {
  std::string path, name;
  std::string place;  // same place <=> same string
  int lund = -1;      // index along the Lund street
  int camera = -1;    // multicam camera number
};

std::vector<Item> CorpusItems(const std::string& corpus) {
  std::vector<Item> items;
  auto add_dir = [&](const std::string& dir, auto classify) {
    if (!fs::is_directory(dir)) return;
    std::vector<fs::path> paths;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file()) paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    for (const fs::path& p : paths) {
      Item it;
      it.path = p.string();
      it.name = fs::relative(p, corpus).string();
      if (classify(p, it)) items.push_back(it);
    }
  };
  auto picture = [](const fs::path& p) {
    std::string e = p.extension().string();
    for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e == ".jpg" || e == ".jpeg" || e == ".heic" || e == ".heif" || e == ".png";
  };
  add_dir(corpus + "/photos/multiview_gps", [&](const fs::path& p, Item& it) {
    if (!picture(p)) return false;
    it.place = p.parent_path().filename().string();
    if (it.place == "opensfm_lund") it.lund = std::atoi(p.stem().string().c_str());
    return true;
  });
  for (const char* d : {"/photos/exif_cameras", "/photos/gps"}) {
    add_dir(corpus + d, [&](const fs::path& p, Item& it) {
      if (!picture(p)) return false;
      it.place = it.name;  // each its own place
      return true;
    });
  }
  add_dir(corpus + "/video/multicam", [&](const fs::path& p, Item& it) {
    if (p.extension() != ".mp4") return false;
    it.place = "multicam";
    it.camera = std::atoi(p.stem().string().c_str() + 3);
    return true;
  });
  return items;
}

struct PairOptions {
  bool affine = true;       // the wide-baseline stage (affine-simulated views)
  bool same_only = false;   // skip different-place pairs (a quick look at recall only)
  bool clips_only = false;  // only pairs with a clip (what the video options change)
  bool pool = true;         // merging frame pairs of clips
  bool guided = true;       // guided matching after a weak fit
  bool precheck = true;     // the wide-baseline stages only for pairs with enough direct matches
  int max_lund_gap = 1000;
  int seed = -1;             // MatchOptions::min_seed_inliers when >= 0 (a stress test of the null)
  std::string cache;         // directory for features between runs, or empty
  int video_side = -1;       // CompareOptions::video_features.max_side when >= 0
  int video_keypoints = -1;  // and max_keypoints
  double places_px = -1;     // MatchOptions::guided_place_px when >= 0
  std::vector<double> tilts;  // AffineOptions::tilts when not empty
  int keypoints = -1;         // FeatureOptions::max_keypoints (photos) when > 0
  int view_keypoints = -1;    // AffineOptions::keypoints_per_view when > 0
  bool mirror = true;         // CompareOptions::mirror
  bool guided_check = true;   // CompareOptions::guided_beats_mirror
  int parallax = -1;          // MatchOptions::parallax_min_support when >= 0
  double coverage_px = -1;    // MatchOptions::coverage_neighbour_px of guided matching when >= 0
  double guided_max_distance = -1;  // MatchOptions::guided_max_distance when >= 0
};

// The comparison options the command line asks for.
sc::CompareOptions OptionsFrom(const PairOptions& po) {
  sc::CompareOptions options;
  options.affine = po.affine;
  if (!po.pool) options.pool_frame_pairs = 0;
  options.guided = po.guided;
  if (po.seed >= 0) options.match.min_seed_inliers = po.seed;
  if (po.parallax >= 0) options.match.parallax_min_support = po.parallax;
  if (po.coverage_px >= 0) options.guided_coverage_neighbour_px = po.coverage_px;
  if (!po.precheck) options.wide_min_tentative = 0;
  options.mirror = po.mirror;
  options.guided_beats_mirror = po.guided_check;
  if (po.places_px >= 0) options.match.guided_place_px = po.places_px;
  if (po.video_side >= 0) options.video_features.max_side = po.video_side;
  if (po.video_keypoints > 0) options.video_features.max_keypoints = po.video_keypoints;
  if (!po.tilts.empty()) options.affine_views.tilts = po.tilts;
  if (po.keypoints > 0) options.features.max_keypoints = po.keypoints;
  if (po.view_keypoints > 0) options.affine_views.keypoints_per_view = po.view_keypoints;
  if (po.guided_max_distance >= 0) options.match.guided_max_distance = po.guided_max_distance;
  return options;
}

// Features cache (--cache): raw little-endian records, for this benchmark only.
void PutFeatures(std::FILE* f, const sc::SceneFeatures& x) {
  const int head[3] = {x.width, x.height, static_cast<int>(x.keypoints.size())};
  std::fwrite(head, sizeof head, 1, f);
  std::fwrite(&x.scale, sizeof x.scale, 1, f);
  if (!x.keypoints.empty()) {
    std::fwrite(x.keypoints.data(), sizeof(sc::Keypoint), x.keypoints.size(), f);
    cv::Mat d = x.descriptors.isContinuous() ? x.descriptors : x.descriptors.clone();
    std::fwrite(d.ptr<float>(), sizeof(float), d.total(), f);
  }
}

bool GetFeatures(std::FILE* f, sc::SceneFeatures& x) {
  int head[3];
  if (std::fread(head, sizeof head, 1, f) != 1 || std::fread(&x.scale, sizeof x.scale, 1, f) != 1)
    return false;
  x.width = head[0];
  x.height = head[1];
  if (head[2] < 0 || head[2] > 1000000) return false;
  x.keypoints.resize(head[2]);
  x.descriptors = cv::Mat(head[2], 128, CV_32F);
  if (head[2] == 0) {
    x.descriptors = cv::Mat();
    return true;
  }
  return std::fread(x.keypoints.data(), sizeof(sc::Keypoint), head[2], f) ==
             static_cast<size_t>(head[2]) &&
         std::fread(x.descriptors.ptr<float>(), sizeof(float), x.descriptors.total(), f) ==
             x.descriptors.total();
}

std::string CachePath(const std::string& dir, const std::string& name) {
  std::string flat = name;
  for (char& c : flat)
    if (c == '/') c = '_';
  return dir + "/" + flat + ".feat";
}

void SaveCached(const std::string& path, const sc::FileFeatures& x) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return;
  const int head[3] = {x.still, static_cast<int>(x.features.size()),
                       static_cast<int>(x.affine.size())};
  std::fwrite(head, sizeof head, 1, f);
  for (const sc::SceneFrame& fr : x.frames) std::fwrite(&fr.t, sizeof fr.t, 1, f);
  for (const sc::SceneFeatures& s : x.features) PutFeatures(f, s);
  for (const sc::SceneFeatures& s : x.affine) PutFeatures(f, s);
  std::fclose(f);
}

bool LoadCached(const std::string& path, sc::FileFeatures& x) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  int head[3];
  bool ok = std::fread(head, sizeof head, 1, f) == 1 && head[1] >= 0 && head[1] < 1000 &&
            head[2] >= 0 && head[2] < 1000;
  if (ok) {
    x.still = head[0] != 0;
    x.frames.resize(head[1]);
    x.features.resize(head[1]);
    x.affine.resize(head[2]);
    for (sc::SceneFrame& fr : x.frames) ok = ok && std::fread(&fr.t, sizeof fr.t, 1, f) == 1;
    for (sc::SceneFeatures& s : x.features) ok = ok && GetFeatures(f, s);
    for (sc::SceneFeatures& s : x.affine) ok = ok && GetFeatures(f, s);
  }
  std::fclose(f);
  return ok;
}

void CorpusPairs(const std::string& corpus, const std::string& work, const PairOptions& po) {
  const std::vector<Item> items = CorpusItems(corpus);
  std::printf(
      "\nSame-place pairs on the corpus (%zu files: photos/multiview_gps, exif_cameras, "
      "gps, video/multicam)\n",
      items.size());
  if (items.empty()) {
    std::printf("(skipped: no corpus at %s)\n", corpus.c_str());
    return;
  }
  sc::CompareOptions options = OptionsFrom(po);
  if (!po.cache.empty()) fs::create_directories(po.cache);
  std::vector<sc::FileFeatures> features(items.size());
  double affine_s = 0;
  int affine_frames = 0;
  std::vector<bool> ok(items.size(), false);
  double photo_s = 0, video_s = 0;
  int photos = 0, videos = 0;
  // A clip's cached features are those of its video feature options.
  char video_tag[48];
  std::snprintf(video_tag, sizeof video_tag, ".v%d_%d", options.video_features.max_side,
                options.video_features.max_keypoints);
  auto cache_path = [&](const Item& it) {
    return CachePath(po.cache, it.camera >= 0 ? it.name + video_tag : it.name);
  };
  int cached = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!po.cache.empty() && LoadCached(cache_path(items[i]), features[i]) &&
        (!po.affine || features[i].affine.size() == features[i].features.size())) {
      features[i].options = features[i].still ? options.features : options.video_features;
      ok[i] = true;
      ++cached;
      continue;
    }
    const auto t = Clock::now();
    auto f = sc::ReadFileFeatures(items[i].path, options.frames, options.features,
                                  &options.video_features);
    const double s = Since(t);
    if (!f.ok()) {
      std::printf("  unreadable: %s: %s\n", items[i].name.c_str(), f.status().message().c_str());
      continue;
    }
    (f->still ? photo_s : video_s) += s;
    (f->still ? photos : videos) += 1;
    features[i] = std::move(f).value();
    ok[i] = true;
    if (po.affine) {
      const auto ta = Clock::now();
      sc::AddAffineFeatures(features[i], options.affine_views);
      affine_s += Since(ta);
      affine_frames += static_cast<int>(features[i].frames.size());
    }
    if (!po.cache.empty()) SaveCached(cache_path(items[i]), features[i]);
  }
  if (cached)
    std::printf("  features of %d files read from the cache %s\n", cached, po.cache.c_str());
  std::FILE* tsv = std::fopen((work + "/pairs.tsv").c_str(), "w");
  struct Tally {
    int n = 0, hit = 0;
  };
  Tally same, diff;
  std::map<int, Tally> lund_gap;
  Tally mc_same_camera, mc_cross;
  std::map<std::string, Tally> by_place;
  std::vector<std::string> false_matches;
  int pairs = 0, by_affine = 0, by_pooled = 0, by_guided = 0, wide = 0;
  // The null distribution: the most consistent inliers a different-place pair reached at each
  // stage (matched or not), and the pair.
  struct Worst {
    int n = 0;
    std::string pair;
  };
  Worst null_direct, null_affine, null_pooled, null_seed, null_guided, null_places, null_mirror,
      null_mirror_shortlist;
  auto worst = [](Worst& w, int n, const std::string& pair) {
    if (n > w.n) w = {n, pair};
  };
  const auto t_pairs = Clock::now();
  for (size_t i = 0; i < items.size(); ++i) {
    if (!ok[i]) continue;
    for (size_t j = i + 1; j < items.size(); ++j) {
      if (!ok[j]) continue;
      // A photo against a clip costs several frame comparisons: every fourth photo is enough to
      // show that clips and photos of different places do not match.
      const bool clip_i = !features[i].still, clip_j = !features[j].still;
      if (clip_i != clip_j && (clip_i ? j : i) % 4 != 0) continue;
      if (po.same_only && items[i].place != items[j].place) continue;
      if (po.clips_only && !clip_i && !clip_j) continue;
      if (items[i].lund >= 0 && items[j].lund >= 0 &&
          std::abs(items[i].lund - items[j].lund) > po.max_lund_gap)
        continue;
      const sc::FileComparison c = sc::CompareFeatures(features[i], features[j], options);
      ++pairs;
      const bool truth = items[i].place == items[j].place;
      const bool m = c.match.match;
      by_affine += m && c.affine;
      by_pooled += m && c.pooled_frames;
      by_guided += m && c.guided;
      wide += c.wide_tested;
      if (!truth) {
        const std::string pair = items[i].name + " ~ " + items[j].name;
        if (!c.affine && !c.pooled_frames && !c.guided) worst(null_direct, c.match.inliers, pair);
        worst(null_affine, c.affine_inliers, pair);
        worst(null_pooled, c.pooled_inliers, pair);
        worst(null_seed, c.seed_inliers, pair);
        worst(null_guided, c.guided_inliers, pair);
        worst(null_places, c.guided_places, pair);
        worst(null_mirror, c.mirror_inliers, pair);
        worst(null_mirror_shortlist, c.mirror_shortlist, pair);
      }
      if (tsv)
        std::fprintf(tsv,
                     "%s\t%s\t%d\t%d\t%.3f\t%d\t%d\t%s\t%d\t%.3f\t%.3f\t%d\t%d\t%d\t%d\t%d\t%d\t%"
                     "d\t%d\t%d\t%d\t%d\t%d\n",
                     items[i].name.c_str(), items[j].name.c_str(), truth, m, c.match.score,
                     c.match.tentative, c.match.inliers, sc::ModelName(c.match.model), c.affine,
                     c.match.hull_a, c.match.hull_b, c.match.cells_a, c.match.cells_b,
                     c.affine_inliers, c.pooled_frames, c.pooled_inliers, c.direct_tentative,
                     c.wide_tested, c.seed_inliers, c.guided_inliers, c.guided, c.guided_places,
                     c.parallax_guide);
      if (truth) {
        ++same.n;
        same.hit += m;
        by_place[items[i].place].n++;
        by_place[items[i].place].hit += m;
        if (items[i].lund >= 0) {
          Tally& g = lund_gap[std::abs(items[i].lund - items[j].lund)];
          ++g.n;
          g.hit += m;
        }
        if (items[i].camera >= 0) {
          Tally& t = items[i].camera == items[j].camera ? mc_same_camera : mc_cross;
          ++t.n;
          t.hit += m;
        }
      } else {
        ++diff.n;
        diff.hit += m;
        if (m)
          false_matches.push_back(items[i].name + " ~ " + items[j].name + " (" +
                                  std::to_string(c.match.inliers) + " inliers, " +
                                  sc::ModelName(c.match.model) + ")");
      }
    }
  }
  const double pair_s = Since(t_pairs);
  if (tsv) std::fclose(tsv);
  auto pct = [](const Tally& t) { return t.n ? 100.0 * t.hit / t.n : 0.0; };
  std::printf("  same-place pairs matched: %d / %d (%.1f %%)\n", same.hit, same.n, pct(same));
  for (const auto& [place, t] : by_place)
    std::printf("    %-14s %d / %d (%.1f %%)\n", place.c_str(), t.hit, t.n, pct(t));
  std::printf("    Lund street, by views apart (about 6 m a step):");
  Tally near;
  for (const auto& [gap, t] : lund_gap) {
    if (gap <= 8) std::printf(" %d:%d/%d", gap, t.hit, t.n);
    if (gap <= 3) {
      near.n += t.n;
      near.hit += t.hit;
    }
  }
  std::printf("\n    Lund views up to 3 apart (overlapping fields of view): %d / %d (%.1f %%)\n",
              near.hit, near.n, pct(near));
  std::printf(
      "    multicam, same camera in the two takes: %d / %d; different cameras (60-120 "
      "degrees apart): %d / %d\n",
      mc_same_camera.hit, mc_same_camera.n, mc_cross.hit, mc_cross.n);
  std::printf("  different-place pairs matched (false matches): %d / %d\n", diff.hit, diff.n);
  for (const std::string& f : false_matches) std::printf("    FALSE MATCH %s\n", f.c_str());
  std::printf("  features: %.0f ms per photo (%d), %.2f s per clip (%d, up to %d frames)\n",
              photos ? 1000 * photo_s / photos : 0.0, photos, videos ? video_s / videos : 0.0,
              videos, options.frames.max_frames);
  if (po.affine)
    std::printf(
        "  affine-simulated views (%d per frame): %.0f ms per frame (%d frames); matches found "
        "only with them: %d\n",
        sc::AffineViewCount(options.affine_views), 1000 * affine_s / std::max(1, affine_frames),
        affine_frames, by_affine);
  std::printf("  matches found only by merging frame pairs of a clip: %d\n", by_pooled);
  std::printf("  matches found only by guided matching: %d\n", by_guided);
  std::printf(
      "  pairs given the wide-baseline stages (precheck passed, no direct match): %d of %d\n", wide,
      pairs);
  std::printf(
      "  different-place pairs, most consistent inliers (chance fits): direct %d, affine %d, "
      "merged frames %d, guide %d, guided %d on %d distinct places (gate %d places); B flipped: "
      "precheck count %d (gate %d), inliers %d (gates x%d)\n",
      null_direct.n, null_affine.n, null_pooled.n, null_seed.n, null_guided.n, null_places.n,
      options.match.min_inliers_guided, null_mirror_shortlist.n, options.mirror_min_shortlist,
      null_mirror.n, options.mirror_gate_factor);
  for (const Worst* w :
       {&null_direct, &null_affine, &null_pooled, &null_guided, &null_places, &null_mirror})
    if (w->n > 0) std::printf("    %d: %s\n", w->n, w->pair.c_str());
  std::printf(
      "  matching with features computed once per file: %d pairs in %.1f s = %.1f pairs/s "
      "(one core)\n",
      pairs, pair_s, pairs / std::max(1e-9, pair_s));
  std::printf("  per-pair details: %s/pairs.tsv\n", work.c_str());
}

// Mirrored views (mirror.h): the Lund views up to --max-lund-gap apart (3 by default here),
// the second of each pair flipped left to right. With the mirrored stage they should match and
// their evidence show the mirror. Without it they measure something else: a street flipped is
// a street that does not exist but looks like this one (houses on both sides, the same vanishing
// point), the hardest look-alike place there is. Correspondences between A and B flipped
// can be true only on left-right symmetric detail, and then their evidence is reversed
// (LooksMirrored); a match whose evidence is not reversed was made of look-alikes.
void MirroredPairs(const std::string& corpus, const PairOptions& po) {
  std::printf("\nMirrored views (Lund pairs, the second view flipped left to right)\n");
  std::vector<Item> lund;
  for (const Item& it : CorpusItems(corpus))
    if (it.lund >= 0) lund.push_back(it);
  if (lund.empty()) {
    std::printf("(skipped: no corpus at %s)\n", corpus.c_str());
    return;
  }
  const int max_gap = std::min(po.max_lund_gap, 3);
  sc::CompareOptions with, without, check_only;
  without.mirror = false;
  without.guided_beats_mirror = false;
  check_only.mirror = false;
  std::vector<sc::FileFeatures> features;
  std::vector<Item> read_items;
  for (const Item& it : lund) {
    sc::FileFeatures f;
    const std::string cached = po.cache.empty() ? "" : CachePath(po.cache, it.name);
    if (cached.empty() || !LoadCached(cached, f)) {
      auto read = sc::ReadFileFeatures(it.path, with.frames, with.features);
      if (!read.ok()) continue;
      f = std::move(read).value();
    }
    f.options = with.features;
    features.push_back(std::move(f));
    read_items.push_back(it);
  }
  int pairs = 0, matched = 0, look_alike_with = 0, look_alike_without = 0, look_alike_check = 0;
  int symmetric = 0;
  std::vector<std::string> look_alikes;
  std::map<int, std::pair<int, int>> by_gap;  // views apart -> matched mirrored, pairs
  const auto t0 = Clock::now();
  for (size_t i = 0; i < features.size(); ++i) {
    for (size_t j = i + 1; j < features.size(); ++j) {
      const int gap = std::abs(read_items[i].lund - read_items[j].lund);
      if (gap > max_gap) continue;
      const sc::FileFeatures flipped = sc::MirrorFileFeatures(features[j]);
      const sc::FileComparison c = sc::CompareFeatures(features[i], flipped, with);
      const sc::FileComparison plain = sc::CompareFeatures(features[i], flipped, without);
      ++pairs;
      const std::string pair = read_items[i].name + " ~ " + read_items[j].name + " flipped";
      matched += c.match.match && c.mirrored;
      by_gap[gap].first += c.match.match && c.mirrored;
      by_gap[gap].second += 1;
      if (c.match.match && !c.mirrored) {
        ++look_alike_with;
        look_alikes.push_back(pair + " (" + std::to_string(c.match.inliers) + " inliers, with)");
      }
      const sc::FileComparison checked = sc::CompareFeatures(features[i], flipped, check_only);
      look_alike_check += checked.match.match && !sc::LooksMirrored(checked.match);
      const bool reversed = plain.match.match && sc::LooksMirrored(plain.match);
      symmetric += reversed;
      if (plain.match.match && !reversed) {
        ++look_alike_without;
        look_alikes.push_back(pair + " (" + std::to_string(plain.match.inliers) +
                              " inliers, without" + (plain.guided ? ", guided" : "") + ")");
      }
    }
  }
  const double s = Since(t0);
  std::printf("  Lund pairs up to %d views apart, B flipped: %d\n", max_gap, pairs);
  std::printf("  with the mirrored stage: matched and shown mirrored %d / %d (by views apart:",
              matched, pairs);
  for (const auto& [gap, t] : by_gap) std::printf(" %d:%d/%d", gap, t.first, t.second);
  std::printf(")\n");
  std::printf("  without it: matched on left-right symmetric detail (evidence reversed) %d / %d\n",
              symmetric, pairs);
  std::printf(
      "  look-alike matches (evidence not reversed: a flipped street taken for the street): "
      "%d with the stage, %d without it or the guided check, %d with the guided check alone\n",
      look_alike_with, look_alike_without, look_alike_check);
  for (const std::string& l : look_alikes) std::printf("    LOOK-ALIKE %s\n", l.c_str());
  std::printf("  %.1f s for %d pairs, each compared three ways\n", s, pairs);
}

// Burned-in overlays (overlay.h): one news channel's graphics (synthetic::NewsOverlay) on
// pictures of different places must not make them match: Lund views 10 or more steps apart (one
// camera, one picture size: the hardest case) and every other Lund view against the Berlin
// views, the phone photos, the larger camera samples and the first frame of each multi-camera
// clip (portrait full HD). On neighbouring Lund views the graphics must not hide the place.
// The direct test only (MatchFeatures), with and without the overlay stage.
void OverlayPairs(const std::string& corpus) {
  std::printf("\nBurned-in overlays (one channel's banner and logos on both pictures)\n");
  auto gray = [](const fs::path& p) {
    auto frames = sc::ReadSceneFrames(p.string());
    return frames.ok() && !frames->empty() ? frames->front().gray : cv::Mat();
  };
  const auto t0 = Clock::now();
  std::vector<sc::SceneFeatures> lund_clean, lund_over, others;
  for (const Item& it : CorpusItems(corpus)) {  // Lund views in street order, then the rest
    const cv::Mat g = gray(it.path);
    if (it.lund >= 0) {
      lund_clean.push_back(sc::ExtractFeatures(g));
      lund_over.push_back(sc::ExtractFeatures(sc::synthetic::NewsOverlay(g)));
    } else if (std::min(g.cols, g.rows) >= 300) {  // not the 100-pixel camera samples
      others.push_back(sc::ExtractFeatures(sc::synthetic::NewsOverlay(g)));
    }
  }
  const double features_s = Since(t0);
  sc::MatchOptions blind;
  blind.overlay_max_share = 0;
  int different = 0, false_matches = 0, blind_false = 0;
  auto different_pair = [&](const sc::SceneFeatures& a, const sc::SceneFeatures& b) {
    ++different;
    false_matches += sc::MatchFeatures(a, b).match;
    blind_false += sc::MatchFeatures(a, b, blind).match;
  };
  const auto t1 = Clock::now();
  for (size_t i = 0; i < lund_over.size(); ++i)
    for (size_t j = i + 10; j < lund_over.size(); ++j) different_pair(lund_over[i], lund_over[j]);
  const int far_lund = different;
  for (size_t i = 0; i < lund_over.size(); i += 2)
    for (const sc::SceneFeatures& o : others) different_pair(lund_over[i], o);
  int same = 0, same_over = 0, same_clean = 0;
  for (size_t i = 0; i + 1 < lund_over.size(); ++i) {
    ++same;
    same_over += sc::MatchFeatures(lund_over[i], lund_over[i + 1]).match;
    same_clean += sc::MatchFeatures(lund_clean[i], lund_clean[i + 1]).match;
  }
  std::printf(
      "  different places with the same graphics matched: %d / %d (%d / %d without the "
      "overlay stage); %d of the pairs are Lund views 10+ steps apart, %d a Lund view "
      "against one of %zu other pictures\n",
      false_matches, different, blind_false, different, far_lund, different - far_lund,
      others.size());
  std::printf(
      "  neighbouring Lund views with the graphics matched: %d / %d (without graphics: "
      "%d / %d)\n",
      same_over, same, same_clean, same);
  std::printf("  features %.1f s, matching %.1f s (%d tests)\n", features_s, Since(t1),
              2 * (different + same));
}

// One poster (a chain's advertisement, a printed notice) pasted on pictures of different places,
// at different positions and sizes: a homography on a small patch, which the patch gate refuses,
// and a guide for guided matching. Compared by default and with a plane's parallax guiding too
// (MatchOptions::parallax_min_support, not adopted). All stages but the affine-simulated views
// (which the poster's seed does not need, and which would cost 3 s per picture).
void PosterPairs(const std::string& corpus, const PairOptions& po) {
  std::printf("\nA shared poster on pictures of different places (all stages but affine views)\n");
  const cv::Mat poster = sc::synthetic::Texture(200, 150, 4242);
  auto with_poster = [&poster](cv::Mat g, bool second) {
    const double k = second ? 0.85 : 1.0;
    cv::Mat p;
    cv::resize(poster, p, cv::Size(), k * g.cols / 1024.0, k * g.cols / 1024.0, cv::INTER_AREA);
    const int x = static_cast<int>((second ? 0.55 : 0.15) * g.cols);
    const int y = static_cast<int>((second ? 0.45 : 0.2) * g.rows);
    if (x + p.cols <= g.cols && y + p.rows <= g.rows) p.copyTo(g(cv::Rect(x, y, p.cols, p.rows)));
    return g;
  };
  auto file = [](const cv::Mat& g) {
    sc::FileFeatures f;
    f.still = true;
    f.features.push_back(sc::ExtractFeatures(g));
    return f;
  };
  const auto t0 = Clock::now();
  std::vector<sc::FileFeatures> lund_a, lund_b, others;
  for (const Item& it : CorpusItems(corpus)) {
    auto frames = sc::ReadSceneFrames(it.path);
    if (!frames.ok() || frames->empty()) continue;
    const cv::Mat& g = frames->front().gray;
    if (it.lund >= 0) {
      lund_a.push_back(file(with_poster(g.clone(), false)));
      lund_b.push_back(file(with_poster(g.clone(), true)));
    } else if (std::min(g.cols, g.rows) >= 300) {
      others.push_back(file(with_poster(g.clone(), true)));
    }
  }
  const double features_s = Since(t0);
  sc::CompareOptions without = OptionsFrom(po);
  without.affine = false;
  sc::CompareOptions with = without;
  with.match.parallax_min_support = 4;  // the parallax guide, measured and not adopted
  int different = 0, false_with = 0, false_without = 0, guides = 0, most_guided = 0;
  auto different_pair = [&](const sc::FileFeatures& a, const sc::FileFeatures& b) {
    ++different;
    const sc::FileComparison c = sc::CompareFeatures(a, b, with);
    false_with += c.match.match;
    guides += c.parallax_guide;
    if (c.parallax_guide) most_guided = std::max(most_guided, c.guided_inliers);
    const sc::FileComparison w = sc::CompareFeatures(a, b, without);
    false_without += w.match.match;
  };
  const auto t1 = Clock::now();
  for (size_t i = 0; i < lund_a.size(); ++i)
    for (size_t j = i + 10; j < lund_b.size(); ++j) different_pair(lund_a[i], lund_b[j]);
  for (size_t i = 0; i < lund_a.size(); i += 2)
    for (const sc::FileFeatures& o : others) different_pair(lund_a[i], o);
  int same = 0, same_with = 0;
  for (size_t i = 0; i + 1 < lund_a.size(); ++i) {
    ++same;
    same_with += sc::CompareFeatures(lund_a[i], lund_b[i + 1], without).match.match;
  }
  std::printf(
      "  different places carrying the poster matched: %d / %d (%d with the parallax guide, "
      "not adopted, which guided %d of them, at most %d consistent inliers; gate %d)\n",
      false_without, different, false_with, guides, most_guided, with.match.min_inliers_guided);
  std::printf("  neighbouring Lund views carrying the poster matched: %d / %d\n", same_with, same);
  std::printf("  features %.1f s, matching %.1f s\n", features_s, Since(t1));
}

void WriteTexture(const std::string& path, int seed) {
  const cv::Mat g = sc::synthetic::Texture(320, 240, static_cast<std::uint64_t>(seed));
  sightline::media::Image image;
  image.width = g.cols;
  image.height = g.rows;
  image.layout = sightline::media::PixelLayout::kGray8;
  image.pixels.assign(g.datastart, g.dataend);
  (void)sightline::media::WriteJpeg(path, image, {.quality = 85});
}

void LocateAtScale(const std::string& corpus, const std::string& work, int n_refs) {
  const std::string lund = corpus + "/photos/multiview_gps/opensfm_lund";
  std::printf("\nLocate at scale (%d references)\n", n_refs);
  if (!fs::is_directory(lund)) {
    std::printf("(skipped: needs the corpus's opensfm_lund)\n");
    return;
  }
  std::vector<sc::ReferenceFile> refs;
  std::vector<std::string> queries;
  for (int v = 1; v <= 29; ++v) {
    char name[16];
    std::snprintf(name, sizeof name, "%02d.jpg", v);
    if (v % 2 == 1) {
      refs.push_back({lund + "/" + name, std::string("lund/") + name});
    } else {
      queries.push_back(lund + "/" + name);
    }
  }
  const std::string dir = work + "/refs";
  fs::create_directories(dir);
  const auto t_gen = Clock::now();
  int made = 0;
  for (int i = static_cast<int>(refs.size()); i < n_refs; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "/synth_%05d.jpg", i);
    if (!fs::exists(dir + name)) {
      WriteTexture(dir + name, 1000 + i);
      ++made;
    }
    refs.push_back({dir + name, std::string("synth") + name});
  }
  std::printf("  %d distractor pictures generated (320x240) in %.1f s (%zu reused)\n", made,
              Since(t_gen), refs.size() - 15 - made);
  const std::string index_path = work + "/refs.index";
  // An index left by an earlier run over the same files is reused (the build is the slow part);
  // delete WORK/scene/refs.index to time the build again.
  auto index = sc::ReferenceIndex::Load(index_path);
  if (index.ok() && index->Covers(refs)) {
    std::printf("  index build: skipped, %s from an earlier run covers the same files\n",
                index_path.c_str());
  } else {
    const auto t_build = Clock::now();
    std::vector<std::string> problems;
    index = sc::ReferenceIndex::Build(refs, {}, &problems);
    const double build_s = Since(t_build);
    if (!index.ok()) {
      std::printf("  index build failed: %s\n", index.status().message().c_str());
      return;
    }
    std::printf(
        "  index build: %.1f s for %zu references (%.1f ms each, 2 threads; %zu "
        "unreadable)\n",
        build_s, index->references().size(), 1000 * build_s / refs.size(), problems.size());
  }
  auto t = Clock::now();
  if (!index->Save(index_path).ok()) std::printf("  index save failed\n");
  const double save_s = Since(t);
  t = Clock::now();
  auto loaded = sc::ReferenceIndex::Load(index_path);
  const double load_s = Since(t);
  std::printf("  index file %.1f MB, save %.2f s, load %.2f s\n", fs::file_size(index_path) / 1e6,
              save_s, load_s);
  if (!loaded.ok()) return;
  std::vector<double> times;
  int located = 0, near = 0;
  for (const std::string& q : queries) {
    t = Clock::now();
    auto r = sc::Locate(q, *loaded);
    times.push_back(Since(t));
    if (!r.ok() || !r->located) continue;
    ++located;
    const sightline::media::ProbeResult p = sightline::media::ProbeFile(q);
    if (p.gps) {
      const double dlat = (p.gps->lat - r->position->lat) * 111195;
      const double dlon =
          (p.gps->lon - r->position->lon) * 111195 * std::cos(p.gps->lat * M_PI / 180);
      if (std::hypot(dlat, dlon) < 30) ++near;
    }
  }
  std::sort(times.begin(), times.end());
  std::printf(
      "  queries (the %zu even Lund views): located %d, within 30 m of the query's own "
      "GPS %d\n",
      queries.size(), located, near);
  std::printf(
      "  query time: median %.2f s, max %.2f s (features of the query, VLAD scan of %zu, "
      "geometry on the 10 best)\n",
      times[times.size() / 2], times.back(), loaded->references().size());
  // The scan alone, without the query's features and the verification.
  sc::SceneFeatures f;
  {
    auto frames = sc::ReadSceneFrames(queries[0], {});
    if (frames.ok()) f = sc::ExtractFeatures(frames->front().gray, loaded->options().features);
  }
  t = Clock::now();
  for (int i = 0; i < 10; ++i) (void)loaded->Shortlist(f, 10);
  std::printf("  shortlist scan alone: %.1f ms per query\n", 1000 * Since(t) / 10);
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus, work = "/tmp/sightline-scene-bench";
  int n_refs = 10000;
  bool pairs = true, overlay = true, locate = true, mirror = true;
  PairOptions po;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--corpus" && i + 1 < argc)
      corpus = argv[++i];
    else if (a == "--work" && i + 1 < argc)
      work = argv[++i];
    else if (a == "--refs" && i + 1 < argc)
      n_refs = std::atoi(argv[++i]);
    else if (a == "--skip-pairs")
      pairs = false;
    else if (a == "--skip-overlay")
      overlay = false;
    else if (a == "--skip-locate")
      locate = false;
    else if (a == "--no-affine")
      po.affine = false;
    else if (a == "--same-only")
      po.same_only = true;
    else if (a == "--places-px" && i + 1 < argc)
      po.places_px = std::atof(argv[++i]);
    else if (a == "--clips-only")
      po.clips_only = true;
    else if (a == "--no-pool")
      po.pool = false;
    else if (a == "--no-guided")
      po.guided = false;
    else if (a == "--no-precheck")
      po.precheck = false;
    else if (a == "--max-lund-gap" && i + 1 < argc)
      po.max_lund_gap = std::atoi(argv[++i]);
    else if (a == "--seed" && i + 1 < argc)
      po.seed = std::atoi(argv[++i]);
    else if (a == "--video-side" && i + 1 < argc)
      po.video_side = std::atoi(argv[++i]);
    else if (a == "--video-keypoints" && i + 1 < argc)
      po.video_keypoints = std::atoi(argv[++i]);
    else if (a == "--cache" && i + 1 < argc)
      po.cache = argv[++i];
    else if (a == "--tilts" && i + 1 < argc) {
      std::stringstream list(argv[++i]);
      for (std::string t; std::getline(list, t, ',');) po.tilts.push_back(std::atof(t.c_str()));
    } else if (a == "--keypoints" && i + 1 < argc)
      po.keypoints = std::atoi(argv[++i]);
    else if (a == "--view-keypoints" && i + 1 < argc)
      po.view_keypoints = std::atoi(argv[++i]);
    else if (a == "--no-mirror")
      po.mirror = false;
    else if (a == "--guided-max-distance" && i + 1 < argc)
      po.guided_max_distance = std::atof(argv[++i]);
    else if (a == "--coverage-px" && i + 1 < argc)
      po.coverage_px = std::atof(argv[++i]);
    else if (a == "--parallax" && i + 1 < argc)
      po.parallax = std::atoi(argv[++i]);
    else if (a == "--no-guided-check")
      po.guided_check = false;
    else if (a == "--skip-mirror")
      mirror = false;
    else {
      std::fprintf(
          stderr,
          "usage: sightline_scene_bench --corpus DIR --work DIR [--refs N] "
          "[--skip-pairs] [--skip-overlay] [--skip-locate] [--no-affine] [--no-pool] [--no-guided] "
          "[--no-precheck] [--same-only] [--max-lund-gap N] [--cache DIR] [--seed N] "
          "[--video-side N] [--video-keypoints N] [--places-px N] [--tilts T,T,..] "
          "[--keypoints N] [--view-keypoints N] [--clips-only] [--no-mirror] "
          "[--no-guided-check] [--skip-mirror] [--parallax N] [--coverage-px N] "
          "[--guided-max-distance D]\n");
      return 2;
    }
  }
  sightline::media::SilenceMediaLibraryLogs();
  fs::create_directories(work);
  if (pairs) CorpusPairs(corpus, work, po);
  if (mirror) MirroredPairs(corpus, po);
  if (overlay) OverlayPairs(corpus);
  if (overlay) PosterPairs(corpus, po);
  if (locate) LocateAtScale(corpus, work, std::max(20, n_refs));
  return 0;
}
