#include "analysis/match/candidates.h"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>

namespace sightline::analysis::match {

namespace sv = signals::visual;

std::array<std::vector<FrameCandidate>, kPdqClasses> PdqCandidates(const sv::MatchSignature& a,
                                                                   const sv::MatchSignature& b,
                                                                   const PdqCandidateOptions& o) {
  std::array<std::vector<FrameCandidate>, kPdqClasses> out;
  const int k = std::max(1, o.per_frame);
  // Per class, the k nearest B frames of the current A frame: (distance, b), sorted.
  std::vector<std::pair<int, int>> best(static_cast<std::size_t>(kPdqClasses) * k);
  std::array<int, kPdqClasses> count{};
  for (std::size_t i = 0; i < a.frames.size(); ++i) {
    const sv::SignatureFrame& fa = a.frames[i];
    const bool a_full_ok = fa.full_quality >= o.min_quality;
    const bool a_content_ok = fa.content_quality >= o.min_quality;
    if (!a_full_ok && !a_content_ok) continue;
    count.fill(0);
    for (std::size_t j = 0; j < b.frames.size(); ++j) {
      const sv::SignatureFrame& fb = b.frames[j];
      const bool content_differs = !(fa.box.IsFull() && fb.box.IsFull());
      for (int cls = 0; cls < kPdqClasses; ++cls) {
        const bool content = cls >= 8;
        const int d = cls & 7;
        if (content) {
          if (!content_differs || !a_content_ok || fb.content_quality < o.min_quality) continue;
        } else if (!a_full_ok || fb.full_quality < o.min_quality) {
          continue;
        }
        const int dist = content ? Hamming256(fa.content[d].data(), fb.content[0].data())
                                 : Hamming256(fa.full[d].data(), fb.full[0].data());
        if (dist > o.radius) continue;
        auto* list = &best[static_cast<std::size_t>(cls) * k];
        int& n = count[cls];
        if (n == k && dist >= list[k - 1].first) continue;
        int pos = n < k ? n++ : k - 1;
        while (pos > 0 && list[pos - 1].first > dist) {
          list[pos] = list[pos - 1];
          --pos;
        }
        list[pos] = {dist, static_cast<int>(j)};
      }
    }
    for (int cls = 0; cls < kPdqClasses; ++cls) {
      const auto* list = &best[static_cast<std::size_t>(cls) * k];
      for (int m = 0; m < count[cls]; ++m) {
        FrameCandidate c;
        c.a = static_cast<int>(i);
        c.b = list[m].second;
        c.ta = fa.t;
        c.tb = b.frames[c.b].t;
        c.distance = list[m].first;
        c.weight = static_cast<float>(1.0 - 0.7 * c.distance / std::max(1, o.radius));
        out[cls].push_back(c);
      }
    }
  }
  return out;
}

OrbIndex::OrbIndex(const sv::MatchSignature& sig) {
  for (std::size_t f = 0; f < sig.orb.size(); ++f) {
    for (std::size_t p = 0; p < sig.orb[f].points.size(); ++p) {
      refs_.push_back({static_cast<std::uint32_t>(f), static_cast<std::uint32_t>(p)});
    }
  }
  seen_.assign(refs_.size(), 0);
  if (refs_.empty()) return;
  for (int t = 0; t < kTables; ++t) {
    std::vector<std::uint32_t>& off = offsets_[t];
    off.assign(65537, 0);
    auto key = [&](const Ref& r) {
      const std::uint8_t* d = sig.orb[r.frame].Descriptor(r.point);
      return d[2 * t] | (static_cast<std::uint32_t>(d[2 * t + 1]) << 8);
    };
    for (const Ref& r : refs_) ++off[key(r) + 1];
    for (int k = 0; k < 65536; ++k) off[k + 1] += off[k];
    std::vector<std::uint32_t> fill(off.begin(), off.end() - 1);
    ids_[t].resize(refs_.size());
    for (std::uint32_t id = 0; id < refs_.size(); ++id) ids_[t][fill[key(refs_[id])]++] = id;
  }
}

namespace {

struct Match {
  int pa, pb, distance;
};

// Fits A → B (pixels) to `matches`; returns the inlier count (0 when nothing plausible).
int FitPair(const sv::OrbFrame& fa, const sv::OrbFrame& fb, const std::vector<Match>& matches,
            const OrbCandidateOptions& o, Homography* h_norm, double* mean_distance) {
  std::vector<cv::Point2f> src, dst;
  src.reserve(matches.size());
  dst.reserve(matches.size());
  for (const Match& m : matches) {
    src.emplace_back(fa.points[m.pa].x, fa.points[m.pa].y);
    dst.emplace_back(fb.points[m.pb].x, fb.points[m.pb].y);
  }
  const double thr = std::max(1.5, o.reprojection * std::max(fb.width, fb.height));
  const Homography to_norm = Homography::Scale(1.0 / fb.width, 1.0 / fb.height);
  const Homography from_norm = Homography::Scale(fa.width, fa.height);
  auto evaluate = [&](const cv::Mat& model, const std::vector<unsigned char>& mask, Homography* out,
                      double* md) {
    if (model.empty()) return 0;
    Homography px;
    if (model.rows == 2) {
      px.m = {model.at<double>(0, 0),
              model.at<double>(0, 1),
              model.at<double>(0, 2),
              model.at<double>(1, 0),
              model.at<double>(1, 1),
              model.at<double>(1, 2),
              0,
              0,
              1};
    } else {
      for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) px.m[r * 3 + c] = model.at<double>(r, c);
      }
    }
    Homography n = to_norm.After(px).After(from_norm);
    if (!PlausibleEdit(n, o.min_area, o.max_area)) return 0;
    int inliers = 0;
    double dsum = 0;
    for (std::size_t i = 0; i < mask.size(); ++i) {
      if (mask[i]) {
        ++inliers;
        dsum += matches[i].distance;
      }
    }
    *out = n;
    *md = inliers ? dsum / inliers : 0;
    return inliers;
  };
  // A similarity first: it is the usual edit (crop, scale, inset), needs two points per
  // sample (so a few hundred RANSAC rounds suffice) and rejects unrelated frames cheaply. Only
  // when it finds a plausible map is a homography tried (a screen filmed at an angle), and kept
  // when it explains clearly more.
  int best = 0;
  {
    std::vector<unsigned char> mask;
    cv::Mat am = cv::estimateAffinePartial2D(src, dst, mask, cv::RANSAC, thr, 500, 0.995);
    best = evaluate(am, mask, h_norm, mean_distance);
  }
  if (best < o.min_inliers) return 0;
  {
    std::vector<unsigned char> mask;
    cv::Mat hm = cv::findHomography(src, dst, cv::RANSAC, thr, mask, 2000, 0.995);
    Homography h;
    double md = 0;
    const int n = evaluate(hm, mask, &h, &md);
    if (n > best * 1.15) {
      best = n;
      *h_norm = h;
      *mean_distance = md;
    }
  }
  return best;
}

}  // namespace

