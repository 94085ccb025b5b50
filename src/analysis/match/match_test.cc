// End-to-end matcher tests on small generated clips: a source (a pan over a Mandelbrot picture,
// which moves everywhere) and copies made from it with FFmpeg, one per edit of the issue
// (re-encoded small, mirrored, cropped, an excerpt, sped up and slowed down, a frame grab, bars,
// a logo, a caption, subtitles, rotations, grey and colour, noise, blur, frame rate,
// picture-in-picture, a filmed screen), each matched against the source with the expected
// segment times; and the negatives: two unrelated sources, and two takes of one static "room" (the
// same background, different moving content), which must not pair.
#include "analysis/match/match.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "test_util.h"

namespace sightline::analysis::match {
namespace {

namespace sv = signals::visual;
using sightline::testing::MakeMedia;
using sightline::testing::ScratchDir;

const std::vector<std::string> kX264 = {"-c:v",     "libx264",  "-preset",
                                        "veryfast", "-pix_fmt", "yuv420p"};

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

sv::MatchSignature Extract(const std::string& path) {
  auto sig = sv::ExtractMatchSignature(path, sv::MatchSignatureOptions{});
  EXPECT_TRUE(sig.ok()) << path << ": " << sig.status().message();
  return sig.ok() ? std::move(*sig) : sv::MatchSignature{};
}

std::string Describe(const PairMatch& m) {
  std::string s = m.matched ? "matched" : "not matched";
  for (const Segment& g : m.segments) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "\n  a %.2f-%.2f b %.2f-%.2f score %.3f %s %s", g.a_start,
                  g.a_end, g.b_start, g.b_end, g.score, g.method.c_str(), g.transform.c_str());
    s += buf;
  }
  return s;
}

