#include "case/moments.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "case/case_test_fixture.h"
#include "case/findings.h"
#include "evidence/case.h"
#include "evidence/ingest.h"
#include "evidence/verify.h"
#include "sync_fixtures.h"
#include "test_util.h"

namespace sightline::investigation {
namespace {

using sightline::testing::MakeMedia;

// A case of four recordings: three of one 40 s scene (their places in it known exactly) and one of
// something else, plus a file that is not media.
//   item 1  b.m4a   the scene from 7.5 s to 27.5 s, another microphone with noise, AAC
//   item 2  a.wav   the whole scene
//   item 3  v.mp4   a video whose sound is the scene from 20 s to 32 s, AAC
//   item 4  c.wav   another scene
//   item 5  junk    not media: tried, and left out quietly
// Item 1 starts later in the scene than item 2, so the pair (1, 2) has a negative offset.
class SameMoments : public EmptyCase {
 protected:
  static constexpr int kRate = 44100;

  void SetUp() override {
    EmptyCase::SetUp();
    if (HasFatalFailure()) return;

    namespace fx = sightline::testing;
    const auto scene = fx::MakeScene(40, kRate, 31);
    auto b = fx::OtherDevice(fx::Excerpt(scene, kRate, 7.5, 20), kRate, 32);
    fx::AddNoise(&b, 12, 32);
    fx::WriteWav(dir_ / "b.wav", b, kRate);
    MakeMedia({"-i", dir_ / "b.wav", "-c:a", "aac", "-b:a", "64k"}, dir_ / "b.m4a");
    fx::WriteWav(dir_ / "a.wav", scene, kRate);
    fx::WriteWav(dir_ / "v.wav", fx::Excerpt(scene, kRate, 20, 12), kRate);
    MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=12", "-i", dir_ / "v.wav",
               "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a",
               "aac", "-b:a", "64k", "-shortest"},
              dir_ / "v.mp4");
    fx::WriteWav(dir_ / "c.wav", fx::MakeScene(20, kRate, 33), kRate);
    sightline::testing::WriteFile(dir_ / "junk", std::string(3000, 'x'));
    for (const char* name : {"b.m4a", "a.wav", "v.mp4", "c.wav", "junk"}) {
      evidence::IngestReport r = evidence::IngestFile(*case_, who_, dir_ / name, {});
      ASSERT_NE(r.outcome, evidence::IngestOutcome::kRefused) << name << ": " << r.message;
    }
  }

  int Count(const std::string& action) {
    auto all = case_->log().All();
    EXPECT_TRUE(all.ok());
    int n = 0;
    for (const auto& e : *all) n += e.action == action;
    return n;
  }

  static MomentOptions Options() {
    MomentOptions o;
    o.threads = 2;
    return o;
  }
};

// The suggestions by pair, with their evidence parsed.
std::map<std::pair<std::int64_t, std::int64_t>, nlohmann::json> ByPair(const MomentRun& run) {
  std::map<std::pair<std::int64_t, std::int64_t>, nlohmann::json> out;
  for (const Suggestion& s : run.suggestions) {
    out[{s.item_a, s.item_b}] = nlohmann::json::parse(s.evidence);
  }
  return out;
}

