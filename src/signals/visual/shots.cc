#include "signals/visual/shots.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "signals/visual/shots_internal.h"

namespace sightline::signals::visual {

namespace {

using shots_internal::kBlock;
constexpr int kWorkSide = 64;        // the picture compared frame to frame
constexpr int kFineSide = 128;       // the picture sharpness is measured on
constexpr int kMidSide = 32;         // the picture blend tests run on
constexpr int kMaxHalfWindow = 150;  // frames: the longest gradual-transition window is twice this
constexpr float kContrastFloor = 3.0f;  // added to contrast so flat pictures do not divide by ~0

// Output size for `w` × `h` with the longer side at most `side` (aspect kept, at least 1).
void FitSize(int w, int h, int side, int* ow, int* oh) {
  if (std::max(w, h) <= side) {
    *ow = w;
    *oh = h;
    return;
  }
  double s = static_cast<double>(side) / std::max(w, h);
  *ow = std::max(1, static_cast<int>(std::lround(w * s)));
  *oh = std::max(1, static_cast<int>(std::lround(h * s)));
}

// Box ranges: output cell i covers input [begin[i], end[i]).
void BoxRanges(int in, int out, std::vector<int>* begin, std::vector<int>* end) {
  begin->resize(out);
  end->resize(out);
  for (int i = 0; i < out; ++i) {
    int b = static_cast<int>(static_cast<std::int64_t>(i) * in / out);
    int e = static_cast<int>(static_cast<std::int64_t>(i + 1) * in / out);
    (*begin)[i] = b;
    (*end)[i] = std::max(e, b + 1);
  }
}

// Area-averages a gray or RGB frame into `dw` × `dh` luma floats (0..255).
void ResampleFrame(const media::Frame& f, int dw, int dh, std::vector<float>* row_acc, float* dst) {
  std::vector<int> xb, xe, yb, ye;
  BoxRanges(f.width, dw, &xb, &xe);
  BoxRanges(f.height, dh, &yb, &ye);
  const bool rgb = f.layout == media::PixelLayout::kRgb24;
  row_acc->assign(dw, 0.0f);
  for (int oy = 0; oy < dh; ++oy) {
    std::fill(row_acc->begin(), row_acc->end(), 0.0f);
    for (int y = yb[oy]; y < ye[oy]; ++y) {
      const std::uint8_t* row = f.data + static_cast<std::size_t>(y) * f.stride;
      for (int ox = 0; ox < dw; ++ox) {
        float s = 0;
        if (rgb) {
          for (int x = xb[ox]; x < xe[ox]; ++x) {
            const std::uint8_t* p = row + 3 * x;
            s += 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
          }
        } else {
          for (int x = xb[ox]; x < xe[ox]; ++x) s += row[x];
        }
        (*row_acc)[ox] += s;
      }
    }
    for (int ox = 0; ox < dw; ++ox) {
      float n = static_cast<float>((ye[oy] - yb[oy]) * (xe[ox] - xb[ox]));
      dst[static_cast<std::size_t>(oy) * dw + ox] = (*row_acc)[ox] / n;
    }
  }
}

// Area-averages a float picture.
void ResampleFloat(const float* src, int sw, int sh, int dw, int dh, float* dst) {
  std::vector<int> xb, xe, yb, ye;
  BoxRanges(sw, dw, &xb, &xe);
  BoxRanges(sh, dh, &yb, &ye);
  for (int oy = 0; oy < dh; ++oy) {
    for (int ox = 0; ox < dw; ++ox) {
      float s = 0;
      for (int y = yb[oy]; y < ye[oy]; ++y) {
        const float* row = src + static_cast<std::size_t>(y) * sw;
        for (int x = xb[ox]; x < xe[ox]; ++x) s += row[x];
      }
      dst[static_cast<std::size_t>(oy) * dw + ox] =
          s / static_cast<float>((ye[oy] - yb[oy]) * (xe[ox] - xb[ox]));
    }
  }
}

// Mean absolute deviation from the mean.
float MeanAbsDeviation(const std::uint8_t* p, std::size_t n) {
  if (n == 0) return 0;
  double mean = 0;
  for (std::size_t i = 0; i < n; ++i) mean += p[i];
  mean /= static_cast<double>(n);
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += std::fabs(p[i] - mean);
  return static_cast<float>(s / static_cast<double>(n));
}

// Sum of absolute differences of an 8 × 8 block, giving up once above `limit`.
int BlockSad(const std::uint8_t* a, const std::uint8_t* b, int stride, int limit) {
  int s = 0;
  for (int y = 0; y < kBlock; ++y) {
    const std::uint8_t* ra = a + static_cast<std::size_t>(y) * stride;
    const std::uint8_t* rb = b + static_cast<std::size_t>(y) * stride;
    for (int x = 0; x < kBlock; ++x) s += std::abs(ra[x] - rb[x]);
    if (s >= limit) return s;
  }
  return s;
}

// How badly `cur` is predicted from `prev` (both w × h) by block matching within `radius`
// pixels: the mean absolute difference per pixel over the best-matched three quarters of the
// blocks (Shahraray 1995's order statistic: objects moving on their own do not count).
float BlockMatchDifference(const std::uint8_t* prev, const std::uint8_t* cur, int w, int h,
                           int radius) {
  const int nbx = w / kBlock, nby = h / kBlock;
  if (nbx == 0 || nby == 0) {  // too small for blocks: the plain difference
    double s = 0;
    for (int i = 0; i < w * h; ++i) s += std::abs(prev[i] - cur[i]);
    return static_cast<float>(s / std::max(1, w * h));
  }
  const int ox = (w - nbx * kBlock) / 2, oy = (h - nby * kBlock) / 2;
  std::vector<int> costs;
  costs.reserve(static_cast<std::size_t>(nbx) * nby);
  for (int by = 0; by < nby; ++by) {
    for (int bx = 0; bx < nbx; ++bx) {
      const int x0 = ox + bx * kBlock, y0 = oy + by * kBlock;
      const std::uint8_t* c = cur + static_cast<std::size_t>(y0) * w + x0;
      int best = BlockSad(prev + static_cast<std::size_t>(y0) * w + x0, c, w, 1 << 30);
      const int dy0 = std::max(-radius, -y0), dy1 = std::min(radius, h - kBlock - y0);
      const int dx0 = std::max(-radius, -x0), dx1 = std::min(radius, w - kBlock - x0);
      for (int dy = dy0; dy <= dy1 && best > 0; ++dy) {
        for (int dx = dx0; dx <= dx1; ++dx) {
          const std::uint8_t* p = prev + static_cast<std::size_t>(y0 + dy) * w + (x0 + dx);
          best = std::min(best, BlockSad(p, c, w, best));
        }
      }
      costs.push_back(best);
    }
  }
  std::sort(costs.begin(), costs.end());
  const std::size_t keep = std::max<std::size_t>(1, (costs.size() * 3 + 3) / 4);
  double s = 0;
  for (std::size_t i = 0; i < keep; ++i) s += costs[i];
  return static_cast<float>(s / (static_cast<double>(keep) * kBlock * kBlock));
}

float Percentile(std::vector<float> v, double q) {
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// Mean |Laplacian| of a picture over its contrast (mean absolute deviation): larger is sharper,
// independent of exposure.
float Sharpness(const float* pic, int w, int h) {
  const std::size_t n = static_cast<std::size_t>(w) * h;
  double mean = 0;
  for (std::size_t i = 0; i < n; ++i) mean += pic[i];
  mean /= static_cast<double>(n);
  double dev = 0;
  for (std::size_t i = 0; i < n; ++i) dev += std::fabs(pic[i] - mean);
  dev /= static_cast<double>(n);
  double lap = 0;
  int count = 0;
  for (int y = 1; y + 1 < h; ++y) {
    const float* r = pic + static_cast<std::size_t>(y) * w;
    for (int x = 1; x + 1 < w; ++x) {
      lap += std::fabs(4 * r[x] - r[x - 1] - r[x + 1] - r[x - w] - r[x + w]);
      ++count;
    }
  }
  return count ? static_cast<float>(lap / count / (dev + kContrastFloor)) : 0.0f;
}

}  // namespace

const char* TransitionKindName(TransitionKind kind) {
  switch (kind) {
    case TransitionKind::kCut:
      return "cut";
    case TransitionKind::kDissolve:
      return "dissolve";
    case TransitionKind::kFade:
      return "fade";
  }
  return "cut";
}

ShotDetector::ShotDetector(const ShotOptions& options) : options_(options) {}

void ShotDetector::Setup(int width, int height) {
  FitSize(width, height, kFineSide, &fine_w_, &fine_h_);
  FitSize(width, height, kWorkSide, &work_w_, &work_h_);
  FitSize(width, height, kMidSide, &mid_w_, &mid_h_);
  FitSize(width, height, FrameFeatures::kThumbSide, &thumb_w_, &thumb_h_);
  scales_.clear();
  for (int w = 2; w <= kMaxHalfWindow;
       w = std::max(w + 1, static_cast<int>(std::lround(w * 1.4)))) {
    scales_.push_back(w);
  }
}

const ShotDetector::Picture& ShotDetector::Recent(std::int64_t i) const {
  const std::int64_t oldest = static_cast<std::int64_t>(frames_.size() - recent_.size());
  return recent_[static_cast<std::size_t>(i - oldest)];
}

bool ShotDetector::IsMono(std::int64_t i) const {
  return frames_[static_cast<std::size_t>(i)].deviation < options_.mono_deviation;
}

Status ShotDetector::OnFrame(const media::Frame& frame) {
  if (!frame.data || frame.width <= 0 || frame.height <= 0) {
    return InvalidArgument("shot detection: a frame without pixels");
  }
  const int bpp = frame.layout == media::PixelLayout::kRgb24 ? 3 : 1;
  if (frame.stride < frame.width * bpp) return InvalidArgument("shot detection: bad frame stride");
  if (frames_.empty()) Setup(frame.width, frame.height);

  FrameFeatures f;
  f.number = static_cast<std::int64_t>(frames_.size());
  f.t = frames_.empty() ? frame.t : std::max(frame.t, frames_.back().t);

  // The fine picture (sharpness), the working picture (frame differences), the mid picture
  // (blend tests) and the thumbnail (kept for every frame).
  fine_.resize(static_cast<std::size_t>(fine_w_) * fine_h_);
  ResampleFrame(frame, fine_w_, fine_h_, &scratch_, fine_.data());
  std::vector<float> work(static_cast<std::size_t>(work_w_) * work_h_);
  ResampleFloat(fine_.data(), fine_w_, fine_h_, work_w_, work_h_, work.data());
  Picture pic;
  pic.mid.resize(static_cast<std::size_t>(mid_w_) * mid_h_);
  ResampleFloat(work.data(), work_w_, work_h_, mid_w_, mid_h_, pic.mid.data());
  std::vector<float> thumb(static_cast<std::size_t>(thumb_w_) * thumb_h_);
  ResampleFloat(pic.mid.data(), mid_w_, mid_h_, thumb_w_, thumb_h_, thumb.data());
  for (std::size_t i = 0; i < thumb.size(); ++i) {
    f.thumb[i] = static_cast<std::uint8_t>(std::clamp(std::lround(thumb[i]), 0L, 255L));
  }

  pic.pixels.resize(work.size());
  double sum = 0, sum2 = 0;
  for (std::size_t i = 0; i < work.size(); ++i) {
    pic.pixels[i] = static_cast<std::uint8_t>(std::clamp(std::lround(work[i]), 0L, 255L));
    sum += work[i];
    sum2 += static_cast<double>(work[i]) * work[i];
  }
  const double n = static_cast<double>(work.size());
  f.mean = static_cast<float>(sum / n);
  f.deviation = static_cast<float>(std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n))));
  pic.contrast = MeanAbsDeviation(pic.pixels.data(), pic.pixels.size());
  f.sharpness = Sharpness(fine_.data(), fine_w_, fine_h_);

  frames_.push_back(f);
  recent_.push_back(std::move(pic));
  // Keep pictures for the longest window (in time, and at most 2 kMaxHalfWindow + 1 frames) and
  // for the flash test.
  const std::size_t flash_keep =
      static_cast<std::size_t>(2 * std::max(1, options_.max_flash_frames) + 2);
  while (recent_.size() > flash_keep &&
         (recent_.size() > 2 * kMaxHalfWindow + 1 ||
          f.t - frames_[frames_.size() - recent_.size()].t > options_.max_transition_s + 0.5)) {
    recent_.pop_front();
  }

  const std::int64_t cur = static_cast<std::int64_t>(frames_.size()) - 1;
  if (cur >= 1) {
    const Picture& a = Recent(cur - 1);
    const Picture& b = Recent(cur);
    float d = BlockMatchDifference(a.pixels.data(), b.pixels.data(), work_w_, work_h_,
                                   options_.search_radius);
    frames_.back().change = d / (0.5f * (a.contrast + b.contrast) + kContrastFloor);
  }
  // The flash test of the frame max_flash_frames back now has all the frames it needs.
  const std::int64_t lag = std::max(1, options_.max_flash_frames);
  if (cur >= lag) ComputeBridge(static_cast<std::size_t>(cur - lag));
  TestWindows();
  return Status::Ok();
}

