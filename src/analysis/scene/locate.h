// Locating a picture among geotagged references: which references show the same place, and so
// where the picture was taken.
//
// Two stages, so that thousands of references stay fast:
//  1. Shortlist: every reference is summarised once by a VLAD (vlad.h) of its RootSIFT features;
//     a query is compared with all of them by one dot product each, and the most similar
//     `shortlist` references go on.
//  2. Verification: the query and each shortlisted reference are matched with geometry
//     (matcher.h). Only a geometric match counts as same-place evidence; the VLAD similarity only
//     orders the rest.
// The position reported is the GPS of the best verified reference, read from its metadata (EXIF,
// XMP, QuickTime keys; media/probe.h). The confidence is that match's score, lowered when another
// verified reference nearly as strong lies more than 1 km away (the place is ambiguous).
//
// Index files: a ReferenceIndex can be saved and loaded (Save/Load) so that a large reference set
// is read once. The file records each reference's path, size and modification time; a caller
// checks it against the current files with Covers() and rebuilds when they differ. Nothing is
// ever written beside the references: the index goes where the caller says.
//
// Thread safety: Build uses `threads` worker threads; a built or loaded index is immutable and
// may be queried from several threads at once.
#ifndef SIGHTLINE_ANALYSIS_SCENE_LOCATE_H_
#define SIGHTLINE_ANALYSIS_SCENE_LOCATE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/scene/features.h"
#include "analysis/scene/frames.h"
#include "analysis/scene/matcher.h"
#include "analysis/scene/vlad.h"
#include "base/status.h"
#include "media/metadata.h"

namespace sightline::analysis::scene {

// A file to use as a reference.
struct ReferenceFile {
  std::string path;   // to read it
  std::string label;  // to show it (a path relative to the references' folder, a case item name)
};

// The picture files under `dir` (recursively; by extension: JPEG, PNG, WebP, TIFF, BMP, HEIC),
// sorted by path. Hidden files and folders are skipped.
Result<std::vector<ReferenceFile>> ListReferencePictures(const std::string& dir);

struct Reference {
  std::string path, label;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::optional<media::GpsPosition> gps;
  std::vector<std::int8_t> vlad;
};

struct IndexOptions {
  // Features for the shortlist: smaller than for matching, since VLAD needs only the
  // appearance statistics.
  FeatureOptions features{640, 1000, 0.03};
  VocabularyOptions vocabulary;
  int threads = 2;
};

class ReferenceIndex {
 public:
  // Reads every file (a picture, or a video's first frame), trains the vocabulary on them and
  // encodes each. A file that cannot be read is left out and described in `problems`; only when
  // no file at all can be read is the result an error. `progress` (may be empty) is called after
  // each file with the number done.
  static Result<ReferenceIndex> Build(const std::vector<ReferenceFile>& files,
                                      const IndexOptions& options,
                                      std::vector<std::string>* problems,
                                      const std::function<void(size_t)>& progress = {});
  static Result<ReferenceIndex> Load(const std::string& path);
  // Writes atomically. Errors name the path.
  Status Save(const std::string& path) const;

  // Whether the index holds exactly `files`, unchanged (same paths, sizes, modification times).
  // Files the build could not read count as held when listed in `skipped` of the build.
  bool Covers(const std::vector<ReferenceFile>& files) const;

  // References most similar to `query` (features taken with options().features), best first,
  // with their VLAD similarity.
  std::vector<std::pair<int, double>> Shortlist(const SceneFeatures& query, int count) const;

  const std::vector<Reference>& references() const { return references_; }
  const std::vector<std::string>& skipped() const { return skipped_; }
  const Vocabulary& vocabulary() const { return vocabulary_; }
  const IndexOptions& options() const { return options_; }

 private:
  IndexOptions options_;
  Vocabulary vocabulary_;
  std::vector<Reference> references_;
  std::vector<std::string> skipped_;  // paths that could not be read at build time
};

struct LocateOptions {
  int shortlist = 10;       // references verified with geometry
  FeatureOptions features;  // for verification
  MatchOptions match;
  int max_query_frames = 4;   // a video query: frames spread over it
  double ambiguous_km = 1.0;  // verified references farther apart than this disagree
};

struct LocateCandidate {
  int reference = 0;      // index into ReferenceIndex::references()
  double similarity = 0;  // VLAD cosine
  bool verified = false;  // geometry was run on it
  SceneMatch match;       // when verified
  double query_t = 0;     // the query frame that matched best (seconds; 0 for a photo)
  std::string problem;    // when the reference could not be read for verification
};

struct LocateResult {
  std::vector<LocateCandidate> ranked;  // matches first (by score), then by similarity
  bool located = false;                 // a verified match with GPS
  std::optional<media::GpsPosition> position;
  std::string position_label;  // the reference it comes from
  double confidence = 0;       // 0..1
  std::string reason;          // for a person
};

// Locates `query` (a photo or a video). Fails only when the query cannot be read.
Result<LocateResult> Locate(const std::string& query, const ReferenceIndex& index,
                            const LocateOptions& options = {});

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_LOCATE_H_
