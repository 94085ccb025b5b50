#include "analysis/match/match.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <numeric>

#include "analysis/match/time_lines.h"
#include "analysis/match/verify.h"

namespace sightline::analysis::match {

namespace sv = signals::visual;

namespace {

const char* TransformName(int d) {
  static const char* const kNames[] = {"none",       "rotate90ccw",   "rotate180",
                                       "rotate90cw", "flip_vertical", "mirror",
                                       "transpose",  "antitranspose"};
  return d >= 0 && d < 8 ? kNames[d] : "geometric";
}

struct Hypothesis {
  Homography map;
  int dihedral = -1;  // -1: a geometric map from ORB
  std::string method;
  double s = 1, o = 0, votes = 0;
  std::vector<TimePoint> support;
};

std::string Fmt(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Fmt(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

double MeanSim(const AlignedSampler& sampler, const sv::MatchSignature& a, double s, double o,
               int first, int last);

// How well a line aligns A and B over A frames [first, last]: the mean appearance correlation
// (on at most ~48 frames) plus the motion correlation where both sides move. Appearance alone
// is flat over offsets in a scene with a still background; motion pins the offset down.
double AlignmentScore(const AlignedSampler& sampler, const sv::MatchSignature& a, double s,
                      double o, int first, int last, double motion_energy) {
  MotionStats m = LineMotion(sampler, a, s, o, first, last, 0.5);
  double motion = 0;
  if (std::min(m.energy_a, m.energy_b) >= motion_energy / 3) motion = m.pooled_correlation;
  return MeanSim(sampler, a, s, o, first, last) + motion;
}

// Mean appearance along a line over A frames [first, last], using at most ~48 of them.
double MeanSim(const AlignedSampler& sampler, const sv::MatchSignature& a, double s, double o,
               int first, int last) {
  const int n = last - first + 1;
  if (n <= 0) return -2;
  const int step = std::max(1, n / 48);
  double sum = 0;
  int count = 0;
  std::vector<float> va(sampler.size()), vb(sampler.size());
  for (int i = first; i <= last; i += step) {
    if (!sampler.SampleB(s * a.frames[i].t + o, vb.data())) continue;
    sampler.SampleA(i, va.data());
    double c = TrimmedCorrelation(va.data(), vb.data(), sampler.size());
    if (std::isnan(c)) continue;
    sum += c;
    ++count;
  }
  return count ? sum / count : -2;
}

int FrameAtOrAfter(const sv::MatchSignature& sig, double t) {
  auto it = std::lower_bound(sig.frames.begin(), sig.frames.end(), t,
                             [](const sv::SignatureFrame& f, double v) { return f.t < v; });
  return static_cast<int>(it - sig.frames.begin());
}

// Refines (s, o) to the values that best align the thumbnails around the support.
// Refines the line on A's frames over [lo, hi] seconds (and `margin` beyond).
void RefineOver(const AlignedSampler& sampler, const sv::MatchSignature& a, const MatchOptions& opt,
                double lo, double hi, double margin, Hypothesis* h) {
  const int first = std::max(0, FrameAtOrAfter(a, lo - margin));
  const int last = std::min(static_cast<int>(a.frames.size()) - 1, FrameAtOrAfter(a, hi + margin));
  if (last < first) return;
  const double c = (lo + hi) / 2;
  double m = h->s * c + h->o, s = h->s;
  auto eval = [&](double ss, double mm) {
    return AlignmentScore(sampler, a, ss, mm - ss * c, first, last, opt.motion_energy);
  };
  double best = eval(s, m);
  auto search_m = [&](double range, double step) {
    double bm = m;
    for (double d = -range; d <= range + 1e-9; d += step) {
      double v = eval(s, m + d);
      if (v > best + 1e-6) {
        best = v;
        bm = m + d;
      }
    }
    m = bm;
  };
  search_m(0.5, 0.125);
  if (hi - lo >= 4.0) {
    double bs = s, unit = -1e9;
    for (int k = -6; k <= 7; ++k) {
      const double ss = k == 7 ? 1.0 : s + 0.01 * k;
      if (ss < opt.min_speed - 1e-9 || ss > opt.max_speed + 1e-9) continue;
      double v = eval(ss, m);
      if (std::abs(ss - 1) < 1e-9) unit = std::max(unit, v);
      if (v > best + 1e-6) {
        best = v;
        bs = ss;
      }
    }
    // The clip's own speed unless another is clearly better.
    s = unit >= best - 0.01 ? 1.0 : bs;
  }
  search_m(0.1, 0.025);
  h->s = s;
  h->o = m - s * c;
}

// Refines the line over the time its support spans, and a second beyond: candidate pairs are
// only sample-accurate.
void Refine(const AlignedSampler& sampler, const sv::MatchSignature& a, const MatchOptions& opt,
            Hypothesis* h) {
  if (h->support.empty()) return;
  double lo = 1e18, hi = -1e18;
  for (const TimePoint& p : h->support) {
    lo = std::min(lo, p.ta);
    hi = std::max(hi, p.ta);
  }
  RefineOver(sampler, a, opt, lo, hi, 1.0, h);
}

// Runs of agreeing frames along the line: [first sample, last sample] indices into `samples`.
std::vector<std::pair<int, int>> Runs(const std::vector<LineSample>& samples, double threshold,
                                      double max_gap) {
  std::vector<std::pair<int, int>> runs;
  int start = -1, last_good = -1;
  for (int k = 0; k < static_cast<int>(samples.size()); ++k) {
    const LineSample& s = samples[k];
    const bool good = !std::isnan(s.sim) && s.sim >= threshold;
    if (!good) continue;
    if (start >= 0 && s.ta - samples[last_good].ta > max_gap) {
      runs.push_back({start, last_good});
      start = -1;
    }
    if (start < 0) start = k;
    last_good = k;
  }
  if (start >= 0) runs.push_back({start, last_good});
  return runs;
}

std::array<double, 4> RegionOf(const Homography& map, const sv::NormBox& box) {
  std::array<double, 4> r{1e9, 1e9, -1e9, -1e9};
  for (Point2 c : {Point2{box.x0, box.y0}, Point2{box.x1, box.y0}, Point2{box.x0, box.y1},
                   Point2{box.x1, box.y1}}) {
    Point2 p;
    if (!map.Apply(c, &p)) return {0, 0, 1, 1};
    r[0] = std::min(r[0], p.x);
    r[1] = std::min(r[1], p.y);
    r[2] = std::max(r[2], p.x);
    r[3] = std::max(r[3], p.y);
  }
  for (double& v : r) v = std::round(v * 1000) / 1000;
  return r;
}

double Clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

// Step correlations of the steps where both sides move clearly (energy at least `min_energy`).
struct StrongSteps {
  int n = 0;
  double median = 0, q25 = 0, frac_ok = 0;
};
StrongSteps Strong(const MotionStats& m, double min_energy, double ok) {
  std::vector<double> c;
  for (const MotionStep& s : m.detail) {
    if (std::min(s.energy_a, s.energy_b) >= min_energy) c.push_back(s.correlation);
  }
  StrongSteps r;
  r.n = static_cast<int>(c.size());
  if (c.empty()) return r;
  std::sort(c.begin(), c.end());
  r.median = c[c.size() / 2];
  r.q25 = c[c.size() / 4];
  int good = 0;
  for (double v : c) good += v >= ok;
  r.frac_ok = static_cast<double>(good) / c.size();
  return r;
}

// A step where one side shows moving shapes (pooled energy at least `min_energy`) and the other
// at most a quarter of that.
bool OneSided(const MotionStep& s, double min_energy) {
  const double hi = std::max(s.pooled_energy_a, s.pooled_energy_b);
  const double lo = std::min(s.pooled_energy_a, s.pooled_energy_b);
  return hi >= min_energy && lo <= 0.25 * hi;
}

int OneSidedSteps(const MotionStats& m, double min_energy) {
  int n = 0;
  for (const MotionStep& s : m.detail) n += OneSided(s, min_energy);
  return n;
}

class Matcher {
 public:
  Matcher(const sv::MatchSignature& a, const sv::MatchSignature& b, const OrbIndex& index,
          const MatchOptions& o)
      : a_(a), b_(b), index_(index), o_(o) {}

  PairMatch Run() {
    PairMatch out;
    if (a_.frames.empty() || b_.frames.empty()) return out;
    std::vector<Hypothesis> hyps = Hypotheses();
    std::vector<Segment> accepted;
    for (Hypothesis& h : hyps) Evaluate(h, &accepted);
    // Keep the best-scoring segment where several hypotheses found the same footage.
    std::sort(accepted.begin(), accepted.end(),
              [](const Segment& x, const Segment& y) { return x.score > y.score; });
    if (a_.still || b_.still) {
      // A still comes from one moment: keep the best frame only. Where the footage repeats
      // itself (a pan over a still scene shows the grabbed part in neighbouring frames, shifted)
      // the frame that holds the whole picture wins.
      auto rank = [](const Segment& s) { return s.appearance + 0.3 * s.coverage; };
      std::stable_sort(accepted.begin(), accepted.end(),
                       [&](const Segment& x, const Segment& y) { return rank(x) > rank(y); });
      if (accepted.size() > 1) accepted.resize(1);
    }
    const auto same_footage = [&](const Segment& s, const Segment& k) {
      const double oa = std::min(s.a_end, k.a_end) - std::max(s.a_start, k.a_start);
      const double ob = std::min(s.b_end, k.b_end) - std::max(s.b_start, k.b_start);
      const double la = std::min(s.a_end - s.a_start, k.a_end - k.a_start);
      const double lb = std::min(s.b_end - s.b_start, k.b_end - k.b_start);
      if (oa >= 0.5 * la - 1e-9 && (a_.still || b_.still)) return true;
      return oa >= 0.5 * la - 1e-9 && ob >= 0.5 * lb - 1e-9;
    };
    for (const Segment& s : accepted) {
      // A segment that covers pieces kept so far, and scores about as well, replaces them (the
      // parts of a run split by another hypothesis can score as high as the whole footage).
      bool dup = false, replaces = true;
      for (const Segment& k : out.segments) {
        if (!same_footage(s, k)) continue;
        dup = true;
        const bool covers = s.a_start <= k.a_start + 0.5 && s.a_end >= k.a_end - 0.5 &&
                            s.b_start <= k.b_start + 0.5 && s.b_end >= k.b_end - 0.5 &&
                            s.a_end - s.a_start >= k.a_end - k.a_start + 0.5;
        replaces = replaces && covers && s.score >= k.score - 0.05;
      }
      if (dup && !replaces) continue;
      std::erase_if(out.segments, [&](const Segment& k) { return same_footage(s, k); });
      out.segments.push_back(s);
    }
    std::sort(out.segments.begin(), out.segments.end(),
              [](const Segment& x, const Segment& y) { return x.a_start < y.a_start; });
    out.matched = !out.segments.empty();
    out.is_static = out.matched;
    for (const Segment& s : out.segments) {
      out.score = std::max(out.score, s.score);
      out.mirrored = out.mirrored || s.mirrored;
      out.is_static = out.is_static && s.is_static;
    }
    return out;
  }

 private:
  void Trace(std::string s) {
    if (o_.trace) o_.trace->push_back(std::move(s));
  }

  std::vector<Hypothesis> Hypotheses() {
    std::vector<Hypothesis> hyps;
    const bool still = a_.still || b_.still;
    // One hypothesis per picture map: with a still, all its frame pairs; with two videos, one per
    // time line that HoughLines finds among them (up to max_lines, each of min_points or more).
    const auto add = [&](const Homography& map, int dihedral, const char* method,
                         const std::vector<TimePoint>& pts, int max_lines, int min_points) {
      if (still) {
        Hypothesis h;
        h.map = map;
        h.dihedral = dihedral;
        h.method = method;
        h.support = pts;
        for (const TimePoint& p : pts) h.votes += p.w;
        hyps.push_back(std::move(h));
        return;
      }
      for (TimeLine& l : HoughLines(pts, o_, max_lines, min_points)) {
        Hypothesis h;
        h.map = map;
        h.dihedral = dihedral;
        h.method = method;
        h.s = l.s;
        h.o = l.o;
        h.votes = l.votes;
        for (int i : l.inliers) h.support.push_back(pts[i]);
        hyps.push_back(std::move(h));
      }
    };
    // PDQ classes.
    auto pdq = PdqCandidates(a_, b_, o_.pdq);
    for (int cls = 0; cls < kPdqClasses; ++cls) {
      if (pdq[cls].empty()) continue;
      const bool content = cls >= 8;
      const int d = cls & 7;
      std::vector<TimePoint> pts;
      for (const FrameCandidate& c : pdq[cls]) {
        pts.push_back({c.ta, c.tb, c.weight, c.a, c.b, c.distance});
      }
      Homography map = DihedralMap(d);
      if (content) {
        const FrameCandidate& c0 = pdq[cls].front();
        map = UnitToBox(b_.frames[c0.b].box).After(map).After(BoxToUnit(a_.frames[c0.a].box));
      }
      add(map, d, content ? "pdq_content" : "pdq", pts, 4, 2);
    }
    // ORB: cluster the frame pairs by their map, then lines within each cluster.
    auto orb = OrbCandidates(a_, b_, index_, o_.orb);
    std::sort(orb.begin(), orb.end(),
              [](const OrbCandidate& x, const OrbCandidate& y) { return x.inliers > y.inliers; });
    std::vector<char> taken(orb.size(), 0);
    for (std::size_t i = 0; i < orb.size(); ++i) {
      if (taken[i]) continue;
      std::vector<TimePoint> pts;
      for (std::size_t j = i; j < orb.size(); ++j) {
        if (taken[j] || CornerDistance(orb[i].h, orb[j].h) > 0.08) continue;
        taken[j] = 1;
        const auto& c = orb[j];
        pts.push_back({c.ta, c.tb, Clamp01(c.inliers / 30.0), c.a, c.b,
                       static_cast<int>(std::lround(c.mean_distance))});
      }
      add(orb[i].h, -1, "orb", pts, 3, 1);
    }
    std::stable_sort(hyps.begin(), hyps.end(),
                     [](const Hypothesis& x, const Hypothesis& y) { return x.votes > y.votes; });
    // Drop repeats (same map and line).
    std::vector<Hypothesis> kept;
    for (Hypothesis& h : hyps) {
      bool dup = false;
      for (const Hypothesis& k : kept) {
        if (CornerDistance(h.map, k.map) < 0.03 && std::abs(h.s - k.s) < 0.015 &&
            std::abs(h.o - k.o) < 0.4) {
          dup = true;
          break;
        }
      }
      if (!dup) kept.push_back(std::move(h));
      if (static_cast<int>(kept.size()) >= o_.max_hypotheses) break;
    }
    return kept;
  }

  void Evaluate(Hypothesis& h, std::vector<Segment>* accepted) {
    // A coarse grid for appearance (alignment, runs), the thumbnails' full resolution for motion.
    AlignedSampler sampler(a_, b_, h.map, o_.appearance_grid);
    std::string name = Fmt("%s/%s", h.method.c_str(), TransformName(h.dihedral));
    if (sampler.size() < 40 || sampler.coverage() < 0.15) {
      Trace(Fmt("%s s=%.3f o=%.2f support=%zu: overlap too small (%d points, %.0f%% of A)",
                name.c_str(), h.s, h.o, h.support.size(), sampler.size(),
                100 * sampler.coverage()));
      return;
    }
    if (a_.still || b_.still) {
      EvaluateStill(h, sampler, name, accepted);
      return;
    }
    // A cheap look before the costly refinement: near the proposed line (within half a second),
    // the pictures must already agree about as well as an accepted segment's.
    {
      double lo = 1e18, hi = -1e18;
      for (const TimePoint& p : h.support) {
        lo = std::min(lo, p.ta);
        hi = std::max(hi, p.ta);
      }
      const int first = std::max(0, FrameAtOrAfter(a_, lo - 1.0));
      const int last =
          std::min(static_cast<int>(a_.frames.size()) - 1, FrameAtOrAfter(a_, hi + 1.0));
      double best = -2;
      for (double d = -0.5; d <= 0.5 + 1e-9; d += 0.25) {
        best = std::max(best, MeanSim(sampler, a_, h.s, h.o + d, first, last));
      }
      if (best < o_.gate_appearance) {
        Trace(Fmt("%s s=%.3f o=%.2f support=%zu: appearance %.3f near the line, not refined",
                  name.c_str(), h.s, h.o, h.support.size(), best));
        return;
      }
    }
    Refine(sampler, a_, o_, &h);
    const double coverage = sampler.coverage();
    auto samples = SampleLine(sampler, a_, h.s, h.o, 0, static_cast<int>(a_.frames.size()) - 1);
    auto runs = Runs(samples, o_.run_similarity, o_.max_gap_s);
    Trace(Fmt("%s s=%.3f o=%.2f support=%zu votes=%.1f points=%d: %zu run(s)", name.c_str(), h.s,
              h.o, h.support.size(), h.votes, sampler.size(), runs.size()));
    if (runs.empty()) return;
    AlignedSampler fine(a_, b_, h.map, o_.motion_grid);
    for (const auto& [r0, r1] : runs) {
      MotionStats m;
      const Verdict v = Judge(h, samples, r0, r1, fine, coverage, "  run", &m, accepted);
      if (v == Verdict::kMatch) PinStill(h, sampler, fine, coverage, m, accepted);
      if (v != Verdict::kMotionDiffers) continue;
      // A compilation (or an edit that cut away parts) puts other footage between the shared
      // parts, and thumbnails of other footage can still look alike (a sky, a street), so one
      // run can span shared and unshared parts. Its steps of disagreeing motion split it; each
      // part long enough is judged on its own, by the same tests.
      // The line was refined over the whole run, a compromise between its parts when they lie
      // at different offsets (a jump cut): each part is refined over itself first.
      for (const auto& [p0, p1] : AgreeingParts(m, samples, r0, r1)) {
        Hypothesis part = h;
        RefineOver(sampler, a_, o_, samples[p0].ta, samples[p1].ta, 0.0, &part);
        const auto part_samples =
            SampleLine(sampler, a_, part.s, part.o, samples[p0].a, samples[p1].a);
        if (part_samples.size() < 2) continue;
        MotionStats part_motion;
        const Verdict pv = Judge(part, part_samples, 0, static_cast<int>(part_samples.size()) - 1,
                                 fine, coverage, "    part", &part_motion, accepted);
        if (pv == Verdict::kMatch) PinStill(part, sampler, fine, coverage, part_motion, accepted);
      }
    }
  }

  enum class Verdict { kMatch, kMotionDiffers, kOther };

  // Judges A samples [r0, r1] on the hypothesis's line as one segment; an accepted one is added
  // to `accepted`. `motion` receives the motion statistics measured.
  Verdict Judge(const Hypothesis& h, const std::vector<LineSample>& samples, int r0, int r1,
                const AlignedSampler& fine, double coverage, const char* label, MotionStats* motion,
                std::vector<Segment>* accepted) {
    const double half = a_.rate > 0 ? 0.5 / a_.rate : 0.125;
    Segment seg;
    seg.a_start = std::max(0.0, samples[r0].ta - half);
    seg.a_end = samples[r1].ta + half;
    if (a_.Span() > 0) seg.a_end = std::min(seg.a_end, a_.Span());
    seg.speed = h.s;
    seg.coverage = coverage;
    seg.b_start = std::max(0.0, h.s * seg.a_start + h.o);
    seg.b_end = h.s * seg.a_end + h.o;
    if (b_.Span() > 0) seg.b_end = std::min(seg.b_end, b_.Span());
    double sum = 0;
    int n = 0;
    for (int k = r0; k <= r1; ++k) {
      if (!std::isnan(samples[k].sim)) {
        sum += samples[k].sim;
        ++n;
      }
    }
    seg.appearance = n ? sum / n : 0;
    MotionStats& m = *motion;
    m = LineMotion(fine, a_, h.s, h.o, samples[r0].a, samples[r1].a, o_.motion_step_s);
    StrongSteps st = Strong(m, o_.motion_energy, 0.6);
    const double dur = std::min(seg.a_end - seg.a_start, seg.b_end - seg.b_start);
    std::string verdict;
    Verdict result = Verdict::kOther;
    seg.is_static = st.n == 0;
    if (dur < o_.min_segment_s) {
      verdict = "too short";
    } else if (seg.appearance < o_.min_appearance) {
      verdict = "appearance differs";
    } else if (st.n >= 3) {
      const bool ok = st.median >= o_.min_motion && st.q25 >= o_.min_motion_q25;
      result = ok ? Verdict::kMatch : Verdict::kMotionDiffers;
      verdict = ok ? "match" : "motion differs";
      if (ok && dur < o_.short_segment_s && st.q25 < o_.min_motion_few) {
        result = Verdict::kMotionDiffers;
        verdict = "motion differs in places, too short to outweigh it";
      }
    } else if (st.n > 0) {
      const bool ok = st.q25 >= o_.min_motion_few;  // the lowest of one or two steps
      result = ok ? Verdict::kMatch : Verdict::kMotionDiffers;
      verdict = ok ? "match (little motion)" : "motion differs";
    } else if (OneSidedSteps(m, o_.motion_energy) * 2 >= std::max(2, m.steps)) {
      // Footage and its copy move alike; here one side shows moving shapes where the other
      // is still: two recordings of one scene (another camera, another moment).
      result = Verdict::kMotionDiffers;
      verdict = "one side moves, the other is still";
    } else {
      const bool ok = seg.appearance >= o_.static_appearance;
      result = ok ? Verdict::kMatch : Verdict::kOther;
      verdict = ok ? "static match" : "static, appearance not close enough";
    }
    seg.motion = st.n ? st.median : 0;
    Trace(
        Fmt("%s A %.2f-%.2f B %.2f-%.2f: appearance %.3f, motion %.3f over %d moving "
            "step(s) of %d (lower quartile %.3f; energy %.1f/%.1f): %s",
            label, seg.a_start, seg.a_end, seg.b_start, seg.b_end, seg.appearance, st.median, st.n,
            m.steps, st.q25, m.energy_a, m.energy_b, verdict.c_str()));
    if (result != Verdict::kMatch) return result;
    if (!seg.is_static) TrimDisagreeingEnds(m, h, &seg);
    const double length_factor = std::min(1.0, 0.75 + 0.05 * dur);
    seg.score = seg.is_static ? 0.5 * seg.appearance * length_factor
                              : Clamp01(0.25 * seg.appearance + 0.75 * seg.motion) * length_factor;
    seg.score = std::round(seg.score * 1000) / 1000;
    Finish(h, &seg, samples, r0, r1);
    accepted->push_back(std::move(seg));
    return result;
  }

  // A static match (nothing moves on either side) fixes the offset only to within the still
  // stretch: any offset that keeps still pictures on still pictures fits as well, and the longest
  // such run wins on length. Where the shared footage moves next to the stretch (a hand enters,
  // the camera starts to pan), the offset at which that motion agrees pins it down. Likewise a
  // match on one or two moving steps at another speed than the clip's own: a line of any slope
  // through those steps fits the still rest. Lines up to the segment's length away (at most
  // max_still_shift_s) are tried at the clip's own speed (for a static match then at the
  // hypothesis's); the one whose run over the segment holds the most moving steps that pass
  // Judge's motion rule, then the best agreement, is judged like any line and, if accepted,
  // replaces the segment. It only moves an accepted segment: the pair was matched already.
  // `judged`: the motion Judge measured for the segment.
  void PinStill(const Hypothesis& h, const AlignedSampler& sampler, const AlignedSampler& fine,
                double coverage, const MotionStats& judged, std::vector<Segment>* accepted) {
    if (accepted->empty()) return;
    const std::size_t pinned = accepted->size() - 1;
    const Segment& seg = accepted->back();
    const double a0 = seg.a_start, a1 = seg.a_end;
    const int last_frame = static_cast<int>(a_.frames.size()) - 1;
    std::vector<double> speeds = {1.0};
    if (seg.is_static) {
      if (std::abs(h.s - 1) > 1e-6) speeds.push_back(h.s);
    } else {
      if (std::abs(h.s - 1) < 0.005) return;
      if (Strong(judged, o_.motion_energy, 0.6).n > 2) return;
    }
    // Footage already matched on motion by another hypothesis needs no pin.
    for (std::size_t k = 0; k < pinned; ++k) {
      const Segment& o = (*accepted)[k];
      if (!o.is_static && std::min(o.a_end, a1) - std::max(o.a_start, a0) >= 0.5 * (a1 - a0))
        return;
    }
    const double range = std::clamp(a1 - a0, 1.0, o_.max_still_shift_s);
    const double step = a_.rate > 0 ? 0.25 / a_.rate : 0.0625;
    // Runs are looked for near the segment only (a run reaching further is cut there).
    const int first = std::max(0, FrameAtOrAfter(a_, a0 - range - o_.max_gap_s));
    const int last = std::min(last_frame, FrameAtOrAfter(a_, a1 + range + o_.max_gap_s));
    Hypothesis best = h;
    std::vector<LineSample> best_samples;
    int best_r0 = -1, best_r1 = -1;
    double best_key = -1;
    const double mid = (a0 + a1) / 2, mid_b = h.s * mid + h.o;
    for (double speed : speeds) {
      if (best_r0 >= 0) break;
      for (double d = -range; d <= range + 1e-9; d += step) {
        if (std::abs(d) < step / 2 && std::abs(speed - h.s) < 1e-9) continue;
        Hypothesis alt = h;
        alt.s = speed;
        alt.o = mid_b - speed * mid + d;
        auto samples = SampleLine(sampler, a_, alt.s, alt.o, first, last);
        for (const auto& [r0, r1] : Runs(samples, o_.run_similarity, o_.max_gap_s)) {
          if (samples[r1].ta < a0 || samples[r0].ta > a1) continue;
          const MotionStats m =
              LineMotion(fine, a_, alt.s, alt.o, samples[r0].a, samples[r1].a, o_.motion_step_s);
          const StrongSteps st = Strong(m, o_.motion_energy, 0.6);
          const bool passes = st.n >= 3 ? st.median >= o_.min_motion && st.q25 >= o_.min_motion_q25
                                        : st.n > 0 && st.q25 >= o_.min_motion_few;
          if (!passes) continue;
          const double key = std::min(st.n, 5) + st.median + st.q25;
          if (key <= best_key) continue;
          best_key = key;
          best = alt;
          best_samples = samples;
          best_r0 = r0;
          best_r1 = r1;
        }
      }
    }
    if (best_r0 < 0) return;
    MotionStats unused;
    const Verdict v = Judge(best, best_samples, best_r0, best_r1, fine, coverage,
                            "    pinned by the motion beside the still stretch", &unused, accepted);
    if (v == Verdict::kMatch) accepted->erase(accepted->begin() + pinned);
  }

  // A step whose motion disagrees: both sides move and the maps correlate under min_motion_q25,
  // or one side moves while the other is still.
  bool Disagrees(const MotionStep& st) const {
    const bool both = std::min(st.energy_a, st.energy_b) >= o_.motion_energy;
    return (both && st.correlation < o_.min_motion_q25) ||
           (!both && OneSided(st, o_.motion_energy));
  }

  // An accepted segment's ends cut back past the steps at either end whose motion disagrees: the
  // run reached them by appearance (other footage that looks alike next to the shared part), but
  // the shared footage ends where the motion stops agreeing.
  void TrimDisagreeingEnds(const MotionStats& m, const Hypothesis& h, Segment* seg) const {
    int first = 0, last = static_cast<int>(m.detail.size()) - 1;
    while (first <= last && Disagrees(m.detail[first])) ++first;
    while (last >= first && Disagrees(m.detail[last])) --last;
    if (first > last || (first == 0 && last == static_cast<int>(m.detail.size()) - 1)) return;
    const double a0 = first > 0 ? m.detail[first].ta : seg->a_start;
    const double a1 = last + 1 < static_cast<int>(m.detail.size())
                          ? m.detail[last].ta + o_.motion_step_s
                          : seg->a_end;
    if (a1 - a0 < std::max(o_.min_segment_s, o_.short_segment_s)) return;
    seg->a_start = a0;
    seg->a_end = a1;
    seg->b_start = std::max(0.0, h.s * a0 + h.o);
    seg->b_end = h.s * a1 + h.o;
    if (b_.Span() > 0) seg->b_end = std::min(seg->b_end, b_.Span());
  }

  // The parts of samples [r0, r1] between steps whose motion disagrees (both sides move and the
  // maps correlate under min_motion_q25, or one side moves while the other is still), as sample
  // ranges at least short_segment_s long (a part is a second chance, so it must hold the steps
  // that a median can be trusted over); empty when no step disagrees.
  std::vector<std::pair<int, int>> AgreeingParts(const MotionStats& m,
                                                 const std::vector<LineSample>& samples, int r0,
                                                 int r1) const {
    std::vector<std::pair<double, double>> spans;  // A times
    bool any_bad = false;
    double from = -1, to = -1;
    for (const MotionStep& st : m.detail) {
      if (Disagrees(st)) {
        any_bad = true;
        if (from >= 0) spans.push_back({from, to});
        from = -1;
        continue;
      }
      if (from < 0) from = st.ta;
      to = st.ta + o_.motion_step_s;
    }
    if (from >= 0) spans.push_back({from, to});
    std::vector<std::pair<int, int>> parts;
    if (!any_bad) return parts;
    for (const auto& [t0, t1] : spans) {
      if (t1 - t0 < std::max(o_.min_segment_s, o_.short_segment_s)) continue;
      int p0 = -1, p1 = -1;
      for (int k = r0; k <= r1; ++k) {
        if (samples[k].ta < t0 - 1e-6 || samples[k].ta > t1 + 1e-6) continue;
        if (p0 < 0) p0 = k;
        p1 = k;
      }
      if (p0 >= 0 && p1 > p0) parts.push_back({p0, p1});
    }
    return parts;
  }

  void EvaluateStill(const Hypothesis& h, const AlignedSampler& sampler, const std::string& name,
                     std::vector<Segment>* accepted) {
    // B is the still (the caller swaps): the best-matching frame of A.
    auto samples = SampleLine(sampler, a_, 1, 0, 0, static_cast<int>(a_.frames.size()) - 1);
    int best = -1;
    for (int k = 0; k < static_cast<int>(samples.size()); ++k) {
      if (std::isnan(samples[k].sim)) continue;
      if (best < 0 || samples[k].sim > samples[best].sim) best = k;
    }
    if (best < 0) {
      Trace(Fmt("%s support=%zu: no informative frame", name.c_str(), h.support.size()));
      return;
    }
    const LineSample& s = samples[best];
    const bool ok = s.sim >= o_.still_appearance;
    Trace(Fmt("%s support=%zu: best frame at A %.2f, appearance %.3f: %s", name.c_str(),
              h.support.size(), s.ta, s.sim, ok ? "match" : "appearance differs"));
    if (!ok) return;
    Segment seg;
    seg.a_start = seg.a_end = s.ta;
    seg.b_start = seg.b_end = 0;
    seg.appearance = s.sim;
    seg.coverage = sampler.coverage();
    seg.score = std::round(0.9 * s.sim * 1000) / 1000;
    Finish(h, &seg, samples, best, best);
    accepted->push_back(std::move(seg));
  }

  void Finish(const Hypothesis& h, Segment* seg, const std::vector<LineSample>& samples, int r0,
              int r1) {
    seg->method = h.method;
    seg->transform = TransformName(h.dihedral);
    seg->mirrored = h.dihedral >= 0 && DihedralMirrors(h.dihedral);
    seg->map = h.map;
    seg->region = RegionOf(h.map, a_.frames[a_.frames.size() / 2].box);
    // Evidence: the candidate pairs inside the segment, spread over it.
    std::vector<Evidence> ev;
    for (const TimePoint& p : h.support) {
      if (p.ta < seg->a_start - 0.3 || p.ta > seg->a_end + 0.3) continue;
      Evidence e;
      e.a_t = p.ta;
      e.b_t = p.tb;
      e.distance = p.distance;
      e.method = h.method;
      e.similarity = NAN;
      for (int k = r0; k <= r1; ++k) {
        if (std::abs(samples[k].ta - p.ta) < 0.13) e.similarity = samples[k].sim;
      }
      ev.push_back(e);
    }
    std::sort(ev.begin(), ev.end(), [](const Evidence& x, const Evidence& y) {
      return x.a_t != y.a_t ? x.a_t < y.a_t : x.distance < y.distance;
    });
    ev.erase(std::unique(ev.begin(), ev.end(),
                         [](const Evidence& x, const Evidence& y) { return x.a_t == y.a_t; }),
             ev.end());
    if (static_cast<int>(ev.size()) > o_.max_evidence) {
      std::vector<Evidence> spread;
      for (int k = 0; k < o_.max_evidence; ++k) {
        spread.push_back(ev[static_cast<std::size_t>(k) * (ev.size() - 1) / (o_.max_evidence - 1)]);
      }
      ev = std::move(spread);
    }
    seg->evidence = std::move(ev);
  }

  const sv::MatchSignature& a_;
  const sv::MatchSignature& b_;
  const OrbIndex& index_;
  const MatchOptions& o_;
};

// The result of matching (b, a) told from a's side.
PairMatch Swapped(PairMatch m) {
  for (Segment& s : m.segments) {
    std::swap(s.a_start, s.b_start);
    std::swap(s.a_end, s.b_end);
    s.speed = s.speed > 0 ? 1 / s.speed : 1;
    s.map = s.map.Inverse();
    for (Evidence& e : s.evidence) std::swap(e.a_t, e.b_t);
  }
  return m;
}

}  // namespace

PairMatch MatchSignatures(const sv::MatchSignature& a, const sv::MatchSignature& b,
                          const OrbIndex& b_index, const MatchOptions& options) {
  if (a.still && !b.still) {
    // The still plays B (it is sampled at any time); the video must be indexed instead.
    OrbIndex a_index(a);
    PairMatch m = Matcher(b, a, a_index, options).Run();
    PairMatch out = Swapped(std::move(m));
    for (Segment& s : out.segments) {
      static const int kInverse[] = {0, 3, 2, 1, 4, 5, 6, 7};
      for (int d = 0; d < 8; ++d) {
        if (s.transform == TransformName(d)) {
          s.transform = TransformName(kInverse[d]);
          break;
        }
      }
      s.region = RegionOf(s.map, a.frames.front().box);
    }
    return out;
  }
  return Matcher(a, b, b_index, options).Run();
}

PairMatch MatchSignatures(const sv::MatchSignature& a, const sv::MatchSignature& b,
                          const MatchOptions& options) {
  OrbIndex index(b);
  return MatchSignatures(a, b, index, options);
}

}  // namespace sightline::analysis::match