// For a cut candidate at frame i (a big change from i − 1), the least normalised difference
// between a frame before it and a frame after it at most max_flash_frames + 1 apart, other than
// (i − 1, i) itself: small when the picture returns after a short spike.
void ShotDetector::ComputeBridge(std::size_t i) {
  FrameFeatures& f = frames_[i];
  if (i == 0 || f.change < options_.cut_threshold * 0.8) return;
  const std::int64_t last = static_cast<std::int64_t>(frames_.size()) - 1;
  const std::int64_t oldest = last - static_cast<std::int64_t>(recent_.size()) + 1;
  const int span = std::max(1, options_.max_flash_frames) + 1;
  const std::int64_t ii = static_cast<std::int64_t>(i);
  float best = -1;
  for (std::int64_t a = ii - 1; a >= ii - span && a >= oldest; --a) {
    for (std::int64_t b = ii; b <= last && b - a <= span; ++b) {
      if (a == ii - 1 && b == ii) continue;
      const Picture& pa = Recent(a);
      const Picture& pb = Recent(b);
      const int radius =
          std::min(2 * options_.search_radius, options_.search_radius * static_cast<int>(b - a));
      float d = BlockMatchDifference(pa.pixels.data(), pb.pixels.data(), work_w_, work_h_, radius) /
                (0.5f * (pa.contrast + pb.contrast) + kContrastFloor);
      if (best < 0 || d < best) best = d;
    }
  }
  f.bridge = best;
}