TEST_F(SameMoments, SuggestsEachPairWithTheOffsetOnTheLowerItemsClock) {
  std::map<MomentProgress::Stage, std::vector<int>> events;  // started, units done, finished
  std::map<MomentProgress::Stage, std::size_t> announced;
  MomentOptions o = Options();
  o.on_progress = [&](const MomentProgress& p) {
    auto& e = events[p.stage];
    e.resize(3);
    ++e[static_cast<int>(p.event)];
    if (p.event == MomentProgress::Event::kStageStarted) announced[p.stage] += p.units;
  };
  auto run = FindSameMoments(*case_, who_, o);
  ASSERT_TRUE(run.ok()) << run.status().message();

  // The junk file is left out quietly; the others are read.
  ASSERT_EQ(run->inputs.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(run->inputs[i].item_id, static_cast<std::int64_t>(i + 1));
    EXPECT_TRUE(run->inputs[i].read) << run->inputs[i].name << ": " << run->inputs[i].error;
  }
  EXPECT_TRUE(run->warnings.empty()) << run->warnings[0].message;
  EXPECT_EQ(run->stats.items, 4);
  EXPECT_EQ(run->stats.fingerprinted, 4);
  EXPECT_EQ(run->stats.up_to_date, 0);

  // Exactly the three pairs of the scene; item_a's clock, item_b's time 0.
  ASSERT_EQ(run->suggestions.size(), 3u);
  for (const Suggestion& s : run->suggestions) {
    EXPECT_EQ(s.kind, FindingKind::kSameMoment);
    EXPECT_EQ(s.analyzer, "sync");
    EXPECT_EQ(s.version, kSameMomentVersion);
    EXPECT_LT(s.item_a, s.item_b);
    EXPECT_GT(s.score, 0.9);
    EXPECT_LE(s.score, 1.0);
  }
  auto pairs = ByPair(*run);
  auto at = [&](std::int64_t a, std::int64_t b) { return pairs[std::make_pair(a, b)]; };
  ASSERT_EQ(pairs.count({1, 2}), 1u);
  ASSERT_EQ(pairs.count({1, 3}), 1u);
  ASSERT_EQ(pairs.count({2, 3}), 1u);
  EXPECT_NEAR(at(1, 2)["offset_s"].get<double>(), -7.5, 0.002);  // a.wav began first
  EXPECT_NEAR(at(1, 3)["offset_s"].get<double>(), 12.5, 0.002);
  EXPECT_NEAR(at(2, 3)["offset_s"].get<double>(), 20.0, 0.002);
  EXPECT_NEAR(at(1, 2)["overlap_s"].get<double>(), 20, 0.1);
  EXPECT_NEAR(at(1, 3)["overlap_s"].get<double>(), 7.5, 0.1);
  for (auto& [pair, e] : pairs) {
    EXPECT_TRUE(e.contains("confidence") && e.contains("significance")) << e.dump();
    EXPECT_TRUE(e["other_candidates"].is_array()) << e.dump();
    EXPECT_FALSE(e.contains("drift_ppm")) << e.dump();  // overlaps too short to measure drift
  }

  // One group of three on one clock; the other scene alone.
  ASSERT_EQ(run->groups.groups.size(), 1u);
  EXPECT_EQ(run->groups.groups[0].size(), 3u);
  EXPECT_LT(run->groups.group_of[3], 0);

  // Progress: every stage started is finished, with as many units done as announced.
  for (auto& [stage, e] : events) {
    EXPECT_EQ(e[0], e[2]);
    EXPECT_EQ(static_cast<std::size_t>(e[1]), announced[stage]);
  }
  EXPECT_EQ(announced[MomentProgress::Stage::kFingerprinting], 5u);  // the junk is tried too
  EXPECT_EQ(announced[MomentProgress::Stage::kMatching],
            static_cast<std::size_t>(run->stats.candidate_pairs));

  // Nothing recorded by the run itself; recorded by the caller, stored as suggested.
  EXPECT_EQ(Count("findings_suggested"), 0);
  auto added = RecordSuggestions(*case_, who_, run->suggestions);
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(*added, 3);
  auto listed = ListFindings(*case_, {});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].suggestion.item_a, 1);
  EXPECT_EQ((*listed)[0].suggestion.item_b, 2);
  EXPECT_NEAR(FindingJson((*listed)[0])["evidence"]["offset_s"].get<double>(), -7.5, 0.002);
  EXPECT_TRUE(evidence::VerifyCase(*case_).ok());
}

