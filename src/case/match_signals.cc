#include "case/match_signals.h"

#include <nlohmann/json.hpp>

#include "analysis/match/soundtrack.h"
#include "base/file.h"
#include "base/parallel.h"

namespace sightline::investigation {

namespace visual = signals::visual;
namespace audio = signals::audio;
namespace am = analysis::match;

CaseMatchSignals::CaseMatchSignals(evidence::Case& c, const evidence::Identity& who,
                                   signals::ExtractionProgress* progress)
    : c_(c),
      who_(who),
      progress_(progress),
      key_{"match_signature", visual::kMatchSignatureVersion,
           visual::MatchSignatureParamsJson(visual::MatchSignatureOptions{})} {}

Status CaseMatchSignals::List() {
  SL_ASSIGN_OR_RETURN(items_, c_.catalog().ListItems());
  for (const evidence::Item& item : items_) {
    if (item.media_kind == "audio") continue;
    signals::MatchInput in;
    in.name = "#" + std::to_string(item.id) + " " + item.name;
    // An original that is not what was stored is not read (its signature, if stored, still is).
    Result<std::string> original = c_.objects().OriginalPath(item.sha256);
    if (original.ok()) {
      in.path = *original;
    } else {
      in.sig = original.status();
    }
    in.item_id = item.id;
    inputs_.push_back(std::move(in));
    item_of_.push_back(&item);
  }
  return Status::Ok();
}

// Makes the signatures of inputs()[k], k in `which`, available.
void CaseMatchSignals::Load(const std::vector<std::size_t>& which, int threads) {
  std::vector<std::size_t> missing;
  for (std::size_t i : which) {
    signals::MatchInput& in = inputs_[i];
    if (in.sig.ok()) continue;
    auto stored = evidence::FindSignal(c_, in.item_id, key_);
    if (stored.ok() && stored->has_value()) {
      auto text = evidence::ReadSignalData(c_, **stored);
      auto sig = text.ok() ? visual::MatchSignatureFromStoredJson(*text)
                           : Result<visual::MatchSignature>(text.status());
      if (sig.ok()) {
        in.sig = std::move(sig);
        ++reused_;
        continue;
      }
      warnings_.push_back(in.name + ": stored signature unreadable (" + sig.status().message() +
                          "); extracting it again");
    }
    if (in.path.empty()) continue;  // keeps OriginalPath's error
    missing.push_back(i);
  }
  signals::ExtractMatchInputs(&inputs_, missing, threads, /*sound=*/false,
                              progress_);  // LoadSound's job
  for (std::size_t i : missing) {
    signals::MatchInput& in = inputs_[i];
    if (!in.sig.ok()) continue;
    ++extracted_;
    std::vector<evidence::FrameHashRow> rows;
    for (const visual::SignatureFrame& f : in.sig->frames) {
      rows.push_back({f.t, f.full[0], f.full_quality});
    }
    nlohmann::json summary = {{"frames", in.sig->frames.size()},
                              {"orb_frames", in.sig->orb.size()},
                              {"duration_s", in.sig->Span()},
                              {"still", in.sig->still}};
    auto stored =
        evidence::StoreSignal(c_, who_, *item_of_[i], key_,
                              visual::MatchSignatureToStoredJson(*in.sig), summary.dump(), rows);
    if (!stored.ok() && stored.status().code() != StatusCode::kAlreadyExists) {
      // The match itself can go on; the next run extracts it again.
      warnings_.push_back(in.name + ": signature not stored: " + stored.status().message());
      failed_ = true;
    }
  }
}

// Makes the sound fingerprints of the videos among inputs()[k], k in `which`, available: the
// stored "chromaprint" signal (the one `sync --case` stores too), computed and stored where
// missing. A failure to store is reported; the match goes on.
void CaseMatchSignals::LoadSound(const std::vector<std::size_t>& which, int threads) {
  const evidence::SignalKey key{"chromaprint", audio::kChromaprintFormatVersion,
                                audio::FingerprintParamsJson()};
  std::vector<std::size_t> missing;
  for (std::size_t i : which) {
    signals::MatchInput& in = inputs_[i];
    const std::string& kind = item_of_[i]->media_kind;
    if (in.sound || (kind != "video" && !kind.empty())) continue;
    auto stored = evidence::FindSignal(c_, in.item_id, key);
    if (stored.ok() && stored->has_value()) {
      auto text = evidence::ReadSignalData(c_, **stored);
      const auto j = text.ok() ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
      auto fp = audio::FingerprintFromJson(j);
      if (fp.ok()) {
        in.sound = std::move(*fp);
        continue;
      }
    }
    missing.push_back(i);
  }
  ParallelFor(missing.size(), threads, [&](std::size_t n) {
    inputs_[missing[n]].sound = signals::FingerprintSound(inputs_[missing[n]].path);
  });
  for (std::size_t i : missing) {
    const signals::MatchInput& in = inputs_[i];
    if (!in.sound) continue;
    const nlohmann::json summary = {{"words", in.sound->words.size()},
                                    {"duration_s", in.sound->duration_s}};
    auto stored = evidence::StoreSignal(
        c_, who_, *item_of_[i], key,
        audio::FingerprintJson(*in.sound, item_of_[i]->name).dump(1) + "\n", summary.dump(), {});
    if (!stored.ok() && stored.status().code() != StatusCode::kAlreadyExists) {
      warnings_.push_back(in.name + ": sound fingerprint not stored: " + stored.status().message());
      failed_ = true;
    }
  }
}

// The items whose sound is the soundtrack of `query`'s, as positions in inputs() (LoadSound
// first).
std::vector<std::size_t> CaseMatchSignals::SameSound(const audio::AudioFingerprint& query) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    if (inputs_[i].sound && am::MatchSoundtracks(query, *inputs_[i].sound)) out.push_back(i);
  }
  return out;
}

// Adds the loaded signatures to the case's frame index (evidence/frame_index.h) and saves it.
// The index is derived data: a failure is reported, and the match goes on.
void CaseMatchSignals::UpdateIndex(evidence::CaseFrameIndex* index) {
  for (const signals::MatchInput& in : inputs_) {
    if (in.sig.ok()) index->Add(in.item_id, *in.sig);
  }
  Status saved = index->Save();
  if (!saved.ok()) warnings_.push_back("frame index not saved: " + saved.message());
}

// Moves out the inputs in `which` that are pictures, for matching. An item ingest could not
// read as media that does not decode here either is not a picture: left out quietly (as sync
// does), not reported as a failure.
std::vector<signals::MatchInput> CaseMatchSignals::TakePictures(
    const std::vector<std::size_t>& which) {
  std::vector<signals::MatchInput> out;
  for (std::size_t i : which) {
    if (inputs_[i].sig.ok() || !item_of_[i]->media_kind.empty()) {
      out.push_back(std::move(inputs_[i]));
    }
  }
  return out;
}

}  // namespace sightline::investigation
