// Same moment: which items of a case recorded one moment, found by their sound (doc/sync.md).
//
// The case pipeline of audio sync, for `sightline sync --case` and `sightline analyze`:
//  1. Per audio or video item, the Chromaprint fingerprint and the band-energy envelope stored
//     under derived/ (evidence/signal_store.h) are read; those missing or unreadable are computed,
//     one decode per file, and stored (a "derive" custody entry each). Up-to-date signals are never
//     recomputed.
//  2. Candidate pairs: fingerprints that agree somewhere (analysis/sync/fingerprint_match.h); a
//     clip no fingerprint pairs (too short, or very unlike) gets the envelope search against every
//     other clip.
//  3. Only the clips of candidate pairs are decoded again, for the sample-level match
//     (analysis/sync/pair_sync.h); the matched pairs are put on one clock per group
//     (analysis/sync/group_sync.h).
// Every matched pair becomes a same_moment Suggestion (case/findings.h). FindSameMoments does not
// record them: the caller does (RecordSuggestions), so that `analyze` records the suggestions of
// all its stages together and `sync --case` records none.
//
// Suggestion evidence (compact JSON; doc/findings.md, "same_moment evidence"):
//   {"offset_s", "confidence", "overlap_s", "significance",
//    "drift_ppm", "offset_end_s" (both only when the drift was estimated),
//    "other_candidates": [{"offset_s", "confidence", "overlap_s"}]}
// item_a < item_b always, and offset_s is the time on item_a's clock at which item_b's time 0
// falls (negative when b starts first); with drift, a-time = offset_s + b-time · (1 + drift_ppm ·
// 1e-6). Times are on each file's own clock (the video's when there is video).
//
// Thread safety: as evidence::Case (one thread per Case object). FindSameMoments and SyncFiles
// use up to `threads` threads internally; the progress callback is serialised (never two calls at
// once) but may be called from any of those threads.
#ifndef SIGHTLINE_CASE_MOMENTS_H_
#define SIGHTLINE_CASE_MOMENTS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/sync/group_sync.h"
#include "analysis/sync/pair_sync.h"
#include "base/status.h"
#include "case/findings.h"
#include "case/footage.h"  // StageOutcome
#include "evidence/case.h"
#include "evidence/identity.h"

namespace sightline::investigation {

// The version of the sync analysis recorded with same_moment suggestions. Raise it when a change
// to audio sync (signals/audio/, analysis/sync/, this pipeline) can change a pair's outcome or its
// evidence: a new version suggests anew.
inline constexpr int kSameMomentVersion = 1;
inline constexpr char kSameMomentAnalyzer[] = "sync";

struct MomentProgress {
  enum class Stage {
    kFingerprinting,  // decoding items whose stored signals are missing (case only)
    kDecoding,        // decoding the clips of candidate pairs (all files, outside a case)
    kMatching,        // matching pairs at the sample level
  };
  enum class Event { kStageStarted, kUnitDone, kStageFinished };
  Stage stage = Stage::kDecoding;
  Event event = Event::kStageStarted;
  std::size_t units = 0;    // kStageStarted: files to decode, or pairs to match
  std::uint64_t bytes = 0;  // kStageStarted: those files' total size; kUnitDone: this file's size
                            // (0 for a pair)
};

struct MomentOptions {
  analysis::sync::SyncOptions sync;
  int threads = 2;                              // files decoded and pairs matched at once
  std::int64_t pcm_budget_bytes = 512ll << 20;  // PCM kept in memory; the rest spills to $TMPDIR
  double group_tolerance_s = 0.02;              // analysis/sync/group_sync.h
  // Told where the run is (see MomentProgress). Serialised; called from any worker thread.
  std::function<void(const MomentProgress&)> on_progress;
  // Case only: candidate pairs of items (item_a < item_b) whose outcome the caller already has,
  // e.g. from an earlier run at this version. They are not matched again, and their clips are not
  // decoded for them, so a run over a case with nothing new decodes nothing. Called on the calling
  // thread. Null: every candidate pair is matched.
  std::function<bool(std::int64_t item_a, std::int64_t item_b)> already_done;
};

// One input: a case item, or a file outside a case.
struct MomentInput {
  std::int64_t item_id = 0;  // 0 outside a case
  std::string name;          // the item's name (its first), or the path as given
  bool read = false;         // its sound was read (stored signals or a decode)
  double start_s = 0;        // of its first sample, on the file's clock
  double duration_s = 0;     // of its sound
  std::string codec;         // of the source; "", 0 when only stored signals were read
  int sample_rate = 0, channels = 0;
  std::vector<std::string> warnings;  // from decoding, each naming its time
  std::string error;                  // could not be read ("" when read)
  std::string unusable;               // read, but nothing to sync ("silent")
};

struct MomentPair {
  int a = 0, b = 0;  // indices into MomentRun::inputs, a < b
  analysis::sync::PairSync sync;
};

// Something that went wrong with one input on the way, in the order met: a stored signal
// unreadable (recomputed), a file that could not be read, a signal that could not be stored.
// Outside a case `message` names the file itself; in a case the caller names the item.
struct MomentWarning {
  int input = 0;  // index into MomentRun::inputs
  std::string message;
};

struct MomentStats {
  int items = 0;            // items with sound (those that are not media at all are left out)
  int fingerprinted = 0;    // items whose signals were computed and stored by this run
  int up_to_date = 0;       // items whose stored signals served
  int candidate_pairs = 0;  // matched at the sample level by this run
  int skipped_pairs = 0;    // candidates left out by MomentOptions::already_done
};

struct MomentRun {
  std::vector<MomentInput> inputs;  // case: by item id
  std::vector<MomentPair> pairs;    // every pair compared (matched or not), by (a, b)
  // Over inputs, from the matched pairs in the order of `pairs` (analysis/sync/group_sync.h).
  analysis::sync::GroupResult groups;
  MomentStats stats;  // case only
  std::vector<MomentWarning> warnings;
  std::vector<Suggestion> suggestions;  // case only: one same_moment per matched pair
};

// Runs the case pipeline above over every audio and video item of `c` (items ingest could not read
// as media are tried too, and left out quietly when they do not decode). `who` signs the "derive"
// entries of the signals stored. An input that cannot be read has its `error` (and a warning
// when its first decode fails); the others are still synced. A signal that cannot be stored is a
// warning, and the run goes on with it in memory. Fails only when the case's catalogue cannot be
// read. Nothing is recorded as a finding: pass `suggestions` to RecordSuggestions for that.
Result<MomentRun> FindSameMoments(evidence::Case& c, const evidence::Identity& who,
                                  const MomentOptions& options);

// The same_moment stage of `analyze` (case/analyze.h): FindSameMoments over the candidate pairs
// not compared yet at kSameMomentVersion (a pair is done when both its items are among
// AnalyzedItems("sync", kSameMomentVersion)), so a re-run with nothing new decodes no recording.
// Returns the run for the caller to record (RecordRun): its suggestions, and as `items` the items
// read this time that were not analyzed before (an item that could not be read is left out, so
// the next run tries it again). Warnings name the item ("#ID name: …").
Result<StageOutcome> FindSameMomentsStage(evidence::Case& c, const evidence::Identity& who,
                                          const MomentOptions& options);

// The same for files outside a case: every file decoded, every pair of readable files matched (no
// fingerprints, nothing stored, no suggestions).
MomentRun SyncFiles(const std::vector<std::string>& paths, const MomentOptions& options);

// The evidence JSON of a matched pair's same_moment suggestion (see the file comment).
std::string SameMomentEvidence(const analysis::sync::PairSync& pair);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_MOMENTS_H_
