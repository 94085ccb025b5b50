// Locating a picture among geotagged references: which references show the same place, and so
// where the picture was taken.
//
// Two stages, so that thousands of references stay fast:
//  1. Shortlist: every reference is summarised once by a VLAD (vlad.h) of its RootSIFT features;
//     a query is compared with all of them by one dot product each, and the most similar
//     `shortlist` references go on. When the index holds the references' place words (text read
//     at build, IndexOptions::read_text) and a TextReader is given, the query's text is read too,
//     and references that share strong place words with it (text/place_words.h) join the
//     shortlist however VLAD ranked them: a street sign seen from another side of the square.
//  2. Verification: the query and each shortlisted reference are compared with geometry
//     (compare.h: the direct test). When none matches, the best few rejected candidates (those
//     sharing words first) are tested again with affine-simulated views (a wide baseline: the
//     facade seen from far down the street). Only a geometric match counts as same-place
//     evidence: shared words and VLAD similarity only choose what is verified, order the rest and
//     are reported beside the verdict. Text never makes a match on its own.
// The position reported is the GPS of the best verified reference, read from its metadata (EXIF,
// XMP, QuickTime keys; media/probe.h). The confidence is that match's score, lowered when another
// verified reference nearly as strong lies more than 1 km away (the place is ambiguous).
//
// Index files: a ReferenceIndex can be saved and loaded (Save/Load) so that a large reference set
// is read once. The file (format 2, magic "SLSCIDX2"; doc/locate.md) records each reference's
// path, size, modification time, GPS, VLAD and place words; a caller checks it against the current
// files with Covers() and rebuilds when they differ. An index of format 1 (before place words) is
// refused by Load with a message saying so; it has to be built again. Nothing is ever written
// beside the references: the index goes where the caller says.
//
// Thread safety: Build uses `threads` worker threads (and, with read_text, one TextReader each);
// a built or loaded index is immutable and may be queried from several threads at once. Locate
// verifies its shortlist on LocateOptions::threads threads, and uses LocateOptions::text_reader
// (on the calling thread only), which must not be used by another thread during the call.
#ifndef SIGHTLINE_ANALYSIS_SCENE_LOCATE_H_
#define SIGHTLINE_ANALYSIS_SCENE_LOCATE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/scene/affine.h"
#include "analysis/scene/features.h"
#include "analysis/scene/frames.h"
#include "analysis/scene/matcher.h"
#include "analysis/scene/vlad.h"
#include "analysis/text/ocr.h"
#include "analysis/text/place_words.h"
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
  // Place words read in it (text/place_words.h), sorted; empty when it shows none or its text was
  // not read (ReferenceIndex::has_text()).
  std::vector<std::string> words;
};

struct IndexOptions {
  // Features for the shortlist: smaller than for matching, since VLAD needs only the
  // appearance statistics.
  FeatureOptions features{640, 1000, 0.03};
  VocabularyOptions vocabulary;
  int threads = 2;
  // Read each reference's text (OCR, text/file_text.h) and keep its place words. OCR costs
  // 3-12x the rest of the build per reference (doc/locate.md), so it is asked for.
  bool read_text = false;
  text::OcrOptions ocr;
  double text_every_s = 2;  // a video reference: seconds between the frames read
};

// What a build spent, summed over the worker threads (for "seconds per reference").
struct IndexBuildTimes {
  double features_s = 0;  // decoding, SIFT, GPS
  double text_s = 0;      // OCR (0 without read_text), including loading the models
  int text_read = 0;      // references whose text was read
  int with_words = 0;     // of which showed place words
};

class ReferenceIndex {
 public:
  // Reads every file (a picture, or a video's first frame), trains the vocabulary on them and
  // encodes each. A file that cannot be read is left out and described in `problems`; only when
  // no file at all can be read is the result an error. `progress` (may be empty) is called after
  // each file with the number done.
  // With options.read_text, a reference whose text cannot be read keeps no words and is
  // described in `problems`; a reader that cannot be created (missing language data) fails the
  // build.
  static Result<ReferenceIndex> Build(const std::vector<ReferenceFile>& files,
                                      const IndexOptions& options,
                                      std::vector<std::string>* problems,
                                      const std::function<void(size_t)>& progress = {},
                                      IndexBuildTimes* times = nullptr);
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
  // Whether the references' text was read when the index was built.
  bool has_text() const { return has_text_; }

