// sightline scene: whether two photos or videos show the same place. Thin: the method is
// analysis/scene/ (RootSIFT, ratio test, MAGSAC homography or fundamental matrix, spread gates;
// doc/scene.md); this file reads the options, prints, and draws the evidence picture.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "analysis/scene/compare.h"
#include "base/file.h"
#include "cli/command.h"
#include "cli/output.h"
#include "media/image_writer.h"

namespace sightline::cli {
namespace {

namespace sc = analysis::scene;

constexpr char kUsage[] =
    "Usage: sightline scene [--json] [--at T | --at TA:TB] [--picture OUT.jpg] A B\n"
    "\n"
    "Whether A and B (photos or videos) show the same place: local features (RootSIFT) matched\n"
    "both ways with Lowe's ratio test, then one rigid scene must explain them: a homography (a\n"
    "facade, or any view under rotation or zoom) or a fundamental matrix (a 3D scene from another\n"
    "viewpoint), fitted with MAGSAC++. Inliers clustered on one small patch (a sign, a poster)\n"
    "and repeated patterns (rows of identical windows) do not count, nor do burned-in graphics\n"
    "that stay in place in both pictures (a channel's logo and banner, a camera's timestamp)\n"
    "unless the whole picture stays in place (one fixed camera). Videos: a few frames spread\n"
    "over each clip are compared and the best pair reported. When that finds nothing (and the\n"
    "pictures share enough tentative matches to be worth it), wider tests follow: features of\n"
    "affine-simulated views (ASIFT: oblique surfaces, wide baselines), for clips the matches of\n"
    "several frame pairs merged (fixed cameras), and matching guided by the best weak fit.\n"
    "Last, B flipped left to right goes through the same tests: reposts are often mirrored\n"
    "(doc/scene.md).\n"
    "\n"
    "  --at T        compare the frames nearest T seconds (both videos); TA:TB for each its own\n"
    "  --picture F   write the two frames side by side with the matched points joined (JPEG)\n"
    "  --json        {\"a\",\"b\",\"match\",\"score\",\"inliers\",\"tentative\",\"model\",\n"
    "                \"a_time\",\"b_time\",\"coverage\":{\"a\",\"b\"},\"reason\",\"frame_pairs\",\n"
    "                \"stage\",\"mirrored\",\n"
    "                \"evidence\":[[ax,ay,bx,by],...],\"picture\"?}; model is \"homography\",\n"
    "                \"fundamental\" or \"none\"; stage is \"direct\", \"affine\" (found with\n"
    "                simulated views), \"merged_frames\" or \"guided\"; mirrored is true when\n"
    "                B matched once flipped left to right; times in seconds (null for a\n"
    "                photo); evidence points in 0..1 picture coordinates (x right, y down, B's\n"
    "                own, unflipped); coverage is the inliers' convex hull as a fraction of\n"
    "                each picture. On a file that cannot be read: {\"a\",\"b\",\"error\"}.\n"
    "\n"
    "Exit status: 0 the files were compared (match or not: both are answers), 1 a file could not\n"
    "be read or the picture not written, 2 usage error.\n";

// Which test gave the answer (compare.h): the pictures' own features, the affine-simulated
// views, several frame pairs merged, or matching guided by a weak fit.
const char* Stage(const sc::FileComparison& c) {
  if (c.guided) return "guided";
  if (c.affine) return "affine";
  if (c.pooled_frames) return "merged_frames";
  return "direct";
}

bool ParseTime(const std::string& text, double* out) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < 0) return false;
  *out = v;
  return true;
}

nlohmann::ordered_json TimeJson(bool still, double t) {
  if (still) return nullptr;
  return std::round(t * 1000) / 1000;
}

double Round(double v, double unit) { return std::round(v / unit) * unit; }

// The frame of `path` that was compared, for the evidence picture: in colour, decoded again
// (the comparison is grey); grey when that fails (a HEIF photo).
cv::Mat EvidenceFrame(const std::string& path, const sc::FileFeatures& f, int frame) {
  const sc::SceneFrame& compared = f.frames[frame];
  auto colour = sc::ReadSceneFrameInColour(path, f.frame_options, compared);
  return colour.ok() ? *colour : compared.gray;
}

