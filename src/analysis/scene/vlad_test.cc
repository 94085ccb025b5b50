// VLAD shortlisting: the vocabulary is reproducible, and a view of a scene is more similar to
// that scene than to other scenes.
#include "analysis/scene/vlad.h"

#include <gtest/gtest.h>

#include "analysis/scene/features.h"
#include "analysis/scene/synthetic.h"

namespace sightline::analysis::scene {
namespace {

namespace sy = synthetic;

TEST(VladTest, VocabularyIsReproducibleAndEncodesToTheRightLength) {
  cv::Mat all;
  for (int seed = 1; seed <= 3; ++seed)
    all.push_back(ExtractFeatures(sy::Texture(400, 300, seed)).descriptors);
  VocabularyOptions o;
  o.words = 8;
  const Vocabulary v1 = Vocabulary::Train(all, o), v2 = Vocabulary::Train(all, o);
  ASSERT_EQ(v1.words(), 8);
  EXPECT_EQ(cv::norm(v1.centroids(), v2.centroids(), cv::NORM_INF), 0.0);
  EXPECT_EQ(v1.Encode(all).size(), 8u * 128u);
  // No descriptors: a zero vector, similar to nothing.
  const auto none = v1.Encode(cv::Mat());
  EXPECT_EQ(VladSimilarity(none, v1.Encode(all)), 0.0);
  // Fewer descriptors than words: as many words as descriptors.
  EXPECT_EQ(Vocabulary::Train(all.rowRange(0, 3), o).words(), 3);
  EXPECT_TRUE(Vocabulary::Train(cv::Mat(), o).empty());
}

TEST(VladTest, AViewIsClosestToItsOwnScene) {
  const cv::Size size(640, 480);
  std::vector<cv::Mat> scenes;
  cv::Mat training;
  for (int seed = 10; seed < 16; ++seed) {
    scenes.push_back(sy::Texture(640, 480, seed));
    training.push_back(ExtractFeatures(scenes.back()).descriptors);
  }
  const Vocabulary v = Vocabulary::Train(training);
  std::vector<std::vector<std::int8_t>> refs;
  for (const cv::Mat& s : scenes) refs.push_back(v.Encode(ExtractFeatures(s).descriptors));
  for (size_t i = 0; i < scenes.size(); ++i) {
    const cv::Mat view = sy::View(scenes[i], sy::Motion(size, 8, 0.85, 0.0002), size, 0.8, 20);
    const auto q = v.Encode(ExtractFeatures(view).descriptors);
    size_t best = 0;
    for (size_t j = 1; j < refs.size(); ++j)
      if (VladSimilarity(q, refs[j]) > VladSimilarity(q, refs[best])) best = j;
    EXPECT_EQ(best, i);
    EXPECT_NEAR(VladSimilarity(refs[i], refs[i]), 1.0, 1e-9);
  }
}

}  // namespace
}  // namespace sightline::analysis::scene
