#include "case/analyze.h"

#include <gtest/gtest.h>

#include "case/case_test_fixture.h"
#include "case/findings.h"

namespace sightline::investigation {
namespace {

class AnalyzePlanTest : public EmptyCase {
 protected:
  void Ingest(const std::string& path) {
    evidence::IngestReport r = evidence::IngestFile(*case_, who_, path, {});
    ASSERT_EQ(r.outcome, evidence::IngestOutcome::kStored) << r.message;
  }
  static const StageWork* Find(const std::vector<StageWork>& plan, const std::string& stage) {
    for (const StageWork& w : plan) {
      if (w.stage == stage) return &w;
    }
    return nullptr;
  }
};

// The plan counts, per stage, the items it has still to read and their duration; a stage that
// has done an item no longer counts it, and a skipped stage is not planned.
TEST_F(AnalyzePlanTest, CountsWhatEachStageHasStillToRead) {
  sightline::testing::MakeTestVideo(dir_ / "clip.mp4", 2.0);  // picture and sound
  Ingest(dir_ / "clip.mp4");
  sightline::testing::MakeMedia({"-f", "lavfi", "-i", "testsrc=s=64x48", "-frames:v", "1"},
                                dir_ / "photo.png");
  Ingest(dir_ / "photo.png");
  sightline::testing::MakeMedia({"-f", "lavfi", "-i", "sine=duration=3"}, dir_ / "voice.wav");
  Ingest(dir_ / "voice.wav");

  AnalyzeOptions options;
  auto plan = PlanAnalysis(*case_, options);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->size(), 6u);  // every stage that reads items; event reads none
  const StageWork* footage = Find(*plan, "footage");
  ASSERT_NE(footage, nullptr);
  EXPECT_EQ(footage->items, 2u);  // the clip and the photo
  EXPECT_NEAR(footage->media_s, 2.0 + kStillMediaS, 0.1);
  const StageWork* sounds = Find(*plan, "sounds");
  ASSERT_NE(sounds, nullptr);
  EXPECT_EQ(sounds->items, 2u);  // the clip and the recording
  EXPECT_NEAR(sounds->media_s, 5.0, 0.1);
  EXPECT_EQ(Find(*plan, "gps")->items, 1u);
  EXPECT_GT(Find(*plan, "place")->work(), Find(*plan, "footage")->work());

  AnalysisRun run;
  run.analyzer = kFootageAnalyzer;
  run.version = FootageAnalyzerVersion();
  run.items = {1, 2};
  ASSERT_TRUE(RecordRun(*case_, who_, run).ok());
  options.text = false;
  auto after = PlanAnalysis(*case_, options);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Find(*after, "footage")->items, 0u);
  EXPECT_EQ(Find(*after, "text"), nullptr);
  EXPECT_EQ(Find(*after, "place")->items, 2u);
}

}  // namespace
}  // namespace sightline::investigation
