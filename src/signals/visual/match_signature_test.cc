// Match signatures: extraction on generated clips (frame count, thumbnails, ORB), the content box
// on letterboxed and pillarboxed copies, and the binary and stored forms (round trip, refusal of
// damaged, truncated or foreign data).
#include "signals/visual/match_signature.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace sightline::signals::visual {
namespace {

using sightline::testing::MakeMedia;
using sightline::testing::ScratchDir;

// A 4 s test pattern, 320x240 at 25 frames/s, with `filter` applied (may be empty).
std::string MakeClip(const ScratchDir& dir, const std::string& name, const std::string& filter) {
  const std::string out = dir / name;
  std::vector<std::string> args = {"-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=4"};
  if (!filter.empty()) {
    args.push_back("-vf");
    args.push_back(filter);
  }
  for (const char* a :
       {"-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-pix_fmt", "yuv420p"}) {
    args.push_back(a);
  }
  MakeMedia(args, out);
  return out;
}

MatchSignature Extract(const std::string& path) {
  auto sig = ExtractMatchSignature(path, MatchSignatureOptions{});
  EXPECT_TRUE(sig.ok()) << sig.status().message();
  return sig.ok() ? std::move(*sig) : MatchSignature{};
}

TEST(MatchSignature, ExtractsFramesThumbnailsAndKeypoints) {
  ScratchDir dir;
  MatchSignature sig = Extract(MakeClip(dir, "a.mp4", ""));
  EXPECT_FALSE(sig.still);
  EXPECT_NEAR(sig.duration_s, 4.0, 0.1);
  EXPECT_NEAR(sig.frame_rate, 25.0, 0.01);
  // 4 frames per second over 4 s.
  EXPECT_GE(sig.frames.size(), 15u);
  EXPECT_LE(sig.frames.size(), 17u);
  for (std::size_t i = 1; i < sig.frames.size(); ++i) {
    EXPECT_GT(sig.frames[i].t, sig.frames[i - 1].t);
  }
  EXPECT_EQ(sig.thumb_w, 64);
  EXPECT_EQ(sig.thumb_h, 48);
  EXPECT_EQ(sig.thumbs.size(), sig.frames.size() * 64 * 48);
  // One ORB frame per second, each with keypoints on this textured pattern.
  EXPECT_GE(sig.orb.size(), 4u);
  EXPECT_LE(sig.orb.size(), 5u);
  for (const OrbFrame& o : sig.orb) {
    EXPECT_GT(o.points.size(), 50u);
    EXPECT_LE(o.points.size(), 256u);
    EXPECT_EQ(o.descriptors.size(), o.points.size() * 32);
  }
  EXPECT_TRUE(sig.frames[0].box.IsFull());
  EXPECT_GE(sig.frames[0].full_quality, 50);
}

TEST(MatchSignature, StillImageIsOneFrame) {
  ScratchDir dir;
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=1", "-frames:v", "1"}, dir / "s.png");
  MatchSignature sig = Extract(dir / "s.png");
  EXPECT_TRUE(sig.still);
  EXPECT_EQ(sig.frames.size(), 1u);
  EXPECT_EQ(sig.orb.size(), 1u);
  EXPECT_EQ(sig.Span(), 0);
}

TEST(MatchSignature, MissingFileFailsNamingIt) {
  auto sig = ExtractMatchSignature("/nonexistent/clip.mp4", MatchSignatureOptions{});
  ASSERT_FALSE(sig.ok());
  EXPECT_NE(sig.status().message().find("clip.mp4"), std::string::npos) << sig.status().message();
}

TEST(MatchSignature, ContentBoxOfLetterbox) {
  ScratchDir dir;
  // 320x180 picture in a 320x240 frame: bars of 30 lines top and bottom.
  MatchSignature sig = Extract(MakeClip(dir, "lb.mp4", "scale=320:180,pad=320:240:0:30:black"));
  ASSERT_FALSE(sig.frames.empty());
  const NormBox& b = sig.frames[0].box;
  EXPECT_NEAR(b.x0, 0, 0.01);
  EXPECT_NEAR(b.x1, 1, 0.01);
  EXPECT_NEAR(b.y0, 30.0 / 240, 0.02);
  EXPECT_NEAR(b.y1, 210.0 / 240, 0.02);
  // The content hash of the letterboxed copy is close to the whole-frame hash of the original.
  MatchSignature orig = Extract(MakeClip(dir, "o.mp4", "scale=320:180"));
  ASSERT_FALSE(orig.frames.empty());
  int dist = 0;
  for (int i = 0; i < 32; ++i) {
    dist += __builtin_popcount(orig.frames[2].full[0][i] ^ sig.frames[2].content[0][i]);
  }
  EXPECT_LT(dist, 40);
}

TEST(MatchSignature, ContentBoxOfPillarbox) {
  ScratchDir dir;
  // 240x240 picture in a 320x240 frame: bars of 40 columns left and right (dark grey).
  MatchSignature sig = Extract(MakeClip(dir, "pb.mp4", "scale=240:240,pad=320:240:40:0:0x202020"));
  ASSERT_FALSE(sig.frames.empty());
  const NormBox& b = sig.frames[0].box;
  EXPECT_NEAR(b.x0, 40.0 / 320, 0.02);
  EXPECT_NEAR(b.x1, 280.0 / 320, 0.02);
  EXPECT_NEAR(b.y0, 0, 0.01);
  EXPECT_NEAR(b.y1, 1, 0.01);
}

TEST(MatchSignature, FindContentBoxNeedsConstantBars) {
  // A frame whose top 20 rows are flat but change brightness over time: scenery, not a bar.
  BarStats stats;
  stats.Reset(64, 64);
  std::vector<std::uint8_t> px(64 * 64);
  for (int f = 0; f < 4; ++f) {
    for (int y = 0; y < 64; ++y) {
      for (int x = 0; x < 64; ++x) {
        px[y * 64 + x] = y < 20 ? static_cast<std::uint8_t>(40 * f)
                                : static_cast<std::uint8_t>((x * 7 + y * 13 + f * 5) & 255);
      }
    }
    stats.Add(px.data(), 64);
  }
  EXPECT_TRUE(FindContentBox(stats, false).IsFull());
  // The same rows held at one grey level are a bar.
  stats.Reset(64, 64);
  for (int f = 0; f < 4; ++f) {
    for (int y = 0; y < 64; ++y) {
      for (int x = 0; x < 64; ++x) {
        px[y * 64 + x] = y < 20 ? 16 : static_cast<std::uint8_t>((x * 7 + y * 13 + f * 5) & 255);
      }
    }
    stats.Add(px.data(), 64);
  }
  NormBox b = FindContentBox(stats, false);
  EXPECT_NEAR(b.y0, 20.0 / 64, 1e-6);
  EXPECT_EQ(b.y1, 1);
}

class MatchSignatureForms : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    sig_ = new MatchSignature(Extract(MakeClip(*dir_, "a.mp4", "")));
  }
  static void TearDownTestSuite() {
    delete sig_;
    delete dir_;
  }
  static ScratchDir* dir_;
  static MatchSignature* sig_;
};
ScratchDir* MatchSignatureForms::dir_ = nullptr;
MatchSignature* MatchSignatureForms::sig_ = nullptr;