std::vector<std::int64_t> ShotDetector::DecideCuts() const {
  std::vector<std::int64_t> cuts;
  const std::int64_t n = static_cast<std::int64_t>(frames_.size());
  const int k = std::max(2, options_.context_frames);
  std::vector<float> context;
  for (std::int64_t i = 1; i < n; ++i) {
    const FrameFeatures& f = frames_[static_cast<std::size_t>(i)];
    if (f.change < options_.cut_threshold) continue;
    context.clear();
    for (std::int64_t j = std::max<std::int64_t>(1, i - k); j <= std::min(n - 1, i + k); ++j) {
      if (j != i) context.push_back(frames_[static_cast<std::size_t>(j)].change);
    }
    const float level = Percentile(context, 0.75);
    if (f.change < options_.cut_context_ratio * level) continue;
    // A flash: across it, the picture is back to what it was (as near as the motion around allows).
    if (f.bridge >= 0 && f.bridge < 0.5f * f.change && f.bridge < 4 * level + 0.1f) continue;
    if (!cuts.empty() && cuts.back() == i - 1) {
      // Two changes in a row (one odd frame): keep the stronger.
      if (frames_[static_cast<std::size_t>(cuts.back())].change >= f.change) continue;
      cuts.back() = i;
      continue;
    }
    cuts.push_back(i);
  }
  return cuts;
}

