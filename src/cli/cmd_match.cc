// sightline match: which clips share footage, where on both time lines, and why (evidence).
// Signatures are extracted once per file (signals/visual/match_signature.h) with a Chromaprint
// fingerprint of the sound (analysis/match/soundtrack.h), the pairs worth it are matched
// (analysis/match/match.h), and the pairs are joined into groups of copies.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "analysis/match/footage_groups.h"
#include "analysis/match/match.h"
#include "analysis/match/match_json.h"
#include "analysis/match/match_set.h"
#include "analysis/match/originality.h"
#include "analysis/match/shortlist.h"
#include "analysis/match/soundtrack.h"
#include "base/file.h"
#include "base/parallel.h"
#include "case/match_signals.h"
#include "cli/args.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/extraction_meter.h"
#include "cli/output.h"
#include "evidence/frame_index.h"
#include "evidence/identity.h"
#include "evidence/signal_store.h"
#include "media/probe.h"
#include "signals/audio/fingerprint.h"
#include "signals/match_input.h"
#include "signals/visual/match_signature.h"

namespace sightline::cli {

namespace {

namespace visual = signals::visual;
namespace audio = signals::audio;
namespace am = analysis::match;

constexpr char kUsage[] =
    "Usage: sightline match [--json] [--explain] [--threads N] [--all-pairs] [--no-sound] FILE...\n"
    "       sightline match --case DIR [--json] [--explain] [--threads N] [--all-pairs]\n"
    "                       [--no-sound] [FILE...]\n"
    "\n"
    "Finds the footage that videos (and images grabbed from them) share, under re-encoding,\n"
    "resizing, cropping, bars, overlays, mirroring and rotation, colour changes, noise and blur,\n"
    "frame-rate and speed changes (up to 15 %), excerpts, picture-in-picture and a screen filmed\n"
    "with a phone; and which parts: one segment per shared stretch, in seconds of each file.\n"
    "Two takes of one scene (same room, same camera) are told apart by how their content moves.\n"
    "The sound is compared too (Chromaprint): a pair with the same soundtrack is matched even\n"
    "when no frame looks alike, a pair whose sound agrees says so, and the same soundtrack under\n"
    "pictures that do not match is listed apart (\"soundtracks\"), not as shared footage.\n"
    "\n"
    "  --case DIR         match the pictures (videos, images) of a case; their signatures are\n"
    "                     stored in the case (derived/match_signature/) and reused; files are\n"
    "                     named \"#ID name\"; the JSON adds \"case\" and \"signatures\":\n"
    "                     {\"items\",\"reused\",\"extracted\"}. With FILEs: the FILEs against the\n"
    "                     case; the case's frame index names the items holding a frame of a\n"
    "                     FILE (PDQ within 31 bits, any orientation), the stored sound\n"
    "                     fingerprints those with its soundtrack, and only those are matched\n"
    "                     (so crops, insets and filmed screens need the full run); the JSON\n"
    "                     adds \"index_frames\" and \"lookup\":[{\"file\",\"items\":[{\"item\",\n"
    "                     \"frames\",\"best_distance\",\"file_t\",\"item_t\"}],\"sound\":[ITEM]}]\n"
    "  --explain          every hypothesis tried for every pair and the verdict, on stderr\n"
    "  --threads N        files read and pairs matched at once (default 2)\n"
    "  --all-pairs        match every pair; by default only pairs with a similar frame (PDQ),\n"
    "                     shared keypoints (ORB) or the same soundtrack are matched, which\n"
    "                     finds the same pairs at a fraction of the time (doc/match.md)\n"
    "  --no-sound         pictures only: the sound is not decoded nor compared\n"
    "  --json             {\"pairs\":[{\"a\",\"b\",\"score\",\"mirrored\",\"static\",\n"
    "                     \"segments\":[{\"a_start\",\"a_end\",\"b_start\",\"b_end\",\"score\",\n"
    "                     \"speed\",\"appearance\",\"motion\",\"static\",\"method\",\n"
    "                     \"transform\",\"mirrored\",\"region\"}],\n"
    "                     \"evidence\":[{\"segment\",\"a_t\",\"b_t\",\"distance\",\"method\",\n"
    "                     \"similarity\"}],\"sound\"}],\n"
    "                     \"soundtracks\":[{\"a\",\"b\",\"offset_s\",\"bit_error\",\"overlap_s\",\n"
    "                     \"footage\"}],\n"
    "                     \"groups\":[{\"group\",\"files\",\"footage\":[{\"file\",\"start\",\n"
    "                     \"end\"}],\"ranking\":[{\"file\",\"rank\",\n"
    "                     \"reasons\"}]}],\n"
    "                     "
    "\"files\":[{\"file\",\"duration_s\",\"still\",\"frames\",\"sound\",\"warnings\"}],\n"
    "                     "
    "\"comparisons\":{\"pairs\",\"compared\",\"by_pdq\",\"by_orb\",\"by_sound\",\n"
    "                     \"all_pairs\"}}\n"
    "\n"
    "a, b: the files of a pair, in the order given. score: 0..1 (about 0.5 for a static scene,\n"
    "which only appearance can confirm). speed: b seconds per a second. transform: what turns\n"
    "a's picture into b's (\"none\", \"mirror\", \"rotate90cw\", \"rotate180\", ..., or\n"
    "\"geometric\" for a crop, inset or filmed screen, found from keypoints); region: where a's\n"
    "picture lies in b's frame (x0, y0, x1, y1, fractions of b's frame). evidence: frame pairs\n"
    "that proposed each segment, with their PDQ distance (bits of 256) or mean ORB descriptor\n"
    "distance, and the appearance correlation there. A still's segment is a_start = a_end.\n"
    "groups: files that share one footage (a compilation is in one group per source it\n"
    "holds; two sources of one compilation are not one group), each with two files or more;\n"
    "footage: the stretch of each file's time line that holds it.\n"
    "ranking: its copies from the closest to the original (rank 1) down, each with the reasons\n"
    "that told it apart (camera metadata, re-encoding tags, capture time, size, bitrate,\n"
    "coverage, bars, transforms): a suggestion to check, not a verdict.\n"
    "sound (on a pair): null when the two do not carry one soundtrack; else {\"offset_s\" (time\n"
    "in a at which b's time 0 falls), \"bit_error\" (fraction of fingerprint bits that differ;\n"
    "copies 0.01-0.1, unrelated sound about 0.5), \"overlap_s\", \"agrees\" (the footage's\n"
    "segments lie at the sound's offset; false: the sound was laid under other times)}.\n"
    "soundtracks: every pair carrying one soundtrack; footage: whether the pictures matched.\n"
    "files[].sound: whether the file's sound was fingerprinted (false: none, or silent).\n"
    "\n"
    "Exit status: 0 every file was read, 1 a file could not be read (the others are still\n"
    "matched), 2 usage.\n";

double R3(double v) { return std::round(v * 1000) / 1000; }

nlohmann::ordered_json PairJson(const am::PairMatch& m, const std::string& a, const std::string& b,
                                const am::SoundtrackMatch* sound) {
  nlohmann::ordered_json p = {{"a", a}, {"b", b}};
  p.update(am::PairMatchJson(m, sound));
  return p;
}

using Input = signals::MatchInput;

// A footage group's copies from the closest to the original down
// (analysis/match/originality.h), judged on the group's own segments only: a compilation's other
// sources say nothing about this footage. `facts`: each file's, by input index.
std::vector<am::RankedCopy> RankGroup(const am::FootageGroup& group,
                                      const std::map<int, am::CopyFacts>& facts,
                                      const std::vector<am::MatchedFiles>& matched) {
  std::vector<am::CopyFacts> copies;
  std::map<int, int> member;  // input index → index into copies
  for (int i : group.files) {
    member[i] = static_cast<int>(copies.size());
    copies.push_back(facts.at(i));
  }
  std::map<int, am::PairMatch> own;  // matched index → the pair with this group's segments
  for (const auto& [p, s] : group.segments) {
    am::PairMatch& m = own[p];
    m.matched = true;
    m.segments.push_back(matched[p].match->segments[s]);
  }
  std::vector<am::GroupPair> pairs;
  for (const auto& [p, m] : own)
    pairs.push_back({member.at(matched[p].a), member.at(matched[p].b), &m});
  am::AddMatchFacts(pairs, &copies);
  return am::RankCopies(copies);
}

// Extracts the signatures of inputs[k] for k in `which`, with progress; with `sound`, the
// fingerprints of their sound too.
void ExtractSignatures(std::vector<Input>* inputs, const std::vector<std::size_t>& which,
                       int threads, bool sound) {
  ExtractionMeter progress("match");
  signals::ExtractMatchInputs(inputs, which, threads, sound, &progress);
}

// Matches the inputs whose signatures were read and prints pairs and groups. `failed`: some input
// already failed before (the exit status says so). `queries` > 0: only pairs with one of the
// first `queries` inputs are matched. `head`: keys printed first in the JSON.
int MatchInputs(std::vector<Input>& inputs, const Args& args, int threads, bool failed,
                std::size_t queries, const nlohmann::ordered_json& head) {
  const bool json = args.Has("json");
  const bool explain = args.Has("explain");
  std::vector<int> ok;  // indices of inputs read
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].sig.ok()) {
      Warn("match", inputs[i].sig.status().message());
      failed = true;
      continue;
    }
    const visual::MatchSignature& s = *inputs[i].sig;
    ok.push_back(static_cast<int>(i));
    files.push_back({{"file", inputs[i].name},
                     {"duration_s", R3(s.Span())},
                     {"still", s.still},
                     {"frames", s.frames.size()},
                     {"sound", inputs[i].sound.has_value()},
                     {"warnings", s.warnings}});
  }
  // The pairs worth matching, and their matches (analysis/match/match_set.h). With queries,
  // only pairs with a query in them count; queries are the first inputs, so the readable ones
  // are the first positions in `ok`.
  std::vector<const visual::MatchSignature*> sigs;
  std::vector<const audio::AudioFingerprint*> sounds;
  std::size_t readable_queries = 0;
  for (int i : ok) {
    sigs.push_back(&*inputs[i].sig);
    sounds.push_back(inputs[i].sound ? &*inputs[i].sound : nullptr);
    readable_queries += i < static_cast<int>(queries);
  }
  am::MatchSetOptions mso;
  mso.all_pairs = args.Has("all-pairs");
  if (queries > 0) {
    mso.queries.assign(ok.size(), false);
    for (std::size_t k = 0; k < readable_queries; ++k) mso.queries[k] = true;
  }
  mso.threads = threads;
  mso.trace = explain;
  const am::MatchSet set = am::MatchAll(sigs, sounds, mso);
  const auto in_scope = [&](int jj, int ii) {
    return queries == 0 || ok[jj] < static_cast<int>(queries) || ok[ii] < static_cast<int>(queries);
  };
  nlohmann::ordered_json pairs = nlohmann::ordered_json::array();
  std::vector<am::MatchedFiles> matched;  // input indices and the match
  for (const am::ComparedPair& r : set.pairs) {
    const int jj = r.a, ii = r.b;
    const Input& in_a = inputs[ok[jj]];
    const Input& in_b = inputs[ok[ii]];
    const am::PairMatch& m = r.match;
    if (explain) {
      std::fprintf(stderr, "== %s vs %s: %s\n", in_a.name.c_str(), in_b.name.c_str(),
                   m.matched ? "MATCH" : "no match");
      for (const auto& t : r.trace) std::fprintf(stderr, "  %s\n", t.c_str());
    }
    if (!m.matched) continue;
    matched.push_back({ok[jj], ok[ii], &m});
    const auto heard = set.sound.find({jj, ii});
    const am::SoundtrackMatch* same_sound = heard == set.sound.end() ? nullptr : &heard->second;
    if (json) {
      pairs.push_back(PairJson(m, in_a.name, in_b.name, same_sound));
    } else {
      const char* sound_note = !same_sound ? ""
                               : am::SoundAgreesWithFootage(*same_sound, m)
                                   ? "  sound agrees"
                                   : "  same sound, other times";
      std::printf("%s  <->  %s  score %.2f%s%s%s\n", in_a.name.c_str(), in_b.name.c_str(), m.score,
                  m.mirrored ? "  mirrored" : "", m.is_static ? "  static" : "", sound_note);
      for (const auto& seg : m.segments) {
        std::printf("    a %7.2f-%7.2f s  b %7.2f-%7.2f s  score %.2f  %s, %s\n", seg.a_start,
                    seg.a_end, seg.b_start, seg.b_end, seg.score, seg.method.c_str(),
                    seg.transform.c_str());
      }
    }
  }
  if (explain) {
    // The pairs the shortlist left out, so that "why did these not match" has an answer too.
    std::set<std::pair<int, int>> compared(set.compared.begin(), set.compared.end());
    for (std::size_t ii = 0; ii < ok.size(); ++ii)
      for (std::size_t jj = 0; jj < ii; ++jj)
        if (in_scope(static_cast<int>(jj), static_cast<int>(ii)) &&
            !compared.count({static_cast<int>(jj), static_cast<int>(ii)}))
          std::fprintf(stderr, "== %s vs %s: not compared (no similar frame, keypoints or sound)\n",
                       inputs[ok[jj]].name.c_str(), inputs[ok[ii]].name.c_str());
  }
  // Every pair with one soundtrack, and whether its pictures matched as well.
  nlohmann::ordered_json soundtracks = nlohmann::ordered_json::array();
  {
    std::set<std::pair<int, int>> footage;
    for (const am::MatchedFiles& m : matched) footage.insert({m.a, m.b});
    for (const auto& [p, m] : set.sound) {
      const Input& a = inputs[ok[p.first]];
      const Input& b = inputs[ok[p.second]];
      const bool both = footage.count({ok[p.first], ok[p.second]}) > 0;
      nlohmann::ordered_json j = {{"a", a.name}, {"b", b.name}};
      j.update(am::SoundtrackJson(m));
      j["footage"] = both;
      soundtracks.push_back(j);
      if (!json && !both) {
        std::printf(
            "%s  <->  %s  same soundtrack, pictures not matched: b starts at a's %.2f s, "
            "%.0f%% of fingerprint bits differ over %.1f s\n",
            a.name.c_str(), b.name.c_str(), m.offset_s, 100 * m.bit_error, m.overlap_s);
      }
    }
  }
  const auto groups = am::GroupFootage(matched);
  // What each grouped file's probe and signature say, read once: a compilation is in several
  // groups.
  std::map<int, am::CopyFacts> facts;
  for (const am::FootageGroup& g : groups) {
    for (int i : g.files) {
      auto [it, added] = facts.try_emplace(i);
      if (added) {
        it->second = am::CopyFactsFromProbe(inputs[i].name, media::ProbeFile(inputs[i].path));
        it->second.bars = am::HasBars(*inputs[i].sig);
        it->second.still = it->second.still || inputs[i].sig->still;
      } else {
        ++it->second.other_footage;
      }
    }
  }
  if (json) {
    nlohmann::ordered_json gj = nlohmann::ordered_json::array();
    for (std::size_t g = 0; g < groups.size(); ++g) {
      nlohmann::ordered_json names = nlohmann::ordered_json::array();
      for (int i : groups[g].files) names.push_back(inputs[i].name);
      nlohmann::ordered_json footage = nlohmann::ordered_json::array();
      for (const am::FootageSpan& f : groups[g].spans) {
        footage.push_back(
            {{"file", inputs[f.file].name}, {"start", R3(f.start)}, {"end", R3(f.end)}});
      }
      nlohmann::ordered_json ranking = nlohmann::ordered_json::array();
      for (const am::RankedCopy& r : RankGroup(groups[g], facts, matched))
        ranking.push_back({{"file", r.id}, {"rank", r.rank}, {"reasons", r.reasons}});
      gj.push_back(
          {{"group", g + 1}, {"files", names}, {"footage", footage}, {"ranking", ranking}});
    }
    nlohmann::ordered_json out = head.is_object() ? head : nlohmann::ordered_json::object();
    out["pairs"] = pairs;
    out["soundtracks"] = soundtracks;
    out["groups"] = gj;
    out["files"] = files;
    out["comparisons"] = {{"pairs", set.stats.pairs_total}, {"compared", set.compared.size()},
                          {"by_pdq", set.stats.pdq_pairs},  {"by_orb", set.stats.orb_pairs},
                          {"by_sound", set.by_sound},       {"all_pairs", args.Has("all-pairs")}};
    PrintOrderedJson(out);
  } else {
    if (matched.empty()) std::printf("no shared footage among %zu file(s)\n", ok.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
      std::printf("group %zu: %zu files share this footage\n", g + 1, groups[g].files.size());
      std::map<std::string, std::string> held;  // file → the stretches of it that hold it
      for (const am::FootageSpan& f : groups[g].spans) {
        if (f.end <= f.start) continue;
        std::string& h = held[inputs[f.file].name];
        char span[64];
        std::snprintf(span, sizeof span, "%.2f-%.2f s", f.start, f.end);
        h += (h.empty() ? "" : ", ") + std::string(span);
      }
      for (const am::RankedCopy& r : RankGroup(groups[g], facts, matched)) {
        const auto it = held.find(r.id);
        std::printf("  %d. %s%s%s\n", r.rank, r.id.c_str(),
                    it == held.end() ? "" : ("  " + it->second).c_str(),
                    r.rank == 1 ? "  (closest to the original)" : "");
        for (const std::string& why : r.reasons) std::printf("       %s\n", why.c_str());
      }
    }
    if (set.compared.size() < set.stats.pairs_total) {
      std::printf(
          "compared %zu of %zu pairs; the others share no similar frame, keypoints or sound\n",
          set.compared.size(), set.stats.pairs_total);
    }
  }
  return failed ? kExitFailed : kExitOk;
}