void ExpectSame(const MatchSignature& x, const MatchSignature& y) {
  EXPECT_EQ(x.version, y.version);
  EXPECT_EQ(x.still, y.still);
  EXPECT_EQ(x.duration_s, y.duration_s);
  EXPECT_EQ(x.frame_rate, y.frame_rate);
  EXPECT_EQ(x.width, y.width);
  EXPECT_EQ(x.height, y.height);
  EXPECT_EQ(x.rate, y.rate);
  EXPECT_EQ(x.thumb_w, y.thumb_w);
  EXPECT_EQ(x.thumb_h, y.thumb_h);
  EXPECT_EQ(x.warnings, y.warnings);
  ASSERT_EQ(x.frames.size(), y.frames.size());
  for (std::size_t i = 0; i < x.frames.size(); ++i) {
    EXPECT_EQ(x.frames[i].t, y.frames[i].t);
    EXPECT_EQ(x.frames[i].full, y.frames[i].full);
    EXPECT_EQ(x.frames[i].content, y.frames[i].content);
    EXPECT_EQ(x.frames[i].full_quality, y.frames[i].full_quality);
    EXPECT_EQ(x.frames[i].content_quality, y.frames[i].content_quality);
    EXPECT_EQ(x.frames[i].box, y.frames[i].box);
  }
  EXPECT_EQ(x.thumbs, y.thumbs);
  ASSERT_EQ(x.orb.size(), y.orb.size());
  for (std::size_t i = 0; i < x.orb.size(); ++i) {
    EXPECT_EQ(x.orb[i].t, y.orb[i].t);
    EXPECT_EQ(x.orb[i].width, y.orb[i].width);
    EXPECT_EQ(x.orb[i].height, y.orb[i].height);
    ASSERT_EQ(x.orb[i].points.size(), y.orb[i].points.size());
    for (std::size_t k = 0; k < x.orb[i].points.size(); ++k) {
      EXPECT_EQ(x.orb[i].points[k].x, y.orb[i].points[k].x);
      EXPECT_EQ(x.orb[i].points[k].angle, y.orb[i].points[k].angle);
    }
    EXPECT_EQ(x.orb[i].descriptors, y.orb[i].descriptors);
  }
}

