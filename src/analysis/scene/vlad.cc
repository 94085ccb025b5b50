#include "analysis/scene/vlad.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace sightline::analysis::scene {

namespace {

float SquaredDistance(const float* a, const float* b, int n) {
  float s = 0;
  for (int i = 0; i < n; ++i) {
    const float d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

}  // namespace

int Vocabulary::Nearest(const float* d) const {
  int best = 0;
  float best_d = std::numeric_limits<float>::max();
  for (int w = 0; w < centroids_.rows; ++w) {
    const float dist = SquaredDistance(d, centroids_.ptr<float>(w), centroids_.cols);
    if (dist < best_d) {
      best_d = dist;
      best = w;
    }
  }
  return best;
}

Vocabulary Vocabulary::Train(const cv::Mat& all, const VocabularyOptions& o) {
  if (all.empty() || all.type() != CV_32F) return Vocabulary();
  // Evenly spaced samples: deterministic and spread over every reference.
  cv::Mat data;
  if (all.rows > o.max_samples) {
    data.create(o.max_samples, all.cols, CV_32F);
    for (int i = 0; i < o.max_samples; ++i) {
      all.row(static_cast<int>(static_cast<std::int64_t>(i) * all.rows / o.max_samples))
          .copyTo(data.row(i));
    }
  } else {
    data = all;
  }
  const int n = data.rows, dim = data.cols;
  const int k = std::min(o.words, n);
  std::mt19937_64 rng(o.seed);
  // k-means++ seeding.
  cv::Mat centroids(k, dim, CV_32F);
  std::vector<float> closest(n, std::numeric_limits<float>::max());
  data.row(static_cast<int>(rng() % n)).copyTo(centroids.row(0));
  for (int c = 1; c < k; ++c) {
    double total = 0;
    for (int i = 0; i < n; ++i) {
      closest[i] = std::min(closest[i],
                            SquaredDistance(data.ptr<float>(i), centroids.ptr<float>(c - 1), dim));
      total += closest[i];
    }
    int pick = static_cast<int>(rng() % n);
    if (total > 0) {
      double r = std::uniform_real_distribution<double>(0, total)(rng);
      for (int i = 0; i < n; ++i) {
        r -= closest[i];
        if (r <= 0) {
          pick = i;
          break;
        }
      }
    }
    data.row(pick).copyTo(centroids.row(c));
  }
  Vocabulary v(centroids);
  // Lloyd iterations.
  std::vector<int> assign(n, 0);
  for (int it = 0; it < o.iterations; ++it) {
    for (int i = 0; i < n; ++i) assign[i] = v.Nearest(data.ptr<float>(i));
    cv::Mat sums = cv::Mat::zeros(k, dim, CV_64F);
    std::vector<int> counts(k, 0);
    for (int i = 0; i < n; ++i) {
      double* s = sums.ptr<double>(assign[i]);
      const float* d = data.ptr<float>(i);
      for (int j = 0; j < dim; ++j) s[j] += d[j];
      ++counts[assign[i]];
    }
    for (int c = 0; c < k; ++c) {
      if (counts[c] == 0) continue;  // an empty word keeps its centre
      float* dst = v.centroids_.ptr<float>(c);
      const double* s = sums.ptr<double>(c);
      for (int j = 0; j < dim; ++j) dst[j] = static_cast<float>(s[j] / counts[c]);
    }
  }
  return v;
}

std::vector<std::int8_t> Vocabulary::Encode(const cv::Mat& descriptors) const {
  std::vector<std::int8_t> out(static_cast<size_t>(dims()), 0);
  if (empty() || descriptors.empty() || descriptors.cols != centroids_.cols) return out;
  const int dim = centroids_.cols;
  std::vector<double> acc(out.size(), 0.0);
  for (int i = 0; i < descriptors.rows; ++i) {
    const float* d = descriptors.ptr<float>(i);
    const int w = Nearest(d);
    const float* c = centroids_.ptr<float>(w);
    double* a = &acc[static_cast<size_t>(w) * dim];
    for (int j = 0; j < dim; ++j) a[j] += d[j] - c[j];
  }
  // Intra-normalisation, then the whole vector.
  for (int w = 0; w < words(); ++w) {
    double* a = &acc[static_cast<size_t>(w) * dim];
    double s = 0;
    for (int j = 0; j < dim; ++j) s += a[j] * a[j];
    if (s > 0) {
      const double inv = 1.0 / std::sqrt(s);
      for (int j = 0; j < dim; ++j) a[j] *= inv;
    }
  }
  double total = 0;
  for (double x : acc) total += x * x;
  if (total <= 0) return out;
  const double inv = 127.0 / std::sqrt(total);
  // Components of a unit vector of length 4096 are small; scale so that the largest uses the
  // int8 range (the similarity is a cosine, so the scale cancels).
  double peak = 0;
  for (double x : acc) peak = std::max(peak, std::abs(x * inv));
  const double gain = peak > 0 ? inv * 127.0 / peak : inv;
  for (size_t i = 0; i < acc.size(); ++i) {
    out[i] = static_cast<std::int8_t>(std::clamp(std::lround(acc[i] * gain), -127L, 127L));
  }
  return out;
}

double VladSimilarity(const std::int8_t* a, const std::int8_t* b, size_t n) {
  std::int64_t dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < n; ++i) {
    dot += static_cast<int>(a[i]) * b[i];
    na += static_cast<int>(a[i]) * a[i];
    nb += static_cast<int>(b[i]) * b[i];
  }
  if (na == 0 || nb == 0) return 0;
  return static_cast<double>(dot) / std::sqrt(static_cast<double>(na) * static_cast<double>(nb));
}

double VladSimilarity(const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& b) {
  if (a.size() != b.size()) return 0;
  return VladSimilarity(a.data(), b.data(), a.size());
}

}  // namespace sightline::analysis::scene