int Run(const Args& args) {
  if (args.positional().size() != 2) return UsageError("scene", "give exactly two files, A and B");
  sc::CompareOptions options;
  if (args.Has("at")) {
    const std::string at = args.Get("at");
    const size_t colon = at.find(':');
    double ta = 0, tb = 0;
    const bool ok = colon == std::string::npos ? ParseTime(at, &ta) && (tb = ta, true)
                                               : ParseTime(at.substr(0, colon), &ta) &&
                                                     ParseTime(at.substr(colon + 1), &tb);
    if (!ok) return UsageError("scene", "--at takes seconds, T or TA:TB (got \"" + at + "\")");
    options.frames.at_s = ta;
    options.at_b_s = tb;
  }
  const std::string& a = args.positional()[0];
  const std::string& b = args.positional()[1];
  const bool json = args.Has("json");
  sc::FileFeatures fa, fb;
  auto c = sc::CompareFiles(a, b, options, &fa, &fb);
  if (!c.ok()) {
    Warn("scene", c.status().message());
    if (json) {
      nlohmann::ordered_json j;
      j["a"] = DisplayPath(a);
      j["b"] = DisplayPath(b);
      j["error"] = c.status().message();
      PrintOrderedJson(j);
    }
    return kExitFailed;
  }
  bool failed = false;
  std::string picture = args.Get("picture");
  if (!picture.empty()) {
    const media::Image image =
        sc::DrawMatch(EvidenceFrame(a, fa, c->a_frame), EvidenceFrame(b, fb, c->b_frame), c->match);
    Status s = media::WriteJpeg(picture, image, {.quality = 88, .max_side = 0});
    if (!s.ok()) {
      Warn("scene", s.message());
      failed = true;
      picture.clear();
    }
  }
  const sc::SceneMatch& m = c->match;
  if (json) {
    nlohmann::ordered_json j;
    j["a"] = DisplayPath(a);
    j["b"] = DisplayPath(b);
    j["match"] = m.match;
    j["score"] = Round(m.score, 0.001);
    j["inliers"] = m.inliers;
    j["tentative"] = m.tentative;
    j["model"] = sc::ModelName(m.model);
    j["a_time"] = TimeJson(c->a_still, c->a_time);
    j["b_time"] = TimeJson(c->b_still, c->b_time);
    j["coverage"] = {{"a", Round(m.hull_a, 0.001)}, {"b", Round(m.hull_b, 0.001)}};
    j["reason"] = m.reason;
    j["frame_pairs"] = c->frame_pairs;
    j["stage"] = Stage(*c);
    j["mirrored"] = c->mirrored;
    nlohmann::ordered_json ev = nlohmann::ordered_json::array();
    for (const sc::PointPair& p : m.pairs)
      ev.push_back({Round(p.ax, 1e-4), Round(p.ay, 1e-4), Round(p.bx, 1e-4), Round(p.by, 1e-4)});
    j["evidence"] = ev;
    if (!picture.empty()) j["picture"] = DisplayPath(picture);
    PrintOrderedJson(j);
  } else {
    auto where = [](bool still, double t) {
      if (still) return std::string("photo");
      char buf[32];
      std::snprintf(buf, sizeof buf, "frame at %.2f s", t);
      return std::string(buf);
    };
    std::printf("%s: %s (score %.2f)\n", m.match ? "SAME PLACE" : "no match",
                m.match ? "the pictures show one scene" : "no same-place evidence", m.score);
    std::printf("  A  %s  (%s)\n", DisplayPath(a).c_str(), where(c->a_still, c->a_time).c_str());
    std::printf("  B  %s  (%s)\n", DisplayPath(b).c_str(), where(c->b_still, c->b_time).c_str());
    std::printf("  model %s, %d inliers of %d tentative matches, coverage %.0f %% / %.0f %%\n",
                sc::ModelName(m.model), m.inliers, m.tentative, 100 * m.hull_a, 100 * m.hull_b);
    std::printf("  %s\n", m.reason.c_str());
    if (c->affine_tested > 0 && !m.match)
      std::printf("  also tested with affine-simulated views: at most %d consistent inliers\n",
                  c->affine_inliers);
    if (c->frame_pairs > 1)
      std::printf("  %d frame pairs considered, %d verified\n", c->frame_pairs, c->pairs_verified);
    if (!picture.empty()) std::printf("  picture: %s\n", DisplayPath(picture).c_str());
  }
  return failed ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kSceneCommand = {"scene",
                                      "whether two images or videos show the same place",
                                      kUsage,
                                      {{"json"}, {"at", "picture"}, {}},
                                      Run};

}  // namespace sightline::cli