// The source (8 s), made once for the suite, and its copies, made when first compared.
class MatchEdits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    sigs_ = new std::map<std::string, sv::MatchSignature>;
    const std::string src = *dir_ / "src.mp4";
    // A camera panning over a still, detailed picture (a Mandelbrot render): motion everywhere,
    // and no frame is a scaled copy of another (as in a zoom), so a crop has one answer.
    MakeMedia({"-f", "lavfi", "-i", "mandelbrot=s=960x720:start_scale=2.2", "-frames:v", "1"},
              *dir_ / "big.png");
    MakeMedia(Concat({"-loop", "1", "-framerate", "25", "-i", *dir_ / "big.png", "-vf",
                      "crop=320:240:x='320+300*sin(0.45*t)':y='240+220*sin(0.8*t+0.5)',"
                      "trim=duration=8",
                      "-crf", "18"},
                     kX264),
              src);
    // Copies are made when a test first asks for them (Sig): ctest runs every test in its own
    // process, so each makes only the copies it compares.
    copies_ = new std::map<std::string, std::vector<std::string>>;
    auto copy = [&](const std::string& name, std::vector<std::string> args) {
      (*copies_)[name] = std::move(args);
    };
    (*sigs_)["src"] = Extract(src);
    copy("reencode.mp4", {"-vf", "scale=192:144", "-crf", "40"});
    copy("mirror.mp4", {"-vf", "hflip", "-crf", "23"});
    // 25 % of the area cut away, off centre, shown at the original size.
    copy("crop.mp4", {"-vf", "crop=278:208:30:8,scale=320:240", "-crf", "23"});
    copy("excerpt.mp4", {"-ss", "2.5", "-t", "4", "-crf", "23"});
    copy("speed.mp4", {"-vf", "setpts=PTS/1.1", "-crf", "23"});
    copy("still.png", {"-ss", "4.2", "-frames:v", "1"});
    // The rest of the edits, one copy each.
    copy("letterbox.mp4", {"-vf", "pad=320:320:0:40:black", "-crf", "23"});
    copy("pillarbox.mp4", {"-vf", "pad=428:240:54:0:black", "-crf", "23"});
    copy("logo.mp4", {"-vf", "drawbox=x=230:y=10:w=80:h=36:color=red@0.9:t=fill", "-crf", "23"});
    // A news caption: a dark band with white words over the lower fifth, and subtitles that
    // change every 2 s (drawtext with the default font is enough: the words only have to cover
    // the picture).
    copy("caption.mp4", {"-vf",
                         "drawbox=x=0:y=190:w=320:h=50:color=0x202060@0.85:t=fill,"
                         "drawtext=text='BREAKING NEWS':x=12:y=200:fontsize=26:fontcolor=white",
                         "-crf", "23"});
    copy("subtitles.mp4", {"-vf",
                           "drawtext=text='%{eif\\:floor(t/2)\\:d} the words said here':"
                           "x=20:y=205:fontsize=18:fontcolor=yellow:borderw=2",
                           "-crf", "23"});
    copy("slow.mp4", {"-vf", "setpts=PTS*1.1", "-crf", "23"});
    copy("rotate90.mp4", {"-vf", "transpose=1", "-crf", "23"});
    copy("rotate180.mp4", {"-vf", "hflip,vflip", "-crf", "23"});
    copy("grey.mp4", {"-vf", "hue=s=0", "-crf", "23"});
    copy("colour.mp4", {"-vf", "hue=h=35:s=1.5,eq=contrast=1.2:gamma=1.1", "-crf", "23"});
    copy("noise.mp4", {"-vf", "noise=alls=30:allf=t", "-crf", "23"});
    copy("blur.mp4", {"-vf", "gblur=sigma=3", "-crf", "23"});
    copy("framerate.mp4", {"-vf", "fps=12", "-crf", "23"});
    // Picture-in-picture: the clip at half size (a quarter of the frame) over a flat background,
    // from 1 s on.
    copy("pip.mp4", {"-f", "lavfi", "-i", "color=c=0x406080:s=640x480:r=25:d=9", "-filter_complex",
                     "[0:v]setpts=PTS+1/TB[f];[1:v][f]overlay=40:200:eof_action=pass,"
                     "trim=duration=9",
                     "-crf", "23"});
    // A jump cut: 0.6 s cut out of the middle (4.0-4.6 s), as an editor shortens a clip.
    copy("jumpcut.mp4",
         {"-filter_complex",
          "[0:v]trim=0:4,setpts=PTS-STARTPTS[a];[0:v]trim=4.6:8,setpts=PTS-STARTPTS[b];"
          "[a][b]concat=n=2:v=1",
          "-crf", "23"});
    // A screen filmed with a phone: a dark bezel, slight perspective, softer focus, noise, gamma.
    copy("screen.mp4", {"-vf",
                        "pad=400:300:40:30:color=0x181818,"
                        "perspective=10:6:390:0:0:300:400:292:interpolation=linear,"
                        "gblur=sigma=0.8,noise=alls=12:allf=t,eq=gamma=1.1",
                        "-crf", "27"});
  }
  static void TearDownTestSuite() {
    delete copies_;
    delete sigs_;
    delete dir_;
  }
  static const sv::MatchSignature& Sig(const std::string& name) {
    auto it = sigs_->find(name);
    if (it != sigs_->end()) return it->second;
    auto args = copies_->find(name);
    EXPECT_NE(args, copies_->end()) << name;
    if (args == copies_->end()) return (*sigs_)[name];
    std::vector<std::string> all = Concat({"-i", *dir_ / "src.mp4"}, args->second);
    if (name.find(".png") == std::string::npos) all = Concat(all, kX264);
    MakeMedia(all, *dir_ / name);
    return (*sigs_)[name] = Extract(*dir_ / name);
  }

  // Matches the source against `copy` and checks one segment close to the truth (within 1 s).
  static void ExpectSegment(const std::string& copy, double a0, double a1, double b0, double b1,
                            bool mirrored = false) {
    PairMatch m = MatchSignatures(Sig("src"), Sig(copy));
    ASSERT_TRUE(m.matched) << copy;
    ASSERT_EQ(m.segments.size(), 1u) << copy << ": " << Describe(m);
    const Segment& s = m.segments[0];
    EXPECT_NEAR(s.a_start, a0, 1.0) << copy << ": " << Describe(m);
    EXPECT_NEAR(s.a_end, a1, 1.0) << copy << ": " << Describe(m);
    EXPECT_NEAR(s.b_start, b0, 1.0) << copy << ": " << Describe(m);
    EXPECT_NEAR(s.b_end, b1, 1.0) << copy << ": " << Describe(m);
    EXPECT_EQ(m.mirrored, mirrored) << copy;
    EXPECT_GT(m.score, 0.5) << copy;
    EXPECT_FALSE(s.evidence.empty()) << copy;
    for (const Evidence& e : s.evidence) {
      EXPECT_GE(e.a_t, s.a_start - 0.5) << copy;
      EXPECT_LE(e.a_t, s.a_end + 0.5) << copy;
    }
  }

  static ScratchDir* dir_;
  static std::map<std::string, sv::MatchSignature>* sigs_;
  static std::map<std::string, std::vector<std::string>>* copies_;  // name → FFmpeg arguments
};
ScratchDir* MatchEdits::dir_ = nullptr;
std::map<std::string, sv::MatchSignature>* MatchEdits::sigs_ = nullptr;
std::map<std::string, std::vector<std::string>>* MatchEdits::copies_ = nullptr;

