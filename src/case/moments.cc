// The case pipeline of audio sync (moments.h): stored signals, candidate pairs, sample-level
// matches, groups, and the same_moment suggestions.
#include "case/moments.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <utility>

#include "analysis/sync/clip.h"
#include "analysis/sync/fingerprint_match.h"
#include "base/file.h"
#include "base/parallel.h"
#include "case/heard_events.h"  // ItemHasSound
#include "evidence/signal_store.h"
#include "signals/audio/envelope.h"
#include "signals/audio/fingerprint.h"
#include "signals/audio/sync_features.h"

namespace sightline::investigation {
namespace {

namespace audio = signals::audio;
namespace sync = analysis::sync;

// Rounded for the evidence; never "-0".
double Round6(double v) { return std::round(v * 1e6) / 1e6 + 0.0; }
double Round3(double v) { return std::round(v * 1e3) / 1e3 + 0.0; }

// What the pipeline holds per input beside what it reports.
struct Work {
  std::string path;
  std::shared_ptr<const audio::SyncFeatures> features;
  std::unique_ptr<sync::Clip> clip;
  std::string error;     // could not be read
  std::string unusable;  // read, but nothing to sync
  bool usable() const { return clip && unusable.empty(); }
};

// Serialises the calls of the progress callback.
class Progress {
 public:
  explicit Progress(const MomentOptions& o) : callback_(o.on_progress) {}
  void Tell(MomentProgress::Stage stage, MomentProgress::Event event, std::size_t units,
            std::uint64_t bytes) {
    if (!callback_) return;
    std::lock_guard<std::mutex> lock(mu_);
    MomentProgress p;
    p.stage = stage;
    p.event = event;
    p.units = units;
    p.bytes = bytes;
    callback_(p);
  }

