#include "signals/visual/keyframes.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sightline::signals::visual {

namespace {

// A long shot adds a frame for every this many seconds (or clip duration / max_count, if longer).
constexpr double kMinPieceSeconds = 10.0;

struct Candidate {
  std::int64_t frame;
  int shot;
  double weight;  // how much of the clip it stands for (seconds)
};

double MeanAbsDifference(const FrameFeatures& a, const FrameFeatures& b, int n) {
  double s = 0;
  for (int k = 0; k < n; ++k) s += std::abs(a.thumb[k] - b.thumb[k]);
  return n > 0 ? s / n : 0;
}

}  // namespace

std::vector<Keyframe> SelectKeyframes(const ShotList& shots,
                                      const std::vector<FrameFeatures>& frames, int thumb_width,
                                      int thumb_height, const KeyframeOptions& options) {
  std::vector<Keyframe> out;
  if (shots.shots.empty() || frames.empty() || options.max_count <= 0) return out;
  const int n = thumb_width * thumb_height;
  const std::size_t max_count = static_cast<std::size_t>(options.max_count);
  auto feat = [&](std::int64_t i) -> const FrameFeatures& {
    return frames[static_cast<std::size_t>(
        std::clamp<std::int64_t>(i, 0, static_cast<std::int64_t>(frames.size()) - 1))];
  };
  const double clip_start = shots.shots.front().start, clip_end = shots.shots.back().end;
  const double span = std::max(1e-6, clip_end - clip_start);
  const double stretch = span / static_cast<double>(max_count);

  // 1. One per shot (not for one-colour shots).
  std::vector<Candidate> primary;
  for (std::size_t k = 0; k < shots.shots.size(); ++k) {
    const Shot& s = shots.shots[k];
    bool any = false;
    for (std::int64_t i = s.first_frame; i <= s.last_frame && !any; ++i) {
      any = feat(i).deviation >= 3.0f;
    }
    if (any) primary.push_back({s.keyframe, static_cast<int>(k), s.end - s.start});
  }
  std::vector<Candidate> chosen, extra;
  if (primary.size() > max_count) {
    // 2. The longest shot's keyframe in each stretch, then the longest remaining shots.
    std::vector<bool> used(primary.size(), false);
    auto duplicate = [&](const Candidate& c) {
      for (const Candidate& a : chosen) {
        if (MeanAbsDifference(feat(a.frame), feat(c.frame), n) < options.min_difference) {
          return true;
        }
      }
      return false;
    };
    for (std::size_t b = 0; b < max_count; ++b) {
      const double lo = clip_start + stretch * static_cast<double>(b), hi = lo + stretch;
      int best = -1;
      for (std::size_t k = 0; k < primary.size(); ++k) {
        const double t = feat(primary[k].frame).t;
        if (used[k] || t < lo || t >= hi || duplicate(primary[k])) continue;
        if (best < 0 || primary[k].weight > primary[static_cast<std::size_t>(best)].weight) {
          best = static_cast<int>(k);
        }
      }
      if (best >= 0) {
        used[static_cast<std::size_t>(best)] = true;
        chosen.push_back(primary[static_cast<std::size_t>(best)]);
      }
    }
    for (std::size_t k = 0; k < primary.size(); ++k) {
      if (!used[k]) extra.push_back(primary[k]);
    }
    std::stable_sort(extra.begin(), extra.end(),
                     [](const Candidate& a, const Candidate& b) { return a.weight > b.weight; });
  } else {
    chosen = primary;
    // 3. Long shots add their best frame in each further stretch they cover.
    for (const Candidate& c : primary) {
      const Shot& s = shots.shots[static_cast<std::size_t>(c.shot)];
      const int pieces =
          static_cast<int>(std::floor((s.end - s.start) / std::max(stretch, kMinPieceSeconds)));
      if (pieces < 2) continue;
      const std::int64_t len = s.last_frame - s.first_frame + 1;
      for (int p = 0; p < pieces; ++p) {
        const std::int64_t lo = s.first_frame + len * p / pieces;
        const std::int64_t hi = s.first_frame + len * (p + 1) / pieces;  // exclusive
        if (c.frame >= lo && c.frame < hi) continue;  // the shot's keyframe covers this piece
        std::int64_t best = -1;
        for (std::int64_t i = lo; i < hi; ++i) {
          if (feat(i).deviation < 3.0f) continue;
          if (best < 0 || feat(i).sharpness > feat(best).sharpness) best = i;
        }
        if (best >= 0) extra.push_back({best, c.shot, (s.end - s.start) / pieces});
      }
    }
    // Farthest from what is chosen first, so extra frames spread out.
    std::vector<Candidate> ordered;
    std::vector<bool> taken(extra.size(), false);
    std::vector<double> times;
    for (const Candidate& c : chosen) times.push_back(feat(c.frame).t);
    for (std::size_t round = 0; round < extra.size(); ++round) {
      int best = -1;
      double best_gap = -1;
      for (std::size_t k = 0; k < extra.size(); ++k) {
        if (taken[k]) continue;
        double gap = 1e300;
        for (double t : times) gap = std::min(gap, std::fabs(t - feat(extra[k].frame).t));
        if (gap > best_gap) {
          best_gap = gap;
          best = static_cast<int>(k);
        }
      }
      taken[static_cast<std::size_t>(best)] = true;
      ordered.push_back(extra[static_cast<std::size_t>(best)]);
      times.push_back(feat(ordered.back().frame).t);
    }
    extra = std::move(ordered);
  }

  // 4. Accept in priority order, dropping near-duplicates of anything accepted.
  std::vector<Candidate> accepted;
  auto consider = [&](const Candidate& c) {
    if (accepted.size() >= max_count) return;
    for (const Candidate& a : accepted) {
      if (a.frame == c.frame ||
          MeanAbsDifference(feat(a.frame), feat(c.frame), n) < options.min_difference) {
        return;
      }
    }
    accepted.push_back(c);
  };
  for (const Candidate& c : chosen) consider(c);
  for (const Candidate& c : extra) consider(c);
  std::sort(accepted.begin(), accepted.end(),
            [](const Candidate& a, const Candidate& b) { return a.frame < b.frame; });
  for (const Candidate& c : accepted) out.push_back({feat(c.frame).t, c.frame, c.shot});
  return out;
}