TEST_F(MatchSignatureForms, BinaryRoundTrip) {
  MatchSignature sig = *sig_;
  sig.warnings = {"decode error at 1.20 s"};
  const std::string bytes = SerializeMatchSignature(sig);
  EXPECT_EQ(bytes.substr(0, 4), "SLMS");
  auto back = ParseMatchSignature(bytes);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ExpectSame(sig, *back);
}

TEST_F(MatchSignatureForms, StoredJsonRoundTrip) {
  const std::string json = MatchSignatureToStoredJson(*sig_);
  EXPECT_NE(json.find("\"format\":\"sightline-match-signature\""), std::string::npos);
  auto back = MatchSignatureFromStoredJson(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ExpectSame(*sig_, *back);
}

TEST_F(MatchSignatureForms, TruncatedDataIsCorrupt) {
  const std::string bytes = SerializeMatchSignature(*sig_);
  for (std::size_t len : {std::size_t{0}, std::size_t{3}, std::size_t{8}, std::size_t{40},
                          bytes.size() / 3, bytes.size() / 2, bytes.size() - 1}) {
    auto r = ParseMatchSignature(std::string_view(bytes).substr(0, len));
    ASSERT_FALSE(r.ok()) << "length " << len;
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << "length " << len;
  }
  // Trailing bytes are damage too.
  auto r = ParseMatchSignature(bytes + "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
}

TEST_F(MatchSignatureForms, DamagedCountsAreCorruptNotHuge) {
  std::string bytes = SerializeMatchSignature(*sig_);
  // The frame count follows the fixed header (4 + 4 + 1 + 3 × 8 + 4 × 4 bytes) and the warning
  // count (4 bytes, no warnings here): claim four billion frames.
  const std::size_t frame_count_at = 4 + 4 + 1 + 24 + 16 + 4;
  for (int i = 0; i < 4; ++i) bytes[frame_count_at + i] = '\xff';
  auto r = ParseMatchSignature(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
}

TEST_F(MatchSignatureForms, ForeignAndNewerDataRefused) {
  std::string bytes = SerializeMatchSignature(*sig_);
  std::string foreign = bytes;
  foreign[0] = 'X';
  auto r = ParseMatchSignature(foreign);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  std::string newer = bytes;
  newer[4] = static_cast<char>(kMatchSignatureVersion + 1);
  r = ParseMatchSignature(newer);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find("version"), std::string::npos);
}

TEST_F(MatchSignatureForms, DamagedStoredJsonRefused) {
  EXPECT_FALSE(MatchSignatureFromStoredJson("not json").ok());
  EXPECT_FALSE(MatchSignatureFromStoredJson("{\"format\":\"other\",\"data\":\"\"}").ok());
  auto r =
      MatchSignatureFromStoredJson("{\"format\":\"sightline-match-signature\",\"data\":\"!!!!\"}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace sightline::signals::visual