TEST_F(MatchEdits, LowQualitySmallReencode) { ExpectSegment("reencode.mp4", 0, 8, 0, 8); }

TEST_F(MatchEdits, Mirror) {
  ExpectSegment("mirror.mp4", 0, 8, 0, 8, /*mirrored=*/true);
  PairMatch m = MatchSignatures(Sig("src"), Sig("mirror.mp4"));
  ASSERT_FALSE(m.segments.empty());
  EXPECT_EQ(m.segments[0].transform, "mirror");
}

TEST_F(MatchEdits, Crop) { ExpectSegment("crop.mp4", 0, 8, 0, 8); }

TEST_F(MatchEdits, Letterbox) { ExpectSegment("letterbox.mp4", 0, 8, 0, 8); }
TEST_F(MatchEdits, Pillarbox) { ExpectSegment("pillarbox.mp4", 0, 8, 0, 8); }
TEST_F(MatchEdits, LogoOverlay) { ExpectSegment("logo.mp4", 0, 8, 0, 8); }
TEST_F(MatchEdits, CaptionOverlay) { ExpectSegment("caption.mp4", 0, 8, 0, 8); }
TEST_F(MatchEdits, Subtitles) { ExpectSegment("subtitles.mp4", 0, 8, 0, 8); }
TEST_F(MatchEdits, Grey) { ExpectSegment("grey.mp4", 0, 8, 0, 8); }
TEST_F(MatchEdits, ColourChange) { ExpectSegment("colour.mp4", 0, 8, 0, 8); }
TEST_F(MatchEdits, Noise) { ExpectSegment("noise.mp4", 0, 8, 0, 8); }
TEST_F(MatchEdits, Blur) { ExpectSegment("blur.mp4", 0, 8, 0, 8); }
TEST_F(MatchEdits, FrameRate) { ExpectSegment("framerate.mp4", 0, 8, 0, 8); }
TEST_F(MatchEdits, PictureInPicture) { ExpectSegment("pip.mp4", 0, 8, 1, 9); }
TEST_F(MatchEdits, ScreenRecording) { ExpectSegment("screen.mp4", 0, 8, 0, 8); }

TEST_F(MatchEdits, Rotations) {
  ExpectSegment("rotate90.mp4", 0, 8, 0, 8);
  ExpectSegment("rotate180.mp4", 0, 8, 0, 8);
  EXPECT_EQ(MatchSignatures(Sig("src"), Sig("rotate180.mp4")).segments.at(0).transform,
            "rotate180");
}

TEST_F(MatchEdits, Excerpt) { ExpectSegment("excerpt.mp4", 2.5, 6.5, 0, 4); }

TEST_F(MatchEdits, SpeedUpTenPercent) {
  ExpectSegment("speed.mp4", 0, 8, 0, 8 / 1.1);
  PairMatch m = MatchSignatures(Sig("src"), Sig("speed.mp4"));
  ASSERT_FALSE(m.segments.empty());
  EXPECT_NEAR(m.segments[0].speed, 1 / 1.1, 0.02);
}