 private:
  const std::function<void(const MomentProgress&)>& callback_;
  std::mutex mu_;
};

std::uint64_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// Decodes the inputs `which` (in parallel, PCM within one budget), replacing what they held.
void DecodeInputs(std::vector<Work>* work, const std::vector<std::size_t>& which,
                  const MomentOptions& o, audio::PcmBudget* budget, bool fingerprint,
                  MomentProgress::Stage stage, Progress* progress) {
  std::uint64_t total = 0;
  for (std::size_t i : which) total += FileSize((*work)[i].path);
  progress->Tell(stage, MomentProgress::Event::kStageStarted, which.size(), total);
  ParallelFor(which.size(), o.threads, [&](std::size_t k) {
    Work& w = (*work)[which[k]];
    if (w.path.empty()) {  // the stored original is not readable: w.error says why
      progress->Tell(stage, MomentProgress::Event::kUnitDone, 1, 0);
      return;
    }
    audio::SyncFeatureOptions fo;
    fo.keep_pcm = true;
    fo.fingerprint = fingerprint;
    fo.budget = budget;
    auto f = audio::ExtractSyncFeatures(w.path, fo);
    if (!f.ok()) {
      w.error = f.status().message();
      w.features.reset();
      w.clip.reset();
    } else {
      w.features = std::make_shared<const audio::SyncFeatures>(std::move(*f));
      w.clip = std::make_unique<sync::Clip>(w.features);
      if (w.clip->silent()) w.unusable = "silent";
    }
    progress->Tell(stage, MomentProgress::Event::kUnitDone, 1, FileSize(w.path));
  });
  progress->Tell(stage, MomentProgress::Event::kStageFinished, which.size(), total);
}

std::vector<MomentPair> MatchPairs(const std::vector<Work>& work,
                                   const std::vector<std::pair<int, int>>& pairs,
                                   const MomentOptions& o, Progress* progress) {
  using Event = MomentProgress::Event;
  const auto stage = MomentProgress::Stage::kMatching;
  std::vector<MomentPair> out(pairs.size());
  progress->Tell(stage, Event::kStageStarted, pairs.size(), 0);
  ParallelFor(pairs.size(), o.threads, [&](std::size_t k) {
    const auto [a, b] = pairs[k];
    out[k].a = a, out[k].b = b;
    out[k].sync = sync::SyncPair(*work[a].clip, *work[b].clip, o.sync);
    progress->Tell(stage, Event::kUnitDone, 1, 0);
  });
  progress->Tell(stage, Event::kStageFinished, pairs.size(), 0);
  return out;
}

// Fills in what the inputs report, solves the groups, and lists the suggestions.
void Finish(const std::vector<Work>& work, const MomentOptions& o, MomentRun* run) {
  for (std::size_t i = 0; i < work.size(); ++i) {
    MomentInput& in = run->inputs[i];
    const Work& w = work[i];
    in.error = w.error;
    in.unusable = w.unusable;
    in.read = w.features != nullptr && w.error.empty();
    if (!w.features) continue;
    const audio::SyncFeatures& f = *w.features;
    in.start_s = f.start_s;
    in.duration_s = f.duration_s;
    in.codec = f.codec;
    in.sample_rate = f.source_sample_rate;
    in.channels = f.source_channels;
    in.warnings = f.warnings;
  }
  std::vector<sync::PairEdge> edges;
  for (const MomentPair& p : run->pairs) {
    if (p.sync.matched) edges.push_back({p.a, p.b, p.sync});
  }
  run->groups = sync::SolveGroups(static_cast<int>(work.size()), edges, o.group_tolerance_s);
}

std::vector<std::pair<int, int>> AllPairs(const std::vector<Work>& work) {
  std::vector<std::pair<int, int>> pairs;
  for (std::size_t a = 0; a < work.size(); ++a) {
    if (!work[a].usable()) continue;
    for (std::size_t b = a + 1; b < work.size(); ++b) {
      if (work[b].usable()) pairs.push_back({static_cast<int>(a), static_cast<int>(b)});
    }
  }
  return pairs;
}

// The stored fingerprint and envelope of an item as sync features without PCM, or why not.
Result<std::shared_ptr<audio::SyncFeatures>> LoadStored(evidence::Case& c,
                                                        const evidence::StoredSignal& fp,
                                                        const evidence::StoredSignal& env,
                                                        const std::string& path) {
  auto fj = evidence::ReadSignalJson(c, fp);
  auto ej = evidence::ReadSignalJson(c, env);
  Result<audio::AudioFingerprint> f =
      fj.ok() ? audio::FingerprintFromJson(*fj) : Result<audio::AudioFingerprint>(fj.status());
  Result<audio::StoredEnvelope> e =
      ej.ok() ? audio::EnvelopeFromJson(*ej) : Result<audio::StoredEnvelope>(ej.status());
  if (!f.ok()) return f.status();
  if (!e.ok()) return e.status();
  auto features = std::make_shared<audio::SyncFeatures>();
  features->file = path;
  features->start_s = e->start_s;
  features->duration_s = e->duration_s;
  features->peak_dbfs = e->peak_dbfs;
  features->envelope = std::move(e->energies);
  features->fingerprint = std::move(*f);
  return features;
}

// Stores the fingerprint and envelope of a freshly decoded item (those not stored yet).
Status StoreSignals(evidence::Case& c, const evidence::Identity& who, const evidence::Item& item,
                    const audio::SyncFeatures& f, const evidence::SignalKey& fp_key,
                    const evidence::SignalKey& env_key, std::vector<std::string>* failures) {
  const std::string fp_data = audio::FingerprintJson(*f.fingerprint, item.name).dump(1) + "\n";
  audio::StoredEnvelope env{f.envelope, f.start_s, f.duration_s, f.peak_dbfs};
  const std::string env_data = audio::EnvelopeJson(env, item.name).dump(1) + "\n";
  const nlohmann::json fp_summary = {{"words", f.fingerprint->words.size()},
                                     {"duration_s", f.duration_s}};
  const nlohmann::json env_summary = {{"frames", f.envelope.frames}, {"duration_s", f.duration_s}};
  Status result;
  for (const auto& [key, data, summary] : {std::tuple{&fp_key, &fp_data, &fp_summary},
                                           std::tuple{&env_key, &env_data, &env_summary}}) {
    auto existing = evidence::FindSignal(c, item.id, *key);
    if (existing.ok() && existing->has_value()) continue;
    auto s = evidence::StoreSignal(c, who, item, *key, *data, summary->dump(), {});
    if (!s.ok()) {
      failures->push_back("cannot store the " + key->kind + ": " + s.status().message());
      result = s.status();
    }
  }
  return result;
}

}  // namespace

std::string SameMomentEvidence(const sync::PairSync& s) {
  nlohmann::ordered_json j;
  j["offset_s"] = Round6(s.offset_s);
  j["confidence"] = Round3(s.confidence);
  j["overlap_s"] = Round3(s.overlap_s);
  j["significance"] = Round3(s.score);
  if (s.drift_estimated) {
    j["drift_ppm"] = Round3(s.drift_ppm);
    j["offset_end_s"] = Round6(s.offset_end_s);
  }
  j["other_candidates"] = nlohmann::ordered_json::array();
  for (std::size_t k = 1; k < s.candidates.size(); ++k) {
    const sync::Candidate& c = s.candidates[k];
    j["other_candidates"].push_back({{"offset_s", Round6(c.offset_s)},
                                     {"confidence", Round3(c.confidence)},
                                     {"overlap_s", Round3(c.overlap_s)}});
  }
  return j.dump();
}

MomentRun SyncFiles(const std::vector<std::string>& paths, const MomentOptions& o) {
  MomentRun run;
  std::vector<Work> work(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    work[i].path = paths[i];
    MomentInput in;
    in.name = paths[i];
    run.inputs.push_back(std::move(in));
  }
  Progress progress(o);
  audio::PcmBudget budget(o.pcm_budget_bytes);
  std::vector<std::size_t> all(work.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  DecodeInputs(&work, all, o, &budget, /*fingerprint=*/false, MomentProgress::Stage::kDecoding,
               &progress);
  for (std::size_t i = 0; i < work.size(); ++i) {
    if (!work[i].error.empty()) run.warnings.push_back({static_cast<int>(i), work[i].error});
  }
  run.pairs = MatchPairs(work, AllPairs(work), o, &progress);
  Finish(work, o, &run);
  return run;
}

Result<MomentRun> FindSameMoments(evidence::Case& c, const evidence::Identity& who,
                                  const MomentOptions& o) {
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c.catalog().ListItems());
  std::stable_sort(items.begin(), items.end(),
                   [](const evidence::Item& x, const evidence::Item& y) { return x.id < y.id; });
  const evidence::SignalKey fp_key{"chromaprint", audio::kChromaprintFormatVersion,
                                   audio::FingerprintParamsJson()};
  const evidence::SignalKey env_key{"sync_envelope", audio::kEnvelopeFormatVersion,
                                    audio::EnvelopeParamsJson()};
  MomentRun run;
  std::vector<Work> work;
  std::vector<evidence::Item> item_of;
  std::vector<MomentWarning> warnings;  // by index into `work` before the non-media are left out
  for (const evidence::Item& item : items) {
    // Items ingest could not read as media are tried too (the check at ingest may have missed
    // a stream); those that do not decode here are left out quietly.
    if (item.media_kind != "video" && item.media_kind != "audio" && !item.media_kind.empty()) {
      continue;
    }
    Work w;
    Result<std::string> original = c.objects().OriginalPath(item.sha256);
    if (original.ok()) {
      w.path = *original;
    } else {
      w.error = original.status().message();
    }
    work.push_back(std::move(w));
    item_of.push_back(item);
  }
  Progress progress(o);
  // 1. Stored fingerprints and envelopes; what is missing is computed (one decode) and stored.
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < work.size(); ++i) {
    auto fp = evidence::FindSignal(c, item_of[i].id, fp_key);
    auto env = evidence::FindSignal(c, item_of[i].id, env_key);
    if (!fp.ok() || !env.ok() || !fp->has_value() || !env->has_value()) {
      missing.push_back(i);
      continue;
    }
    auto features = LoadStored(c, **fp, **env, work[i].path);
    if (!features.ok()) {
      warnings.push_back({static_cast<int>(i), "stored signal unreadable (" +
                                                   features.status().message() + "); recomputing"});
      missing.push_back(i);
      continue;
    }
    work[i].features = std::move(*features);
    work[i].clip = std::make_unique<sync::Clip>(work[i].features);
    if (work[i].clip->silent()) work[i].unusable = "silent";
    ++run.stats.up_to_date;
  }
  audio::PcmBudget budget(o.pcm_budget_bytes);
  DecodeInputs(&work, missing, o, &budget, /*fingerprint=*/true,
               MomentProgress::Stage::kFingerprinting, &progress);
  std::vector<bool> not_media(work.size(), false);
  for (std::size_t i : missing) {
    Work& w = work[i];
    if (!w.features) {
      if (item_of[i].media_kind.empty()) {
        not_media[i] = true;
        continue;
      }
      warnings.push_back({static_cast<int>(i), w.error});
      continue;
    }
    std::vector<std::string> failures;
    const Status stored = StoreSignals(c, who, item_of[i], *w.features, fp_key, env_key, &failures);
    for (std::string& f : failures) warnings.push_back({static_cast<int>(i), std::move(f)});
    if (stored.ok()) ++run.stats.fingerprinted;
  }
  {  // Leave out what is not media at all, renumbering the warnings.
    std::vector<int> new_index(work.size(), -1);
    std::vector<Work> kept;
    std::vector<evidence::Item> kept_items;
    for (std::size_t i = 0; i < work.size(); ++i) {
      if (not_media[i]) continue;
      new_index[i] = static_cast<int>(kept.size());
      kept.push_back(std::move(work[i]));
      kept_items.push_back(item_of[i]);
    }
    work = std::move(kept);
    item_of = std::move(kept_items);
    for (MomentWarning& w : warnings) {
      if (new_index[w.input] < 0) continue;
      w.input = new_index[w.input];
      run.warnings.push_back(std::move(w));
    }
  }
  for (const evidence::Item& item : item_of) {
    MomentInput in;
    in.item_id = item.id;
    in.name = item.name;
    run.inputs.push_back(std::move(in));
  }
  // 2. Candidate pairs: fingerprints that agree somewhere; for clips that agree with none (too
  // short for fingerprints, or very unlike), the envelope search against every other clip.
  std::vector<std::pair<int, int>> candidates;
  std::vector<bool> has_pair(work.size(), false);
  for (std::size_t a = 0; a < work.size(); ++a) {
    if (!work[a].usable() || !work[a].features->fingerprint) continue;
    for (std::size_t b = a + 1; b < work.size(); ++b) {
      if (!work[b].usable() || !work[b].features->fingerprint) continue;
      if (!sync::MatchFingerprints(*work[a].features->fingerprint, *work[b].features->fingerprint)
               .empty()) {
        candidates.push_back({static_cast<int>(a), static_cast<int>(b)});
        has_pair[a] = has_pair[b] = true;
      }
    }
  }
  for (std::size_t a = 0; a < work.size(); ++a) {
    if (!work[a].usable() || has_pair[a]) continue;
    for (std::size_t b = 0; b < work.size(); ++b) {
      if (a == b || !work[b].usable()) continue;
      if (!has_pair[b] && b < a) continue;  // a pair of two orphans once
      const auto x = static_cast<int>(std::min(a, b)), y = static_cast<int>(std::max(a, b));
      if (!sync::CoarseSearch(*work[x].clip, *work[y].clip, o.sync).empty()) {
        candidates.push_back({x, y});
      }
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  if (o.already_done) {
    const auto done = [&](const std::pair<int, int>& p) {
      return o.already_done(item_of[p.first].id, item_of[p.second].id);
    };
    const auto kept = std::remove_if(candidates.begin(), candidates.end(), done);
    run.stats.skipped_pairs = static_cast<int>(candidates.end() - kept);
    candidates.erase(kept, candidates.end());
  }
  // 3. Decode the clips of candidate pairs that have no PCM yet, and match them.
  std::vector<bool> needed(work.size(), false);
  for (const auto& [a, b] : candidates) needed[a] = needed[b] = true;
  std::vector<std::size_t> to_decode;
  for (std::size_t i = 0; i < work.size(); ++i) {
    if (needed[i] && work[i].clip && work[i].clip->samples() == 0) to_decode.push_back(i);
  }
  DecodeInputs(&work, to_decode, o, &budget, /*fingerprint=*/false,
               MomentProgress::Stage::kDecoding, &progress);
  std::vector<std::pair<int, int>> ready;
  for (const auto& [a, b] : candidates) {
    if (work[a].clip && work[b].clip && work[a].clip->samples() > 0 &&
        work[b].clip->samples() > 0) {
      ready.push_back({a, b});
    }
  }
  run.pairs = MatchPairs(work, ready, o, &progress);
  run.stats.items = static_cast<int>(work.size());
  run.stats.candidate_pairs = static_cast<int>(ready.size());
  Finish(work, o, &run);
  // The suggestions: pairs are formed in item-id order, so item_a < item_b and offset_s is on
  // item_a's clock as it comes.
  for (const MomentPair& p : run.pairs) {
    if (!p.sync.matched) continue;
    Suggestion s;
    s.kind = FindingKind::kSameMoment;
    s.item_a = run.inputs[p.a].item_id;
    s.item_b = run.inputs[p.b].item_id;
    s.analyzer = kSameMomentAnalyzer;
    s.version = kSameMomentVersion;
    s.score = std::clamp(Round3(p.sync.confidence), 0.0, 1.0);
    s.evidence = SameMomentEvidence(p.sync);
    run.suggestions.push_back(std::move(s));
  }
  return run;
}

Result<StageOutcome> FindSameMomentsStage(evidence::Case& c, const evidence::Identity& who,
                                          const MomentOptions& options) {
  StageOutcome out;
  out.run.analyzer = kSameMomentAnalyzer;
  out.run.version = kSameMomentVersion;
  SL_ASSIGN_OR_RETURN(std::vector<std::int64_t> done,
                      AnalyzedItems(c, out.run.analyzer, out.run.version));
  const std::set<std::int64_t> analyzed(done.begin(), done.end());
  MomentOptions o = options;
  o.already_done = [&](std::int64_t a, std::int64_t b) {
    return (analyzed.count(a) && analyzed.count(b)) ||
           (options.already_done && options.already_done(a, b));
  };
  SL_ASSIGN_OR_RETURN(MomentRun run, FindSameMoments(c, who, o));
  // A video whose stored probe lists no audio stream has nothing to sync: done with, quietly (as
  // a file that is not media), not a failure of the run.
  std::set<std::int64_t> soundless;
  for (const MomentInput& in : run.inputs) {
    if (in.error.empty()) continue;
    SL_ASSIGN_OR_RETURN(bool sound, ItemHasSound(c, in.item_id));
    if (!sound) soundless.insert(in.item_id);
  }
  std::erase_if(run.warnings, [&](const MomentWarning& w) {
    return soundless.count(run.inputs[w.input].item_id) > 0;
  });
  out.items = run.inputs.size();
  out.reused = static_cast<std::size_t>(run.stats.up_to_date);
  out.extracted = static_cast<std::size_t>(run.stats.fingerprinted);
  out.compared = run.pairs.size();
  for (const MomentWarning& w : run.warnings) {
    const MomentInput& in = run.inputs[w.input];
    out.warnings.push_back("#" + std::to_string(in.item_id) + " " + in.name + ": " + w.message);
  }
  for (const MomentInput& in : run.inputs) {
    if (!in.error.empty() && !soundless.count(in.item_id)) {
      out.failed = true;
      continue;
    }
    if (!analyzed.count(in.item_id)) out.run.items.push_back(in.item_id);
  }
  out.new_items = out.run.items.size();
  out.run.suggestions = std::move(run.suggestions);
  return out;
}

}  // namespace sightline::investigation
