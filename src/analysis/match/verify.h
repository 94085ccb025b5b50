// Dense verification of a match hypothesis: clip A's thumbnails and clip B's, sampled at
// corresponding points under the hypothesis's map (A's frame → B's frame) and at corresponding
// times on the line tB = s·tA + o, compared frame by frame for appearance and over time for
// motion.
//
// Appearance: a trimmed Pearson correlation of the sampled luma (the worst-agreeing 15 % of the
// points are left out, so a caption, a logo or a subtitle does not sink a frame).
// Motion: the temporal-difference maps A(t + δ) − A(t) and B(s(t + δ) + o) − B(st + o), each with
// its mean removed (a fade or exposure change is not motion), correlated over a whole segment.
// Two clips filmed in one room by one static camera agree on the background, so on appearance,
// but their moving parts (a person's hands) move differently: their difference maps do not
// correlate. A copy's do, whatever was done to it. This is the test that separates the two (the
// idea of comparing temporal structure rather than frames goes back to ordinal/temporal video
// signatures, e.g. Hua, Chen & Zhang, "Robust video signature based on ordinal measure", ICIP
// 2004; here it is applied to the aligned difference maps themselves).
#ifndef SIGHTLINE_ANALYSIS_MATCH_VERIFY_H_
#define SIGHTLINE_ANALYSIS_MATCH_VERIFY_H_

#include <cmath>
#include <vector>

#include "analysis/match/geometry.h"
#include "signals/visual/match_signature.h"

namespace sightline::analysis::match {

// Bilinear taps into a thumbnail.
struct Tap {
  int offset = 0;        // of the top-left pixel
  int dx = 0, dy = 0;    // 1 or 0 at the right/bottom border
  float fx = 0, fy = 0;  // fractions
};

class AlignedSampler {
 public:
  // Points on a grid over A's content box (of A's middle frame) whose image under `a_to_b` falls
  // inside B's content box. `grid` points along the longer side.
  AlignedSampler(const signals::visual::MatchSignature& a, const signals::visual::MatchSignature& b,
                 const Homography& a_to_b, int grid = 24);

  int size() const { return static_cast<int>(ta_.size()); }
  // Fraction of A's grid that lands in B.
  double coverage() const { return coverage_; }
  // The area of B's frame covered by A's mapped box (0..1).
  double b_area() const { return b_area_; }
  // Pooling cell of each point (2 × 2 blocks of the grid), and the number of cells.
  const std::vector<int>& cells() const { return cell_; }
  int cell_count() const { return cells_; }
  void SampleA(int frame, float* out) const;
  void SampleBFrame(int frame, float* out) const;
  // B at time tb, interpolated linearly between the sampled frames around it. False when tb is
  // outside B's frames by more than `slack` seconds (or B has no frames).
  bool SampleB(double tb, float* out, double slack = 0.15) const;

 private:
  const signals::visual::MatchSignature& a_;
  const signals::visual::MatchSignature& b_;
  std::vector<Tap> ta_, tb_;
  std::vector<int> cell_;
  int cells_ = 0;
  double coverage_ = 0, b_area_ = 0;
  mutable std::vector<float> tmp_;
};

// Trimmed Pearson correlation of x and y (n values): NaN when either is nearly flat (standard
// deviation under `min_std` grey levels), since a flat picture says nothing.
double TrimmedCorrelation(const float* x, const float* y, int n, double trim = 0.15,
                          double min_std = 3.0);

// One step: the difference maps between two aligned times.
struct MotionStep {
  double ta = 0;        // A time of the step's start
  double energy_a = 0;  // RMS of A's difference map (grey levels)
  double energy_b = 0;
  double correlation = 0;  // of the two maps, after 2 × 2 pooling of the sampling grid
  // RMS of the pooled maps: pooling halves the RMS of pixel noise but keeps that of moving
  // shapes, so these say whether a side shows motion rather than noise.
  double pooled_energy_a = 0, pooled_energy_b = 0;
};

struct MotionStats {
  double correlation = 0;  // of the difference maps, over every step
  double energy_a = 0;     // RMS of A's difference maps (grey levels)
  double energy_b = 0;
  // The same correlation after a 2 × 2 pooling of the sampling grid, which averages away
  // pixel noise (added noise, re-encoding) and keeps the moving shapes.
  double pooled_correlation = 0;
  int steps = 0;
  std::vector<MotionStep> detail;
};

// Per A frame along a line.
struct LineSample {
  int a = 0;  // A frame
  double ta = 0, tb = 0;
  double sim = NAN;  // appearance, NaN when uninformative
};

// Samples along tB = s·tA + o for A frames [first, last] (those mapping inside B).
std::vector<LineSample> SampleLine(const AlignedSampler& sampler,
                                   const signals::visual::MatchSignature& a, double s, double o,
                                   int first, int last);

// Motion agreement along the line over A frames [first, last], with steps of about `step_s`.
MotionStats LineMotion(const AlignedSampler& sampler, const signals::visual::MatchSignature& a,
                       double s, double o, int first, int last, double step_s = 0.5);

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_VERIFY_H_