TEST_F(MatchEdits, SlowDownTenPercent) {
  ExpectSegment("slow.mp4", 0, 8, 0, 8 * 1.1);
  PairMatch m = MatchSignatures(Sig("src"), Sig("slow.mp4"));
  ASSERT_FALSE(m.segments.empty());
  EXPECT_NEAR(m.segments[0].speed, 1.1, 0.02);
}

TEST_F(MatchEdits, JumpCutGivesOneSegmentPerPart) {
  // One line at a slightly lower speed passes near both parts; two parts at the clip's own
  // speed, 0.6 s apart, are the truth.
  PairMatch m = MatchSignatures(Sig("src"), Sig("jumpcut.mp4"));
  ASSERT_EQ(m.segments.size(), 2u) << Describe(m);
  const Segment& first = m.segments[0];
  const Segment& second = m.segments[1];
  EXPECT_NEAR(first.a_start, 0, 1.0) << Describe(m);
  EXPECT_NEAR(first.a_end, 4, 1.0) << Describe(m);
  EXPECT_NEAR(first.b_start - first.a_start, 0, 0.15) << Describe(m);
  EXPECT_NEAR(second.a_start, 4.6, 1.0) << Describe(m);
  EXPECT_NEAR(second.a_end, 8, 1.0) << Describe(m);
  EXPECT_NEAR(second.b_start - second.a_start, -0.6, 0.15) << Describe(m);
  EXPECT_NEAR(second.speed, 1.0, 0.02) << Describe(m);
}

TEST_F(MatchEdits, EitherOrderGivesTheSameSegment) {
  PairMatch ab = MatchSignatures(Sig("src"), Sig("excerpt.mp4"));
  PairMatch ba = MatchSignatures(Sig("excerpt.mp4"), Sig("src"));
  ASSERT_TRUE(ab.matched && ba.matched);
  ASSERT_FALSE(ba.segments.empty());
  EXPECT_NEAR(ba.segments[0].a_start, 0, 1.0) << Describe(ba);
  EXPECT_NEAR(ba.segments[0].b_start, 2.5, 1.0) << Describe(ba);
  EXPECT_NEAR(ba.segments[0].b_end, 6.5, 1.0) << Describe(ba);
}

TEST_F(MatchEdits, StillFrameGrabFindsItsTime) {
  for (bool still_first : {false, true}) {
    PairMatch m = still_first ? MatchSignatures(Sig("still.png"), Sig("src"))
                              : MatchSignatures(Sig("src"), Sig("still.png"));
    ASSERT_TRUE(m.matched) << still_first;
    ASSERT_FALSE(m.segments.empty());
    const Segment& s = m.segments[0];
    const double video_t = still_first ? s.b_start : s.a_start;
    const double image_t = still_first ? s.a_start : s.b_start;
    EXPECT_NEAR(video_t, 4.2, 0.5) << Describe(m);
    EXPECT_EQ(image_t, 0) << Describe(m);
  }
}

TEST_F(MatchEdits, SignatureOfAClipMatchesItself) {
  PairMatch m = MatchSignatures(Sig("src"), Sig("src"));
  ASSERT_TRUE(m.matched);
  ASSERT_EQ(m.segments.size(), 1u) << Describe(m);
  EXPECT_NEAR(m.segments[0].a_start, m.segments[0].b_start, 0.05);
  EXPECT_GT(m.score, 0.8);
}

