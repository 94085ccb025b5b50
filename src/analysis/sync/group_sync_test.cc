#include "analysis/sync/group_sync.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sync_fixtures.h"
#include "test_util.h"

namespace sightline::analysis::sync {
namespace {

PairEdge Edge(int a, int b, double offset, double score = 50,
              std::vector<double> alternatives = {}) {
  PairEdge e;
  e.a = a, e.b = b;
  e.sync.matched = true;
  e.sync.offset_s = offset;
  e.sync.score = score;
  e.sync.candidates.push_back({offset, 0.9, score, 10, 0});
  for (double alt : alternatives) e.sync.candidates.push_back({alt, 0.8, score / 2, 10, 0});
  return e;
}

TEST(GroupSync, ConsistentPairsGiveOneClock) {
  // Clips 0..3 start at 5, 0, 12.5, 7 on the event's clock; pairs measured with small errors.
  const double t[] = {5, 0, 12.5, 7};
  std::vector<PairEdge> edges;
  const double noise[] = {0.0004, -0.0003, 0.0002, 0.0005, -0.0001, 0.0};
  int k = 0;
  for (int a = 0; a < 4; ++a) {
    for (int b = a + 1; b < 4; ++b) edges.push_back(Edge(a, b, t[b] - t[a] + noise[k++]));
  }
  GroupResult g = SolveGroups(5, edges);
  ASSERT_EQ(g.groups.size(), 1u);
  EXPECT_EQ(g.groups[0], (std::vector<int>{1, 0, 3, 2}));
  for (int c = 0; c < 4; ++c) EXPECT_NEAR(g.start_s[c], t[c], 0.0005) << c;
  EXPECT_EQ(g.group_of[4], -1);
  EXPECT_TRUE(g.conflicts.empty());
  EXPECT_LT(g.group_rms_ms[0], 0.5);
}

TEST(GroupSync, ConflictingPairIsReportedAndLeftOut) {
  // 0→1 = 2, 1→2 = 3, 0→2 should be 5; a weak pair claims 0→2 = 9.
  std::vector<PairEdge> edges = {Edge(0, 1, 2.0, 80), Edge(1, 2, 3.0, 70), Edge(0, 3, 1.0, 60),
                                 Edge(3, 2, 4.0, 60), Edge(0, 2, 9.0, 20)};
  GroupResult g = SolveGroups(4, edges);
  ASSERT_EQ(g.conflicts.size(), 1u);
  EXPECT_EQ(g.conflicts[0].a, 0);
  EXPECT_EQ(g.conflicts[0].b, 2);
  EXPECT_NEAR(g.conflicts[0].expected_s, 5.0, 1e-6);
  EXPECT_NEAR(g.conflicts[0].residual_s, 4.0, 1e-6);
  EXPECT_EQ(g.used_candidate[4], -1);
  EXPECT_NEAR(g.start_s[2] - g.start_s[0], 5.0, 1e-6);
}

TEST(GroupSync, AlternativeCandidateResolvesARepeatedSound) {
  // Pair 0~2 heard the same sound twice: its best offset is 30 s off, its second one agrees.
  std::vector<PairEdge> edges = {Edge(0, 1, 4.0, 90), Edge(1, 2, 6.0, 90),
                                 Edge(0, 2, 40.0, 40, {10.0})};
  GroupResult g = SolveGroups(3, edges);
  EXPECT_TRUE(g.conflicts.empty());
  EXPECT_EQ(g.used_candidate[2], 1);
  EXPECT_NEAR(g.start_s[2] - g.start_s[0], 10.0, 1e-9);
}

TEST(GroupSync, SeparateGroups) {
  std::vector<PairEdge> edges = {Edge(0, 2, 1.5), Edge(1, 3, -2.0), Edge(3, 4, 0.5)};
  GroupResult g = SolveGroups(6, edges);
  ASSERT_EQ(g.groups.size(), 2u);
  EXPECT_EQ(g.groups[0].size(), 3u);  // largest first
  EXPECT_EQ(g.group_of[0], 1);
  EXPECT_EQ(g.group_of[5], -1);
  EXPECT_NEAR(g.start_s[3], 0, 1e-9);  // earliest of its group
  EXPECT_NEAR(g.start_s[1], 2.0, 1e-9);
  EXPECT_NEAR(g.start_s[4], 0.5, 1e-9);
}

// End to end: seven recordings, four of one event, two of another, one of neither.
TEST(GroupSync, SevenRecordingsOfTwoEvents) {
  testing::ScratchDir dir;
  constexpr int kRate = 32000;
  const auto event1 = testing::MakeScene(50, kRate, 31);
  const auto event2 = testing::MakeScene(30, kRate, 32);
  struct Rec {
    const std::vector<float>* scene;
    double start, length;
  };
  const std::vector<Rec> recs = {{&event1, 0, 30},  {&event2, 2, 20}, {&event1, 12, 25},
                                 {&event1, 25, 25}, {&event2, 9, 20}, {&event1, 6.5, 10}};
  std::vector<std::unique_ptr<Clip>> clips;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    auto x =
        testing::OtherDevice(testing::Excerpt(*recs[i].scene, kRate, recs[i].start, recs[i].length),
                             kRate, static_cast<unsigned>(40 + i), 0.3, 0.7);
    testing::AddNoise(&x, 10, static_cast<unsigned>(i));
    const std::string path = dir / ("r" + std::to_string(i) + ".wav");
    testing::WriteWav(path, x, kRate);
    auto f = signals::audio::ExtractSyncFeatures(path, {});
    ASSERT_TRUE(f.ok());
    clips.push_back(std::make_unique<Clip>(
        std::make_shared<const signals::audio::SyncFeatures>(std::move(*f))));
  }
  {
    const std::string path = dir / "alone.wav";
    testing::WriteWav(path, testing::MakeScene(20, kRate, 33), kRate);
    auto f = signals::audio::ExtractSyncFeatures(path, {});
    ASSERT_TRUE(f.ok());
    clips.push_back(std::make_unique<Clip>(
        std::make_shared<const signals::audio::SyncFeatures>(std::move(*f))));
  }
  std::vector<PairEdge> edges;
  for (int a = 0; a < static_cast<int>(clips.size()); ++a) {
    for (int b = a + 1; b < static_cast<int>(clips.size()); ++b) {
      PairSync s = SyncPair(*clips[a], *clips[b]);
      if (s.matched) edges.push_back({a, b, s});
    }
  }
  GroupResult g = SolveGroups(static_cast<int>(clips.size()), edges);
  ASSERT_EQ(g.groups.size(), 2u);
  EXPECT_EQ(g.groups[0], (std::vector<int>{0, 5, 2, 3}));
  EXPECT_EQ(g.groups[1], (std::vector<int>{1, 4}));
  EXPECT_EQ(g.group_of[6], -1);
  EXPECT_TRUE(g.conflicts.empty());
  for (int c : {0, 2, 3, 5}) EXPECT_NEAR(g.start_s[c], recs[c].start, 0.002) << c;
  EXPECT_NEAR(g.start_s[4] - g.start_s[1], 7.0, 0.002);
}

}  // namespace
}  // namespace sightline::analysis::sync