int MatchFiles(const Args& args, int threads) {
  std::vector<Input> inputs;
  std::vector<std::size_t> all;
  std::set<std::string> seen;
  for (const std::string& path : args.positional()) {
    // The same file twice would only match itself.
    if (!seen.insert(path).second) {
      Warn("match", DisplayPath(path) + " is given more than once; matched once");
      continue;
    }
    Input in;
    in.name = DisplayPath(path);
    in.path = path;
    all.push_back(inputs.size());
    inputs.push_back(std::move(in));
  }
  ExtractSignatures(&inputs, all, threads, !args.Has("no-sound"));
  return MatchInputs(inputs, args, threads, /*failed=*/false, 0, nlohmann::ordered_json::object());
}

using CaseSignatures = investigation::CaseMatchSignals;

// The "signatures" member of the JSON, and the warnings of loading them printed.
nlohmann::ordered_json SignatureStats(const CaseSignatures& cs, std::size_t items) {
  for (const std::string& w : cs.warnings()) Warn("match", w);
  return {{"items", items}, {"reused", cs.reused()}, {"extracted", cs.extracted()}};
}

std::vector<std::size_t> AllIndices(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

// Every picture item of the case against every other.
int MatchCase(evidence::Case& c, CaseSignatures& cs, const Args& args, int threads) {
  const auto all = AllIndices(cs.inputs().size());
  cs.Load(all, threads);
  if (!args.Has("no-sound")) cs.LoadSound(all, threads);
  auto index = evidence::CaseFrameIndex::Open(c, cs.key().params);
  if (index.ok()) cs.UpdateIndex(&*index);
  std::vector<Input> pictures = cs.TakePictures(all);
  nlohmann::ordered_json head = {{"case", DisplayPath(c.dir())},
                                 {"signatures", SignatureStats(cs, pictures.size())}};
  return MatchInputs(pictures, args, threads, cs.failed(), 0, head);
}

// FILEs against the case: the case's frame index names the items holding any of their frames
// (PDQ within 31 bits, any orientation); only those items' signatures are read and matched.
int LookupInCase(evidence::Case& c, CaseSignatures& cs, const Args& args, int threads) {
  auto index = evidence::CaseFrameIndex::Open(c, cs.key().params);
  if (!index.ok()) {
    Warn("match", index.status().message());
    return kExitFailed;
  }
  // Items not indexed yet (added since the last `match --case`) are indexed first.
  std::vector<std::size_t> unindexed;
  for (std::size_t i = 0; i < cs.inputs().size(); ++i) {
    if (!index->Contains(cs.inputs()[i].item_id)) unindexed.push_back(i);
  }
  cs.Load(unindexed, threads);
  cs.UpdateIndex(&*index);
  std::vector<Input> inputs;
  std::set<std::string> seen;
  for (const std::string& path : args.positional()) {
    if (!seen.insert(path).second) continue;
    Input in;
    in.name = DisplayPath(path);
    in.path = path;
    inputs.push_back(std::move(in));
  }
  const std::size_t queries = inputs.size();
  ExtractSignatures(&inputs, AllIndices(queries), threads, !args.Has("no-sound"));
  if (!args.Has("no-sound")) cs.LoadSound(AllIndices(cs.inputs().size()), threads);
  std::map<std::int64_t, std::size_t> position;  // item id → index into cs.inputs()
  for (std::size_t i = 0; i < cs.inputs().size(); ++i) position[cs.inputs()[i].item_id] = i;
  std::set<std::size_t> hit_items;
  nlohmann::ordered_json lookup = nlohmann::ordered_json::array();
  for (const Input& in : inputs) {
    if (!in.sig.ok()) continue;
    auto hits = index->Lookup(*in.sig, analysis::match::kDefaultHashRadius);
    if (!hits.ok()) {
      Warn("match", in.name + ": " + hits.status().message());
      continue;
    }
    nlohmann::ordered_json found = nlohmann::ordered_json::array();
    for (const evidence::FrameIndexHit& h : *hits) {
      auto p = position.find(h.item_id);
      if (p == position.end()) continue;
      hit_items.insert(p->second);
      found.push_back({{"item", cs.inputs()[p->second].name},
                       {"frames", h.frames},
                       {"best_distance", h.best_distance},
                       {"file_t", R3(h.query_t)},
                       {"item_t", R3(h.item_t)}});
    }
    nlohmann::ordered_json same_sound = nlohmann::ordered_json::array();
    if (in.sound) {
      for (std::size_t i : cs.SameSound(*in.sound)) {
        hit_items.insert(i);
        same_sound.push_back(cs.inputs()[i].name);
      }
    }
    lookup.push_back({{"file", in.name}, {"items", found}, {"sound", same_sound}});
  }
  const std::vector<std::size_t> which(hit_items.begin(), hit_items.end());
  cs.Load(which, threads);
  for (Input& in : cs.TakePictures(which)) inputs.push_back(std::move(in));
  nlohmann::ordered_json head = {
      {"case", DisplayPath(c.dir())}, {"index_frames", index->frames()}, {"lookup", lookup}};
  for (const std::string& w : cs.warnings()) Warn("match", w);
  return MatchInputs(inputs, args, threads, cs.failed(), queries, head);
}

int RunOnCase(const Args& args, int threads) {
  auto opened = OpenCaseToWrite("match", args.Get("case"));
  if (!opened) return kExitFailed;
  auto& c = opened->c;
  const evidence::Identity* who = &opened->who;
  ExtractionMeter progress("match");
  CaseSignatures cs(*c, *who, &progress);
  if (Status listed = cs.List(); !listed.ok()) {
    Warn("match", listed.message());
    return kExitFailed;
  }
  return args.positional().empty() ? MatchCase(*c, cs, args, threads)
                                   : LookupInCase(*c, cs, args, threads);
}

int Run(const Args& args) {
  int threads = 2;
  if (args.Has("threads") && !ParseWholeNumber(args.Get("threads"), 1, 64, &threads))
    return UsageError("match",
                      "--threads needs a number from 1 to 64, not '" + args.Get("threads") + "'");
  if (args.Has("case")) return RunOnCase(args, threads);
  if (args.positional().empty()) return UsageError("match", "no FILE given");
  return MatchFiles(args, threads);
}

}  // namespace

extern const Command kMatchCommand = {
    "match", "shared footage between clips: which parts, under which edit, and the evidence",
    kUsage,  {{"json", "explain", "all-pairs", "no-sound"}, {"threads", "case"}, {}},
    Run,
};

}  // namespace sightline::cli
