#include "analysis/scene/feature_store.h"

#include <gtest/gtest.h>

#include "analysis/scene/synthetic.h"

namespace sightline::analysis::scene {
namespace {

FileFeatures TwoFrames() {
  FileFeatures f;
  const cv::Mat texture = synthetic::Texture(640, 480, 5);
  for (int i = 0; i < 2; ++i) {
    SceneFrame frame;
    frame.t = 1.5 * i;
    frame.gray = synthetic::View(texture, synthetic::Motion(texture.size(), 5.0 * i, 1.0, 0),
                                 cv::Size(480, 360));
    f.features.push_back(ExtractFeatures(frame.gray, f.options));
    f.frames.push_back(std::move(frame));
  }
  return f;
}

TEST(FeatureStoreTest, RoundTripKeepsFeaturesAndTimesButNotPixels) {
  FileFeatures f = TwoFrames();
  ASSERT_GT(f.features[0].keypoints.size(), 50u);
  QuantizeDescriptors(f);
  auto back = DecodeFileFeatures(EncodeFileFeatures(f));
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->features.size(), 2u);
  EXPECT_FALSE(HasPixels(*back));
  EXPECT_TRUE(HasPixels(f));
  EXPECT_DOUBLE_EQ(back->frames[1].t, 1.5);
  EXPECT_EQ(back->options.max_keypoints, f.options.max_keypoints);
  for (int i = 0; i < 2; ++i) {
    const SceneFeatures& a = f.features[i];
    const SceneFeatures& b = back->features[i];
    ASSERT_EQ(a.keypoints.size(), b.keypoints.size());
    EXPECT_EQ(a.keypoints[7].x, b.keypoints[7].x);
    EXPECT_EQ(a.keypoints[7].response, b.keypoints[7].response);
    EXPECT_EQ(a.width, b.width);
    // Quantized once, the descriptors read back bit for bit.
    EXPECT_EQ(cv::norm(a.descriptors, b.descriptors, cv::NORM_INF), 0.0);
  }
}

TEST(FeatureStoreTest, HalfPrecisionChangesDescriptorsOnlySlightly) {
  FileFeatures f = TwoFrames();
  const cv::Mat before = f.features[0].descriptors.clone();
  QuantizeDescriptors(f);
  const double worst = cv::norm(before, f.features[0].descriptors, cv::NORM_INF);
  EXPECT_GT(worst, 0.0);
  EXPECT_LT(worst, 1e-3);
}

TEST(FeatureStoreTest, MalformedBytesAreCorruptNotACrash) {
  const std::string good = EncodeFileFeatures(TwoFrames());
  for (std::size_t cut :
       {std::size_t{0}, std::size_t{3}, std::size_t{20}, good.size() / 2, good.size() - 1}) {
    auto r = DecodeFileFeatures(good.substr(0, cut));
    ASSERT_FALSE(r.ok()) << cut;
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  }
  std::string huge = good;
  huge[28] = '\xff';  // the frame count's top byte
  EXPECT_FALSE(DecodeFileFeatures(huge).ok());
  EXPECT_FALSE(DecodeFileFeatures(good + "x").ok());
}

}  // namespace
}  // namespace sightline::analysis::scene