std::vector<OrbCandidate> OrbCandidates(const sv::MatchSignature& a, const sv::MatchSignature& b,
                                        const OrbIndex& index, const OrbCandidateOptions& o) {
  std::vector<OrbCandidate> out;
  if (a.orb.empty() || b.orb.empty() || index.size() == 0) return out;
  struct Best {
    int frame, best, point, second;
  };
  std::vector<Best> touched;
  std::vector<std::vector<Match>> per_b(b.orb.size());
  constexpr int kTopPerA = 4;  // B frames tried per A frame (most tentative matches first)
  for (std::size_t fa = 0; fa < a.orb.size(); ++fa) {
    const sv::OrbFrame& af = a.orb[fa];
    for (auto& v : per_b) v.clear();
    for (std::size_t p = 0; p < af.points.size(); ++p) {
      const std::uint8_t* d = af.Descriptor(p);
      touched.clear();
      index.ForEachCandidate(d, [&](std::uint32_t f, std::uint32_t q) {
        const int dist = Hamming256(d, b.orb[f].Descriptor(q));
        for (Best& t : touched) {
          if (t.frame != static_cast<int>(f)) continue;
          if (dist < t.best) {
            t.second = t.best;
            t.best = dist;
            t.point = static_cast<int>(q);
          } else if (dist < t.second) {
            t.second = dist;
          }
          return;
        }
        touched.push_back({static_cast<int>(f), dist, static_cast<int>(q), 256});
      });
      for (const Best& t : touched) {
        if (t.best > o.max_distance) continue;
        if (t.best > o.ratio * t.second) continue;
        per_b[t.frame].push_back({static_cast<int>(p), t.point, t.best});
      }
    }
    // One A point per B point: keep the closest.
    std::vector<std::pair<int, int>> order;  // (matches, b frame)
    for (std::size_t fb = 0; fb < per_b.size(); ++fb) {
      auto& v = per_b[fb];
      if (static_cast<int>(v.size()) < o.min_matches) continue;
      std::sort(v.begin(), v.end(), [](const Match& x, const Match& y) {
        return x.pb != y.pb ? x.pb < y.pb : x.distance < y.distance;
      });
      v.erase(std::unique(v.begin(), v.end(),
                          [](const Match& x, const Match& y) { return x.pb == y.pb; }),
              v.end());
      if (static_cast<int>(v.size()) >= o.min_matches) {
        order.push_back({static_cast<int>(v.size()), static_cast<int>(fb)});
      }
    }
    std::sort(order.rbegin(), order.rend());
    if (order.size() > kTopPerA) order.resize(kTopPerA);
    for (const auto& [n, fb] : order) {
      OrbCandidate c;
      c.a = static_cast<int>(fa);
      c.b = fb;
      c.ta = af.t;
      c.tb = b.orb[fb].t;
      c.matches = n;
      c.inliers = FitPair(af, b.orb[fb], per_b[fb], o, &c.h, &c.mean_distance);
      if (c.inliers >= o.min_inliers && c.inliers >= o.min_inlier_ratio * n) out.push_back(c);
    }
  }
  return out;
}

}  // namespace sightline::analysis::match