namespace {

class FrameGrabber : public media::FrameConsumer {
 public:
  explicit FrameGrabber(const std::vector<std::int64_t>& numbers) : numbers_(numbers) {}
  Status OnFrame(const media::Frame& frame) override {
    while (next_ < numbers_.size() && numbers_[next_] < frame.index) ++next_;
    if (next_ < numbers_.size() && numbers_[next_] == frame.index) {
      pictures.push_back(media::Image::FromFrame(frame));
      ++next_;
    }
    if (next_ >= numbers_.size()) {
      done = true;
      return Status(StatusCode::kInternal, "enough frames");  // stops decoding
    }
    return Status::Ok();
  }
  std::vector<media::Image> pictures;
  bool done = false;

 private:
  const std::vector<std::int64_t>& numbers_;
  std::size_t next_ = 0;
};

}  // namespace

Result<std::vector<media::Image>> ReadFramePictures(const std::string& path,
                                                    const std::vector<std::int64_t>& numbers,
                                                    int max_side) {
  if (numbers.empty()) return std::vector<media::Image>{};
  media::FrameSourceOptions fo;
  fo.sampling = media::Sampling::kEveryFrame;
  fo.layout = media::PixelLayout::kRgb24;
  fo.max_side = max_side;
  FrameGrabber grabber(numbers);
  auto decoded = media::DecodeFrames(path, fo, grabber);
  if (!decoded.ok() && !grabber.done) return decoded.status();
  return std::move(grabber.pictures);
}

Result<KeyframeChoice> ChooseKeyframes(const std::string& path, const KeyframeOptions& options,
                                       bool middle_if_none,
                                       const std::function<void(double)>& on_frame) {
  SL_ASSIGN_OR_RETURN(ShotAnalysis analysis, AnalyzeShots(path, {}, on_frame));
  KeyframeChoice out;
  out.shots = analysis.list.shots.size();
  out.chosen = SelectKeyframes(analysis.list, analysis.frames, analysis.thumb_width,
                               analysis.thumb_height, options);
  if (out.chosen.empty() && middle_if_none && !analysis.frames.empty()) {
    const std::size_t middle = analysis.frames.size() / 2;
    out.chosen.push_back({analysis.frames[middle].t, static_cast<std::int64_t>(middle), 0});
  }
  return out;
}

}  // namespace sightline::signals::visual
