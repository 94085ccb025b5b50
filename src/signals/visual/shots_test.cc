// Shot-boundary tests on edits made at test time with ffmpeg: cuts, dissolves and fades at known
// times (libx264, CRF 26), a fast pan and zoom (no boundary), flashes (no boundary), a variable
// frame rate edit (frame-exact cut times); keyframe selection; JPEG writing; contact sheets.
#include "signals/visual/shots.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "media/image_writer.h"
#include "report/contact_sheet.h"
#include "signals/visual/keyframes.h"
#include "test_util.h"

namespace sightline::signals::visual {
namespace {

using sightline::testing::MakeMedia;
using sightline::testing::ScratchDir;

constexpr double kFrame = 1.0 / 25;

// Sources with their own motion. `seed` varies the random ones (life, cellauto, noise) so that
// edits are reproducible.
std::string Source(const std::string& name, int seed = 1) {
  const std::string s = "s=320x240:r=25";
  const std::string sd = std::to_string(seed);
  if (name == "testsrc2") return "testsrc2=" + s;
  if (name == "smpte")
    return "smptebars=s=640x480:r=25,crop=320:240:x='160+150*sin(2*t)':y='120+100*cos(3*t)'";
  if (name == "rgbtest")
    return "testsrc=s=640x480:r=25,crop=320:240:x='160+100*sin(t)':y='120+80*sin(1.3*t)'";
  if (name == "mandel") return "mandelbrot=" + s;
  if (name == "life")
    return "life=" + s + ":ratio=0.3:seed=" + sd + ":death_color=#602020:life_color=#40ff40";
  if (name == "sierp") return "sierpinski=" + s + ":seed=" + sd;
  if (name == "noise")  // a still noise picture (grains of about 4 pixels) panned
    return "color=gray:s=180x135:r=25,noise=alls=100:all_seed=" + sd +
           ",hue=s=0,loop=loop=-1:size=1:start=0,scale=720:540:flags=bicubic,"
           "crop=320:240:x='200+180*sin(0.9*t+" +
           sd + ")':y='150+140*sin(1.4*t)'";
  return "cellauto=" + s + ":rule=110:seed=" + sd;
}
struct Truth {
  TransitionKind kind;
  double start, end;
};

struct Segment {
  std::string source;  // a name for Source(), or the path of a video file
  double seconds;
  double skip = 3;  // seconds of the source left out before the segment
  int seed = 1;
};
struct Join {
  std::string how;  // "cut", "xfade", "dissolve", "black", "white"
  double seconds;
};

// Builds the edit with one ffmpeg call and returns the true transitions.
std::vector<Truth> MakeEdit(const std::string& path, const std::vector<Segment>& segs,
                            const std::vector<Join>& joins, bool make = true) {
  std::vector<std::string> args;
  std::string fc;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const Segment& sg = segs[i];
    if (sg.source.starts_with("/")) {  // a file: scaled to 320 × 240 at 25 fps
      args.insert(args.end(), {"-ss", std::to_string(sg.skip), "-t", std::to_string(sg.seconds + 1),
                               "-i", sg.source});
      fc += "[" + std::to_string(i) +
            ":v]setpts=PTS-STARTPTS,scale=320:240,setsar=1,format=yuv420p,fps=25,trim=duration=" +
            std::to_string(sg.seconds) + ",setpts=PTS-STARTPTS,settb=1/25[s" + std::to_string(i) +
            "];";
      continue;
    }
    args.insert(args.end(), {"-f", "lavfi", "-t", std::to_string(sg.seconds + sg.skip), "-i",
                             Source(sg.source, sg.seed)});
    fc += "[" + std::to_string(i) + ":v]trim=start=" + std::to_string(sg.skip) +
          ",setpts=PTS-STARTPTS,setsar=1,format=yuv420p,fps=25,settb=1/25[s" + std::to_string(i) +
          "];";
  }
  std::vector<Truth> truth;
  std::string cur = "s0";
  double t = segs[0].seconds;
  for (std::size_t i = 0; i < joins.size(); ++i) {
    const std::string next = "s" + std::to_string(i + 1), out = "x" + std::to_string(i);
    const double d = joins[i].seconds;
    const std::string ds = std::to_string(d);
    if (joins[i].how == "cut") {
      fc += "[" + cur + "][" + next + "]concat=n=2:v=1:a=0,settb=1/25[" + out + "];";
      truth.push_back({TransitionKind::kCut, t, t});
      t += segs[i + 1].seconds;
    } else if (joins[i].how == "xfade" || joins[i].how == "dissolve") {
      fc += "[" + cur + "][" + next +
            "]xfade=transition=" + (joins[i].how == "xfade" ? "fade" : "dissolve") +
            ":duration=" + ds + ":offset=" + std::to_string(t - d) + ",settb=1/25[" + out + "];";
      truth.push_back({TransitionKind::kDissolve, t - d, t});
      t += segs[i + 1].seconds - d;
    } else {
      const std::string c = joins[i].how;
      fc += "[" + cur + "]fade=t=out:st=" + std::to_string(t - d) + ":d=" + ds + ":color=" + c +
            "[fo" + std::to_string(i) + "];[" + next + "]fade=t=in:st=0:d=" + ds + ":color=" + c +
            "[fi" + std::to_string(i) + "];[fo" + std::to_string(i) + "][fi" + std::to_string(i) +
            "]concat=n=2:v=1:a=0,settb=1/25[" + out + "];";
      truth.push_back({TransitionKind::kFade, t - d, t + d});
      t += segs[i + 1].seconds;
    }
    cur = out;
  }
  fc.pop_back();
  args.insert(args.end(), {"-filter_complex", fc, "-map", "[" + cur + "]", "-c:v", "libx264",
                           "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p"});
  if (make) MakeMedia(args, path);
  return truth;
}

ShotAnalysis Analyze(const std::string& path) {
  auto a = AnalyzeShots(path);
  EXPECT_TRUE(a.ok()) << a.status().message();
  return a.ok() ? std::move(a).value() : ShotAnalysis{};
}

struct Score {
  int tp = 0, fp = 0, fn = 0;
  int wrong_kind = 0;  // found, but called a cut when gradual or the other way round
  double F1() const { return tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0; }
};

// Matches detections to truth: a cut within 2 frames; a gradual transition inside the true one
// widened by 2 frames at each end. Adds to `score`; prints what does not match (the F1 is
// asserted by the caller).
void Match(const std::vector<Truth>& truth, const ShotList& list, Score* score,
           const std::string& label = "") {
  const double tol = 2 * kFrame + 1e-6;
  std::vector<bool> used(list.transitions.size(), false);
  for (const Truth& tr : truth) {
    bool found = false;
    for (std::size_t k = 0; k < list.transitions.size() && !found; ++k) {
      const Transition& d = list.transitions[k];
      if (used[k]) continue;
      const bool ok = tr.kind == TransitionKind::kCut
                          ? std::fabs(d.start - tr.start) <= tol && std::fabs(d.end - tr.end) <= tol
                          : d.start >= tr.start - tol && d.end <= tr.end + tol && d.end > d.start;
      if (ok) {
        used[k] = found = true;
        if ((d.kind == TransitionKind::kCut) != (tr.kind == TransitionKind::kCut)) {
          ++score->wrong_kind;
          std::printf("  %s %s %.3f-%.3f found as %s\n", label.c_str(), TransitionKindName(tr.kind),
                      tr.start, tr.end, TransitionKindName(d.kind));
        }
      }
    }
    if (found) {
      ++score->tp;
    } else {
      ++score->fn;
      std::printf("  %s missed %s %.3f-%.3f\n", label.c_str(), TransitionKindName(tr.kind),
                  tr.start, tr.end);
    }
  }
  for (std::size_t k = 0; k < used.size(); ++k) {
    if (used[k]) continue;
    ++score->fp;
    std::printf("  %s spurious %s %.3f-%.3f\n", label.c_str(),
                TransitionKindName(list.transitions[k].kind), list.transitions[k].start,
                list.transitions[k].end);
  }
}

// Shots tile the clip between the transitions, each with a keyframe inside it.
void ExpectConsistent(const ShotList& list) {
  ASSERT_EQ(list.shots.size(), list.transitions.size() + 1);
  for (std::size_t k = 0; k < list.shots.size(); ++k) {
    const Shot& s = list.shots[k];
    EXPECT_LT(s.start, s.end);
    EXPECT_GE(s.keyframe_t, s.start);
    EXPECT_LT(s.keyframe_t, s.end);
    if (k < list.transitions.size()) {
      EXPECT_DOUBLE_EQ(s.end, list.transitions[k].start);
      EXPECT_DOUBLE_EQ(list.shots[k + 1].start, list.transitions[k].end);
    }
  }
}

TEST(Shots, EditsWithCutsDissolvesAndFades) {
  ScratchDir dir;
  Score score;
  const std::vector<std::pair<std::vector<Segment>, std::vector<Join>>> edits = {
      {{{"testsrc2", 1.6},
        {"mandel", 1.4},
        {"life", 1.5},
        {"smpte", 1.2},
        {"sierp", 1.4},
        {"rgbtest", 1.3},
        {"cellauto", 1.2}},
       {{"cut", 0}, {"cut", 0}, {"cut", 0}, {"cut", 0}, {"cut", 0}, {"cut", 0}}},
      {{{"rgbtest", 2.0}, {"sierp", 2.0}, {"testsrc2", 2.0}, {"life", 2.0}, {"smpte", 2.0}},
       {{"xfade", 0.8}, {"black", 0.6}, {"dissolve", 0.6}, {"white", 0.5}}},
      {{{"smpte", 2.0}, {"mandel", 2.0}, {"rgbtest", 2.0}, {"testsrc2", 2.0}},
       {{"white", 0.8}, {"cut", 0}, {"xfade", 1.0}}},
  };
  for (std::size_t e = 0; e < edits.size(); ++e) {
    SCOPED_TRACE("edit " + std::to_string(e));
    const std::string path = dir / ("edit" + std::to_string(e) + ".mp4");
    std::vector<Truth> truth = MakeEdit(path, edits[e].first, edits[e].second);
    ShotAnalysis a = Analyze(path);
    ExpectConsistent(a.list);
    Match(truth, a.list, &score, "edit" + std::to_string(e));
  }
  std::printf("shot boundaries: %d found, %d spurious, %d missed: F1 %.3f\n", score.tp, score.fp,
              score.fn, score.F1());
  EXPECT_EQ(score.wrong_kind, 0);
  // The sources are seeded, so this is deterministic: 0.880 (11 found, 1 spurious, 2 missed), and
  // one more error fails. The goal of 0.95 is measured on larger random edits (doc/shots.md).
  EXPECT_GE(score.F1(), 0.85);
}

// A random edit: six segments of distinct sources (generated, or stretches of the video files in
// `files`) joined by five random transitions (cuts, xfade fade and dissolve, fades through black
// or white, 0.4-1.5 s).
std::pair<std::vector<Segment>, std::vector<Join>> RandomEdit(
    std::mt19937* rng, const std::vector<std::string>& files) {
  const std::vector<std::string> generated = {"testsrc2", "smpte", "rgbtest", "mandel",
                                              "life",     "sierp", "noise",   "cellauto"};
  const std::vector<std::string>& pool = files.empty() ? generated : files;
  auto uniform = [rng](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(*rng);
  };
  auto pick = [rng](std::size_t n) {
    return static_cast<std::size_t>(
        std::uniform_int_distribution<int>(0, static_cast<int>(n) - 1)(*rng));
  };
  std::vector<Join> joins;
  const std::vector<std::pair<const char*, double>> kinds = {
      {"cut", 0.35}, {"xfade", 0.25}, {"dissolve", 0.15}, {"black", 0.15}, {"white", 0.10}};
  for (int i = 0; i < 5; ++i) {
    double u = uniform(0, 1);
    std::size_t k = 0;
    while (k + 1 < kinds.size() && u >= kinds[k].second) u -= kinds[k++].second;
    const std::string how = kinds[k].first;
    // Whole frames (a frame-exact edit).
    joins.push_back({how, how == "cut" ? 0.0 : std::round(uniform(0.4, 1.5) * 25) / 25});
  }
  std::vector<Segment> segs;
  std::size_t prev = pool.size();
  for (int i = 0; i < 6; ++i) {
    std::size_t k;
    do {
      k = pick(pool.size());
    } while (k == prev);
    prev = k;
    Segment sg;
    sg.source = pool[k];
    const double around = (i > 0 ? joins[i - 1].seconds : 0) + (i < 5 ? joins[i].seconds : 0);
    sg.seconds = std::round((uniform(1.0, 2.5) + around) * 25) / 25;
    sg.seed = static_cast<int>(pick(100000)) + 1;
    sg.skip = std::round(uniform(1.0, 6.0) * 25) / 25;
    segs.push_back(sg);
  }
  return {segs, joins};
}

// The benchmark behind doc/shots.md (slow: run by hand). Environment: SIGHTLINE_SHOTS_SEEDS
// ("1,2,3"), SIGHTLINE_SHOTS_EDITS (12 per seed), SIGHTLINE_SHOTS_FILES (a directory of videos to
// cut up instead of the generated sources: continuous clips, no edits of their own),
// SIGHTLINE_SHOTS_KEEP (a directory where the edits are kept and reused).
//   ./build/sightline_tests --gtest_also_run_disabled_tests
//       --gtest_filter='Shots.DISABLED_RandomEdits'
TEST(Shots, DISABLED_RandomEdits) {
  auto env = [](const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
  };
  std::vector<int> seeds;
  {
    std::string list = env("SIGHTLINE_SHOTS_SEEDS", "1,2,3");
    for (std::size_t pos = 0; pos < list.size();) {
      std::size_t comma = list.find(',', pos);
      if (comma == std::string::npos) comma = list.size();
      seeds.push_back(std::stoi(list.substr(pos, comma - pos)));
      pos = comma + 1;
    }
  }
  const int edits = std::stoi(env("SIGHTLINE_SHOTS_EDITS", "12"));
  std::vector<std::string> files;
  const std::string file_dir = env("SIGHTLINE_SHOTS_FILES", "");
  if (!file_dir.empty()) {
    for (const auto& e : std::filesystem::directory_iterator(file_dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    ASSERT_FALSE(files.empty());
  }
  ScratchDir dir;
  const std::string keep = env("SIGHTLINE_SHOTS_KEEP", dir.path());
  std::filesystem::create_directories(keep);
  Score all;
  std::map<std::string, double> lengths;  // of the files
  for (int seed : seeds) {
    std::mt19937 rng(static_cast<std::uint32_t>(seed));
    Score score;
    for (int e = 0; e < edits; ++e) {
      auto [segs, joins] = RandomEdit(&rng, files);
      if (!files.empty()) {  // skips that fit the files
        for (Segment& sg : segs) {
          if (!lengths.count(sg.source)) {
            auto probe = AnalyzeShots(sg.source);
            ASSERT_TRUE(probe.ok());
            lengths[sg.source] = probe->frames.back().t;
          }
          const double length = lengths[sg.source];
          ASSERT_GT(length, sg.seconds + 0.5) << sg.source;
          sg.skip = std::fmod(sg.skip * 7.3, length - sg.seconds - 0.5);
          sg.skip = std::round(sg.skip * 25) / 25;
        }
      }
      const std::string name = (files.empty() ? "gen" : "files") + std::string("_s") +
                               std::to_string(seed) + "_e" + std::to_string(e) + ".mp4";
      const std::string path = keep + "/" + name;
      std::vector<Truth> truth = MakeEdit(path, segs, joins, !std::filesystem::exists(path));
      std::string lines;  // the truth beside the edit: "kind start end join sources" per line
      for (std::size_t k = 0; k < truth.size(); ++k) {
        lines += std::string(TransitionKindName(truth[k].kind)) + " " +
                 std::to_string(truth[k].start) + " " + std::to_string(truth[k].end) + " " +
                 joins[k].how + " " + segs[k].source + ">" + segs[k + 1].source + "\n";
      }
      testing::WriteFile(path + ".truth", lines);
      ShotAnalysis a = Analyze(path);
      ExpectConsistent(a.list);
      Match(truth, a.list, &score, name);
    }
    std::printf("seed %d: %d found, %d spurious, %d missed, %d of the wrong kind: F1 %.3f\n", seed,
                score.tp, score.fp, score.fn, score.wrong_kind, score.F1());
    all.tp += score.tp;
    all.fp += score.fp;
    all.fn += score.fn;
    all.wrong_kind += score.wrong_kind;
  }
  std::printf("all: %d found, %d spurious, %d missed, %d of the wrong kind: F1 %.3f\n", all.tp,
              all.fp, all.fn, all.wrong_kind, all.F1());
}

TEST(Shots, FastCameraMotionIsOneShot) {
  ScratchDir dir;
  // A pan over a large picture, about 20 pixels per frame in a 320-pixel view, with a shake.
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=s=1280x960:r=25:d=4", "-vf",
             "crop=320:240:x='480+460*sin(1.6*t)+8*sin(40*t)':y='360+300*sin(1.1*t)',setsar=1",
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p"},
            dir / "pan.mp4");
  // A zoom and pan over the Mandelbrot set.
  MakeMedia({"-f", "lavfi", "-t", "4", "-i", "mandelbrot=s=960x720:r=25", "-vf",
             "crop=480:360:x='240+200*sin(1.2*t)':y='180+150*sin(t)',scale=w='320*(1+0.3*t)':h=-2:"
             "eval=frame,crop=320:240,setsar=1",
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p"},
            dir / "zoom.mp4");
  for (const char* name : {"pan.mp4", "zoom.mp4"}) {
    ShotAnalysis a = Analyze(dir / name);
    EXPECT_EQ(a.list.frames, 100) << name;
    EXPECT_TRUE(a.list.transitions.empty())
        << name << ": first at " << (a.list.transitions.empty() ? 0 : a.list.transitions[0].start);
    ASSERT_EQ(a.list.shots.size(), 1u) << name;
    EXPECT_DOUBLE_EQ(a.list.shots[0].start, 0);
    EXPECT_NEAR(a.list.shots[0].end, 4.0, 1e-6);
  }
}

TEST(Shots, FlashesAreNotCuts) {
  ScratchDir dir;
  // White frames (1 and 2 frames long), a brightened frame and a half-frame burst, over a
  // moving scene.
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=s=1280x960:r=25:d=4", "-vf",
             "crop=320:240:x='480+300*sin(t)':y=360,"
             "drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(n,15)+eq(n,40)+eq(n,41)',"
             "eq=brightness=0.6:enable='eq(n,65)',"
             "drawbox=x=100:y=40:w=200:h=160:color=0xFFF0C0:t=fill:enable='between(n,85,86)',"
             "setsar=1",
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p"},
            dir / "flash.mp4");
  ShotAnalysis a = Analyze(dir / "flash.mp4");
  EXPECT_EQ(a.list.frames, 100);
  for (const Transition& t : a.list.transitions) {
    ADD_FAILURE() << "spurious " << TransitionKindName(t.kind) << " at " << t.start;
  }
  ASSERT_EQ(a.list.shots.size(), 1u);
  // The keyframe is not a flash frame.
  const double k = a.list.shots[0].keyframe_t;
  for (int n : {15, 40, 41, 65, 85, 86}) EXPECT_GT(std::fabs(k - n * kFrame), 1e-3);
}

TEST(Shots, VariableFrameRateCutsAreFrameExact) {
  ScratchDir dir;
  // 10 fps for 1.3 s, then 30 fps; frames kept at their own times.
  MakeMedia({"-f",
             "lavfi",
             "-i",
             "testsrc2=s=320x240:r=10:d=1.3",
             "-f",
             "lavfi",
             "-i",
             "smptebars=s=320x240:r=30:d=1.0",
             "-f",
             "lavfi",
             "-t",
             "1.0",
             "-i",
             "sierpinski=s=320x240:r=30",
             "-filter_complex",
             "[0:v]setsar=1,format=yuv420p,settb=1/1000[a];[1:v]setsar=1,format=yuv420p,"
             "settb=1/1000[b];[2:v]setsar=1,format=yuv420p,settb=1/1000[c];"
             "[a][b][c]concat=n=3:v=1:a=0[v]",
             "-map",
             "[v]",
             "-fps_mode",
             "vfr",
             "-video_track_timescale",
             "1000",
             "-c:v",
             "libx264",
             "-preset",
             "veryfast",
             "-crf",
             "26",
             "-pix_fmt",
             "yuv420p"},
            dir / "vfr.mp4");
  ShotAnalysis a = Analyze(dir / "vfr.mp4");
  EXPECT_NEAR(static_cast<double>(a.list.frames), 13 + 30 + 30, 1);
  ASSERT_EQ(a.list.transitions.size(), 2u);
  EXPECT_EQ(a.list.transitions[0].kind, TransitionKind::kCut);
  EXPECT_NEAR(a.list.transitions[0].start, 1.3, 1e-3);  // frame 13, not 13 / average rate
  EXPECT_EQ(a.list.transitions[0].start_frame, 13);
  EXPECT_NEAR(a.list.transitions[1].start, 2.3, 1e-3);
  EXPECT_EQ(a.list.transitions[1].start_frame, 43);
}

// Synthetic frames fed straight to the detector: a scene is smooth value noise (random values
// on a 16-pixel grid, interpolated), seen through a window moved by `shift` pixels.
std::vector<std::uint8_t> Scene(int kind, int shift, int w, int h) {
  auto lattice = [kind](int gx, int gy) {
    // Unsigned: the products wrap, as a hash should (a signed overflow is undefined).
    std::uint32_t v = static_cast<std::uint32_t>(gx) * 73856093u ^
                      static_cast<std::uint32_t>(gy) * 19349663u ^
                      static_cast<std::uint32_t>(kind + 1) * 83492791u;
    v ^= v >> 13;
    v *= 0x5bd1e995u;
    v ^= v >> 15;
    return static_cast<double>(v % 256);
  };
  std::vector<std::uint8_t> p(static_cast<std::size_t>(w) * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double u = (x + shift) / 16.0, v = y / 16.0;
      const int gx = static_cast<int>(std::floor(u)), gy = static_cast<int>(std::floor(v));
      const double fx = u - gx, fy = v - gy;
      const double top = lattice(gx, gy) * (1 - fx) + lattice(gx + 1, gy) * fx;
      const double bottom = lattice(gx, gy + 1) * (1 - fx) + lattice(gx + 1, gy + 1) * fx;
      p[static_cast<std::size_t>(y) * w + x] =
          static_cast<std::uint8_t>(std::lround(top * (1 - fy) + bottom * fy));
    }
  }
  return p;
}

TEST(Shots, SyntheticCutsFlashAndKeyframeSelection) {
  ShotDetector d;
  const int w = 128, h = 96;
  int n = 0;
  auto feed = [&](const std::vector<std::uint8_t>& p) {
    media::Frame f;
    f.t = n * kFrame;
    f.index = n++;
    f.width = w;
    f.height = h;
    f.stride = w;
    f.data = p.data();
    ASSERT_TRUE(d.OnFrame(f).ok());
  };
  // Still scenes: 0 (with a white flash frame), 1, 0 again, 2.
  for (int i = 0; i < 30; ++i) {
    if (i == 12) {
      feed(std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h, 250));
    } else {
      feed(Scene(0, 0, w, h));
    }
  }
  for (int i = 0; i < 30; ++i) feed(Scene(1, 0, w, h));
  for (int i = 0; i < 30; ++i) feed(Scene(0, 0, w, h));
  for (int i = 0; i < 30; ++i) feed(Scene(2, 0, w, h));
  ShotList list = d.Finish();
  ASSERT_EQ(list.transitions.size(), 3u);
  EXPECT_EQ(list.transitions[0].start_frame, 30);
  EXPECT_EQ(list.transitions[1].start_frame, 60);
  EXPECT_EQ(list.transitions[2].start_frame, 90);
  EXPECT_NE(list.shots[0].keyframe, 12);

