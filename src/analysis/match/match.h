// Shared footage between two clips (or a clip and a still): which parts, on both time lines,
// under which picture transform, with the evidence. A pure function of two match signatures
// (signals/visual/match_signature.h); doc/match.md describes the method and its measurements.
//
// Steps: candidate frame pairs (PDQ in 16 classes, ORB + RANSAC; candidates.h) → hypotheses, one
// per picture map and time line tB = s·tA + o found by Hough voting over (s, o) with s in
// [min_speed, max_speed] → each line refined on the thumbnails (s and o that best align
// appearance) → segments: runs of aligned frames whose appearance agrees, gaps up to max_gap_s
// bridged → verification of each segment: appearance, and motion (the aligned temporal-
// difference maps must correlate, verify.h), so different takes of one scene are rejected →
// segments of all hypotheses merged, scored, and the evidence kept.
//
// Thread safety: a pure function; OrbIndex is read-only after construction except for a
// de-duplication scratch, so use one index per thread.
#ifndef SIGHTLINE_ANALYSIS_MATCH_MATCH_H_
#define SIGHTLINE_ANALYSIS_MATCH_MATCH_H_

#include <string>
#include <vector>

#include "analysis/match/candidates.h"
#include "signals/visual/match_signature.h"

namespace sightline::analysis::match {

struct MatchOptions {
  PdqCandidateOptions pdq;
  OrbCandidateOptions orb;
  double min_speed = 0.85, max_speed = 1.15;  // B's time per A's time
  double max_gap_s = 1.5;       // a segment bridges runs of disagreeing frames this long
  double min_segment_s = 1.0;   // shorter shared stretches are not reported
  double run_similarity = 0.5;  // a frame pair agrees in appearance at this correlation
  double min_appearance = 0.6;  // mean appearance of an accepted segment
  // A hypothesis is refined only when the appearance near its line (the best of offsets within
  // half a second) reaches this: unrelated clips are dropped at a small fraction of the cost.
  double gate_appearance = 0.4;
  // Motion: difference maps over steps of motion_step_s, sampled on a grid of motion_grid points
  // along the longer side (the thumbnail's resolution). A step is moving when both maps have an
  // RMS of at least motion_energy grey levels (noise and re-encoding give about 0.5-1.5).
  double motion_step_s = 0.5;
  int motion_grid = 64;
  double motion_energy = 3.0;
  // A moving segment (3 or more moving steps) is accepted when the median correlation of its
  // moving steps is at least min_motion and their lower quartile at least min_motion_q25; with
  // one or two moving steps, each must reach min_motion_few. A segment shorter than
  // short_segment_s (under 5 steps: less than the 3 s excerpt Match promises) holds too few
  // steps for its median to tell a copy from a second take of the same gesture in the same
  // room; its lower quartile must reach min_motion_few as well.
  double min_motion = 0.78;
  double min_motion_q25 = 0.55;
  double min_motion_few = 0.85;
  double short_segment_s = 2.5;
  int appearance_grid = 24;  // sampling grid for appearance (alignment and runs)
  // Appearance needed when there is no motion to compare. Two cameras on one still scene reach
  // 0.92-0.95 through a keypoint map (viewpoint, lens and light differ a little); a copy of a
  // still scene, even filmed off a screen, 0.98 or more.
  double static_appearance = 0.96;
  // A static match is moved by up to this much (and its length) to where motion beside the
  // still stretch agrees (a still scene alone does not fix the offset).
  double max_still_shift_s = 5.0;
  double still_appearance = 0.85;  // appearance needed to match a still image
  int max_hypotheses = 16;
  int max_evidence = 12;  // frame pairs kept per segment as evidence
  // When set, every hypothesis and decision is described here (for --explain).
  std::vector<std::string>* trace = nullptr;
};

// A frame pair that supports a segment.
struct Evidence {
  double a_t = 0, b_t = 0;
  int distance = 0;       // PDQ bits for "pdq"/"pdq_content"; mean ORB descriptor bits for "orb"
  std::string method;     // "pdq", "pdq_content", "orb"
  double similarity = 0;  // appearance correlation of the aligned thumbnails there
};

struct Segment {
  double a_start = 0, a_end = 0, b_start = 0, b_end = 0;  // seconds in each clip
  double score = 0;                                       // 0..1
  double speed = 1;                                       // B seconds per A second
  double appearance = 0;                                  // mean aligned appearance correlation
  double motion = 0;                                      // motion correlation (0 when static)
  bool is_static = false;  // no motion on one side to confirm the alignment
  std::string method;      // what proposed it: "pdq", "pdq_content", "orb"
  std::string transform;   // "none", "mirror", "rotate90cw", "rotate180", "rotate90ccw",
                           // "flip_vertical", "transpose", "antitranspose", or "geometric"
  bool mirrored = false;
  double coverage = 1;  // the fraction of A's picture that the map puts inside B's frame
  // Where A's picture lies in B's frame (normalised bounding box x0, y0, x1, y1; may exceed
  // 0..1 when B shows a crop of A).
  std::array<double, 4> region{0, 0, 1, 1};
  Homography map;  // A's normalised frame → B's
  std::vector<Evidence> evidence;
};

struct PairMatch {
  bool matched = false;
  double score = 0;  // best segment's score
  bool mirrored = false;
  bool is_static = false;         // every segment static
  std::vector<Segment> segments;  // accepted, in A's time order
};

PairMatch MatchSignatures(const signals::visual::MatchSignature& a,
                          const signals::visual::MatchSignature& b,
                          const MatchOptions& options = {});
// The same with B's ORB index built once (for comparing many clips against B).
PairMatch MatchSignatures(const signals::visual::MatchSignature& a,
                          const signals::visual::MatchSignature& b, const OrbIndex& b_index,
                          const MatchOptions& options);

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_MATCH_H_
