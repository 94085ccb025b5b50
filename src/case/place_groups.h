// Which items of a case show one place, taken together: the groups that the case's same-place
// links connect. A link is a same_place or same_footage finding not rejected (a copy shows its
// original's place; the place stage does not compare copies again), or a relation of those kinds
// a person stated (`sightline link`). Once a person rejected one such finding of a pair, the
// pair's other suggestions do not link it (an acceptance or a statement still does).
//
// Links chain: A ~ B and B ~ C put A, B and C in one group even when A and C were not matched
// themselves (views along a street, cameras around a room each sharing part of a neighbour's
// view). So a group is what the pictures connect, which may be wider than any one picture, and
// it lists every link inside it, so that a reader can follow the chain and see which pairs were
// matched directly. `confirmed` says whether links a person accepted or stated connect the whole
// group on their own; otherwise it rests at least in part on suggestions.
//
// Thread safety: GroupPlaces is a pure function; ListPlaceGroups reads the case (one thread per
// Case).
#ifndef SIGHTLINE_CASE_PLACE_GROUPS_H_
#define SIGHTLINE_CASE_PLACE_GROUPS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "case/findings.h"
#include "case/relations.h"
#include "evidence/case.h"

namespace sightline::investigation {

struct PlaceLink {
  std::int64_t item_a = 0;
  std::int64_t item_b = 0;
  std::string kind;        // "same_place" or "same_footage"
  bool stated = false;     // a relation a person stated; else a finding
  std::int64_t id = 0;     // the finding's or the relation's
  double score = 1;        // the finding's; 1 for a relation
  bool confirmed = false;  // stated, or a finding a person accepted
};

struct PlaceGroup {
  std::vector<std::int64_t> items;  // ascending, at least 2
  std::vector<PlaceLink> links;     // every link between two of them, strongest first
  bool confirmed = false;           // the confirmed links alone connect every item
};

// The connected components of `links` with 2 or more items: largest first, then by their
// smallest item. Links naming one item twice are ignored.
std::vector<PlaceGroup> GroupPlaces(const std::vector<PlaceLink>& links);

// The links (see above) among `findings` and `relations` (all of a case's, as ListFindings and
// ListRelations give them).
std::vector<PlaceLink> PlaceLinks(const std::vector<Finding>& findings,
                                  const std::vector<Relation>& relations);

// The groups of the case's links: GroupPlaces(PlaceLinks(its findings, its relations)).
Result<std::vector<PlaceGroup>> ListPlaceGroups(evidence::Case& c);

// {"items":[..],"pairs","pairs_linked","confirmed","links":[{"a","b","kind","finding"|"relation",
//  "score","confirmed"}]}: `pairs` is the number of pairs of items in the group, `pairs_linked`
// how many of them have a link of their own.
nlohmann::json PlaceGroupJson(const PlaceGroup& g);

// {"groups":[PlaceGroupJson..],"ungrouped":[ID..]}: `ungrouped` are the ids of `items` (every
// item of the case) in no group, ascending. `sightline places --json` and GET /api/places.
nlohmann::json PlaceGroupsJson(const std::vector<PlaceGroup>& groups,
                               const std::vector<std::int64_t>& items);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_PLACE_GROUPS_H_