  // One per shot; the return of scene 0 is a near-duplicate of the first shot's keyframe.
  auto k = SelectKeyframes(list, d.frames(), d.thumb_width(), d.thumb_height(), {.max_count = 10});
  EXPECT_EQ(k.size(), 3u);
  // A cap of 2 spreads over the clip: one from each half.
  auto k2 = SelectKeyframes(list, d.frames(), d.thumb_width(), d.thumb_height(), {.max_count = 2});
  ASSERT_EQ(k2.size(), 2u);
  EXPECT_LT(k2[0].t, 2.4);
  EXPECT_GE(k2[1].t, 2.4);
  EXPECT_TRUE(ShotDetector().Finish().shots.empty());
}

TEST(Shots, LongShotGivesSeveralKeyframesAndNoFrameIsAnError) {
  ScratchDir dir;
  ShotDetector d;
  const int w = 96, h = 72;
  for (int i = 0; i < 200; ++i) {  // one long pan at 5 frames per second: 40 s
    auto p = Scene(1, 3 * i, w, h);
    media::Frame f{.t = i * 0.2,
                   .index = i,
                   .keyframe = false,
                   .width = w,
                   .height = h,
                   .stride = w,
                   .layout = media::PixelLayout::kGray8,
                   .data = p.data()};
    ASSERT_TRUE(d.OnFrame(f).ok());
  }
  ShotList list = d.Finish();
  ASSERT_EQ(list.shots.size(), 1u);
  auto k = SelectKeyframes(list, d.frames(), d.thumb_width(), d.thumb_height(), {.max_count = 8});
  EXPECT_GT(k.size(), 2u);
  EXPECT_LE(k.size(), 8u);
  for (std::size_t i = 1; i < k.size(); ++i) EXPECT_GT(k[i].t, k[i - 1].t);

  testing::WriteFile(dir / "empty.mp4", "");
  auto r = AnalyzeShots(dir / "empty.mp4");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("empty.mp4"), std::string::npos);
}

