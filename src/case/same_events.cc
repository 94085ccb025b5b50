#include "case/same_events.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "case/findings.h"
#include "case/relations.h"
#include "case/timeline.h"

namespace sightline::investigation {

namespace {

using Pair = std::pair<std::int64_t, std::int64_t>;

Pair Ordered(std::int64_t a, std::int64_t b) { return a < b ? Pair{a, b} : Pair{b, a}; }

// What says a pair shows one place: the first finding or relation met, with its score (a
// person's statement counts as 1).
struct PlaceEvidence {
  const char* what = "finding";
  std::int64_t id = 0;
  double score = 0;
};

nlohmann::json SpanJson(const TimeSpan& s) {
  return {{"earliest", TimeText(s.earliest)}, {"latest", TimeText(s.latest)}};
}

}  // namespace

Result<StageOutcome> FindSameEvents(evidence::Case& c, const SameEventOptions& options) {
  StageOutcome out;
  out.run.analyzer = kSameEventAnalyzer;
  out.run.version = kSameEventVersion;

  std::map<Pair, PlaceEvidence> places;
  std::set<Pair> one_event;  // same footage or same moment: one event trivially
  SL_ASSIGN_OR_RETURN(std::vector<Finding> findings, ListFindings(c, FindingFilter()));
  for (const Finding& f : findings) {
    if (f.status == FindingStatus::kRejected) continue;
    const Pair p = Ordered(f.suggestion.item_a, f.suggestion.item_b);
    switch (f.suggestion.kind) {
      case FindingKind::kSamePlace:
        if (!places.count(p)) places[p] = {"finding", f.id, f.suggestion.score};
        break;
      case FindingKind::kSameFootage:
      case FindingKind::kSameMoment:
        one_event.insert(p);
        break;
      case FindingKind::kSameEvent:
        break;
    }
  }
  SL_ASSIGN_OR_RETURN(std::vector<Relation> relations, ListRelations(c, 0));
  for (const Relation& r : relations) {
    const Pair p = Ordered(r.item_a, r.item_b);
    if (r.kind == "same_place") places[p] = {"relation", r.id, 1.0};
    if (r.kind == "same_footage" || r.kind == "same_moment") one_event.insert(p);
  }
  if (places.empty()) return out;

  SL_ASSIGN_OR_RETURN(Timeline timeline, BuildTimeline(c));
  std::map<std::int64_t, const TimelineItem*> placed;
  for (const TimelineItem& t : timeline.items) {
    if (t.start && t.start->bounded() &&
        t.start->latest - t.start->earliest <= options.max_uncertainty_s) {
      placed[t.item_id] = &t;
    }
  }
  out.items = timeline.items.size();
  for (const auto& [pair, place] : places) {
    if (one_event.count(pair)) continue;
    auto a = placed.find(pair.first), b = placed.find(pair.second);
    if (a == placed.end() || b == placed.end()) continue;
    ++out.compared;
    const TimelineItem& ta = *a->second;
    const TimelineItem& tb = *b->second;
    // The smallest distance the two recordings can have, given what places each.
    const double gap = std::max({0.0, ta.start->earliest - (tb.start->latest + tb.duration_s),
                                 tb.start->earliest - (ta.start->latest + ta.duration_s)});
    if (gap > options.window_s) continue;
    nlohmann::json evidence = {
        {"place", {{place.what, place.id}, {"score", std::round(place.score * 1000) / 1000}}},
        {"gap_s", std::round(gap * 1000) / 1000},
        {"window_s", options.window_s},
        {"a_start", SpanJson(*ta.start)},
        {"b_start", SpanJson(*tb.start)},
        {"a_duration_s", ta.duration_s},
        {"b_duration_s", tb.duration_s}};
    Suggestion s;
    s.kind = FindingKind::kSameEvent;
    s.item_a = pair.first;
    s.item_b = pair.second;
    s.analyzer = out.run.analyzer;
    s.version = out.run.version;
    s.score = std::clamp(place.score * (1 - 0.5 * gap / options.window_s), 0.0, 1.0);
    s.evidence = evidence.dump();
    out.run.suggestions.push_back(std::move(s));
  }
  return out;
}

}  // namespace sightline::investigation
