// The offset between two recordings of one moment, coarse to fine:
//
//  1. Coarse: normalised cross-correlation of the two files' onset-strength envelopes (8 bands,
//     100 frames/s; signals/audio/envelope.h) over every lag at which they overlap by at least
//     min_overlap_s — the whole of both files, one FFT per band. Each lag's correlation is scaled
//     by √overlap and then by the robust spread (median absolute deviation) of all lags, so a score
//     says how far the lag stands out from chance whatever the lengths; every local peak above
//     coarse_threshold is a candidate (the same sound twice gives two).
//  2. Fine: around each candidate, generalised cross-correlation with phase transform (GCC-PHAT;
//     Knapp & Carter, "The generalized correlation method for estimation of time delay", IEEE
//     TASSP 1976) of the 11025 Hz PCM in short windows (1.4 s) spread over the overlap where both
//     files have sound. Whitening the cross-spectrum makes the peak one or two samples wide,
//     whatever each microphone's colour, so each window gives a lag to a fraction of a sample
//     (parabolic interpolation), and the search in each window is wide enough for clock drift.
//  3. A line through the windows' peaks (RANSAC over pairs of peaks, then weighted least squares
//     on the windows that agree) gives the offset and the drift: lag(t) = offset + drift · t.
//     The match's significance is the sum of the windows' normalised correlations on that line,
//     divided by √windows: near 0 for unrelated sound, tens for a real match. Below
//     match_threshold the candidate is dropped; with no candidate left the answer is "no match"
//     with the reason.
//
// Conventions: offset_s is the time in a at which b's time 0 falls (negative when b starts
// first), on each file's own clock (media/audio_source.h: the video's clock when there is video).
// With drift, a-time = offset_s + b-time · (1 + drift_ppm · 1e-6).
//
// Thread safety: SyncPair is a pure function of its arguments and may run on several threads.
#ifndef SIGHTLINE_ANALYSIS_SYNC_PAIR_SYNC_H_
#define SIGHTLINE_ANALYSIS_SYNC_PAIR_SYNC_H_

#include <string>
#include <vector>

#include "analysis/sync/clip.h"

namespace sightline::analysis::sync {

struct SyncOptions {
  double min_overlap_s = 2.0;     // shorter overlaps are not searched
  double max_drift_ppm = 200;     // clock drift searched for (phones: up to about 150)
  int max_candidates = 4;         // coarse peaks refined per pair
  double coarse_threshold = 5.0;  // robust score of a coarse peak
  double match_threshold = 8.0;   // significance of a match at the sample level
  double window_s = 1.3;          // fine window (with the search, one 16384-point FFT)
  double window_spacing_s = 8.0;  // fine windows are spread about this far apart
  int max_windows = 48;
  double coarse_radius_s = 0.05;  // fine search around a coarse lag, before drift
  double coarse_whitening = 0.5;  // exponent of the coarse cross-spectrum's whitening
  double early_peak = 6.0;        // a candidate whose 3 most active windows peak lower is dropped
};

struct Candidate {
  double offset_s = 0;
  double confidence = 0;  // 0.5 at the threshold, → 1 for strong matches
  double score = 0;       // significance (see the file comment)
  double overlap_s = 0;
  double drift_ppm = 0;
};

struct PairSync {
  bool matched = false;
  std::string reason;  // why not, when not matched
  double offset_s = 0;
  double confidence = 0;
  double score = 0;
  double overlap_s = 0;
  double overlap_a_start_s = 0, overlap_a_end_s = 0;  // the overlap, in a's times
  double drift_ppm = 0;
  bool drift_estimated = false;       // false: too little overlap to measure drift (0 reported)
  double offset_end_s = 0;            // a-time − b-time at the end of the overlap
  int windows = 0;                    // fine windows correlated
  int windows_agreeing = 0;           // of which on the line
  double residual_ms = 0;             // RMS distance of those windows' lags from the line
  double coarse_score = 0;            // best coarse score
  std::vector<Candidate> candidates;  // every match above the threshold, best first
};

PairSync SyncPair(const Clip& a, const Clip& b, const SyncOptions& options = {});

// The coarse search alone (envelopes only: works on clips without PCM, e.g. from stored
// envelopes): candidate offsets (as offset_s, to about 10 ms) with their coarse scores, best
// first; empty when nothing stands out.
std::vector<Candidate> CoarseSearch(const Clip& a, const Clip& b, const SyncOptions& options = {});

// The confidence reported for a significance score.
double ConfidenceOf(double score, double threshold);

}  // namespace sightline::analysis::sync

#endif  // SIGHTLINE_ANALYSIS_SYNC_PAIR_SYNC_H_