TEST(ImageWriter, JpegRoundTripAndBounds) {
  ScratchDir dir;
  media::Image img;
  img.width = 101;
  img.height = 61;
  img.pixels.resize(101 * 61 * 3);
  for (std::size_t i = 0; i < img.pixels.size(); i += 3) {
    img.pixels[i] = 200;  // orange
    img.pixels[i + 1] = 120;
    img.pixels[i + 2] = 20;
  }
  ASSERT_TRUE(media::WriteJpeg(dir / "a.jpg", img).ok());
  std::string bytes = testing::ReadFile(dir / "a.jpg");
  ASSERT_GT(bytes.size(), 100u);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0xFF);
  EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 0xD8);
  // Decode it back: size and colour survive.
  struct Probe : media::FrameConsumer {
    Status OnFrame(const media::Frame& f) override {
      w = f.width;
      h = f.height;
      r = f.data[(f.height / 2) * f.stride + 3 * (f.width / 2)];
      return Status::Ok();
    }
    int w = 0, h = 0, r = 0;
  } probe;
  media::FrameSourceOptions o;
  o.layout = media::PixelLayout::kRgb24;
  ASSERT_TRUE(media::DecodeFrames(dir / "a.jpg", o, probe).ok());
  EXPECT_EQ(probe.w, 101);
  EXPECT_EQ(probe.h, 61);
  EXPECT_NEAR(probe.r, 200, 8);
  // Scaled down; gray; refused sizes.
  auto small = media::EncodeJpeg(img, {.quality = 50, .max_side = 40});
  ASSERT_TRUE(small.ok());
  EXPECT_LT(small->size(), bytes.size());
  media::Image gray{.width = 8,
                    .height = 8,
                    .layout = media::PixelLayout::kGray8,
                    .pixels = std::vector<std::uint8_t>(64, 90)};
  EXPECT_TRUE(media::EncodeJpeg(gray).ok());
  EXPECT_FALSE(media::EncodeJpeg(media::Image{}).ok());
  media::Image huge{.width = media::kMaxImageSide + 1, .height = 1, .pixels = {}};
  EXPECT_FALSE(media::EncodeJpeg(huge).ok());
  EXPECT_FALSE(media::WriteJpeg(dir / "no/such/dir/x.jpg", img).ok());
}

