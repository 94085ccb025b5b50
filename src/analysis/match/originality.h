// Which copy of shared footage is closest to the original: for a group of files that share
// footage, a ranking with the reasons a person can check and cite.
//
// Every re-post loses something: platforms strip camera metadata and re-encode (lower bitrate,
// smaller picture, an encoder tag of their own), editors add bars, logos and captions, cut
// excerpts, mirror the picture. None of these facts alone proves which file is first, so each
// is a criterion that gives points, and the reasons say which criteria decided:
//  - camera metadata present (make/model from the capture device) vs none;
//  - no re-encoding signature (encoder tags of FFmpeg, editors, platforms) vs one or more;
//  - earliest capture time in metadata (only comparable between copies that have one);
//  - resolution, and bits per pixel per frame (a re-encode at the same size has fewer);
//  - longest coverage of the shared footage (an excerpt holds less of it);
//  - no bars, no picture transform (mirrored, rotated, shrunk into a frame);
//  - no other footage in the file (a compilation holds this footage beside other footage).
// The weights are in originality.cc with their reasons; the ranking is a suggestion for the
// investigator, not a verdict (the file that came first may have been lost).
//
// Pure functions; thread-safe.
#ifndef SIGHTLINE_ANALYSIS_MATCH_ORIGINALITY_H_
#define SIGHTLINE_ANALYSIS_MATCH_ORIGINALITY_H_

#include <optional>
#include <string>
#include <vector>

#include "analysis/match/match.h"
#include "media/probe.h"
#include "signals/visual/match_signature.h"

namespace sightline::analysis::match {

// What is known about one copy. From the probe (CopyFactsFromProbe) plus what matching found
// (coverage, bars, transform), filled in by the caller.
struct CopyFacts {
  std::string id;  // how the caller names the file (a path or a case item id)
  // Capture time from metadata, in UTC seconds when the zone is known; when it is not, the wall
  // clock reading is kept in created_local and compared only with other zone-less readings.
  std::optional<double> created_utc;
  std::optional<double> created_local;
  std::string created_text;  // as a person should read it ("2022-02-16T12:55:41+01:00")
  std::string camera;        // "Apple iPhone 13 Pro Max"; "" when no camera metadata
  std::vector<std::string> reencoded_by;  // "FFmpeg (libavformat): Container.encoder = Lavf58"
  int width = 0, height = 0;              // displayed picture size; 0 for unknown
  double bits_per_pixel = 0;              // video bitrate / (pixels × frame rate); 0 unknown
  double duration_s = 0;                  // 0 for a still
  bool still = false;
  // From matching, relative to the other members of the group:
  double coverage_s = 0;     // seconds of the group's shared footage this copy holds
  bool bars = false;         // letterbox or pillarbox bars around the picture
  bool transformed = false;  // mirrored, rotated or shown inside a larger frame
  // Other groups of shared footage the file belongs to (footage_groups.h): a compilation or an
  // edit that holds footage besides this group's.
  int other_footage = 0;
};

// The facts a probe gives (times, camera, encoder signatures, size, bitrate, duration).
CopyFacts CopyFactsFromProbe(const std::string& id, const media::ProbeResult& probe);

// Whether most of a signature's sampled frames have bars around the picture (a content box that is
// not the whole frame).
bool HasBars(const signals::visual::MatchSignature& signature);

// A matched pair between two members of a group (indices into the copies).
struct GroupPair {
  int a = 0, b = 0;
  const PairMatch* match = nullptr;  // not owned; must outlive the call
};

// Fills in what matching tells about each copy: coverage_s (the seconds of its own time line it
// shares with any other copy: the union of its pairs' segments), and transformed
// when it is the one shown inside a larger frame (picture-in-picture, a filmed screen) or a crop
// of the other, or, in a group of three or more, when most of its pairs see it mirrored or
// rotated (with two copies, which one was mirrored cannot be told).
void AddMatchFacts(const std::vector<GroupPair>& pairs, std::vector<CopyFacts>* copies);

struct RankedCopy {
  std::string id;
  int rank = 0;      // 1 = closest to the original
  double score = 0;  // points from the criteria (only the order is meaningful)
  // Why, one sentence per criterion that told this copy apart from the others, the strongest
  // first: "camera metadata present (Apple iPhone 13)", "re-encoded: FFmpeg (...)".
  std::vector<std::string> reasons;
};

// Ranks the copies (best first; ties keep the input order). Criteria on which all copies agree
// give no reason. Empty input gives an empty ranking.
std::vector<RankedCopy> RankCopies(const std::vector<CopyFacts>& copies);

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_ORIGINALITY_H_