std::int64_t ShotDetector::ChooseKeyframe(std::int64_t first, std::int64_t last) const {
  const int p = thumb_w_ * thumb_h_;
  std::vector<std::int64_t> cand;
  for (std::int64_t i = first; i <= last; ++i) {
    if (!IsMono(i)) cand.push_back(i);
  }
  if (cand.empty()) return first + (last - first) / 2;
  std::vector<double> mean(static_cast<std::size_t>(p), 0.0);
  for (std::int64_t i : cand) {
    const auto& th = frames_[static_cast<std::size_t>(i)].thumb;
    for (int k = 0; k < p; ++k) mean[k] += th[k];
  }
  for (double& m : mean) m /= static_cast<double>(cand.size());
  std::vector<double> dist;
  double max_dist = 0, max_sharp = 1e-6;
  for (std::int64_t i : cand) {
    const FrameFeatures& f = frames_[static_cast<std::size_t>(i)];
    double d2 = 0;
    for (int k = 0; k < p; ++k) d2 += (f.thumb[k] - mean[k]) * (f.thumb[k] - mean[k]);
    dist.push_back(std::sqrt(d2 / p));
    max_dist = std::max(max_dist, dist.back());
    max_sharp = std::max(max_sharp, static_cast<double>(f.sharpness));
  }
  std::int64_t best = cand[0];
  double best_score = -1e300;
  for (std::size_t k = 0; k < cand.size(); ++k) {
    const FrameFeatures& f = frames_[static_cast<std::size_t>(cand[k])];
    // Typicality counts only beyond a few levels: closer than that, frames are alike.
    const double typ = std::max(0.0, dist[k] - 3.0) / std::max(3.0, max_dist - 3.0);
    const double score = f.sharpness / max_sharp - 0.7 * typ;
    if (score > best_score) {
      best_score = score;
      best = cand[k];
    }
  }
  return best;
}