TEST(ContactSheet, GridWithTimeLabels) {
  EXPECT_EQ(report::Timecode(12.48), "00:12.480");
  EXPECT_EQ(report::Timecode(3725.5), "1:02:05.500");
  EXPECT_EQ(report::Timecode(-1), "00:00.000");
  std::vector<report::SheetTile> tiles;
  for (int i = 0; i < 5; ++i) {
    media::Image img{
        .width = 64,
        .height = 48,
        .layout = media::PixelLayout::kGray8,
        .pixels = std::vector<std::uint8_t>(64 * 48, static_cast<std::uint8_t>(40 * i))};
    tiles.push_back({img, i * 1.5});
  }
  auto sheet = report::ComposeContactSheet(
      tiles, {.columns = 3, .tile_width = 100, .margin = 4, .label_scale = 1});
  ASSERT_TRUE(sheet.ok()) << sheet.status().message();
  EXPECT_EQ(sheet->width, 3 * 104 + 4);
  const int label_h = 7 + 2 * 2;
  EXPECT_EQ(sheet->height, 2 * (75 + label_h + 4) + 4);
  // Label text is light on the dark background under the first tile.
  int bright = 0;
  for (int y = 4 + 75; y < 4 + 75 + label_h; ++y) {
    for (int x = 4; x < 104; ++x)
      bright += sheet->pixels[(static_cast<std::size_t>(y) * sheet->width + x) * 3] > 200;
  }
  EXPECT_GT(bright, 30);
  EXPECT_FALSE(report::ComposeContactSheet({}).ok());
}

}  // namespace
}  // namespace sightline::signals::visual
