// A global descriptor for shortlisting references: VLAD (Jegou et al. 2010, "Aggregating local
// descriptors into a compact image representation", CVPR) over RootSIFT, with intra-normalisation
// (Arandjelovic & Zisserman 2013, "All about VLAD", CVPR). Each local descriptor adds its residual
// to the nearest of k visual words; the k residual sums are each L2-normalised, the whole is
// L2-normalised, so that the dot product of two VLADs measures how much of their local appearance
// they share. It needs no learned network, only a small vocabulary trained by k-means on the
// references themselves.
//
// Storage: each component is quantised to int8 (x 127), so 10,000 references at k = 32 take
// 41 MB and a linear scan over them is a few tens of milliseconds.
//
// Thread safety: a Vocabulary is immutable after training; Encode may run on several threads.
#ifndef SIGHTLINE_ANALYSIS_SCENE_VLAD_H_
#define SIGHTLINE_ANALYSIS_SCENE_VLAD_H_

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

namespace sightline::analysis::scene {

struct VocabularyOptions {
  int words = 32;
  int iterations = 12;
  int max_samples = 60000;  // descriptors drawn (evenly) from the training set
  std::uint64_t seed = 1;   // k-means++ seeding: fixed, so builds are reproducible
};

class Vocabulary {
 public:
  Vocabulary() = default;
  explicit Vocabulary(cv::Mat centroids) : centroids_(std::move(centroids)) {}

  // k-means (k-means++ seeding, Arthur & Vassilvitskii 2007) on the rows of `descriptors`
  // (CV_32F). With fewer descriptors than words, the vocabulary has as many words as descriptors
  // (at least 1 is needed; an empty input gives an empty vocabulary).
  static Vocabulary Train(const cv::Mat& descriptors, const VocabularyOptions& options = {});

  bool empty() const { return centroids_.empty(); }
  int words() const { return centroids_.rows; }
  int dims() const { return centroids_.rows * centroids_.cols; }  // VLAD length
  const cv::Mat& centroids() const { return centroids_; }

  // The VLAD of `descriptors`, quantised. All zeros for no descriptors.
  std::vector<std::int8_t> Encode(const cv::Mat& descriptors) const;

 private:
  int Nearest(const float* d) const;
  cv::Mat centroids_;  // words x 128, CV_32F
};

// Cosine similarity of two quantised VLADs of the same length (-1..1; 0 when either is empty).
double VladSimilarity(const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& b);
double VladSimilarity(const std::int8_t* a, const std::int8_t* b, size_t n);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_VLAD_H_