ShotList ShotDetector::Finish() {
  ShotList list;
  const std::int64_t n = static_cast<std::int64_t>(frames_.size());
  list.frames = n;
  if (n == 0) return list;
  // Flash tests of the last frames, with what follows them.
  const std::size_t lag = static_cast<std::size_t>(std::max(1, options_.max_flash_frames));
  for (std::size_t i = frames_.size() > lag ? frames_.size() - lag : 0; i < frames_.size(); ++i) {
    if (frames_[i].bridge < 0) ComputeBridge(i);
  }

  // Gradual transitions first; a cut candidate within one (a fade's darkest frames change a lot
  // relative to their little contrast) is part of it.
  // Elsewhere, a cut inside a "gradual transition" shows that the blend fit was fooled by motion
  // on either side of the cut: the cut stands and the gradual transition goes.
  std::vector<Transition> gradual;
  FindGradual(&gradual);
  std::vector<bool> drop(gradual.size(), false);
  std::vector<Transition> found;
  for (std::int64_t c : DecideCuts()) {
    bool keep = true;
    for (std::size_t k = 0; k < gradual.size(); ++k) {
      if (c < gradual[k].start_frame - 1 || c > gradual[k].end_frame + 1) continue;
      const bool dim =
          frames_[static_cast<std::size_t>(c)].deviation < 3 * options_.mono_deviation ||
          frames_[static_cast<std::size_t>(c - 1)].deviation < 3 * options_.mono_deviation;
      if (dim) {
        keep = false;
      } else {
        drop[k] = true;
      }
    }
    if (!keep) continue;
    Transition tr;
    tr.start_frame = tr.end_frame = c;
    found.push_back(tr);
  }
  for (std::size_t k = 0; k < gradual.size(); ++k) {
    if (!drop[k]) found.push_back(gradual[k]);
  }
  std::sort(found.begin(), found.end(),
            [](const Transition& x, const Transition& y) { return x.start_frame < y.start_frame; });

  // Transitions separated only by one-colour frames are one (a fade out, black, a fade in).
  auto all_mono = [&](std::int64_t from, std::int64_t to) {  // [from, to)
    for (std::int64_t i = from; i < to; ++i) {
      if (!IsMono(i)) return false;
    }
    return true;
  };
  auto dim = [&](std::int64_t from, std::int64_t to) {  // [from, to) nearly one colour
    for (std::int64_t i = from; i < to; ++i) {
      if (frames_[static_cast<std::size_t>(i)].deviation >= 3 * options_.mono_deviation) {
        return false;
      }
    }
    return true;
  };
  std::vector<Transition> merged;
  for (const Transition& tr : found) {
    if (!merged.empty()) {
      Transition& last = merged.back();
      // Pieces of one gradual transition (its windows did not all pass) are one.
      if (tr.kind != TransitionKind::kCut && last.kind != TransitionKind::kCut &&
          tr.start_frame >= last.end_frame &&
          (tr.start_frame - last.end_frame <= 3 || dim(last.end_frame, tr.start_frame))) {
        last.end_frame = tr.end_frame;
        if (tr.kind == TransitionKind::kFade) last.kind = TransitionKind::kFade;
        continue;
      }
      if (tr.start_frame >= last.end_frame && all_mono(last.end_frame, tr.start_frame) &&
          (last.end_frame < tr.start_frame || IsMono(tr.start_frame) ||
           IsMono(last.end_frame - 1))) {
        last.end_frame = tr.end_frame;
        last.kind = TransitionKind::kFade;
        continue;
      }
      if (tr.start_frame <= last.end_frame) {
        // Overlap (a cut at a gradual transition's end): the cut wins.
        if (tr.kind == TransitionKind::kCut) last = tr;
        continue;
      }
    }
    merged.push_back(tr);
  }
  // A transition needs pictures on both sides (a fade in from black at the start, or out at the
  // end, belongs to the shot); a dip to one colour after which the picture is what it was is no
  // boundary.
  const int p = thumb_w_ * thumb_h_;
  std::vector<Transition> kept;
  for (Transition tr : merged) {
    if (tr.start_frame < 1 || tr.end_frame >= n) continue;
    if (all_mono(0, tr.start_frame) || all_mono(tr.end_frame, n)) continue;
    if (!all_mono(tr.start_frame, tr.start_frame) && tr.kind != TransitionKind::kFade) {
      for (std::int64_t i = tr.start_frame; i < tr.end_frame; ++i) {
        if (IsMono(i)) tr.kind = TransitionKind::kFade;
      }
    }
    if (tr.kind == TransitionKind::kFade) {
      std::int64_t before = tr.start_frame - 1, after = tr.end_frame;
      while (before > 0 && IsMono(before)) --before;
      while (after < n - 1 && IsMono(after)) ++after;
      const auto& fa = frames_[static_cast<std::size_t>(before)].thumb;
      const auto& fb = frames_[static_cast<std::size_t>(after)].thumb;
      double d2 = 0;
      for (int k = 0; k < p; ++k) d2 += (fa[k] - fb[k]) * (fa[k] - fb[k]);
      if (std::sqrt(d2 / p) < options_.min_blend_change) continue;
    }
    // A blend over one or two frames inside a shot is motion that happened to fit, not an edit.
    if (tr.kind == TransitionKind::kDissolve && tr.end_frame - tr.start_frame < 2) continue;
    tr.start = frames_[static_cast<std::size_t>(tr.start_frame)].t;
    tr.end = frames_[static_cast<std::size_t>(tr.end_frame)].t;
    kept.push_back(tr);
  }

  // Shots between the transitions.
  std::vector<float> gaps;
  for (std::int64_t i = std::max<std::int64_t>(1, n - 50); i < n; ++i) {
    gaps.push_back(static_cast<float>(frames_[static_cast<std::size_t>(i)].t -
                                      frames_[static_cast<std::size_t>(i - 1)].t));
  }
  const double last_duration = gaps.empty() ? 0.0 : Percentile(gaps, 0.5);
  std::int64_t first = 0;
  for (std::size_t k = 0; k <= kept.size(); ++k) {
    const std::int64_t last = k < kept.size() ? kept[k].start_frame - 1 : n - 1;
    Shot s;
    s.first_frame = first;
    s.last_frame = std::max(first, last);
    s.start = frames_[static_cast<std::size_t>(first)].t;
    s.end = k < kept.size() ? kept[k].start : frames_.back().t + last_duration;
    s.keyframe = ChooseKeyframe(s.first_frame, s.last_frame);
    s.keyframe_t = frames_[static_cast<std::size_t>(s.keyframe)].t;
    list.shots.push_back(s);
    if (k < kept.size()) first = kept[k].end_frame;
  }
  list.transitions = std::move(kept);
  return list;
}

