// The shortlist keeps every pair that the matcher would pair (copies re-encoded small, mirrored,
// cropped, rotated, a still) and drops pairs of unrelated clips.
#include "analysis/match/shortlist.h"

#include "analysis/match/match.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "test_util.h"

namespace sightline::analysis::match {
namespace {

namespace sv = signals::visual;
using sightline::testing::MakeMedia;
using sightline::testing::ScratchDir;

class ShortlistTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    const std::vector<std::string> x264 = {"-c:v",     "libx264", "-preset", "veryfast",
                                           "-pix_fmt", "yuv420p", "-crf",    "23"};
    auto make = [&](const std::string& name, std::vector<std::string> args) {
      if (name.find(".png") == std::string::npos) args.insert(args.end(), x264.begin(), x264.end());
      MakeMedia(args, *dir_ / name);
      auto sig = sv::ExtractMatchSignature(*dir_ / name, sv::MatchSignatureOptions{});
      ASSERT_TRUE(sig.ok()) << name << ": " << sig.status().message();
      names_.push_back(name);
      sigs_.push_back(std::move(*sig));
    };
    MakeMedia({"-f", "lavfi", "-i", "mandelbrot=s=960x720:start_scale=2.2", "-frames:v", "1"},
              *dir_ / "big.png");
    // Index 0: the source, a pan over a detailed picture.
    make("src.mp4", {"-loop", "1", "-framerate", "25", "-i", *dir_ / "big.png", "-vf",
                     "crop=320:240:x='320+300*sin(0.45*t)':y='240+220*sin(0.8*t+0.5)',"
                     "trim=duration=5"});
    const std::string src = *dir_ / "src.mp4";
    make("small.mp4", {"-i", src, "-vf", "scale=192:144", "-crf", "40"});
    make("mirror.mp4", {"-i", src, "-vf", "hflip"});
    make("crop.mp4", {"-i", src, "-vf", "crop=278:208:30:8,scale=320:240"});
    make("rotate.mp4", {"-i", src, "-vf", "transpose=1"});
    make("still.png", {"-i", src, "-ss", "2.2", "-frames:v", "1"});
    copies_ = static_cast<int>(names_.size());
    // Unrelated clips.
    make("testsrc2.mp4", {"-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=5"});
    make("life.mp4", {"-f", "lavfi", "-i",
                      "life=s=80x60:r=25:ratio=0.35:seed=5:mold=10:life_color=#c0ffc0:"
                      "death_color=#402020:mold_color=#203060,scale=320:240:flags=neighbor,"
                      "trim=duration=5"});
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::vector<const sv::MatchSignature*> Pointers() {
    std::vector<const sv::MatchSignature*> p;
    for (const auto& s : sigs_) p.push_back(&s);
    return p;
  }

  static ScratchDir* dir_;
  static std::vector<std::string> names_;
  static std::vector<sv::MatchSignature> sigs_;
  static int copies_;  // sigs_[0, copies_) hold the same footage
};
ScratchDir* ShortlistTest::dir_ = nullptr;
std::vector<std::string> ShortlistTest::names_;
std::vector<sv::MatchSignature> ShortlistTest::sigs_;
int ShortlistTest::copies_ = 0;

bool Has(const std::vector<std::pair<int, int>>& pairs, int i, int j) {
  return std::find(pairs.begin(), pairs.end(), std::make_pair(std::min(i, j), std::max(i, j))) !=
         pairs.end();
}

TEST_F(ShortlistTest, KeepsTheSourceWithEveryCopy) {
  ShortlistStats stats;
  const auto pairs = Shortlist(Pointers(), {}, &stats);
  for (int i = 1; i < copies_; ++i) EXPECT_TRUE(Has(pairs, 0, i)) << names_[i];
  EXPECT_EQ(stats.pairs_total, sigs_.size() * (sigs_.size() - 1) / 2);
  EXPECT_GT(stats.pdq_pairs, 0u);
  EXPECT_GT(stats.orb_pairs, 0u);
}

// The contract: no pair that the matcher would pair is left out.
TEST_F(ShortlistTest, KeepsEveryPairTheMatcherPairs) {
  const auto pairs = Shortlist(Pointers());
  const int n = static_cast<int>(sigs_.size());
  int matched = 0;
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      if (!MatchSignatures(sigs_[i], sigs_[j]).matched) continue;
      ++matched;
      EXPECT_TRUE(Has(pairs, i, j)) << names_[i] << " vs " << names_[j];
    }
  }
  EXPECT_GE(matched, copies_ - 1);
}

TEST_F(ShortlistTest, DropsUnrelatedPairs) {
  const auto pairs = Shortlist(Pointers());
  const int n = static_cast<int>(sigs_.size());
  for (int i = copies_; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (j == i) continue;
      EXPECT_FALSE(Has(pairs, i, j)) << names_[i] << " vs " << names_[j];
    }
  }
  for (const auto& [i, j] : pairs) EXPECT_LT(i, j);
}

TEST_F(ShortlistTest, SkipsMissingSignaturesAndKeepsIndices) {
  auto sigs = Pointers();
  sigs.insert(sigs.begin(), nullptr);  // every index moves up by one
  ShortlistStats stats;
  const auto pairs = Shortlist(sigs, {}, &stats);
  EXPECT_TRUE(Has(pairs, 1, 2));  // src vs small
  for (const auto& [i, j] : pairs) EXPECT_NE(i, 0);
  EXPECT_EQ(stats.pairs_total, sigs_.size() * (sigs_.size() - 1) / 2);
  EXPECT_TRUE(Shortlist({}).empty());
}

}  // namespace
}  // namespace sightline::analysis::match
