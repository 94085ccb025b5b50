// Sources, observations, locations, relations and claims: what each refuses, what it keeps, and
// that every write is a custody entry and the case still verifies.
#include "case/claims.h"

#include <gtest/gtest.h>

#include "case/case_test_fixture.h"
#include "case/findings.h"
#include "case/locations.h"
#include "case/observations.h"
#include "case/relations.h"
#include "case/sources.h"
#include "evidence/verify.h"

namespace sightline::investigation {
namespace {

class ModelTest : public OnBackend<CaseWithItems> {};

TEST_P(ModelTest, SourcesAndTheirItems) {
  Source s;
  s.kind = "blogger";
  s.name = "x";
  EXPECT_FALSE(AddSource(*case_, who_, s).ok());  // unknown kind
  s.kind = "account";
  s.name = "";
  EXPECT_FALSE(AddSource(*case_, who_, s).ok());  // no name
  s.kind = "account";
  s.name = "Resident of Podil";
  s.handle = "@podil_resident";
  s.platform = "Telegram";
  auto added = AddSource(*case_, who_, s);
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(added->id, 1);
  EXPECT_EQ(added->provenance.actor, "desk@newsroom");

  ItemSource link;
  link.item_id = 2;
  link.source_id = 1;
  link.how = "forwarded by the author";
  ASSERT_TRUE(LinkItemToSource(*case_, who_, link).ok());
  EXPECT_EQ(LinkItemToSource(*case_, who_, link).status().code(), StatusCode::kAlreadyExists);
  link.source_id = 5;
  EXPECT_EQ(LinkItemToSource(*case_, who_, link).status().code(), StatusCode::kNotFound);
  link.item_id = 9;
  link.source_id = 1;
  EXPECT_EQ(LinkItemToSource(*case_, who_, link).status().code(), StatusCode::kNotFound);

  auto of2 = ListItemSources(*case_, 2);
  ASSERT_EQ(of2->size(), 1u);
  EXPECT_EQ(of2->front().how, "forwarded by the author");
  EXPECT_TRUE(ListItemSources(*case_, 1)->empty());
  EXPECT_EQ(ListSources(*case_)->front().handle, "@podil_resident");
  EXPECT_EQ(Actions().back(), "item_source_linked");
}

TEST_P(ModelTest, ObservationsCheckTimesAndRegions) {
  Observation o;
  o.item_id = 1;
  o.kind = "speech";
  o.start_s = 12.5;
  o.end_s = 14.0;
  o.text = "a man shouts a slogan";
  o.language = "uk";
  o.original = "Слава Україні";
  o.translation = "Glory to Ukraine";
  auto added = AddObservation(*case_, who_, o);
  ASSERT_TRUE(added.ok()) << added.status().message();

  Observation bad = o;
  bad.end_s = 3;  // before the start
  EXPECT_FALSE(AddObservation(*case_, who_, bad).ok());
  bad = o;
  bad.kind = "smell";
  EXPECT_FALSE(AddObservation(*case_, who_, bad).ok());
  bad = o;
  bad.region = Region{0.5, 0.5, 0.6, 0.2};  // runs off the right edge
  EXPECT_FALSE(AddObservation(*case_, who_, bad).ok());
  bad = o;
  bad.item_id = 9;
  EXPECT_EQ(AddObservation(*case_, who_, bad).status().code(), StatusCode::kNotFound);

  Observation truck;
  truck.item_id = 1;
  truck.kind = "visual";
  truck.start_s = 3;
  truck.region = ParseRegion("0.1,0.2,0.3,0.4");
  truck.text = "burning truck, marking V";
  ASSERT_TRUE(AddObservation(*case_, who_, truck).ok());

  auto listed = ListObservations(*case_, 1);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->front().text, "burning truck, marking V");  // by time: 3 s before 12.5 s
  ASSERT_TRUE(listed->front().region.has_value());
  EXPECT_DOUBLE_EQ(listed->front().region->h, 0.4);
  EXPECT_EQ((*listed)[1].original, "Слава Україні");
  EXPECT_TRUE(ObservationJson((*listed)[0])["end_s"].is_null());
  EXPECT_FALSE(ParseRegion("0.1,0.2,0.3"));
}

TEST_P(ModelTest, LocationsOfItemsAndEvents) {
  Location l;
  l.item_id = 2;
  l.lat = 50.4501;
  l.lon = 30.5234;
  l.radius_m = 50;
  l.method = "landmarks";
  ASSERT_TRUE(SetLocation(*case_, who_, l).ok());
  Location bad = l;
  bad.lat = 91;
  EXPECT_FALSE(SetLocation(*case_, who_, bad).ok());
  bad = l;
  bad.radius_m = -1;
  EXPECT_FALSE(SetLocation(*case_, who_, bad).ok());
  bad = l;
  bad.method = "guess";
  EXPECT_FALSE(SetLocation(*case_, who_, bad).ok());

  Observation blast;
  blast.item_id = 3;
  blast.kind = "sound";
  blast.start_s = 40;
  blast.text = "explosion";
  auto o = AddObservation(*case_, who_, blast);
  ASSERT_TRUE(o.ok());
  Location at_event;
  at_event.observation_id = o->id;
  at_event.lat = 50.46;
  at_event.lon = 30.51;
  at_event.radius_m = 500;
  at_event.method = "source_statement";
  auto set = SetLocation(*case_, who_, at_event);
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->item_id, 3);  // the observation's item
  at_event.item_id = 1;        // not the observation's item
  EXPECT_FALSE(SetLocation(*case_, who_, at_event).ok());