namespace {

class ProgressConsumer : public media::FrameConsumer {
 public:
  ProgressConsumer(ShotDetector& detector, const std::function<void(double)>& on_frame)
      : detector_(detector), on_frame_(on_frame) {}
  Status OnFrame(const media::Frame& frame) override {
    if (on_frame_) on_frame_(frame.t);
    return detector_.OnFrame(frame);
  }

 private:
  ShotDetector& detector_;
  const std::function<void(double)>& on_frame_;
};

}  // namespace

Result<ShotAnalysis> AnalyzeShots(const std::string& path, const ShotOptions& options,
                                  const std::function<void(double)>& on_frame) {
  media::FrameSourceOptions fo;
  fo.sampling = media::Sampling::kEveryFrame;
  fo.layout = media::PixelLayout::kGray8;
  fo.max_side = kShotFrameSide;
  ShotDetector detector(options);
  ProgressConsumer consumer(detector, on_frame);
  auto decoded = media::DecodeFrames(path, fo, consumer);
  if (!decoded.ok()) return decoded.status();
  ShotAnalysis a;
  a.list = detector.Finish();
  a.frames = detector.frames();
  a.thumb_width = detector.thumb_width();
  a.thumb_height = detector.thumb_height();
  a.decode = std::move(decoded).value();
  return a;
}

}  // namespace sightline::signals::visual
