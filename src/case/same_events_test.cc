// The event stage: pairs showing one place whose recordings can lie within the window of each
// other are suggested as the same event; pairs too far apart in time, of one moment already, or
// whose place finding was rejected are not. And the sounds stage, which stores what is heard.
#include "case/same_events.h"

#include <gtest/gtest.h>

#include "analysis/events/scene_synth.h"
#include "case/case_test_fixture.h"
#include "case/findings.h"
#include "case/heard_events.h"
#include "case/relations.h"
#include "evidence/ingest.h"
#include "test_util.h"

namespace sightline::investigation {
namespace {

class SameEventsTest : public EmptyCase {
 protected:
  void SetUp() override {
    EmptyCase::SetUp();
    if (HasFatalFailure()) return;
  }
  // Ingests a 2 s clip whose container states `created` (UTC) as its capture time (which also
  // makes the files differ).
  std::int64_t Clip(const std::string& name, const std::string& created) {
    const std::string path = dir_ / name;
    sightline::testing::MakeMedia(
        {"-f", "lavfi", "-i", "testsrc2=s=160x120:r=10:d=2", "-c:v", "libx264", "-preset",
         "ultrafast", "-pix_fmt", "yuv420p", "-metadata", "creation_time=" + created},
        path);
    evidence::IngestReport r = evidence::IngestFile(*case_, who_, path, {});
    EXPECT_EQ(r.outcome, evidence::IngestOutcome::kStored) << r.message;
    return r.item_id;
  }
  void Relate(const char* kind, std::int64_t a, std::int64_t b) {
    Relation r;
    r.kind = kind;
    r.item_a = a;
    r.item_b = b;
    auto added = AddRelation(*case_, who_, r);
    ASSERT_TRUE(added.ok()) << added.status().message();
  }
};

TEST_F(SameEventsTest, OnePlaceAtAboutOneTime) {
  const auto a = Clip("a.mp4", "2026-03-01T10:00:00Z");
  const auto b = Clip("b.mp4", "2026-03-01T10:20:00Z");       // 20 min later, same place
  const auto far = Clip("c.mp4", "2026-03-01T14:00:00Z");     // same place, 4 h later
  const auto moment = Clip("d.mp4", "2026-03-01T10:05:00Z");  // same place and moment
  const auto rejected = Clip("e.mp4", "2026-03-01T10:10:00Z");
  Relate("same_place", a, b);
  Relate("same_place", a, far);
  Relate("same_place", a, moment);
  Relate("same_moment", a, moment);
  Suggestion place;
  place.kind = FindingKind::kSamePlace;
  place.item_a = b;
  place.item_b = rejected;
  place.analyzer = "scene";
  place.version = 1;
  place.score = 0.7;
  place.evidence = "{}";
  ASSERT_TRUE(RecordSuggestions(*case_, who_, {place}).ok());
  auto listed = ListFindings(*case_, FindingFilter());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  ASSERT_TRUE(Decide(*case_, who_, (*listed)[0].id, FindingStatus::kRejected, "other street").ok());

  auto out = FindSameEvents(*case_, SameEventOptions());
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->run.suggestions.size(), 1u);
  const Suggestion& s = out->run.suggestions[0];
  EXPECT_EQ(s.kind, FindingKind::kSameEvent);
  EXPECT_EQ(s.item_a, a);
  EXPECT_EQ(s.item_b, b);
  // A stated place scores 1; 20 min minus a's 2 s apart in an hour's window: 1 − ½·1198/3600.
  EXPECT_NEAR(s.score, 1 - 0.5 * 1198.0 / 3600, 1e-3);
  const auto evidence = nlohmann::json::parse(s.evidence);
  EXPECT_NEAR(evidence["gap_s"].get<double>(), 1198, 0.5);
  EXPECT_EQ(evidence["place"]["relation"].is_number(), true);
  EXPECT_EQ(evidence["a_start"]["earliest"], "2026-03-01T10:00:00.000Z");

  // A narrower window leaves nothing; recorded suggestions are not suggested anew.
  SameEventOptions narrow;
  narrow.window_s = 600;
  auto none = FindSameEvents(*case_, narrow);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->run.suggestions.empty());
  auto recorded = RecordRun(*case_, who_, out->run);
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(*recorded, 1);
  auto again = FindSameEvents(*case_, SameEventOptions());
  ASSERT_TRUE(again.ok());
  auto recorded_again = RecordRun(*case_, who_, again->run);
  ASSERT_TRUE(recorded_again.ok());
  EXPECT_EQ(*recorded_again, 0);
}

TEST_F(SameEventsTest, SoundsStageStoresWhatIsHeardOnce) {
  namespace synth = analysis::events::synth;
  synth::Synth gen(7);
  synth::SceneSpec spec;
  spec.seconds = 12;
  spec.events = 3;
  spec.snr_lo_db = 30;
  const synth::Scene scene = gen.MakeScene(spec);
  sightline::testing::WriteFile(dir_ / "street.wav", synth::WavBytes(scene.samples, scene.rate));
  evidence::IngestReport heard = evidence::IngestFile(*case_, who_, dir_ / "street.wav", {});
  ASSERT_EQ(heard.outcome, evidence::IngestOutcome::kStored) << heard.message;
  sightline::testing::WriteFile(dir_ / "notes.txt", "not media");
  evidence::IngestReport notes = evidence::IngestFile(*case_, who_, dir_ / "notes.txt", {});

  auto first = FindHeardEvents(*case_, who_, HeardEventsOptions());
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_FALSE(first->failed) << (first->warnings.empty() ? "" : first->warnings[0]);
  EXPECT_EQ(first->extracted, 1u);
  EXPECT_EQ(first->run.items.size(), 2u);  // the notes are done with: nothing to hear
  ASSERT_TRUE(RecordRun(*case_, who_, first->run).ok());
  auto stored = StoredHeardEvents(*case_, heard.item_id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  const nlohmann::json& events = (**stored)["events"];
  EXPECT_GE(events.size(), 2u) << **stored;
  EXPECT_LE(events.size(), 5u) << **stored;
  auto none = StoredHeardEvents(*case_, notes.item_id);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  auto again = FindHeardEvents(*case_, who_, HeardEventsOptions());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->extracted, 0u);
  EXPECT_TRUE(again->run.items.empty());
}

}  // namespace
}  // namespace sightline::investigation