// A static camera: a still scene for most of the shared part, motion only at its end. Any offset
// that keeps still frames on still frames fits the still part; the motion at the end fixes it.
TEST(MatchStillScene, MotionBesideTheStillStretchPinsTheSegment) {
  ScratchDir dir;
  MakeMedia({"-f", "lavfi", "-i", "mandelbrot=s=960x720:start_scale=2.2", "-frames:v", "1"},
            dir / "big.png");
  // 10 s: a red square moves over a still background during 0-2 s and 7.7-10 s.
  MakeMedia(Concat({"-loop", "1", "-framerate", "25", "-t", "10", "-i", dir / "big.png", "-f",
                    "lavfi", "-i", "color=c=red:s=48x48:r=25:d=10", "-filter_complex",
                    "[0:v]crop=320:240:300:200[bg];[bg][1:v]overlay=x='20+25*t':"
                    "y='100+40*sin(3*t)':enable='lt(t,2)+gte(t,7.7)'",
                    "-t", "10", "-crf", "18"},
                   kX264),
            dir / "src.mp4");
  // A compilation: 2 s of other footage, 3.0-8.5 s of the source (4.7 s still, 0.8 s of motion),
  // 2 s of other footage. The filler after the part changes which lines the votes propose: with
  // one, the best is a static match at the wrong offset; with the other, a match on two moving
  // steps at 0.87 times the speed. Both must end on the clip's own line.
  const sv::MatchSignature src = Extract(dir / "src.mp4");
  for (const char* seed : {"1", "2"}) {
    const std::string comp = dir / (std::string("comp") + seed + ".mp4");
    MakeMedia(Concat({"-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2", "-i", dir / "src.mp4",
                      "-f", "lavfi", "-i",
                      std::string("life=s=320x240:r=25:mold=10:ratio=0.5:seed=") + seed +
                          ":death_color=#C83232:life_color=#00ff00,trim=duration=2",
                      "-filter_complex",
                      "[1:v]trim=3:8.5,setpts=PTS-STARTPTS[x];[0:v][x][2:v]concat=n=3:v=1:a=0",
                      "-crf", "23"},
                     kX264),
              comp);
    const PairMatch m = MatchSignatures(src, Extract(comp));
    ASSERT_EQ(m.segments.size(), 1u) << seed << Describe(m);
    const Segment& s = m.segments[0];
    EXPECT_NEAR(s.a_start, 3.0, 1.0) << seed << Describe(m);
    EXPECT_NEAR(s.a_end, 8.5, 1.0) << seed << Describe(m);
    EXPECT_NEAR(s.b_start, 2.0, 1.0) << seed << Describe(m);
    EXPECT_NEAR(s.b_end, 7.5, 1.0) << seed << Describe(m);
    EXPECT_NEAR(s.b_start - s.a_start, -1.0, 0.15) << seed << Describe(m);
    EXPECT_NEAR(s.speed, 1.0, 0.02) << seed << Describe(m);
    EXPECT_FALSE(s.is_static) << seed << Describe(m);
  }
}

// ---- negatives ----

