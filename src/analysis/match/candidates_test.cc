// Candidate frame pairs on hand-made signatures: PDQ classes (plain, mirrored, content box),
// the nearest-few limit, low-detail frames skipped; the ORB multi-index and the RANSAC fit of a
// known map.
#include "analysis/match/candidates.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace sightline::analysis::match {
namespace {

namespace sv = signals::visual;

sv::PdqBits RandomBits(std::mt19937& rng) {
  sv::PdqBits b;
  for (auto& v : b) v = static_cast<std::uint8_t>(rng());
  return b;
}

// Flips `n` distinct bits of `b`.
sv::PdqBits Flip(sv::PdqBits b, int n) {
  for (int k = 0; k < n; ++k) b[k % 32] ^= static_cast<std::uint8_t>(1u << (k / 32));
  return b;
}

// A signature of n frames at 4 per second, each with random variant hashes.
sv::MatchSignature RandomSig(int n, std::mt19937& rng) {
  sv::MatchSignature s;
  s.rate = 4;
  for (int i = 0; i < n; ++i) {
    sv::SignatureFrame f;
    f.t = i / 4.0;
    for (auto& h : f.full) h = RandomBits(rng);
    f.content = f.full;
    f.full_quality = f.content_quality = 80;
    s.frames.push_back(f);
  }
  return s;
}

TEST(PdqCandidates, FindsShiftedCopyInTheRightClass) {
  std::mt19937 rng(11);
  sv::MatchSignature a = RandomSig(20, rng);
  // B: A's frames 4.. (1 s in), slightly damaged, as a mirror image (B's original = A's flipY).
  sv::MatchSignature b = RandomSig(12, rng);
  for (int j = 0; j < 12; ++j) b.frames[j].full[0] = Flip(a.frames[j + 4].full[5], 20);
  auto c = PdqCandidates(a, b, PdqCandidateOptions{});
  ASSERT_EQ(c[5].size(), 12u);
  for (const FrameCandidate& fc : c[5]) {
    EXPECT_EQ(fc.a, fc.b + 4);
    EXPECT_EQ(fc.distance, 20);
    EXPECT_NEAR(fc.tb, fc.ta - 1.0, 1e-9);
    EXPECT_GT(fc.weight, 0.7f);
  }
  // Random hashes are ~128 bits apart: nothing in the other classes, no content classes when
  // neither side has bars.
  for (int cls = 0; cls < kPdqClasses; ++cls) {
    if (cls != 5) {
      EXPECT_TRUE(c[cls].empty()) << cls;
    }
  }
}

TEST(PdqCandidates, ContentClassesOnlyWithBarsAndFlatFramesSkipped) {
  std::mt19937 rng(12);
  sv::MatchSignature a = RandomSig(8, rng);
  sv::MatchSignature b = RandomSig(8, rng);
  for (int j = 0; j < 8; ++j) {
    b.frames[j].box = {0, 0.125f, 1, 0.875f};  // letterboxed
    b.frames[j].content[0] = a.frames[j].full[0];
  }
  a.frames[3].full_quality = a.frames[3].content_quality = 5;  // a black frame
  auto c = PdqCandidates(a, b, PdqCandidateOptions{});
  EXPECT_EQ(c[8].size(), 7u);
  for (const FrameCandidate& fc : c[8]) {
    EXPECT_EQ(fc.a, fc.b);
    EXPECT_NE(fc.a, 3);
  }
}

TEST(PdqCandidates, StaticSceneKeepsOnlyTheNearestFew) {
  std::mt19937 rng(13);
  sv::MatchSignature a = RandomSig(4, rng);
  sv::MatchSignature b = RandomSig(30, rng);
  for (int j = 0; j < 30; ++j) b.frames[j].full[0] = Flip(a.frames[0].full[0], j);  // all alike
  PdqCandidateOptions o;
  o.per_frame = 3;
  auto c = PdqCandidates(a, b, o);
  ASSERT_EQ(c[0].size(), 3u);
  for (const FrameCandidate& fc : c[0]) {
    EXPECT_EQ(fc.a, 0);
    EXPECT_LT(fc.b, 3);  // the three closest
  }
}

// ORB frames: random keypoints with random descriptors; B's are A's moved by `map` (pixels of a
// 320 × 240 frame) with a few descriptor bits flipped, plus clutter.
TEST(OrbCandidates, RecoversAKnownInsetMap) {
  std::mt19937 rng(21);
  std::uniform_real_distribution<float> ux(0, 320), uy(0, 240);
  sv::MatchSignature a, b;
  sv::OrbFrame fa, fb;
  fa.width = fb.width = 320;
  fa.height = fb.height = 240;
  fb.t = 0.5;
  for (int i = 0; i < 150; ++i) {
    sv::OrbPoint p{ux(rng), uy(rng), 0, 0};
    fa.points.push_back(p);
    std::uint8_t d[32];
    for (auto& v : d) v = static_cast<std::uint8_t>(rng());
    fa.descriptors.insert(fa.descriptors.end(), d, d + 32);
    // A in B's bottom-right quarter: (x, y) → (160 + x / 2, 120 + y / 2).
    fb.points.push_back({160 + p.x / 2, 120 + p.y / 2, 0, 0});
    for (int k = 0; k < 6; ++k) d[(k * 5) % 32] ^= static_cast<std::uint8_t>(1u << k);
    fb.descriptors.insert(fb.descriptors.end(), d, d + 32);
  }
  for (int i = 0; i < 100; ++i) {  // clutter
    fb.points.push_back({ux(rng), uy(rng), 0, 0});
    for (int k = 0; k < 32; ++k) fb.descriptors.push_back(static_cast<std::uint8_t>(rng()));
  }
  a.orb.push_back(fa);
  b.orb.push_back(fb);
  OrbIndex index(b);
  EXPECT_EQ(index.size(), 250u);
  // The index finds an exact copy of a stored descriptor.
  int hits = 0;
  index.ForEachCandidate(fb.Descriptor(7),
                         [&](std::uint32_t f, std::uint32_t p) { hits += f == 0 && p == 7; });
  EXPECT_EQ(hits, 1);
  auto c = OrbCandidates(a, b, index, OrbCandidateOptions{});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_GE(c[0].inliers, 120);
  EXPECT_NEAR(c[0].mean_distance, 6, 0.5);
  EXPECT_EQ(c[0].tb, 0.5);
  Point2 p;
  ASSERT_TRUE(c[0].h.Apply({0, 0}, &p));
  EXPECT_NEAR(p.x, 0.5, 0.01);
  EXPECT_NEAR(p.y, 0.5, 0.01);
  ASSERT_TRUE(c[0].h.Apply({1, 1}, &p));
  EXPECT_NEAR(p.x, 1.0, 0.01);
  EXPECT_NEAR(p.y, 1.0, 0.01);
}

TEST(OrbCandidates, UnrelatedDescriptorsGiveNothing) {
  std::mt19937 rng(22);
  std::uniform_real_distribution<float> ux(0, 320), uy(0, 240);
  sv::MatchSignature a, b;
  for (auto* s : {&a, &b}) {
    sv::OrbFrame f;
    f.width = 320;
    f.height = 240;
    for (int i = 0; i < 200; ++i) {
      f.points.push_back({ux(rng), uy(rng), 0, 0});
      for (int k = 0; k < 32; ++k) f.descriptors.push_back(static_cast<std::uint8_t>(rng()));
    }
    s->orb.push_back(f);
  }
  OrbIndex index(b);
  EXPECT_TRUE(OrbCandidates(a, b, index, OrbCandidateOptions{}).empty());
}

}  // namespace
}  // namespace sightline::analysis::match