TEST_F(SameMoments, RerunReusesStoredSignals) {
  auto first = FindSameMoments(*case_, who_, Options());
  ASSERT_TRUE(first.ok()) << first.status().message();
  const int derived = Count("derive");
  EXPECT_EQ(derived, 8);  // a fingerprint and an envelope for each of the four recordings
  ASSERT_TRUE(RecordSuggestions(*case_, who_, first->suggestions).ok());

  auto again = FindSameMoments(*case_, who_, Options());
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(Count("derive"), derived);  // nothing computed again
  EXPECT_EQ(again->stats.fingerprinted, 0);
  EXPECT_EQ(again->stats.up_to_date, 4);
  ASSERT_EQ(again->suggestions.size(), first->suggestions.size());
  for (std::size_t i = 0; i < first->suggestions.size(); ++i) {
    EXPECT_EQ(again->suggestions[i].item_a, first->suggestions[i].item_a);
    EXPECT_EQ(again->suggestions[i].item_b, first->suggestions[i].item_b);
    EXPECT_EQ(again->suggestions[i].evidence, first->suggestions[i].evidence);
  }
  // Recording the same suggestions again adds nothing.
  auto added = RecordSuggestions(*case_, who_, again->suggestions);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 0);

  // With every pair's outcome known to the caller, a run decodes none of the recordings (the
  // file that is not media is tried again: ingest may have missed a stream).
  MomentOptions o = Options();
  std::map<MomentProgress::Stage, std::size_t> done;
  o.on_progress = [&](const MomentProgress& p) {
    if (p.event == MomentProgress::Event::kUnitDone) ++done[p.stage];
  };
  o.already_done = [](std::int64_t a, std::int64_t b) { return a < b; };
  auto known = FindSameMoments(*case_, who_, o);
  ASSERT_TRUE(known.ok()) << known.status().message();
  EXPECT_EQ(done[MomentProgress::Stage::kFingerprinting], 1u);  // the junk
  EXPECT_EQ(done[MomentProgress::Stage::kDecoding], 0u);
  EXPECT_EQ(done[MomentProgress::Stage::kMatching], 0u);
  EXPECT_EQ(known->stats.skipped_pairs, first->stats.candidate_pairs);
  EXPECT_TRUE(known->suggestions.empty());
  EXPECT_EQ(Count("derive"), derived);
}

TEST_F(SameMoments, StageRecordsItsRunAndResumesWithNothingToDo) {
  auto first = FindSameMomentsStage(*case_, who_, Options());
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->items, 4u);
  EXPECT_EQ(first->extracted, 4u);
  EXPECT_FALSE(first->failed);
  EXPECT_EQ(first->run.analyzer, "sync");
  EXPECT_EQ(first->run.items, (std::vector<std::int64_t>{1, 2, 3, 4}));
  ASSERT_EQ(first->run.suggestions.size(), 3u);
  auto recorded = RecordRun(*case_, who_, first->run);
  ASSERT_TRUE(recorded.ok()) << recorded.status().message();
  EXPECT_EQ(*recorded, 3);

  MomentOptions o = Options();
  std::map<MomentProgress::Stage, std::size_t> done;
  o.on_progress = [&](const MomentProgress& p) {
    if (p.event == MomentProgress::Event::kUnitDone) ++done[p.stage];
  };
  auto again = FindSameMomentsStage(*case_, who_, o);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->reused, 4u);
  EXPECT_EQ(again->extracted, 0u);
  EXPECT_EQ(again->compared, 0u);
  EXPECT_TRUE(again->run.items.empty());
  EXPECT_TRUE(again->run.suggestions.empty());
  EXPECT_EQ(done[MomentProgress::Stage::kDecoding], 0u);
  EXPECT_EQ(done[MomentProgress::Stage::kMatching], 0u);
}

TEST(SameMomentEvidence, NamesDriftAndTheOtherOffsetsOnlyWhenThere) {
  analysis::sync::PairSync s;
  s.matched = true;
  s.offset_s = -3.25000049;
  s.confidence = 0.98765;
  s.overlap_s = 61.2;
  s.score = 23.4567;
  s.candidates = {{-3.25, 0.98765, 23.4567, 61.2, 0}, {1.75, 0.7, 9.1, 58.0, 0}};
  auto j = nlohmann::json::parse(SameMomentEvidence(s));
  EXPECT_EQ(j["offset_s"], -3.25);
  EXPECT_EQ(j["confidence"], 0.988);
  EXPECT_EQ(j["significance"], 23.457);
  EXPECT_FALSE(j.contains("drift_ppm"));
  ASSERT_EQ(j["other_candidates"].size(), 1u);  // the best is the pair's own offset
  EXPECT_EQ(j["other_candidates"][0]["offset_s"], 1.75);

  s.drift_estimated = true;
  s.drift_ppm = -104.2;
  s.offset_end_s = -3.2436;
  s.candidates.resize(1);
  j = nlohmann::json::parse(SameMomentEvidence(s));
  EXPECT_EQ(j["drift_ppm"], -104.2);
  EXPECT_EQ(j["offset_end_s"], -3.2436);
  EXPECT_TRUE(j["other_candidates"].empty());
  EXPECT_EQ(SameMomentEvidence(s).find(' '), std::string::npos);  // compact
}

}  // namespace
}  // namespace sightline::investigation
