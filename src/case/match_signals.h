// A case's picture items and what `match` compares of them (signals/match_input.h): read from
// the case where stored (signal kinds "match_signature" and "chromaprint",
// evidence/signal_store.h), extracted and stored where not, so that a clip is decoded for this
// once in the life of the case. Used by `match --case` and by analyze's same_footage stage.
//
// A failure to store a signal does not stop the caller: it is reported in warnings() and
// failed(), and the next run extracts the signal again. Thread safety: one thread per object
// (extraction itself runs worker threads).
#ifndef SIGHTLINE_CASE_MATCH_SIGNALS_H_
#define SIGHTLINE_CASE_MATCH_SIGNALS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "base/status.h"
#include "evidence/case.h"
#include "evidence/frame_index.h"
#include "evidence/identity.h"
#include "evidence/signal_store.h"
#include "signals/match_input.h"

namespace sightline::investigation {

class CaseMatchSignals {
 public:
  // `progress` (may be null) hears of every extraction; not owned, must outlive this object.
  CaseMatchSignals(evidence::Case& c, const evidence::Identity& who,
                   signals::ExtractionProgress* progress);

  // The signature's storage key: kind, algorithm version and parameters.
  const evidence::SignalKey& key() const { return key_; }

  // Lists the items that may hold a picture (not audio; items ingest could not read are tried,
  // since its check may have missed a stream) as inputs(), not loaded yet.
  Status List();
  std::vector<signals::MatchInput>& inputs() { return inputs_; }
  const evidence::Item& item(std::size_t i) const { return *item_of_[i]; }

  // Makes the signatures of inputs()[k], k in `which`, available: stored, else extracted and
  // stored. An input that cannot be read keeps its error in `sig`.
  void Load(const std::vector<std::size_t>& which, int threads);
  // Makes the sound fingerprints of the videos among inputs()[k], k in `which`, available: the
  // stored "chromaprint" signal (the one `sync --case` stores too), computed and stored where
  // missing.
  void LoadSound(const std::vector<std::size_t>& which, int threads);

  // The items whose sound is the soundtrack of `query`'s, as positions in inputs() (LoadSound
  // first).
  std::vector<std::size_t> SameSound(const signals::audio::AudioFingerprint& query) const;

  // Adds the loaded signatures to the case's frame index (evidence/frame_index.h) and saves it.
  // The index is derived data: a failure is a warning.
  void UpdateIndex(evidence::CaseFrameIndex* index);

  // Moves out the inputs in `which` that are pictures, for matching. An item ingest could not
  // read as media that does not decode here either is not a picture: left out quietly (as sync
  // does), not reported as a failure.
  std::vector<signals::MatchInput> TakePictures(const std::vector<std::size_t>& which);

  // Signatures read from the case / extracted by this object.
  std::size_t reused() const { return reused_; }
  std::size_t extracted() const { return extracted_; }
  // Whether some signal could not be stored, and the messages to show (each names its item).
  bool failed() const { return failed_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  evidence::Case& c_;
  const evidence::Identity& who_;
  signals::ExtractionProgress* progress_;
  evidence::SignalKey key_;
  std::vector<evidence::Item> items_;
  std::vector<signals::MatchInput> inputs_;
  std::vector<const evidence::Item*> item_of_;
  std::size_t reused_ = 0, extracted_ = 0;
  bool failed_ = false;
  std::vector<std::string> warnings_;
};

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_MATCH_SIGNALS_H_