class MatchNegatives : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    sigs_ = new std::map<std::string, sv::MatchSignature>;
    auto make = [&](const std::string& name, std::vector<std::string> args) {
      MakeMedia(Concat(Concat(args, kX264), {"-crf", "23"}), *dir_ / name);
      (*sigs_)[name] = Extract(*dir_ / name);
    };
    make("testsrc2.mp4", {"-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=8"});
    make("mandel.mp4", {"-f", "lavfi", "-i", "mandelbrot=s=320x240:r=25,trim=duration=8"});
    // Game of life in coarse cells (4 pixels), so the thumbnails see its structure.
    make("life.mp4",
         {"-f", "lavfi", "-i",
          "life=s=80x60:r=25:ratio=0.35:seed=5:mold=10:life_color=#c0ffc0:death_color=#402020:"
          "mold_color=#203060,scale=320:240:flags=neighbor,trim=duration=8"});
    // One room, two takes: a still picture (the first Mandelbrot frame, heavily textured) with
    // moving content in the same place: a patch of game of life (different seeds: different
    // motion) and a grey "person" box moving along different paths.
    MakeMedia({"-f", "lavfi", "-i", "mandelbrot=s=320x240", "-frames:v", "1"}, *dir_ / "room.png");
    for (int take : {1, 2}) {
      const std::string seed = std::to_string(take * 17);
      const std::string path = take == 1 ? "x='150+60*sin(1.3*t)':y='90+30*sin(2.1*t)'"
                                         : "x='150+60*cos(0.9*t)':y='90+30*cos(1.7*t)'";
      make("take" + std::to_string(take) + ".mp4",
           {"-loop", "1", "-framerate", "25", "-i", *dir_ / "room.png", "-f", "lavfi", "-i",
            "life=s=30x30:r=25:ratio=0.4:seed=" + seed +
                ":life_color=#ffffff:death_color=#000000,scale=90:90:flags=neighbor",
            "-f", "lavfi", "-i", "color=gray:s=50x90:r=25", "-filter_complex",
            "[0:v][1:v]overlay=40:120:shortest=1[r];[r][2:v]overlay=" + path +
                ":shortest=1,trim=duration=8,format=yuv420p"});
    }
    // Two short takes (2.2 s) of one gesture in that room: the "hand" follows nearly the same
    // path, a quarter of a second apart, its vertical swing a little out of step.
    for (int take : {1, 2}) {
      const std::string path = take == 1 ? "x='150+50*sin(3.1*t)':y='100+25*sin(5.3*t)'"
                                         : "x='150+50*sin(3.1*t+0.9)':y='100+25*sin(5.3*t+0.4)'";
      make("gesture" + std::to_string(take) + ".mp4",
           {"-loop", "1", "-framerate", "25", "-i", *dir_ / "room.png", "-f", "lavfi", "-i",
            "color=gray:s=40x70:r=25", "-filter_complex",
            "[0:v][1:v]overlay=" + path + ":shortest=1,trim=duration=2.2,format=yuv420p"});
    }
    make("gesture1_copy.mp4", {"-i", *dir_ / "gesture1.mp4", "-vf", "scale=240:180"});
  }
  static void TearDownTestSuite() {
    delete sigs_;
    delete dir_;
  }
  static const sv::MatchSignature& Sig(const std::string& name) { return (*sigs_)[name]; }
  static ScratchDir* dir_;
  static std::map<std::string, sv::MatchSignature>* sigs_;
};
ScratchDir* MatchNegatives::dir_ = nullptr;
std::map<std::string, sv::MatchSignature>* MatchNegatives::sigs_ = nullptr;

TEST_F(MatchNegatives, UnrelatedSourcesDoNotPair) {
  const std::vector<std::string> names = {"testsrc2.mp4", "mandel.mp4", "life.mp4", "take1.mp4"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (i == j) continue;
      PairMatch m = MatchSignatures(Sig(names[i]), Sig(names[j]));
      EXPECT_FALSE(m.matched) << names[i] << " vs " << names[j] << ": " << Describe(m);
    }
  }
}

TEST_F(MatchNegatives, TwoTakesOfOneRoomDoNotPair) {
  PairMatch m = MatchSignatures(Sig("take1.mp4"), Sig("take2.mp4"));
  EXPECT_FALSE(m.matched) << Describe(m);
  m = MatchSignatures(Sig("take2.mp4"), Sig("take1.mp4"));
  EXPECT_FALSE(m.matched) << Describe(m);
  // Each take still matches itself: the room is not simply unmatchable.
  EXPECT_TRUE(MatchSignatures(Sig("take1.mp4"), Sig("take1.mp4")).matched);
}

TEST_F(MatchNegatives, TwoShortTakesOfOneGestureDoNotPair) {
  EXPECT_FALSE(MatchSignatures(Sig("gesture1.mp4"), Sig("gesture2.mp4")).matched);
  EXPECT_FALSE(MatchSignatures(Sig("gesture2.mp4"), Sig("gesture1.mp4")).matched);
  // A copy of a take is as short, and still found.
  PairMatch m = MatchSignatures(Sig("gesture1.mp4"), Sig("gesture1_copy.mp4"));
  EXPECT_TRUE(m.matched) << Describe(m);
}

TEST_F(MatchNegatives, EmptySignaturesDoNotPair) {
  sv::MatchSignature empty;
  EXPECT_FALSE(MatchSignatures(empty, Sig("mandel.mp4")).matched);
  EXPECT_FALSE(MatchSignatures(Sig("mandel.mp4"), empty).matched);
}

}  // namespace
}  // namespace sightline::analysis::match
