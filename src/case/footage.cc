#include "case/footage.h"

#include <algorithm>
#include <map>
#include <set>

#include "analysis/match/match_json.h"
#include "analysis/match/match_set.h"
#include "case/match_signals.h"
#include "evidence/frame_index.h"

namespace sightline::investigation {

namespace am = analysis::match;

int FootageAnalyzerVersion() {
  // A new signature format changes what is compared as much as a new matcher does.
  return signals::visual::kMatchSignatureVersion * 1000 + am::kMatchAlgorithmVersion;
}

Result<StageOutcome> FindSameFootage(evidence::Case& c, const evidence::Identity& who,
                                     const FootageOptions& options) {
  StageOutcome out;
  out.run.analyzer = kFootageAnalyzer;
  out.run.version = FootageAnalyzerVersion();
  CaseMatchSignals cs(c, who, options.progress);
  SL_RETURN_IF_ERROR(cs.List());
  SL_ASSIGN_OR_RETURN(std::vector<std::int64_t> done,
                      AnalyzedItems(c, out.run.analyzer, out.run.version));
  const std::set<std::int64_t> analyzed(done.begin(), done.end());
  std::vector<std::size_t> all;
  bool anything_new = false;
  for (std::size_t i = 0; i < cs.inputs().size(); ++i) {
    all.push_back(i);
    anything_new |= !analyzed.count(cs.inputs()[i].item_id);
  }
  out.items = all.size();
  if (!anything_new) return out;

  cs.Load(all, options.threads);
  if (options.sound) cs.LoadSound(all, options.threads);
  auto index = evidence::CaseFrameIndex::Open(c, cs.key().params);
  if (index.ok()) cs.UpdateIndex(&*index);
  out.reused = cs.reused();
  out.extracted = cs.extracted();
  out.warnings = cs.warnings();
  out.failed = cs.failed();

  std::vector<std::int64_t> listed;
  for (const signals::MatchInput& in : cs.inputs()) listed.push_back(in.item_id);
  std::vector<signals::MatchInput> pictures = cs.TakePictures(all);
  // Items that hold no picture (not media, or sound only) are done with: recorded as analyzed
  // so that the next run does not try them again.
  std::set<std::int64_t> kept;
  for (const signals::MatchInput& in : pictures) kept.insert(in.item_id);
  for (std::int64_t id : listed) {
    if (!kept.count(id) && !analyzed.count(id)) out.run.items.push_back(id);
  }
  std::vector<const signals::visual::MatchSignature*> sigs;
  std::vector<const signals::audio::AudioFingerprint*> sounds;
  std::vector<std::int64_t> item_of;  // position → item id, ascending
  am::MatchSetOptions mso;
  mso.threads = options.threads;
  for (const signals::MatchInput& in : pictures) {
    if (!in.sig.ok()) {
      out.warnings.push_back(in.sig.status().message());
      out.failed = true;
      continue;
    }
    sigs.push_back(&*in.sig);
    sounds.push_back(in.sound ? &*in.sound : nullptr);
    item_of.push_back(in.item_id);
    const bool is_new = !analyzed.count(in.item_id);
    mso.queries.push_back(is_new);
    if (is_new) out.run.items.push_back(in.item_id);
  }
  out.new_items = out.run.items.size();
  if (std::none_of(mso.queries.begin(), mso.queries.end(), [](bool q) { return q; })) return out;
  const am::MatchSet set = am::MatchAll(sigs, sounds, mso);
  out.compared = set.compared.size();
  for (const am::ComparedPair& p : set.pairs) {
    if (!p.match.matched) continue;
    const auto heard = set.sound.find({p.a, p.b});
    const am::SoundtrackMatch* sound = heard == set.sound.end() ? nullptr : &heard->second;
    Suggestion s;
    s.kind = FindingKind::kSameFootage;
    s.item_a = item_of[p.a];  // positions follow item ids, so a < b holds for the ids too
    s.item_b = item_of[p.b];
    s.analyzer = out.run.analyzer;
    s.version = out.run.version;
    s.score = std::clamp(p.match.score, 0.0, 1.0);
    s.evidence = am::PairMatchJson(p.match, sound).dump();
    out.run.suggestions.push_back(std::move(s));
  }
  return out;
}

}  // namespace sightline::investigation
