#include "case/place_groups.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

namespace sightline::investigation {

namespace {

// Union-find over item ids (Tarjan 1975), path halving.
class Components {
 public:
  std::int64_t Find(std::int64_t x) {
    parent_.try_emplace(x, x);
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void Join(std::int64_t a, std::int64_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::map<std::int64_t, std::int64_t> parent_;
};

}  // namespace

std::vector<PlaceGroup> GroupPlaces(const std::vector<PlaceLink>& links) {
  Components all, confirmed;
  for (const PlaceLink& l : links) {
    if (l.item_a == l.item_b) continue;
    all.Join(l.item_a, l.item_b);
    if (l.confirmed) confirmed.Join(l.item_a, l.item_b);
  }
  std::map<std::int64_t, PlaceGroup> by_root;
  std::set<std::int64_t> seen;
  for (const PlaceLink& l : links) {
    if (l.item_a == l.item_b) continue;
    PlaceGroup& g = by_root[all.Find(l.item_a)];
    g.links.push_back(l);
    for (std::int64_t item : {l.item_a, l.item_b})
      if (seen.insert(item).second) g.items.push_back(item);
  }
  std::vector<PlaceGroup> out;
  for (auto& [root, g] : by_root) {
    std::sort(g.items.begin(), g.items.end());
    std::stable_sort(g.links.begin(), g.links.end(), [](const PlaceLink& x, const PlaceLink& y) {
      if (x.confirmed != y.confirmed) return x.confirmed;
      return x.score > y.score;
    });
    const std::int64_t first = confirmed.Find(g.items.front());
    g.confirmed = std::all_of(g.items.begin(), g.items.end(),
                              [&](std::int64_t i) { return confirmed.Find(i) == first; });
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(), [](const PlaceGroup& x, const PlaceGroup& y) {
    if (x.items.size() != y.items.size()) return x.items.size() > y.items.size();
    return x.items.front() < y.items.front();
  });
  return out;
}

std::vector<PlaceLink> PlaceLinks(const std::vector<Finding>& findings,
                                  const std::vector<Relation>& relations) {
  std::vector<PlaceLink> links;
  const auto joins = [](FindingKind k) {
    return k == FindingKind::kSamePlace || k == FindingKind::kSameFootage;
  };
  // A person who rejected one such finding of a pair said the two are not one place: other
  // suggestions for the pair (the other kind, a later analyzer version) do not join it again;
  // only an acceptance or a statement does.
  std::set<std::pair<std::int64_t, std::int64_t>> rejected;
  for (const Finding& f : findings)
    if (f.status == FindingStatus::kRejected && joins(f.suggestion.kind))
      rejected.insert(std::minmax(f.suggestion.item_a, f.suggestion.item_b));
  for (const Finding& f : findings) {
    const FindingKind k = f.suggestion.kind;
    if (f.status == FindingStatus::kRejected || !joins(k)) continue;
    if (f.status == FindingStatus::kSuggested &&
        rejected.count(std::minmax(f.suggestion.item_a, f.suggestion.item_b)))
      continue;
    links.push_back({f.suggestion.item_a, f.suggestion.item_b, FindingKindName(k), false, f.id,
                     f.suggestion.score, f.status == FindingStatus::kAccepted});
  }
  for (const Relation& r : relations) {
    if (r.kind != "same_place" && r.kind != "same_footage") continue;
    links.push_back({r.item_a, r.item_b, r.kind, true, r.id, 1.0, true});
  }
  return links;
}

Result<std::vector<PlaceGroup>> ListPlaceGroups(evidence::Case& c) {
  SL_ASSIGN_OR_RETURN(std::vector<Finding> findings, ListFindings(c, FindingFilter()));
  SL_ASSIGN_OR_RETURN(std::vector<Relation> relations, ListRelations(c, 0));
  return GroupPlaces(PlaceLinks(findings, relations));
}

nlohmann::json PlaceGroupJson(const PlaceGroup& g) {
  std::set<std::pair<std::int64_t, std::int64_t>> linked;
  nlohmann::json links = nlohmann::json::array();
  for (const PlaceLink& l : g.links) {
    linked.insert(std::minmax(l.item_a, l.item_b));
    links.push_back({{"a", l.item_a},
                     {"b", l.item_b},
                     {"kind", l.kind},
                     {l.stated ? "relation" : "finding", l.id},
                     {"score", std::round(l.score * 1000) / 1000},
                     {"confirmed", l.confirmed}});
  }
  const std::size_t n = g.items.size();
  return {{"items", g.items},
          {"pairs", n * (n - 1) / 2},
          {"pairs_linked", linked.size()},
          {"confirmed", g.confirmed},
          {"links", links}};
}

nlohmann::json PlaceGroupsJson(const std::vector<PlaceGroup>& groups,
                               const std::vector<std::int64_t>& items) {
  std::set<std::int64_t> grouped;
  nlohmann::json list = nlohmann::json::array();
  for (const PlaceGroup& g : groups) {
    grouped.insert(g.items.begin(), g.items.end());
    list.push_back(PlaceGroupJson(g));
  }
  std::set<std::int64_t> ungrouped;
  for (std::int64_t id : items)
    if (!grouped.count(id)) ungrouped.insert(id);
  return {{"groups", list}, {"ungrouped", ungrouped}};
}

}  // namespace sightline::investigation