  EXPECT_EQ(ListLocations(*case_, 0)->size(), 2u);
  EXPECT_EQ(ListLocations(*case_, 3)->front().observation_id, o->id);
}

TEST_P(ModelTest, RelationsBetweenItems) {
  Relation r;
  r.kind = "before";
  r.item_a = 1;
  r.item_b = 3;
  r.note = "the truck no longer burns in 3";
  ASSERT_TRUE(AddRelation(*case_, who_, r).ok());
  r.offset_s = 2.0;  // only for same_moment
  EXPECT_FALSE(AddRelation(*case_, who_, r).ok());
  r.kind = "same_moment";
  ASSERT_TRUE(AddRelation(*case_, who_, r).ok());
  r.item_b = 1;
  EXPECT_FALSE(AddRelation(*case_, who_, r).ok());
  auto of3 = ListRelations(*case_, 3);
  ASSERT_EQ(of3->size(), 2u);
  EXPECT_EQ(*(*of3)[1].offset_s, 2.0);
  EXPECT_TRUE(ListRelations(*case_, 2)->empty());
}

TEST_P(ModelTest, ClaimsCarryEvidenceAndTheirConfidenceHistory) {
  ASSERT_TRUE(
      RecordSuggestions(*case_, who_, {{FindingKind::kSamePlace, 1, 2, "scene", 1, 0.8, "{}"}})
          .ok());
  EXPECT_FALSE(ParseEvidenceRef("finding").ok());
  EXPECT_FALSE(ParseEvidenceRef("truck:1").ok());
  EXPECT_FALSE(ParseEvidenceRef("finding:x").ok());
  auto ref = ParseEvidenceRef("finding:1");
  ASSERT_TRUE(ref.ok());

  Claim claim;
  claim.statement = "Clips 1 and 2 were filmed at the same crossing";
  claim.confidence = "unconfirmed";
  claim.evidence = {*ref};
  auto missing = *ParseEvidenceRef("observation:4");
  missing.supports = false;
  claim.evidence.push_back(missing);
  std::size_t entries = Actions().size();
  EXPECT_EQ(AddClaim(*case_, who_, claim).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Actions().size(), entries);  // nothing written
  claim.evidence.pop_back();
  claim.confidence = "probable";
  EXPECT_FALSE(AddClaim(*case_, who_, claim).ok());
  claim.confidence = "unconfirmed";
  auto added = AddClaim(*case_, who_, claim);
  ASSERT_TRUE(added.ok()) << added.status().message();
  ASSERT_EQ(added->evidence.size(), 1u);
  EXPECT_EQ(ClaimJson(*added)["evidence"][0]["ref"], "finding:1");
  EXPECT_EQ(added->decided_by, "desk@newsroom");
  EXPECT_FALSE(added->decided_at.empty());

  EXPECT_FALSE(SetConfidence(*case_, who_, added->id, "likely", "").ok());  // reason required
  auto raised = SetConfidence(*case_, who_, added->id, "likely", "same shop sign in both");
  ASSERT_TRUE(raised.ok());
  EXPECT_EQ(raised->confidence, "likely");
  EXPECT_EQ(raised->reason, "same shop sign in both");
  auto head = case_->log().Head();
  EXPECT_EQ((*head)->action, "claim_confidence_set");
  EXPECT_NE((*head)->details.find("\"was\":\"unconfirmed\""), std::string::npos);

  ClaimEvidence against = *ParseEvidenceRef("item:3");
  against.claim_id = added->id;
  against.supports = false;
  against.note = "different kerb";
  ASSERT_TRUE(AddClaimEvidence(*case_, who_, against).ok());
  auto claims = ListClaims(*case_);
  ASSERT_EQ(claims->size(), 1u);
  ASSERT_EQ(claims->front().evidence.size(), 2u);
  EXPECT_FALSE(claims->front().evidence[1].supports);
  EXPECT_TRUE(evidence::VerifyCase(*case_).ok());
}

SIGHTLINE_ON_BACKENDS(ModelTest);

}  // namespace
}  // namespace sightline::investigation