 private:
  IndexOptions options_;
  bool has_text_ = false;
  Vocabulary vocabulary_;
  std::vector<Reference> references_;
  std::vector<std::string> skipped_;  // paths that could not be read at build time
};

struct LocateOptions {
  int shortlist = 10;       // most similar references verified with geometry (0: only those sharing
                            // strong place words)
  FeatureOptions features;  // for verification
  MatchOptions match;
  int max_query_frames = 4;   // a video query: frames spread over it
  double ambiguous_km = 1.0;  // verified references farther apart than this disagree
  // Wide baseline: when no candidate matches with the direct test, this many of the rejected
  // ones (those sharing strong words first, then by similarity) are compared again with
  // compare.h's wide-baseline stages (affine-simulated views, merged frame pairs, guided
  // matching; only when the direct test found 10 tentative matches). Up to about 3x a direct
  // test each; 0: off.
  int wide_baseline = 3;
  AffineOptions affine_views;
  // Mirrored queries (mirror.h: a repost flipped left to right). SIFT is not mirror-invariant,
  // so the test above finds no match for one. When nothing matched directly, up to this many
  // candidates whose features, flipped, pass compare.h's flipped precheck (the most tentative
  // matches first) also join the wide-baseline test, which then also tries each reference
  // flipped. 0: off (and the wide-baseline test does not try references flipped).
  int mirror_tests = 3;
  // Text: read the query's text with this reader (not owned; null: text is not used) when the
  // index holds the references' words. A photo is read once, a video every `text_every_s`.
  text::TextReader* text_reader = nullptr;
  double text_every_s = 2;
  // A reference shares strong place words with the query when the shared words weigh at least
  // `text_min_weight` (text::PlaceWordWeight: a word of 8+ letters is 3) and make at least
  // `text_min_score` of the smaller side's words. Such references join the shortlist (at most
  // `text_shortlist` of them, the strongest first) whatever their similarity.
  double text_min_weight = 3;
  double text_min_score = 0.5;
  int text_shortlist = 10;
  // The shortlist is verified on this many threads (each reads and describes its references).
  int threads = 2;
};

// Which geometric test answered for a candidate: the direct test, or one of compare.h's
// wide-baseline stages (affine-simulated views, merged frame pairs, guided matching).
enum class LocateStage { kDirect, kAffine, kMergedFrames, kGuided };
const char* StageName(LocateStage s);  // "direct", "affine", "merged_frames", "guided"

struct LocateCandidate {
  int reference = 0;           // index into ReferenceIndex::references()
  double similarity = 0;       // VLAD cosine
  bool by_similarity = false;  // among the `shortlist` most similar
  bool by_text = false;        // shares strong place words with the query (may be both)
  text::PlaceWordMatch words;  // shared place words (empty without text)
  bool verified = false;       // geometry was run on it
  bool wide_tested = false;    // the affine-simulated views were tried too
  SceneMatch match;            // when verified
  LocateStage stage = LocateStage::kDirect;  // the test that gave `match`
  bool mirrored = false;  // `match` was found with the query flipped left to right
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
  // Text: whether the query's text was read (a reader given and the index holds words), the
  // place words found in it, and what reading it cost. A failed reading is not a failed query:
  // `text_problem` says why and the shortlist is VLAD's alone.
  bool text_used = false;
  std::vector<std::string> query_words;
  double text_seconds = 0;
  std::string text_problem;
  int wide_tested = 0;  // candidates given the affine-simulated test
};

// Locates `query` (a photo or a video). Fails only when the query cannot be read.
Result<LocateResult> Locate(const std::string& query, const ReferenceIndex& index,
                            const LocateOptions& options = {});

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_LOCATE_H_
